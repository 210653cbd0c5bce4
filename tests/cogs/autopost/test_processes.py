"""Exactly once across processes, with Discord's nonce switched off.

Each Paddock here is a real process (``tests/cogs/autopost/delivery_process.py``) running the bot
against the emulator this test serves on 127.0.0.1, on one SQLite file. The emulator ignores
``enforce_nonce``, as Discord may: only the outbox's claims and the look in the channel
after a crash stand between a story and a second post.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import sys
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import pytest

from bot.delivery.outbox import delivery_hook
from bot.ingest.store import ingest_articles
from emulator import Channel, DiscordEmulator, RateLimitConfig, RecordedRequest
from emulator.process import start_bot_process
from storage.database import connect
from storage.db import load_migrations
from storage.guilds import set_news_channel
from tests.cogs.autopost.conftest import titles
from tests.cogs.autopost.delivery_process import POSTS_PER_CHANNEL_SECOND
from tests.conftest import REPO, dated_stories, openapi_spec

TOKEN = "process.bot.token"
SEND = "POST /channels/{channel_id}/messages"
STORIES = 20
LIMITS = RateLimitConfig(messages_per_channel=POSTS_PER_CHANNEL_SECOND, message_window=1.0)
BODY = "The stewards reviewed the incident at turn four after the race. " * 6


class Paddock:
    """One delivering Paddock process."""

    def __init__(self, process: asyncio.subprocess.Process, log: Path) -> None:
        self.process = process
        self.log = log  # its standard error, for a failing test's report

    async def ready(self, within: float = 20.0) -> None:
        assert self.process.stdout is not None
        async with asyncio.timeout(within):
            line = await self.process.stdout.readline()
        assert json.loads(line) == {"ready": True}, line

    def kill(self) -> None:
        os.kill(self.process.pid, signal.SIGKILL)

    async def stop(self) -> int:
        """Ask it to finish; returns how many posts it recorded itself."""
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.close()
        async with asyncio.timeout(20):
            out, _ = await self.process.communicate()
        assert self.process.returncode == 0, self.log.read_text()
        return int(json.loads(out.splitlines()[-1])["sent"])


@asynccontextmanager
async def paddocks(
    emulator: DiscordEmulator, database: Path, count: int, *, lease: float = 1.0
) -> AsyncIterator[list[Paddock]]:
    started: list[Paddock] = []
    try:
        for _ in range(count):
            earlier = len(list(database.parent.glob("paddock-*.log")))
            log = database.parent / f"paddock-{earlier}.log"
            process = await start_bot_process(
                "tests.cogs.autopost.delivery_process",
                emulator,
                database,
                TOKEN,
                "--lease",
                str(lease),
                stderr=log.open("w"),
            )
            started.append(Paddock(process, log))
        await asyncio.gather(*(paddock.ready() for paddock in started))
        yield started
    finally:
        for paddock in started:
            if paddock.process.returncode is None:
                paddock.kill()
                await paddock.process.wait()


async def two_news_servers(emulator: DiscordEmulator, database: Path) -> list[Channel]:
    """Two servers, each with a news channel the database tells Paddock to post in."""
    channels = []
    async with connect(database) as conn:
        for name in ("First Server", "Second Server"):
            guild = emulator.state.create_guild(name)
            channel = emulator.state.create_text_channel(guild, "f1-news")
            channels.append(channel)
            await set_news_channel(conn, guild.id, channel.id)
    return channels


async def publish(database: Path, count: int) -> list[str]:
    """``count`` new stories, oldest first, each queued for every server."""
    stories = dated_stories(
        count,
        title="Process story",
        body=BODY,
        site="https://news.example/process",
        source="Paddock wire",
        apart=timedelta(minutes=1),
    )
    async with connect(database) as conn:
        await ingest_articles(conn, stories, [delivery_hook()])
    return [story.title for story in stories]


async def all_recorded(database: Path, total: int) -> None:
    """Until the outbox says every post was made (checked as the posts come in)."""
    async with asyncio.timeout(30):
        while True:
            if status_counts(database).get("sent", 0) >= total:
                return
            await asyncio.sleep(0.05)


def assert_once_each_in_order(
    emulator: DiscordEmulator, channels: list[Channel], expected: list[str]
) -> None:
    for channel in channels:
        posted = titles(emulator.messages_in(channel))
        duplicates = {title: n for title, n in Counter(posted).items() if n > 1}
        assert not duplicates, f"posted twice in {channel.id}: {duplicates}"
        assert posted == expected, channel.id


def status_counts(database: Path) -> dict[str, int]:
    with sqlite3.connect(database) as conn:
        return dict(conn.execute("SELECT status, count(*) FROM deliveries GROUP BY status"))


def nth_send(emulator: DiscordEmulator, n: int) -> Callable[[RecordedRequest], bool]:
    """Matches a post once ``n - 1`` posts have been accepted before it."""

    def matches(request: RecordedRequest) -> bool:
        accepted = [r for r in emulator.requests_to(SEND) if r.status == 200]
        return request.route == SEND and len(accepted) >= n - 1

    return matches


@pytest.fixture
async def emulator() -> AsyncIterator[DiscordEmulator]:
    emulator = DiscordEmulator(
        spec_path=openapi_spec(), rate_limits=LIMITS, token=TOKEN, enforce_nonces=False
    )
    await emulator.start()
    try:
        yield emulator
    finally:
        emulator.faults.clear()
        await emulator.stop()
        assert not emulator.problems(), emulator.problems()


async def test_kill_9_mid_delivery_then_restart_posts_each_story_once(
    tmp_path: Path, emulator: DiscordEmulator
) -> None:
    database = tmp_path / "paddock.db"
    channels = await two_news_servers(emulator, database)
    # The worst moment to die: Discord has made the 8th post, Paddock has not heard so.
    held = emulator.faults.hold(nth_send(emulator, 8))

    async with paddocks(emulator, database, 1) as [first]:
        expected = await publish(database, STORIES)
        async with asyncio.timeout(30):
            await held.reached.wait()
        first.kill()
        await first.process.wait()
    held.release.set()

    at_kill = status_counts(database)
    posted_at_kill = sum(len(emulator.messages_in(c)) for c in channels)
    assert at_kill.get("sending", 0) >= 1 and posted_at_kill > at_kill.get("sent", 0), at_kill

    async with paddocks(emulator, database, 1) as [second]:
        await all_recorded(database, len(channels) * STORIES)
        await second.stop()

    assert_once_each_in_order(emulator, channels, expected)
    assert status_counts(database) == {"sent": len(channels) * STORIES}
    # The post held at the kill was found in its channel, not made again.
    sends = Counter(r.body["nonce"] for r in emulator.requests_to(SEND) if r.status == 200)
    assert set(sends.values()) == {1}


async def test_two_processes_on_one_database_post_each_story_once(
    tmp_path: Path, emulator: DiscordEmulator
) -> None:
    database = tmp_path / "paddock.db"
    channels = await two_news_servers(emulator, database)

    async with paddocks(emulator, database, 2) as both:
        expected = await publish(database, STORIES)
        await all_recorded(database, len(channels) * STORIES)
        recorded = [await paddock.stop() for paddock in both]

    assert_once_each_in_order(emulator, channels, expected)
    assert status_counts(database) == {"sent": len(channels) * STORIES}
    # Both took part, and between them recorded each post once.
    assert sum(recorded) == len(channels) * STORIES and all(recorded), recorded


OPEN_DATABASE = (
    "import asyncio, sys\n"
    "from storage.database import connect\n"
    "async def main():\n"
    "    print('ready', flush=True)\n"
    "    sys.stdin.readline()\n"
    "    async with connect(sys.argv[1]) as db:\n"
    "        [(version,)] = await db.reader.execute_fetchall('PRAGMA user_version')\n"
    "        print(version, flush=True)\n"
    "asyncio.run(main())\n"
)


async def test_two_processes_starting_on_a_fresh_database_both_migrate_it(
    tmp_path: Path,
) -> None:
    database = tmp_path / "fresh.db"
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            OPEN_DATABASE,
            str(database),
            cwd=REPO,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        for _ in range(2)
    ]
    try:
        async with asyncio.timeout(20):
            for process in processes:
                assert process.stdout is not None
                assert await process.stdout.readline() == b"ready\n"
            # Both imported and waiting: start them at the same moment.
            for process in processes:
                assert process.stdin is not None
                process.stdin.write(b"go\n")
            results = await asyncio.gather(*(p.communicate() for p in processes))
    finally:
        for process in processes:
            if process.returncode is None:
                process.kill()

    versions = [out.decode().strip() for out, _ in results]
    errors = [err.decode() for _, err in results]
    assert [p.returncode for p in processes] == [0, 0], errors
    assert versions == [str(len(load_migrations()))] * 2
    with sqlite3.connect(database) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert {"articles", "deliveries", "guild_settings"} <= tables
