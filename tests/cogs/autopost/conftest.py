"""Automatic posting end to end: the real bot, the loopback Discord and feeds on 127.0.0.1.

``Newsroom`` is the seeded server with Paddock running in it: a moderator types the
/paddock commands, the feed server changes what the feeds say, and the test reads what
landed in #f1-news. Tests that need determinism drive one poll or delivery round at a time
through the running AutoPost cog; its own loops keep running alongside, as in production.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import pytest

from bot.app import PaddockBot, create_bot
from bot.delivery.outbox import WorkerReport
from bot.feeds.poller import PollRound
from bot.settings import Settings
from cogs.autopost import AutoPost
from emulator import Channel, Guild, Member, Message, RateLimitConfig
from storage.deliveries import StoryOutcome, story_outcomes
from tests.bot.feeds.conftest import FeedServer, Item, feed_server, hours_ago, rss
from tests.discord_harness import DiscordHarness

__all__ = ["feed_server"]  # the local feed server fixture, shared with tests/bot/feeds

LONG = " ".join(["The stewards reviewed the incident at turn four after the race."] * 12)
# Discord's limits, but for a message window of half a second instead of five: a test that
# waits one out (after a 429, or for the sixth post in a channel) then takes a moment.
DISCORD_LIMITS = RateLimitConfig(
    messages_per_channel=5, message_window=0.5, global_requests=50, global_window=1.0
)


def story(n: int, hours: float = 1.0, **fields: str) -> Item:
    """A feed item carrying its full text, so no article page is fetched."""
    return Item(
        title=fields.get("title", f"Story number {n} from the paddock"),
        link=fields.get("link", f"https://news.example/story-{n}"),
        guid=fields.get("guid"),
        content=fields.get("content", f"<p>Story {n}. {LONG}</p>"),
        published=hours_ago(hours),
    )


def paddock_settings(database: Path, **overrides: Any) -> Settings:
    # No default feeds (nothing beyond 127.0.0.1), and the local feed server is allowed.
    values: dict[str, Any] = {"database": database, "feeds": (), "allow_private_feeds": True}
    values.update(overrides)
    return Settings(**values)


def make_bot(database: Path, **settings: Any) -> PaddockBot:
    return create_bot(
        paddock_settings(database, **settings),
        sync_commands=False,
        guild_ready_timeout=0.05,
        chunk_guilds_at_startup=False,
    )


def titles(messages: list[Message]) -> list[str]:
    return [m.embeds[0]["title"] for m in messages if m.embeds]


@dataclass
class Newsroom:
    harness: DiscordHarness
    feeds: FeedServer

    @property
    def bot(self) -> PaddockBot:
        bot = self.harness.client
        assert isinstance(bot, PaddockBot)
        return bot

    @property
    def cog(self) -> AutoPost:
        cog = self.bot.get_cog("AutoPost")
        # load_extension imports the cog module afresh, so isinstance would compare a copy.
        assert cog is not None and type(cog).__name__ == "AutoPost"
        return cast(AutoPost, cog)

    @property
    def news(self) -> Channel:
        return self.harness.world.news

    @property
    def guild_id(self) -> int:
        return self.harness.world.guild.id

    async def command(self, path: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
        """Run a /paddock command as the moderator and return the (private) answer."""
        handle = await self.harness.slash(path, options, user=self.harness.world.moderator)
        reply = await handle.response()
        if reply["type"] == 5:  # deferred: the answer is the follow-up
            message = (await handle.followup_messages(1, within=10.0))[0]
            return {"content": message.content, "embeds": message.embeds, "flags": message.flags}
        return dict(reply["data"])

    async def add_feed(self, path: str, items: list[Item]) -> str:
        url = self.feeds.serve(path, rss(items, title=f"Feed {path}"))
        reply = await self.command("paddock feeds add", {"url": url})
        assert reply["content"].startswith("Added"), reply
        return url

    async def poll(self) -> PollRound:
        return await self.cog.poller.poll_all()

    async def deliver(self, *, within: float = 20.0) -> WorkerReport:
        """Delivery rounds until one finds nothing due (retries that come due included)."""
        total = WorkerReport()
        async with asyncio.timeout(within):
            while True:
                report = await self.cog.worker.run_once()
                total.sent += report.sent
                total.edited += report.edited
                total.retrying += report.retrying
                total.failed += report.failed
                total.paused_guilds.update(report.paused_guilds)
                if report.idle:
                    return total
                if not (report.sent or report.edited):
                    await asyncio.sleep(0.05)  # a retry or a channel's pacing to wait for

    def posts(self, channel: Channel | None = None) -> list[Message]:
        """Paddock's own posts in a channel (not answers to commands), oldest first."""
        return [
            m
            for m in self.harness.emulator.messages_in(channel or self.news)
            if m.interaction_metadata is None and m.webhook_id is None
        ]

    async def outcomes(self) -> dict[str, StoryOutcome]:
        found = await story_outcomes(self.bot.db.reader, self.guild_id, limit=200)
        return {o.title: o for o in found}

    async def status(self) -> dict[str, str]:
        reply = await self.command("paddock status")
        embed = reply["embeds"][0]
        shown = {f["name"]: f["value"] for f in embed.get("fields") or []}
        shown["description"] = embed.get("description") or ""
        return shown


@asynccontextmanager
async def newsroom(
    database: Path,
    feeds: FeedServer,
    *,
    rate_limits: RateLimitConfig | None = DISCORD_LIMITS,
    configure: Callable[[DiscordHarness], None] | None = None,
    **settings: Any,
) -> AsyncIterator[Newsroom]:
    harness = DiscordHarness(rate_limits=rate_limits)
    if configure is not None:
        configure(harness)
    async with harness.running(make_bot(database, **settings)) as running:
        yield Newsroom(running, feeds)


@pytest.fixture
async def room(tmp_path: Path, feed_server: FeedServer) -> AsyncIterator[Newsroom]:
    """Paddock with #f1-news chosen as the news channel."""
    async with newsroom(tmp_path / "paddock.db", feed_server) as running:
        reply = await running.command("paddock channel set", {"channel": running.news})
        assert reply["content"].startswith("News will be posted"), reply
        yield running


@dataclass
class SecondServer:
    """Another server Paddock is in, beside the seeded one: its news channel and owner."""

    guild: Guild
    news: Channel
    owner: Member


def add_second_server(harness: DiscordHarness) -> None:
    """``newsroom(configure=...)``: a second server with an #f1-news, before Paddock starts."""
    state = harness.emulator.state
    guild = state.create_guild("Second Server")
    state.create_text_channel(guild, "f1-news")


def second_server(harness: DiscordHarness) -> SecondServer:
    state = harness.emulator.state
    guild = next(g for g in state.guilds.values() if g.name == "Second Server")
    news = next(c for c in guild.channels.values() if c.name == "f1-news")
    return SecondServer(guild, news, guild.members[guild.owner_id])
