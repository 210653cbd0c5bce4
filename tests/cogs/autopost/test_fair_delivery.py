"""One server's trouble is its own: a long queue or a long rate limit delays no other server.

Two servers share one Paddock: the seeded one (A) and a second one (B). The delivery loop is
stopped so that each test drives rounds itself and counts posts, never wall-clock time.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.delivery.outbox import DeliveryWorker, WorkerReport
from bot.ingest.store import ingest_articles
from cogs.autopost import DiscordSender
from emulator import Channel, RecordedRequest
from tests.bot.feeds.conftest import FeedServer, rss
from tests.cogs.autopost.conftest import (
    DISCORD_LIMITS,
    Newsroom,
    SecondServer,
    add_second_server,
    newsroom,
    second_server,
    story,
    titles,
)
from tests.conftest import dated_stories

SEND = "POST /channels/{channel_id}/messages"
BACKLOG = 10_000
# One pacing interval of a channel: Discord's 5 posts per 5 seconds.
CHANNEL_WINDOW = DISCORD_LIMITS.messages_per_channel


@dataclass
class TwoServers:
    room: Newsroom
    other: SecondServer

    async def other_publishes(self, title: str) -> None:
        """Server B's own feed carries a new story, and Paddock reads it."""
        link = f"https://b-desk.example/{title.lower().replace(' ', '-')}"
        self.room.feeds.serve("/feeds/b.xml", rss([story(1, hours=0.1, title=title, link=link)]))
        await self.room.poll()

    async def queue_backlog_for_a(self, count: int) -> None:
        """Server A has ``count`` stories queued, as a feed that dumped its archive leaves."""
        db = self.room.bot.db
        stories = dated_stories(
            count,
            title="A backlog story",
            body="The stewards met after the race.",
            site="https://a-desk.example",
            source="A desk",
            apart=timedelta(seconds=1),
        )
        now_text = datetime.now(UTC).replace(microsecond=0).isoformat()
        for start in range(0, count, 2000):
            results = await ingest_articles(db, stories[start : start + 2000])
            # The rows the delivery hook would write for A alone, in one statement per batch.
            async with db.write() as conn:
                await conn.executemany(
                    "INSERT INTO deliveries (article_id, guild_id, channel_id, status, reason, "
                    "created_at, updated_at) VALUES (?, ?, ?, 'pending', 'queued', ?, ?)",
                    [
                        (r.article.id, self.room.guild_id, self.room.news.id, now_text, now_text)
                        for r in results
                    ],
                )


@pytest.fixture
async def servers(tmp_path: Path, feed_server: FeedServer) -> AsyncIterator[TwoServers]:
    async with newsroom(tmp_path / "paddock.db", feed_server, configure=add_second_server) as room:
        # Rounds are driven by the tests, one at a time.
        room.cog.deliver.cancel()
        b = second_server(room.harness)
        news, owner = b.news, b.owner
        await room.command("paddock channel set", {"channel": room.news})
        for path, options in (
            ("paddock channel set", {"channel": news}),
            ("paddock feeds add", {"url": feed_server.serve("/feeds/b.xml", rss([]))}),
        ):
            handle = await room.harness.slash(path, options, channel=news, user=owner)
            await handle.response()
        await handle.followup_messages(1)
        await room.poll()  # B's feed's first read: nothing yet
        yield TwoServers(room, b)


def posts_before(room: Newsroom, channel: Channel, message_id: int) -> int:
    return sum(1 for m in room.posts(channel) if m.id < message_id)


async def test_a_servers_ten_thousand_queued_posts_do_not_hold_up_anothers_story(
    servers: TwoServers,
) -> None:
    room, b = servers.room, servers.other
    await servers.queue_backlog_for_a(BACKLOG)
    await room.cog.worker.run_once()
    # A posts what one pacing interval allows, the oldest first, and no more this round.
    assert titles(room.posts()) == [f"A backlog story {n}" for n in range(CHANNEL_WINDOW)]

    await servers.other_publishes("Norris takes pole in Baku")
    a_before = len(room.posts())
    await room.cog.worker.run_once()

    # B's story goes out in the very next round, A's 9,995 waiting posts notwithstanding;
    # at most one pacing interval of A's posts went ahead of it.
    [b_post] = room.posts(b.news)
    assert titles([b_post]) == ["Norris takes pole in Baku"]
    assert posts_before(room, room.news, b_post.id) - a_before <= CHANNEL_WINDOW
    # A's queue is untouched otherwise: still in order, nothing lost or skipped.
    assert titles(room.posts()) == [f"A backlog story {n}" for n in range(len(room.posts()))]
    counts = {o.status for o in (await room.outcomes()).values()}
    assert counts <= {"sent", "pending"}


async def test_a_90_second_rate_limit_on_one_channel_delays_that_channel_only(
    servers: TwoServers,
) -> None:
    room, b = servers.room, servers.other
    emulator = room.harness.emulator
    a_path = f"/channels/{room.news.id}/messages"

    def to_a(request: RecordedRequest) -> bool:
        return request.route == SEND and request.path == a_path

    emulator.faults.inject(to_a, 429, times=1, retry_after=90.0)
    # The worker's clock is the test's: the 90 seconds pass when the test says.
    now = [datetime.now(UTC)]
    worker = DeliveryWorker(room.bot.db, DiscordSender(room.bot), clock=lambda: now[0])
    await servers.queue_backlog_for_a(3)
    await servers.other_publishes("Russell wins a wet race")

    report = await worker.run_once()

    # B is posted in the same round; A's first post met the 429 and is scheduled 90 s on,
    # instead of the round (or discord.py) sleeping through it.
    assert titles(room.posts(b.news)) == ["Russell wins a wet race"]
    assert room.posts() == []
    assert len(report.sent) == 1 and len(report.retrying) == 1
    a_row = (await room.outcomes())["A backlog story 0"]
    assert a_row.status == "pending"
    assert a_row.last_error == "Too many requests. Retry in 90.00 seconds."
    sends_to_a = [r.status for r in emulator.requests_to(to_a)]
    assert sends_to_a == [429]

    # Polling and B's later news go on meanwhile; A's channel waits its turn.
    now[0] += timedelta(seconds=60)
    await servers.other_publishes("Sainz fastest in final practice")
    assert (await worker.run_once()).sent
    assert titles(room.posts(b.news))[-1] == "Sainz fastest in final practice"
    assert room.posts() == [] and len(emulator.requests_to(to_a)) == 1

    # Once Discord's 90 s are up, A's posts go out, in order.
    now[0] += timedelta(seconds=31)
    total = WorkerReport()
    for _ in range(3):
        total.sent += (await worker.run_once()).sent
    assert titles(room.posts()) == [f"A backlog story {n}" for n in range(3)]
    assert [r.status for r in emulator.requests_to(to_a)] == [429, 200, 200, 200]
