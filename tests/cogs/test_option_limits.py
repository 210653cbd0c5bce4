"""Limits declared on every option, enforced the way Discord enforces them: its client
refuses a value outside them, so the interaction never reaches the bot."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.news.stories import MAX_LATEST
from emulator import OptionRejected
from emulator.interactions import MAX_STRING_OPTION_LENGTH
from tests.cogs.conftest import make_bot
from tests.discord_harness import DiscordHarness

INTERACTION_ROUTES = ("POST /interactions/", "POST /webhooks/", "PATCH /webhooks/")


@pytest.fixture
async def paddock_empty(tmp_path: Path) -> AsyncIterator[DiscordHarness]:
    harness = DiscordHarness()
    async with harness.running(make_bot(tmp_path / "paddock.db")) as running:
        yield running


def answers(harness: DiscordHarness) -> list[str]:
    """Every request the bot made to answer an interaction."""
    return [r.path for r in harness.emulator.requests if r.path.startswith(INTERACTION_ROUTES)]


def options_of(command: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for option in command.get("options") or []:
        found += options_of(option) if option["type"] in (1, 2) else [option]
    return found


@pytest.mark.parametrize(
    ("path", "options", "refusal"),
    [
        ("latest", {"count": -5}, "count must be 1 or more"),
        ("latest", {"count": MAX_LATEST + 1}, f"count must be {MAX_LATEST} or less"),
        ("latest", {"count": "lots"}, "count must be a whole number"),
        ("driver", {"name": "x" * 6000}, "name must be 100 characters or fewer"),
        ("quote", {"person": "russell", "about": "y" * 101}, "about must be 100 characters"),
        ("story", {"words": "z" * 201}, "words must be 200 characters or fewer"),
    ],
)
async def test_values_outside_the_declared_limits_never_reach_the_bot(
    paddock_empty: DiscordHarness, path: str, options: dict[str, Any], refusal: str
) -> None:
    with pytest.raises(OptionRejected, match=refusal):
        await paddock_empty.slash(path, options)

    assert not paddock_empty.emulator.interactions
    assert answers(paddock_empty) == []


async def test_values_at_the_limits_are_answered(paddock_empty: DiscordHarness) -> None:
    for path, options in (
        ("latest", {"count": 1}),
        ("latest", {"count": MAX_LATEST}),
        ("driver", {"name": "x" * 100}),
    ):
        handle = await paddock_empty.slash(path, options)
        reply = await handle.response()
        assert reply["type"] in (4, 5), (path, reply)


async def test_every_option_declares_limits_within_discords(
    paddock_empty: DiscordHarness,
) -> None:
    commands = paddock_empty.emulator.state.global_commands.values()
    options = [option for command in commands for option in options_of(command)]
    text = [o for o in options if o["type"] == 3 and not o.get("choices")]
    numbers = [o for o in options if o["type"] in (4, 10)]

    assert text and numbers
    for option in text:
        assert 1 <= option["max_length"] <= MAX_STRING_OPTION_LENGTH, option
    for option in numbers:
        assert option["min_value"] <= option["max_value"], option
