from __future__ import annotations

import argparse
import asyncio
import copy
import json
import shutil
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.app import PaddockBot, create_bot
from bot.cli.bot import run_bot
from bot.ingest.bulk import import_paths
from bot.settings import Settings
from cogs._loopback import point_discord_at, restore_endpoints
from emulator import CallbackType, DiscordEmulator, Message
from storage.database import connect
from tests.conftest import seed_article
from tests.discord_harness import DiscordHarness

DEMO = Path(__file__).resolve().parents[2] / "bot" / "data" / "demo_articles.jsonl"

LONG_TITLE = "A race engineer's diary from the longest night in Monaco"
HOSTILE_TITLE = "@everyone **bold** <@&123> pit wall leak"

# Discord's embed limits (https://discord.com/developers/docs/resources/message#embed-object).
EMBED_TOTAL = 6000
EMBED_LIMITS = {"title": 256, "description": 4096, "footer": 2048, "author": 256}


def long_article() -> dict[str, Any]:
    """Twenty paragraphs of about 450 characters: several pages in the reader."""
    paragraphs = [
        f"Paragraph {n} of the diary. The garage smelled of brake dust and cold coffee as the "
        f"mechanics went through lap {n * 3} of the plan again, checking every torque figure "
        "twice because the streets forgive nothing. The engineer wrote down tyre pressures, "
        "fuel loads and the exact minute the sun dropped behind the harbour, since the track "
        "temperature would fall with it and the balance of the car would shift towards the "
        "rear. Nobody slept much; everybody pretended otherwise at breakfast."
        for n in range(1, 21)
    ]
    return {
        "title": LONG_TITLE,
        "url": "https://demo.paddock.invalid/engineer-diary",
        "published": "2026-05-10T08:00:00Z",
        "author": "Paddock demo desk",
        "source": "Paddock demo",
        "body": "\n\n".join(paragraphs),
    }


def hostile_article(role_id: int = 123, user_id: int = 456) -> dict[str, Any]:
    """A story written to ping and to break formatting, as a hostile feed might."""
    return {
        "title": HOSTILE_TITLE,
        "url": "https://demo.paddock.invalid/pit-wall-leak",
        "published": "2026-05-22T08:00:00Z",
        "author": "@here <@&" + str(role_id) + ">",
        "source": "Paddock demo",
        "tags": ["Lewis Hamilton"],
        "body": (
            f"@everyone the pit wall leaked. <@&{role_id}> and <@{user_id}> were told first, "
            "in **bold** and __underline__ and ||spoilers||.\n\n"
            f"“@everyone should hear this, <@&{role_id}>,” Lewis Hamilton said. "
            "“The car is **fast** and `quick` and ~~slow~~.”"
        ),
    }


