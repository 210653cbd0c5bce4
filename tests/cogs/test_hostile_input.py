"""Text from fans and from feeds that tries to ping, to format or to overflow.

Every reply is audited (see ``audit_replies``): no message notifies anyone, every reply is
sent with ``allowed_mentions`` parsing nothing, and every embed is within Discord's limits.
"""

from __future__ import annotations

import asyncio
import re
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.news.articles import paragraphs
from bot.news.stories import find_stories, latest_stories, page_body, words_subject
from bot.people.service import NoSuchPerson, people_service
from bot.people.teams import resolve_team, suggest_teams
from emulator import Message, Role, User
from storage.database import Database
from tests.cogs.conftest import (
    DEMO,
    audit_replies,
    button,
    hostile_article,
    make_bot,
    message_text,
    seeded_database,
    write_jsonl,
)
from tests.discord_harness import DiscordHarness

LONG = "Verstappen " * 180 + "x" * 20  # 2,000 characters


# Fixed ids, so the hostile story is imported once; the fixture gives them to a real role
# and a real member, so a mention of them would notify someone.
HOSTILE_ROLE_ID = 111_111_111_111_111_111
HOSTILE_USER_ID = 222_222_222_222_222_222


@pytest.fixture(scope="session")
def hostile_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    extra = write_jsonl(folder / "hostile.jsonl", hostile_article(HOSTILE_ROLE_ID, HOSTILE_USER_ID))
    return asyncio.run(seeded_database(folder / "template.db", DEMO, extra))


@pytest.fixture
async def hostile(tmp_path: Path, hostile_template: Path) -> AsyncIterator[DiscordHarness]:
    """Paddock with a story whose title, byline and body try to ping this very server."""
    harness = DiscordHarness()
    state = harness.emulator.state
    guild = harness.world.guild
    guild.roles[HOSTILE_ROLE_ID] = Role(
        id=HOSTILE_ROLE_ID, guild_id=guild.id, name="Everyone who cares", mentionable=True
    )
    state.users[HOSTILE_USER_ID] = User(id=HOSTILE_USER_ID, username="leaker")
    state.add_member(guild, state.users[HOSTILE_USER_ID])
    database = tmp_path / "paddock.db"
    shutil.copyfile(hostile_template, database)
    async with harness.running(make_bot(database)) as running:
        yield running
        audit_replies(running)


def assert_inert(message: Message | None, role_id: int) -> None:
    """No live mention syntax and no unescaped markdown from the hostile story."""
    assert message is not None
    text = message_text(message)
    assert not re.search(r"@(everyone|here)", text), text
    assert f"<@&{role_id}>" not in text
    assert "**bold**" not in text


async def test_hostile_headline_in_latest_is_escaped(hostile: DiscordHarness) -> None:
    handle = await hostile.slash("latest")
    await handle.response()

    message = handle.original
    assert_inert(message, HOSTILE_ROLE_ID)
    assert message is not None
    assert "\\*\\*bold\\*\\*" in message.embeds[0]["description"]
    assert not message.pings.anyone


async def test_hostile_story_and_its_pages_are_escaped(hostile: DiscordHarness) -> None:
    role_id = HOSTILE_ROLE_ID
    handle = await hostile.slash("story", {"words": "pit wall leak"})
    await handle.response()
    story = handle.original
    assert_inert(story, role_id)
    assert story is not None
    assert story.embeds[0]["title"].startswith("@\u200beveryone \\*\\*bold\\*\\*")

    opened = await hostile.press(story, button(story, "Read more"))
    await opened.response()
    assert_inert(opened.original, role_id)


async def test_hostile_quotes_and_profiles_are_escaped(hostile: DiscordHarness) -> None:
    role_id = HOSTILE_ROLE_ID
    quote = await hostile.slash("quote", {"person": "hamilton"})
    await quote.response()
    assert_inert(quote.original, role_id)
    assert quote.original is not None
    source = await hostile.press(quote.original, button(quote.original, "Source"))
    await source.response()
    assert_inert(source.original, role_id)

    profile = await hostile.slash("driver", {"name": "hamilton"})
    await profile.response()
    assert_inert(profile.original, role_id)


