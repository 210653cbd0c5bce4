"""Paddock killed in the middle of a delivery batch: after a restart nothing is lost or doubled."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import cast

from bot.app import PaddockBot
from bot.delivery.outbox import Delivery, DeliveryPacer, DeliveryWorker, delivery_nonce
from cogs.autopost import AutoPost, DiscordSender
from emulator import Channel, RateLimitConfig
from storage.articles import get_article
from storage.database import connect
from storage.deliveries import claim_next
from tests.bot.feeds.conftest import FeedServer, rss
from tests.cogs.autopost.conftest import (
    Newsroom,
    paddock_settings,
    story,
    titles,
)
from tests.discord_harness import DiscordHarness

SEND = "POST /channels/{channel_id}/messages"
STORIES = 20
# Discord's global limit; the channel limit is loosened so 20 posts per channel take a
# second instead of twenty (the delivery benchmark runs under the real one).
LIMITS = RateLimitConfig(messages_per_channel=50, message_window=1.0)


class QuickPaddock(PaddockBot):
    """Paddock pacing each channel to the loosened limit above."""

    async def setup_hook(self) -> None:
        await super().setup_hook()
        # The loops wait for ready before their first round, so no round uses the old worker.
        cog = cast(AutoPost, self.get_cog("AutoPost"))
        pacer = DeliveryPacer(per_channel=(LIMITS.messages_per_channel, LIMITS.message_window))
        cog.worker = DeliveryWorker(self.db, DiscordSender(self), pacer=pacer)


def quick_bot(database: Path) -> QuickPaddock:
    return QuickPaddock(
        # Every new story of the feed is posted: this is about restarts, not floods.
        paddock_settings(database, posts_per_feed_read=STORIES),
        sync_commands=False,
        guild_ready_timeout=0.05,
        chunk_guilds_at_startup=False,
    )


async def test_a_restart_mid_batch_posts_every_story_once_per_channel(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    database = tmp_path / "paddock.db"
    harness = DiscordHarness(rate_limits=LIMITS)
    state = harness.emulator.state
    channels: list[Channel] = [harness.world.news]
    for name in ("Second Server", "Third Server"):
        guild = state.create_guild(name)
        channels.append(state.create_text_channel(guild, "f1-news"))
    items = [story(0, hours=30)]
    url = feed_server.serve("/feeds/main.xml", rss(items, title="Paddock wire"))

    async with harness.running(quick_bot(database)) as running:
        room = Newsroom(running, feed_server)
        for channel in channels:
            assert channel.guild_id is not None
            guild = state.guilds[channel.guild_id]
            owner = guild.members[guild.owner_id]
            for path, options in (
                ("paddock channel set", {"channel": channel}),
                ("paddock feeds add", {"url": url}),
            ):
                handle = await running.slash(path, options, channel=channel, user=owner)
                await handle.response()
        await handle.followup_messages(1)
        await room.poll()
        await room.deliver()
        assert all(len(room.posts(c)) == 1 for c in channels)

        items[:0] = [story(n, hours=20 - n / 2) for n in range(STORIES, 0, -1)]
        feed_server.serve("/feeds/main.xml", rss(items, title="Paddock wire"))
        # Each server added the feed itself, so each has its own copy of every story.
        assert len((await room.poll()).created) == STORIES * len(channels)

        room.cog.deliver.change_interval(seconds=0.05)
        # Kill the delivery loop the moment Discord has accepted a post it has not yet
        # heard back about, then shut down without letting anything finish.
        await harness.emulator.wait_for_requests(SEND, count=len(channels) + 25, within=20)
        room.cog.deliver.cancel()

    async with (
        connect(database) as db,
        db.reader.execute("SELECT status, count(*) FROM deliveries GROUP BY status") as cursor,
    ):
        at_kill = {row[0]: row[1] for row in await cursor.fetchall()}
    posted_at_kill = sum(len(harness.emulator.messages_in(c)) for c in channels)
    total = len(channels) * (STORIES + 1)
    # Killed mid-batch, inside the worst moment: Discord holds a post Paddock never recorded.
    assert posted_at_kill < total
    assert at_kill["sending"] >= 1 and posted_at_kill > at_kill["sent"], at_kill

    async with harness.running(quick_bot(database)) as running:
        room = Newsroom(running, feed_server)
        await room.deliver()

    # Oldest first in every channel: the order they were published in.
    expected = [f"Story number {n} from the paddock" for n in range(STORIES + 1)]
    for channel in channels:
        posts = [m for m in harness.emulator.messages_in(channel) if m.interaction_metadata is None]
        assert titles(posts) == expected, channel.guild_id
        nonces = Counter(m.nonce for m in posts)
        assert len(nonces) == len(posts) and set(nonces.values()) == {1}
    # The post in flight at the kill was found in its channel after the restart, not sent
    # again: every nonce reached Discord once.
    accepted = Counter(
        r.body["nonce"] for r in harness.emulator.requests_to(SEND) if r.status == 200
    )
    assert set(accepted.values()) == {1}


async def test_a_send_cut_short_is_found_in_the_channel_not_repeated(room: Newsroom) -> None:
    room.cog.deliver.cancel()
    room.harness.emulator.state.enforce_nonces = False  # Discord does not stop a second post
    await room.add_feed("/feeds/late.xml", [story(1, hours=1)])
    await room.poll()
    db = room.bot.db
    # The crash: another process claimed the row and Discord took its post, but it died
    # before recording it. Its lease has run out, so the row is anyone's again.
    due = await claim_next(
        db,
        room.news.id,
        owner="crashed-host:1234:dead",
        now="2000-01-01T00:00:00+00:00",
        lease_until="2000-01-01T00:02:00+00:00",
    )
    assert due is not None
    article = await get_article(db.reader, due.article_id)
    assert article is not None
    sender = DiscordSender(room.bot)
    delivery = Delivery(
        id=due.id,
        kind="send",
        guild_id=due.guild_id,
        channel_id=due.channel_id,
        article=article,
        nonce=delivery_nonce(due.id),
    )
    posted = await sender.send(delivery)

    report = await room.deliver()

    assert report.sent == [due.id]
    assert [m.id for m in room.posts()] == [posted]
    [outcome] = (await room.outcomes()).values()
    assert outcome.status == "sent" and outcome.message_id == posted
    # It looked (the bot's recent messages in the channel) instead of posting again.
    reads = room.harness.emulator.requests_to("GET /channels/{channel_id}/messages")
    assert [r.path for r in reads] == [f"/channels/{room.news.id}/messages"]