def write_jsonl(path: Path, *records: dict[str, Any]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


async def seeded_database(path: Path, *files: Path) -> Path:
    async with connect(path) as conn:
        report = await import_paths(conn, list(files))
    assert report.ok, report.failures
    return path


def make_bot(database: Path) -> PaddockBot:
    # No default feeds: tests never reach beyond 127.0.0.1.
    settings = Settings(database=database, feeds=())
    return create_bot(
        settings, sync_commands=False, guild_ready_timeout=0.05, chunk_guilds_at_startup=False
    )


def embed_size(embed: dict[str, Any]) -> int:
    """Characters Discord counts towards the 6,000 of one embed."""
    size = len(embed.get("title") or "") + len(embed.get("description") or "")
    size += len((embed.get("footer") or {}).get("text") or "")
    size += len((embed.get("author") or {}).get("name") or "")
    for field in embed.get("fields") or []:
        size += len(field["name"]) + len(field["value"])
    return size


def assert_embed_within_limits(embed: dict[str, Any]) -> None:
    assert embed_size(embed) <= EMBED_TOTAL, embed
    assert len(embed.get("title") or "") <= EMBED_LIMITS["title"]
    assert len(embed.get("description") or "") <= EMBED_LIMITS["description"]
    assert len((embed.get("footer") or {}).get("text") or "") <= EMBED_LIMITS["footer"]
    assert len((embed.get("author") or {}).get("name") or "") <= EMBED_LIMITS["author"]
    assert len(embed.get("fields") or []) <= 25
    for field in embed.get("fields") or []:
        assert 0 < len(field["name"]) <= 256 and 0 < len(field["value"]) <= 1024, field


def message_text(message: Message) -> str:
    """Everything a reader sees in a message: content and every embed's text."""
    parts = [message.content]
    for embed in message.embeds:
        parts += [embed.get("title") or "", embed.get("description") or ""]
        parts.append((embed.get("author") or {}).get("name") or "")
        parts.append((embed.get("footer") or {}).get("text") or "")
        for field in embed.get("fields") or []:
            parts += [field["name"], field["value"]]
    return "\n".join(p for p in parts if p)


def audit_replies(harness: DiscordHarness) -> None:
    """What holds for every message Paddock ever sent: nobody pinged, embeds within limits."""
    messages: Iterable[Message] = harness.emulator.state.messages.values()
    for message in messages:
        assert not message.pings.anyone, f"message {message.id} pinged: {message.content!r}"
        for embed in message.embeds:
            assert_embed_within_limits(embed)
    for request in harness.emulator.requests:
        body = request.body if isinstance(request.body, dict) else None
        data = (body or {}).get("data") if "callback" in request.path else body
        if isinstance(data, dict) and ("content" in data or "embeds" in data):
            assert data.get("allowed_mentions") == {"parse": []}, (request.path, data)


@pytest.fixture(scope="session")
def news_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed, the demo stories and a long story, imported with their quotes once."""
    folder = tmp_path_factory.mktemp("news")
    extra = write_jsonl(folder / "long.jsonl", long_article())
    return asyncio.run(seeded_database(folder / "template.db", seed_article(), DEMO, extra))


@pytest.fixture
def news_db(tmp_path: Path, news_template: Path) -> Path:
    """A private copy of the template, so a test's writes never reach another test."""
    copy = tmp_path / "paddock.db"
    shutil.copyfile(news_template, copy)
    return copy


@pytest.fixture
async def paddock(news_db: Path) -> AsyncIterator[DiscordHarness]:
    """Paddock running against the emulator; every reply is audited when the test ends."""
    harness = DiscordHarness()
    async with harness.running(make_bot(news_db)) as running:
        yield running
        audit_replies(running)


async def answer(
    paddock: DiscordHarness, path: str, options: dict[str, Any] | None = None
) -> Message:
    """The message Paddock answers ``/path`` with, once its answer has come."""
    handle = await paddock.slash(path, options)
    await handle.response()
    assert handle.original is not None, f"/{path} {options} showed no message"
    return handle.original


async def told_privately(
    paddock: DiscordHarness, path: str, options: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Paddock's answer to ``/path``, which only the person who asked may see."""
    reply = await (await paddock.slash(path, options)).response()
    assert reply["data"]["flags"] == 64, reply
    return reply


async def assert_buttons_answer_only_their_owner(
    paddock: DiscordHarness, message: Message, labels: Iterable[str]
) -> None:
    """Another member pressing each of ``labels`` is told privately that the buttons are
    not theirs, and ``message`` stays as it was."""
    before = copy.deepcopy(message.embeds)
    for label in labels:
        press = await paddock.press(message, button(message, label), user=paddock.world.fan)
        reply = await press.response()
        assert reply["type"] == CallbackType.CHANNEL_MESSAGE
        assert reply["data"]["flags"] == 64
        assert "belong to someone else" in reply["data"]["content"]
    assert message.embeds == before


def button(message: Message | None, label: str) -> str:
    """The custom id of the button labelled ``label`` (views get random ids)."""
    assert message is not None, "the interaction has no message to press on"
    for row in message.components:
        for component in row.get("components") or []:
            if component.get("label") == label:
                return str(component["custom_id"])
    raise AssertionError(f"no {label!r} button on message {message.id}")


def button_disabled(message: Message | None, label: str) -> bool:
    assert message is not None
    for row in message.components:
        for component in row.get("components") or []:
            if component.get("label") == label:
                return bool(component.get("disabled"))
    raise AssertionError(f"no {label!r} button on message {message.id}")


@asynccontextmanager
async def paddock_run(
    database: Path, token: str
) -> AsyncIterator[tuple[DiscordEmulator, asyncio.Task[int]]]:
    """`paddock run` in this process, against an emulator on 127.0.0.1 with one server: the
    emulator and the task running the bot (which a SIGTERM to this process ends)."""
    emulator = DiscordEmulator(token=token)
    guild = emulator.state.create_guild("Paddock run")
    emulator.state.create_text_channel(guild, "general")
    await emulator.start()
    previous = point_discord_at(emulator)
    settings = Settings(database=database, feeds=(), discord_token=token)
    try:
        yield (
            emulator,
            asyncio.create_task(run_bot(argparse.Namespace(console_without_token=False), settings)),
        )
    finally:
        restore_endpoints(previous)
        await emulator.stop()
