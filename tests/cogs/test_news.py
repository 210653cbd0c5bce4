"""/latest and /story through the real discord.py client, with their buttons."""

from __future__ import annotations

from emulator import CallbackType, Message
from tests.cogs.conftest import (
    LONG_TITLE,
    answer,
    assert_buttons_answer_only_their_owner,
    button,
    button_disabled,
    told_privately,
)
from tests.discord_harness import DiscordHarness


def headlines(message: Message) -> list[str]:
    """The story headlines listed in a /latest reply, in order."""
    description = message.embeds[0]["description"]
    return [block.split("\n")[0] for block in description.split("\n\n")]


async def test_latest_lists_five_newest_stories_publicly(paddock: DiscordHarness) -> None:
    handle = await paddock.slash("latest")
    reply = await handle.response()

    assert reply["type"] == CallbackType.CHANNEL_MESSAGE
    message = handle.original
    assert message is not None and not message.ephemeral
    assert message.embeds[0]["title"] == "Latest F1 stories"
    listed = headlines(message)
    assert len(listed) == 5
    assert any("Verstappen wary of Monaco qualifying lottery" in h for h in listed)
    # Newest first: the Monaco preview (21 May) comes before the Imola race report (18 May).
    monaco = next(i for i, h in enumerate(listed) if "Monaco qualifying" in h)
    imola = next(i for i, h in enumerate(listed) if "Norris wins at Imola" in h)
    assert monaco < imola


async def test_latest_count_limits_the_list(paddock: DiscordHarness) -> None:
    one = await paddock.slash("latest", {"count": 1})
    await one.response()
    nine = await paddock.slash("latest", {"count": 9})
    await nine.response()

    assert one.original is not None and len(headlines(one.original)) == 1
    # Eight stories are stored in all: the seed, six demo stories and the long diary.
    assert nine.original is not None and len(headlines(nine.original)) == 8


async def test_latest_about_a_person_lists_only_their_stories(paddock: DiscordHarness) -> None:
    message = await answer(paddock, "latest", {"about": "hamilton"})
    assert message.embeds[0]["title"] == "Latest on Lewis Hamilton"
    listed = headlines(message)
    assert any("Hamilton: Ferrari upgrade" in h for h in listed)
    assert not any("Piastri" in h for h in listed)


async def test_latest_about_a_team_lists_only_its_stories(paddock: DiscordHarness) -> None:
    message = await answer(paddock, "latest", {"about": "mclaren"})
    assert message.embeds[0]["title"] == "Latest on McLaren"
    listed = headlines(message)
    assert {h for h in listed if "Piastri" in h or "Norris" in h} == set(listed)
    assert len(listed) == 2


async def test_latest_about_a_misspelt_driver_still_finds_them(paddock: DiscordHarness) -> None:
    message = await answer(paddock, "latest", {"about": "verstapen"})
    assert message.embeds[0]["title"] == "Latest on Max Verstappen"


async def test_latest_about_nothing_known_says_so_privately(paddock: DiscordHarness) -> None:
    reply = await told_privately(paddock, "latest", {"about": "xyzzy"})
    assert reply["data"]["embeds"][0]["description"] == "No stories about xyzzy yet."


async def test_latest_about_only_punctuation_is_explained(paddock: DiscordHarness) -> None:
    reply = await told_privately(paddock, "latest", {"about": "?!"})
    assert "has no words to look for" in reply["data"]["content"]


async def test_story_shows_the_best_match_with_people_and_key_quote(
    paddock: DiscordHarness,
) -> None:
    message = await answer(paddock, "story", {"words": "norris imola win"})
    assert not message.ephemeral
    [embed] = message.embeds
    assert embed["title"] == "Norris wins at Imola as McLaren stretch their lead"
    assert embed["url"] == "https://demo.paddock.invalid/norris-imola-win"
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert "Lando Norris" in fields["People"]
    assert any(name.startswith("Key quote") for name in fields)
    assert embed["footer"]["text"].startswith("Match 1 of ")
    assert button_disabled(message, "Previous")


async def test_story_next_and_previous_step_through_matches(paddock: DiscordHarness) -> None:
    message = await answer(paddock, "story", {"words": "imola"})
    first = message.embeds[0]["title"]
    count = int(message.embeds[0]["footer"]["text"].rsplit(" ", 1)[1])
    assert count >= 2

    forward = await paddock.press(message, button(message, "Next"))
    assert (await forward.response())["type"] == CallbackType.UPDATE_MESSAGE
    second = message.embeds[0]["title"]
    assert second != first
    assert message.embeds[0]["footer"]["text"] == f"Match 2 of {count}"
    assert not button_disabled(message, "Previous")

    back = await paddock.press(message, button(message, "Previous"))
    await back.response()
    assert message.embeds[0]["title"] == first
    assert button_disabled(message, "Previous")


async def test_story_next_stops_at_the_last_match(paddock: DiscordHarness) -> None:
    message = await answer(paddock, "story", {"words": "russell hamilton support"})
    count = int(message.embeds[0]["footer"]["text"].rsplit(" ", 1)[1])
    for _ in range(count - 1):
        press = await paddock.press(message, button(message, "Next"))
        await press.response()
    assert message.embeds[0]["footer"]["text"] == f"Match {count} of {count}"
    assert button_disabled(message, "Next")


async def test_read_more_pages_through_a_long_story_privately(paddock: DiscordHarness) -> None:
    story = await answer(paddock, "story", {"words": "engineer diary"})
    assert story.embeds[0]["title"] == LONG_TITLE

    opened = await paddock.press(story, button(story, "Read more"))
    await opened.response()
    reader = opened.original
    assert reader is not None and reader.ephemeral and reader.id != story.id
    footer = reader.embeds[0]["footer"]["text"]
    pages = int(footer.rsplit(" ", 1)[1])
    assert footer == f"Page 1 of {pages}" and pages >= 3
    assert reader.embeds[0]["description"].startswith("Paragraph 1 of the diary.")

    seen = [reader.embeds[0]["description"]]
    for page in range(2, pages + 1):
        step = await paddock.press(reader, button(reader, "Next"))
        await step.response()
        assert reader.embeds[0]["footer"]["text"] == f"Page {page} of {pages}"
        seen.append(reader.embeds[0]["description"])
    assert button_disabled(reader, "Next")
    # Every paragraph appears once, whole, on some page.
    text = "\n\n".join(seen)
    assert [f"Paragraph {n} of the diary." in text for n in range(1, 21)] == [True] * 20
    assert text.count("Paragraph 20 of the diary.") == 1
    # The story message itself is left as it was.
    assert story.embeds[0]["title"] == LONG_TITLE


async def test_story_with_no_match_says_so_privately(paddock: DiscordHarness) -> None:
    reply = await told_privately(paddock, "story", {"words": "zeppelin regatta"})
    assert reply["data"]["embeds"][0]["description"] == (
        "No story matches 'zeppelin regatta'. Try fewer or different words."
    )


async def test_story_buttons_refuse_someone_else(paddock: DiscordHarness) -> None:
    message = await answer(paddock, "story", {"words": "imola"})
    await assert_buttons_answer_only_their_owner(paddock, message, ("Next", "Read more"))
