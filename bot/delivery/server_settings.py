"""What the /paddock commands do to one server's settings, feeds and outbox.

Every method takes the server's id and touches that server alone: a moderator's channel,
filters and feeds are untrusted input for every other server.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.delivery.outbox import catch_up
from bot.delivery.servers import FilterKind, GuildConfig, GuildFilter
from bot.feeds.reading import AddedFeed, add_feed
from bot.feeds.safe_fetch import SafeFetcher
from storage.database import Database
from storage.deliveries import GuildDeliveryCounts, StoryOutcome, delivery_counts, story_outcomes
from storage.feeds import Feed, feed_statuses, guild_feeds, remove_guild_feed
from storage.guilds import (
    add_filter,
    count_filters,
    get_guild_config,
    remove_filter,
    set_news_channel,
    set_paused,
    set_ping_role,
)

__all__ = ["Feed", "GuildDeliveryCounts", "ServerSettings", "ServerStatus", "StoryOutcome"]

# How a pause a moderator chose is told from one a failing channel caused.
MANUAL_PAUSE = "paused by "


def paused_by_hand(config: GuildConfig) -> bool:
    return (config.paused_reason or "").startswith(MANUAL_PAUSE)


@dataclass(frozen=True, slots=True)
class ServerStatus:
    config: GuildConfig
    feeds: list[Feed]
    counts: list[GuildDeliveryCounts]
    outcomes: list[StoryOutcome]


class ServerSettings:
    """The service behind /paddock: reads on the reader, each change in its own write."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def config(self, guild_id: int) -> GuildConfig:
        return await get_guild_config(self._db.reader, guild_id)

    async def set_channel(self, guild_id: int, channel_id: int) -> int | None:
        """Post news in ``channel_id``. A server paused because its old channel failed is
        resumed, since a new channel is the fix: returns how many missed stories were queued
        again then (``catch_up``), else None."""
        before = await self.config(guild_id)
        await set_news_channel(self._db, guild_id, channel_id)
        if not before.paused or paused_by_hand(before):
            return None
        await set_paused(self._db, guild_id, False)
        return await catch_up(self._db, guild_id, channel_id)

    async def clear_channel(self, guild_id: int) -> None:
        await set_news_channel(self._db, guild_id, None)

    async def set_role(self, guild_id: int, role_id: int | None) -> None:
        await set_ping_role(self._db, guild_id, role_id)

    async def pause(self, guild_id: int, by: str) -> None:
        """A pause a moderator chose: what arrives meanwhile is skipped for good."""
        await set_paused(self._db, guild_id, True, f"{MANUAL_PAUSE}{by}")

    async def resume(self, guild_id: int) -> int | None:
        """Post again. After a failure's pause (the channel has been fixed), queue what the
        server missed and return how many; stories skipped during a pause a moderator chose
        stay skipped (None)."""
        before = await self.config(guild_id)
        await set_paused(self._db, guild_id, False)
        if before.paused and not paused_by_hand(before) and before.news_channel_id:
            return await catch_up(self._db, guild_id, before.news_channel_id)
        return None

    async def count_filters(self, guild_id: int, kind: FilterKind) -> int:
        return await count_filters(self._db.reader, guild_id, kind)

    async def add_filter(self, guild_id: int, item: GuildFilter) -> bool:
        """False when the server already has it."""
        return await add_filter(self._db, guild_id, item)

    async def remove_filter(self, guild_id: int, kind: FilterKind, value: str) -> bool:
        """False when the server has no such filter."""
        return await remove_filter(self._db, guild_id, kind, value)

    async def add_feed(self, fetcher: SafeFetcher, guild_id: int, url: str) -> AddedFeed:
        """Check ``url`` is a public, readable feed and read it for this server alone."""
        return await add_feed(self._db, fetcher, url, guild_id=guild_id)

    async def remove_feed(self, guild_id: int, url: str) -> bool:
        """False when the server has no such feed."""
        return await remove_guild_feed(self._db, guild_id, url)

    async def own_feeds(self, guild_id: int) -> list[Feed]:
        """The feeds this server added."""
        return await guild_feeds(self._db.reader, guild_id)

    async def feeds(self, guild_id: int) -> list[Feed]:
        """Every feed read for this server, the global ones included, with how it went."""
        return await feed_statuses(self._db.reader, guild_id)

    async def status(self, guild_id: int, *, stories: int = 10) -> ServerStatus:
        reader = self._db.reader
        return ServerStatus(
            config=await get_guild_config(reader, guild_id),
            feeds=await feed_statuses(reader, guild_id),
            counts=await delivery_counts(reader, guild_id),
            outcomes=await story_outcomes(reader, guild_id, limit=stories),
        )
