"""/quote and /driver through the real discord.py client, with the quote buttons."""

from __future__ import annotations

import itertools
from typing import Any

from emulator import CallbackType
from tests.cogs.conftest import (
    answer,
    assert_buttons_answer_only_their_owner,
    button,
    button_disabled,
    told_privately,
)
from tests.discord_harness import DiscordHarness


def fields_of(embed: dict[str, Any]) -> dict[str, str]:
    return {f["name"]: f["value"] for f in embed.get("fields") or []}


async def test_quote_shows_speaker_team_date_and_source(paddock: DiscordHarness) -> None:
    message = await answer(paddock, "quote", {"person": "russell"})
    assert not message.ephemeral
    [embed] = message.embeds
    speaker, team, date = embed["author"]["name"].split(" · ")
    assert (speaker, team) == ("George Russell", "Mercedes")
    assert len(date) == 10 and date[4] == "-" and date[7] == "-"
    assert embed["description"].startswith("“") and embed["description"].endswith("”")
    assert fields_of(embed)["Source"]
    assert not button_disabled(message, "Another")


async def test_quote_by_autocomplete_id(paddock: DiscordHarness) -> None:
    message = await answer(paddock, "quote", {"person": "max-verstappen"})
    assert message.embeds[0]["author"]["name"].startswith("Max Verstappen · Red Bull")


async def test_another_always_steps_to_a_different_quote(paddock: DiscordHarness) -> None:
    message = await answer(paddock, "quote", {"person": "verstappen"})
    shown = [message.embeds[0]["description"]]

    # More presses than Verstappen has quotes: it must wrap around, never repeat in a row.
    for _ in range(6):
        press = await paddock.press(message, button(message, "Another"))
        assert (await press.response())["type"] == CallbackType.UPDATE_MESSAGE
        shown.append(message.embeds[0]["description"])
    assert all(a != b for a, b in itertools.pairwise(shown))
    # Every quote comes round once before the first one returns.
    distinct = len(set(shown))
    assert distinct >= 2
    assert len(set(shown[:distinct])) == distinct
    assert shown[distinct] == shown[0]


async def test_source_shows_the_article_the_quote_came_from(paddock: DiscordHarness) -> None:
    message = await answer(paddock, "quote", {"person": "wolff"})
    quote = message.embeds[0]["description"].strip("“”")

    press = await paddock.press(message, button(message, "Source"))
    reply = await press.response()

    assert reply["data"]["flags"] == 64
    [embed] = reply["data"]["embeds"]
    assert embed["title"] == "Russell upbeat after difficult Imola weekend"
    assert embed["url"] == "https://demo.paddock.invalid/russell-imola"
    # The paragraph around the quote, so the words are seen in their context.
    assert quote.rstrip(",.") in embed["description"]
    assert "Wolff" in embed["description"]


async def test_source_of_a_quote_in_a_plain_text_story_is_its_paragraph(
    paddock: DiscordHarness,
) -> None:
    """The seed story has a byline on separate lines: context must still be the right one."""
    message = await answer(paddock, "quote", {"person": "hamilton", "about": "vulnerability"})
    quote = message.embeds[0]["description"].strip("“”").rstrip(",.")

    press = await paddock.press(message, button(message, "Source"))
    reply = await press.response()

    [embed] = reply["data"]["embeds"]
    assert embed["title"] == "Hamilton offers words of support for Russell"
    assert quote in embed["description"]


async def test_quote_about_filters_by_words(paddock: DiscordHarness) -> None:
    message = await answer(paddock, "quote", {"person": "russell", "about": "monaco"})
    assert "Monaco" in message.embeds[0]["description"]


async def test_quote_about_with_no_match_says_so(paddock: DiscordHarness) -> None:
    reply = await told_privately(paddock, "quote", {"person": "russell", "about": "submarine"})
    text = reply["data"]["embeds"][0]["description"]
    assert text.startswith("I have no quotes from George Russell about 'submarine'.")


