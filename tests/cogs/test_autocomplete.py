"""Autocomplete as Discord asks for it while a fan types: few choices, quickly, best first."""

from __future__ import annotations

from typing import Any

import pytest

from tests.cogs.conftest import answer
from tests.discord_harness import DiscordHarness


async def choices_for(
    harness: DiscordHarness, path: str, options: dict[str, Any], focused: str, **kwargs: Any
) -> list[dict[str, Any]]:
    handle = await harness.autocomplete(path, options, focused, **kwargs)
    await handle.response()
    assert handle.callback_delay is not None and handle.callback_delay < 3
    choices = handle.choices
    assert len(choices) <= 25
    for choice in choices:
        assert 1 <= len(choice["name"]) <= 100 and 1 <= len(str(choice["value"])) <= 100
    return choices


@pytest.mark.parametrize(
    ("path", "option"), [("quote", "person"), ("driver", "name"), ("latest", "about")]
)
async def test_person_options_offer_the_driver_meant_first(
    paddock: DiscordHarness, path: str, option: str
) -> None:
    choices = await choices_for(paddock, path, {option: "verst"}, option)

    assert choices[0]["name"].startswith("Max Verstappen")
    assert choices[0]["value"] == "max-verstappen"


async def test_an_empty_option_offers_a_full_list(paddock: DiscordHarness) -> None:
    for path, option in (("quote", "person"), ("driver", "name"), ("latest", "about")):
        choices = await choices_for(paddock, path, {option: ""}, option)
        assert 10 <= len(choices) <= 25


async def test_a_chosen_person_id_runs_the_command(paddock: DiscordHarness) -> None:
    choices = await choices_for(paddock, "driver", {"name": "lecl"}, "name")
    message = await answer(paddock, "driver", {"name": choices[0]["value"]})
    assert message.embeds[0]["title"] == "Charles Leclerc"


async def test_latest_about_offers_teams_too(paddock: DiscordHarness) -> None:
    choices = await choices_for(paddock, "latest", {"about": "mcl"}, "about")

    assert choices[0] == {"name": "McLaren", "value": "McLaren"}


async def test_long_or_odd_text_gets_an_answer(paddock: DiscordHarness) -> None:
    for typed in ("x" * 2000, "\x00\x1b[31m", "<@&123> @everyone", "   "):
        choices = await choices_for(paddock, "quote", {"person": typed}, "person")
        assert all("@everyone" not in c["name"] for c in choices)


async def test_filter_value_follows_the_kind_chosen(paddock: DiscordHarness) -> None:
    moderator = paddock.world.moderator
    path = "paddock filter add"

    people = await choices_for(
        paddock, path, {"kind": "person", "value": "verst"}, "value", user=moderator
    )
    assert people[0]["name"].startswith("Max Verstappen")

    teams = await choices_for(
        paddock, path, {"kind": "team", "value": "ra"}, "value", user=moderator
    )
    assert teams[0]["name"] == "Racing Bulls"

    every_team = await choices_for(
        paddock, path, {"kind": "team", "value": ""}, "value", user=moderator
    )
    assert "Red Bull" in [c["name"] for c in every_team]

    keywords = await choices_for(
        paddock, path, {"kind": "keyword", "value": "mon"}, "value", user=moderator
    )
    assert keywords == []


async def test_filter_remove_offers_the_filters_set(paddock: DiscordHarness) -> None:
    moderator = paddock.world.moderator
    for kind, value in (("keyword", "monza"), ("keyword", "pit stop"), ("team", "ferrari")):
        added = await paddock.slash(
            "paddock filter add", {"kind": kind, "value": value}, user=moderator
        )
        await added.response()

    keywords = await choices_for(
        paddock,
        "paddock filter remove",
        {"kind": "keyword", "value": ""},
        "value",
        user=moderator,
    )
    assert sorted(c["value"] for c in keywords) == ["monza", "pit stop"]

    hidden = await choices_for(
        paddock,
        "paddock filter remove",
        {"kind": "keyword", "value": ""},
        "value",
        user=paddock.world.fan,
    )
    assert hidden == []
