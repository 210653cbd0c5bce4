"""Automatic posting through the Discord emulator, under Discord's real rate limits.

Run from the project root: ``python -m bench.delivery_e2e [--channels 1000] [--entries 20]``.

The real bot (its AutoPost cog and ``DiscordSender``, real discord.py) runs against the
loopback emulator enforcing 5 messages per 5 s per channel and 50 requests per second
overall. A feed served on 127.0.0.1 carries the news. Two measurements:

- fan-out: one story to ``--channels`` servers' news channels, from the start of the poll
  that finds it to the last message, against the floor the global limit sets (channels / 50 s);
  every channel must hold exactly one copy;
- poll-to-post: a new entry in a feed one server reads, from the start of the polling round
  that finds it (the one the cog's loop runs) to its message in the channel, over
  ``--entries`` entries;
- fairness: one server has ``--backlog`` posts queued; a new entry in another server's own
  feed, from the start of the poll that finds it to its message (given up after
  ``--patience`` seconds), and how many of the first server's posts went before it.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import statistics
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import cast
from xml.sax.saxutils import escape

from aiohttp import web

from bot.app import PaddockBot, create_bot
from bot.ingest.store import ingest_articles
from bot.news.articles import ParsedArticle
from bot.settings import Settings
from cogs._loopback import point_discord_at, restore_endpoints
from cogs.autopost import AutoPost
from emulator import Channel, DiscordEmulator, RateLimitConfig, RecordedRequest
from storage.database import connect
from storage.deliveries import PlannedDelivery, add_planned_deliveries
from storage.feeds import add_guild_feed
from storage.guilds import set_news_channel

TOKEN = "bench.bot.token"
SEND = "POST /channels/{channel_id}/messages"
DISCORD_LIMITS = RateLimitConfig(
    messages_per_channel=5, message_window=5.0, global_requests=50, global_window=1.0
)
# Under the per-channel limit one post per second keeps a channel's bucket from emptying, so
# the latency measured is Paddock's own rather than the limit's.
ENTRY_SPACING_SECONDS = 1.1
TARGET_RATIO = 1.2


@dataclass
class Entry:
    title: str
    link: str
    published: datetime


def rss(title: str, entries: list[Entry]) -> bytes:
    items = "".join(
        f"<item><title>{escape(e.title)}</title><link>{escape(e.link)}</link>"
        f"<pubDate>{format_datetime(e.published)}</pubDate>"
        f"<description>{escape(e.title)}. " + "The stewards met after the race. " * 30 + ""
        "</description></item>"
        for e in entries
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>https://bench.example/</link>"
        f"<description>bench</description>{items}</channel></rss>"
    ).encode()


class FeedSite:
    """Feeds on 127.0.0.1 whose contents the benchmark changes as it goes."""

    def __init__(self) -> None:
        self.documents: dict[str, bytes] = {}
        self.base = ""
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        async def serve(request: web.Request) -> web.Response:
            body = self.documents.get(request.path)
            if body is None:
                raise web.HTTPNotFound()
            return web.Response(body=body, content_type="application/rss+xml")

        app = web.Application()
        app.router.add_get("/{tail:.*}", serve)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.base = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def publish(self, path: str, title: str, entries: list[Entry]) -> str:
        self.documents[path] = rss(title, entries)
        return self.base + path


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(1, math.ceil(share * len(ordered))) - 1]


async def _wait_for_posts(emulator: DiscordEmulator, count: int, within: float) -> None:
    await emulator.wait_for_requests(
        lambda r: r.route == SEND and r.status == 200, count=count, within=within
    )


async def run(channels: int, entries: int, backlog: int, patience: float) -> bool:
    emulator = DiscordEmulator(rate_limits=DISCORD_LIMITS, token=TOKEN)
    state = emulator.state
    news: list[Channel] = []
    for number in range(channels):
        guild = state.create_guild(f"Server {number}")
        news.append(state.create_text_channel(guild, "f1-news"))
    now = datetime.now(UTC).replace(microsecond=0)
    site = FeedSite()
    await site.start()
    wire = site.publish("/wire.xml", "Bench wire", [])
    local = site.publish("/local.xml", "Local desk", [])
    other = site.publish("/other.xml", "Other desk", [])
    ok = True
    with tempfile.TemporaryDirectory(prefix="paddock-delivery-") as folder:
        database = Path(folder) / "bench.db"
        async with connect(database) as db:
            for channel in news:
                assert channel.guild_id is not None
                await set_news_channel(db, channel.guild_id, channel.id)
            first_guild = news[0].guild_id
            assert first_guild is not None
            await add_guild_feed(db, first_guild, local, title="Local desk")
            second_guild = news[1].guild_id
            assert second_guild is not None
            await add_guild_feed(db, second_guild, other, title="Other desk")
        # The feeds are polled when the benchmark says, not on the bot's own schedule.
        settings = Settings(
            database=database, feeds=(wire,), allow_private_feeds=True, poll_interval=86_400
        )
        await emulator.start()
        previous = point_discord_at(emulator)
        bot = create_bot(
            settings, sync_commands=False, guild_ready_timeout=0.05, chunk_guilds_at_startup=False
        )
        task = asyncio.create_task(bot.start(TOKEN))
        try:
            started = time.perf_counter()
            async with asyncio.timeout(120):
                while not bot.is_ready():
                    if task.done():
                        task.result()
                    await asyncio.sleep(0.05)
            ready = time.perf_counter() - started
            print(f"bot ready in {len(bot.guilds)} servers after {ready:.1f} s")
            ok &= await fan_out(bot, emulator, site, news, now)
            ok &= await poll_to_post(bot, emulator, site, news[0], entries, now)
            ok &= await fairness(bot, emulator, site, news, backlog, patience, now)
        finally:
            await bot.close()
            try:
                async with asyncio.timeout(10):
                    await task
            finally:
                restore_endpoints(previous)
                await emulator.stop()
                await site.stop()
    return ok


def _autopost(bot: PaddockBot) -> AutoPost:
    cog = bot.get_cog("AutoPost")
    assert cog is not None
    return cast(AutoPost, cog)


async def fan_out(
    bot: PaddockBot, emulator: DiscordEmulator, site: FeedSite, news: list[Channel], now: datetime
) -> bool:
    autopost = _autopost(bot)
    # The first poll reads the feeds' (empty) backlog; the story after it is news.
    await autopost.poller.poll_all()
    story = Entry("Verstappen wins the bench Grand Prix", "https://bench.example/1", now)
    site.publish("/wire.xml", "Bench wire", [story])
    queued = time.monotonic()
    # The round posts its first batch itself; the delivery loop takes the rest.
    polling = asyncio.create_task(autopost.poll(every_feed=True))
    await _wait_for_posts(emulator, len(news), within=len(news) / 50 * 3 + 30)
    polled, _ = await polling
    assert len(polled.created) == 1, polled
    posts = [m for channel in news for m in emulator.messages_in(channel)]
    last = max(m.changed_at for m in posts)
    first = min(m.changed_at for m in posts)
    elapsed = last - queued
    floor = len(news) / DISCORD_LIMITS.global_requests * DISCORD_LIMITS.global_window
    per_channel = Counter(m.channel_id for m in posts)
    duplicates = sum(count - 1 for count in per_channel.values())
    lost = sum(1 for channel in news if per_channel[channel.id] == 0)
    nonces = Counter(m.nonce for m in posts)
    sends = emulator.requests_to(SEND)
    limited = sum(1 for r in sends if r.status == 429)
    ratio = elapsed / floor
    print(f"\nfan-out: 1 story to {len(news)} channels")
    print(f"  poll -> last post     {elapsed:6.2f} s   (floor {floor:.1f} s at 50/s; x{ratio:.2f})")
    print(f"  first -> last post    {last - first:6.2f} s")
    print(f"  duplicates {duplicates}, lost {lost}, repeated nonces {len(posts) - len(nonces)}")
    print(f"  sends {len(sends)}, answered 429 {limited}")
    return duplicates == 0 and lost == 0 and ratio <= TARGET_RATIO


async def poll_to_post(
    bot: PaddockBot,
    emulator: DiscordEmulator,
    site: FeedSite,
    channel: Channel,
    entries: int,
    now: datetime,
) -> bool:
    autopost = _autopost(bot)
    published: list[Entry] = []
    delays: list[float] = []
    for number in range(entries):
        accepted = sum(1 for r in emulator.requests_to(SEND) if r.status == 200)
        await asyncio.sleep(ENTRY_SPACING_SECONDS)
        published.insert(
            0,
            Entry(
                f"Local story {number}: a late change of strategy",
                f"https://bench.example/local/{number}",
                now + timedelta(seconds=number + 1),
            ),
        )
        site.publish("/local.xml", "Local desk", published)
        began = time.monotonic()
        await autopost.poll(every_feed=True)
        await _wait_for_posts(emulator, accepted + 1, within=30)
        delays.append((emulator.messages_in(channel)[-1].changed_at - began) * 1000)
    titles = [m.embeds[0]["title"] for m in emulator.messages_in(channel)[1:]]
    in_order = titles == [e.title for e in reversed(published)]
    print(f"\npoll-to-post: {entries} new entries in a feed one server reads")
    print(
        f"  p50 {statistics.median(delays):7.1f} ms   p95 {percentile(delays, 0.95):7.1f} ms   "
        f"max {max(delays):7.1f} ms   each posted once, in order: {in_order}"
    )
    return in_order


async def queue_backlog(bot: PaddockBot, channel: Channel, count: int, now: datetime) -> None:
    """``count`` stories queued for ``channel``'s server alone, as a feed dumping its archive
    leaves them (the delivery hook's rows for that one server)."""
    assert channel.guild_id is not None
    stories = [
        ParsedArticle(
            title=f"Backlog story {n}",
            body=f"Backlog story {n}. The stewards met after the race.",
            url=f"https://bench.example/backlog/{n}",
            source="Backlog desk",
            published_at=(now - timedelta(seconds=count - n)).isoformat(),
        )
        for n in range(count)
    ]
    queued = [PlannedDelivery(channel.guild_id, channel.id, "pending", "queued")]
    results = await ingest_articles(bot.db, stories)
    async with bot.db.write() as conn:
        for result in results:
            await add_planned_deliveries(conn, result.article.id, queued)


async def fairness(
    bot: PaddockBot,
    emulator: DiscordEmulator,
    site: FeedSite,
    news: list[Channel],
    backlog: int,
    patience: float,
    now: datetime,
) -> bool:
    busy, other = news[0], news[1]
    await queue_backlog(bot, busy, backlog, now)
    before = len(emulator.messages_in(busy))
    other_path = f"/channels/{other.id}/messages"

    def to_other(request: RecordedRequest) -> bool:
        return request.route == SEND and request.path == other_path and request.status == 200

    earlier = len(emulator.requests_to(to_other))
    story = Entry("A story for the second server", "https://bench.example/other/1", now)
    site.publish("/other.xml", "Other desk", [story])
    began = time.monotonic()
    polling = asyncio.create_task(_autopost(bot).poll(every_feed=True))
    posted = True
    try:
        await emulator.wait_for_requests(to_other, count=earlier + 1, within=patience)
    except TimeoutError:
        posted = False
    polling.cancel()
    print(f"\nfairness: {backlog} posts queued for one server, a new story for another")
    if not posted:
        print(f"  the other server's story was not posted within {patience:.0f} s")
        return False
    message = emulator.messages_in(other)[-1]
    ahead = sum(1 for m in emulator.messages_in(busy) if m.id < message.id) - before
    print(
        f"  poll -> post {(message.changed_at - began) * 1000:7.1f} ms, "
        f"with {ahead} of the busy server's posts before it"
    )
    return ahead <= DISCORD_LIMITS.messages_per_channel


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--channels", type=int, default=1000)
    parser.add_argument("--entries", type=int, default=20)
    parser.add_argument("--backlog", type=int, default=1000)
    parser.add_argument("--patience", type=float, default=60.0)
    args = parser.parse_args()
    began = time.perf_counter()
    ok = asyncio.run(run(args.channels, args.entries, args.backlog, args.patience))
    print(f"\ntook {time.perf_counter() - began:.0f} s; {'OK' if ok else 'MISSED A TARGET'}")
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