async def test_pings_and_markdown_in_arguments_stay_inert(hostile: DiscordHarness) -> None:
    role_id = HOSTILE_ROLE_ID
    typed = f"@everyone @here **loud** <@&{role_id}> <@{HOSTILE_USER_ID}>"

    for path, option in (("latest", "about"), ("story", "words"), ("quote", "person"),
                         ("driver", "name")):  # fmt: skip
        handle = await hostile.slash(path, {option: typed}, user=hostile.world.fan)
        await handle.response()

        message = handle.original
        assert message is not None and not message.pings.anyone, path
        text = message_text(message)
        assert not re.search(r"@(everyone|here)", text), path
        assert f"<@&{role_id}>" not in text and f"<@{HOSTILE_USER_ID}>" not in text, path


async def test_control_characters_are_not_echoed(hostile: DiscordHarness) -> None:
    typed = "\x00\x07ver\u202estap\x1b[31men\ufeff"
    handle = await hostile.slash("story", {"words": "zz" + typed})
    await handle.response()
    assert handle.original is not None
    text = message_text(handle.original)
    assert not any(ch in text for ch in "\x00\x07\u202e\x1b\ufeff")

    named = await hostile.slash("quote", {"person": typed})
    await named.response()
    assert named.original is not None
    assert not any(ch in message_text(named.original) for ch in "\x00\x07\u202e\x1b\ufeff")


def string_options(command: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for option in command.get("options") or []:
        if option["type"] in (1, 2):
            found += string_options(option)
        elif option["type"] == 3 and not option.get("choices"):
            found.append(option)
    return found


async def test_every_text_option_has_a_length_limit_discord_enforces(
    hostile: DiscordHarness,
) -> None:
    commands = hostile.emulator.state.global_commands.values()
    options = [option for command in commands for option in string_options(command)]

    assert len(options) >= 6
    # Web addresses get room for long feed URLs; everything else is a name or a few words.
    for option in options:
        ceiling = 500 if option["name"] == "url" else 200
        assert 1 <= option.get("max_length", 6001) <= ceiling, option


async def test_overlong_arguments_get_a_short_answer(hostile: DiscordHarness) -> None:
    """Discord's client stops at max_length (see test_option_limits); should a longer value
    arrive anyway, the bot still answers in time, without echoing it whole."""
    for path, options in (
        ("latest", {"about": LONG}),
        ("story", {"words": LONG}),
        ("quote", {"person": LONG}),
        ("quote", {"person": "russell", "about": LONG}),
        ("driver", {"name": LONG}),
    ):
        handle = await hostile.slash(path, options, enforce_limits=False)
        await handle.response()

        assert handle.callback_delay is not None and handle.callback_delay < 3, path
        message = handle.original
        assert message is not None
        assert LONG not in message_text(message), path
        assert len(message.content) <= 300, path


async def test_overlong_moderator_values_are_refused_cleanly(hostile: DiscordHarness) -> None:
    for kind in ("person", "team", "keyword"):
        handle = await hostile.slash(
            "paddock filter add",
            {"kind": kind, "value": LONG},
            user=hostile.world.moderator,
            enforce_limits=False,
        )
        reply = await handle.response()
        assert reply["data"]["flags"] == 64
        assert len(reply["data"]["content"]) <= 300


async def test_domain_paths_cope_with_long_and_odd_input(tmp_path: Path) -> None:
    database = await seeded_database(tmp_path / "paddock.db", DEMO)
    conn = await Database.open(database)
    try:
        people = await people_service(conn)
        for odd in (LONG, "x" * 100_000, "\x00" * 50, "", "   ", '"*) OR NEAR(', "<@&1>"):
            assert isinstance(await find_stories(conn, odd), list)
            assert people.find(odd) is None
            assert resolve_team(odd) is None
            assert len(people.autocomplete(odd)) <= 25
            assert len(suggest_teams(odd)) <= 25
            subject = words_subject(odd)
            if subject is not None:
                assert len(subject.label) <= 200
                assert isinstance((await latest_stories(conn, 5, subject)).articles, list)
            if odd.strip():
                with pytest.raises(NoSuchPerson) as raised:
                    people.resolve_one(odd)
                assert len(str(raised.value)) <= 200
        assert (await latest_stories(conn, 10_000)).articles
    finally:
        await conn.close()


def test_pages_fit_an_embed_whatever_the_story() -> None:
    one_huge_paragraph = "word " * 20_000
    no_spaces = "x" * 20_000
    many_small = "\n\n".join(f"Line {n}." for n in range(3000))
    for body in (one_huge_paragraph, no_spaces, many_small, ""):
        pages = page_body(body)
        assert pages and all(0 < len(page) <= 3500 for page in pages)
        if body:
            kept = "".join("".join(paragraphs(page)) for page in pages)
            assert kept.replace(" ", "") == "".join(paragraphs(body)).replace(" ", "")