async def test_quote_from_nobody_known_says_no_one_matches(paddock: DiscordHarness) -> None:
    reply = await told_privately(paddock, "quote", {"person": "xyzzy"})
    assert reply["data"]["content"].startswith("No one matches 'xyzzy'")


async def test_quote_with_a_typo_finds_the_person(paddock: DiscordHarness) -> None:
    message = await answer(paddock, "quote", {"person": "hamliton"})
    assert message.embeds[0]["author"]["name"].startswith("Lewis Hamilton")


async def test_quote_for_an_unclear_name_suggests_people(paddock: DiscordHarness) -> None:
    handle = await paddock.slash("quote", {"person": "schumacher"})
    reply = await handle.response()

    content = reply["data"]["content"]
    assert content.startswith("No one matches 'schumacher' — did you mean ")
    assert "Schumacher" in content.removeprefix("No one matches 'schumacher'")


async def test_quote_from_someone_never_quoted_offers_their_stories(
    paddock: DiscordHarness,
) -> None:
    reply = await told_privately(paddock, "quote", {"person": "bottas"})
    text = reply["data"]["embeds"][0]["description"]
    assert text.startswith("I have no quotes from Valtteri Bottas yet.")
    assert "Hamilton offers words of support for Russell" in text


async def test_quote_buttons_refuse_someone_else(paddock: DiscordHarness) -> None:
    message = await answer(paddock, "quote", {"person": "russell"})
    await assert_buttons_answer_only_their_owner(paddock, message, ("Another", "Source"))


async def test_driver_profile_has_team_number_nationality_stories_and_quote(
    paddock: DiscordHarness,
) -> None:
    message = await answer(paddock, "driver", {"name": "checo"})
    assert message.embeds[0]["title"] == "Sergio Pérez"

    message = await answer(paddock, "driver", {"name": "verstappen"})
    assert not message.ephemeral
    [embed] = message.embeds
    assert embed["title"] == "Max Verstappen"
    fields = fields_of(embed)
    assert fields["Team"] == "Red Bull"
    assert fields["Number"] == "#3"
    assert fields["Nationality"] == "Dutch"
    assert "Verstappen wary of Monaco qualifying lottery" in fields["Latest stories"]
    [quote_field] = [name for name in fields if name.startswith("Latest quote")]
    assert fields[quote_field].startswith("“At Monaco")


async def test_driver_for_a_team_boss_names_their_role(paddock: DiscordHarness) -> None:
    fields = fields_of((await answer(paddock, "driver", {"name": "toto wolff"})).embeds[0])
    assert fields["Team"].startswith("Mercedes (")


async def test_driver_unknown_says_no_one_matches(paddock: DiscordHarness) -> None:
    reply = await told_privately(paddock, "driver", {"name": "xyzzy"})
    assert reply["data"]["content"].startswith("No one matches 'xyzzy'")


async def test_driver_shows_mid_season_move_by_rounds_and_latest_team(
    paddock: DiscordHarness,
) -> None:
    [embed] = (await answer(paddock, "driver", {"name": "lawson"})).embeds
    assert embed["title"] == "Liam Lawson"
    fields = fields_of(embed)
    # F1DB: Racing Bulls for rounds 1-11 of 2026, Red Bull from round 12.
    assert fields["Team"] == "Red Bull"
    teams = fields["Teams"].splitlines()
    assert teams[0] == "2026: Racing Bulls (rounds 1–11), Red Bull (round 12)"
    assert teams[1] == "2025: Red Bull (rounds 1–2), Racing Bulls (rounds 3–24)"


async def test_driver_shows_the_champion_with_the_number_he_races(
    paddock: DiscordHarness,
) -> None:
    for query in ("norris", "1", "#1"):
        [embed] = (await answer(paddock, "driver", {"name": query})).embeds
        assert embed["title"] == "Lando Norris", query
    fields = fields_of(embed)
    assert fields["World champion"] == "2025"
    assert fields["Number"] == "#1 (permanent #4)"
    assert fields["Team"] == "McLaren"
