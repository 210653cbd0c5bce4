"""Feeds, who reads them, their fetch state, and the entries each one has shown."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import aiosqlite

from bot.articles import utc_now
from bot.urls import host_of
from storage.db import transaction

if TYPE_CHECKING:
    from bot.feeds import FeedEntry

_FEED_COLUMNS = (
    "f.id, f.url, f.title, f.is_global, f.interval_seconds, f.added_at, f.etag, "
    "f.last_modified, f.primed_at, f.last_polled_at, f.last_success_at, f.last_error, "
    "f.last_error_at, f.failures, f.next_poll_at, "
    "(SELECT group_concat(g.guild_id) FROM guild_feeds AS g WHERE g.feed_id = f.id) AS guilds"
)
# A feed is read while its stories have somewhere to go.
_ACTIVE = "(f.is_global = 1 OR EXISTS (SELECT 1 FROM guild_feeds AS g WHERE g.feed_id = f.id))"


@dataclass(frozen=True, slots=True)
class Feed:
    id: int
    url: str
    title: str
    is_global: bool
    guild_ids: tuple[int, ...]
    interval_seconds: int | None
    added_at: str
    etag: str | None = None
    last_modified: str | None = None
    primed_at: str | None = None  # first successful poll; None means the backlog is unread
    last_polled_at: str | None = None
    last_success_at: str | None = None
    last_error: str | None = None
    last_error_at: str | None = None
    failures: int = 0
    next_poll_at: str | None = None

    @property
    def name(self) -> str:
        return self.title or host_of(self.url)


@dataclass(frozen=True, slots=True)
class EntryOrigin:
    """A feed that carried a story, and whether it came with the feed's backlog."""

    feed_id: int
    is_global: bool
    guild_ids: tuple[int, ...]
    backlog: bool


@dataclass(frozen=True, slots=True)
class RecentStory:
    """Enough of a stored story to tell whether a new one is the same news."""

    id: int
    title: str
    body_length: int
    url: str | None
    guid: str | None


def _feed(row: aiosqlite.Row) -> Feed:
    guilds = row["guilds"]
    return Feed(
        id=row["id"],
        url=row["url"],
        title=row["title"],
        is_global=bool(row["is_global"]),
        guild_ids=tuple(sorted(int(g) for g in guilds.split(","))) if guilds else (),
        interval_seconds=row["interval_seconds"],
        added_at=row["added_at"],
        etag=row["etag"],
        last_modified=row["last_modified"],
        primed_at=row["primed_at"],
        last_polled_at=row["last_polled_at"],
        last_success_at=row["last_success_at"],
        last_error=row["last_error"],
        last_error_at=row["last_error_at"],
        failures=row["failures"],
        next_poll_at=row["next_poll_at"],
    )


async def get_feed(conn: aiosqlite.Connection, url: str) -> Feed | None:
    async with conn.execute(
        f"SELECT {_FEED_COLUMNS} FROM feeds AS f WHERE f.url = ?",  # noqa: S608 - constant
        (url,),
    ) as cursor:
        row = await cursor.fetchone()
    return _feed(row) if row else None


async def active_feeds(conn: aiosqlite.Connection) -> list[Feed]:
    """Every feed being read, global ones first."""
    async with conn.execute(
        f"SELECT {_FEED_COLUMNS} FROM feeds AS f WHERE {_ACTIVE} "  # noqa: S608 - constant
        "ORDER BY f.is_global DESC, f.id"
    ) as cursor:
        return [_feed(row) for row in await cursor.fetchall()]


async def due_feeds(conn: aiosqlite.Connection, now: str) -> list[Feed]:
    """Feeds being read whose next poll time has come (or that were never polled)."""
    async with conn.execute(
        f"SELECT {_FEED_COLUMNS} FROM feeds AS f WHERE {_ACTIVE} "  # noqa: S608 - constant
        "AND (f.next_poll_at IS NULL OR f.next_poll_at <= ?) ORDER BY f.next_poll_at, f.id",
        (now,),
    ) as cursor:
        return [_feed(row) for row in await cursor.fetchall()]


async def feed_statuses(conn: aiosqlite.Connection, guild_id: int | None = None) -> list[Feed]:
    """The feeds whose stories reach ``guild_id`` (every feed read when None), with health."""
    if guild_id is None:
        return await active_feeds(conn)
    async with conn.execute(
        f"SELECT {_FEED_COLUMNS} FROM feeds AS f "  # noqa: S608 - constant
        "WHERE f.is_global = 1 OR EXISTS "
        "(SELECT 1 FROM guild_feeds AS g WHERE g.feed_id = f.id AND g.guild_id = ?) "
        "ORDER BY f.is_global DESC, f.id",
        (guild_id,),
    ) as cursor:
        return [_feed(row) for row in await cursor.fetchall()]


async def _ensure_feed(conn: aiosqlite.Connection, url: str, title: str, now: str) -> int:
    await conn.execute(
        "INSERT INTO feeds (url, title, added_at) VALUES (?, ?, ?) ON CONFLICT (url) DO "
        "UPDATE SET title = CASE WHEN excluded.title != '' THEN excluded.title ELSE title END",
        (url, title, now),
    )
    async with conn.execute("SELECT id FROM feeds WHERE url = ?", (url,)) as cursor:
        row = await cursor.fetchone()
    assert row is not None
    return int(row[0])


async def seed_global_feeds(conn: aiosqlite.Connection, urls: Iterable[str]) -> int:
    """Add the configured default feeds that Paddock has never known; returns how many.

    A default someone removed keeps its row (no longer global), so it stays removed.
    """
    added = 0
    now = utc_now()
    async with transaction(conn):
        for url in urls:
            cursor = await conn.execute(
                "INSERT INTO feeds (url, is_global, added_at) VALUES (?, 1, ?) "
                "ON CONFLICT (url) DO NOTHING",
                (url, now),
            )
            added += cursor.rowcount
    return added


async def add_global_feed(conn: aiosqlite.Connection, url: str, *, title: str = "") -> bool:
    """Make ``url`` a feed for every server; False when it already was."""
    async with transaction(conn):
        feed_id = await _ensure_feed(conn, url, title, utc_now())
        cursor = await conn.execute(
            "UPDATE feeds SET is_global = 1 WHERE id = ? AND is_global = 0", (feed_id,)
        )
        return cursor.rowcount == 1


async def remove_global_feed(conn: aiosqlite.Connection, url: str) -> bool:
    async with transaction(conn):
        cursor = await conn.execute(
            "UPDATE feeds SET is_global = 0 WHERE url = ? AND is_global = 1", (url,)
        )
        return cursor.rowcount == 1


async def add_guild_feed(
    conn: aiosqlite.Connection, guild_id: int, url: str, *, title: str = ""
) -> bool:
    """Add a feed whose stories go to ``guild_id`` only; False when the server has it."""
    async with transaction(conn):
        now = utc_now()
        feed_id = await _ensure_feed(conn, url, title, now)
        cursor = await conn.execute(
            "INSERT INTO guild_feeds (guild_id, feed_id, added_at) VALUES (?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            (guild_id, feed_id, now),
        )
        return cursor.rowcount == 1


async def remove_guild_feed(conn: aiosqlite.Connection, guild_id: int, url: str) -> bool:
    async with transaction(conn):
        cursor = await conn.execute(
            "DELETE FROM guild_feeds WHERE guild_id = ? "
            "AND feed_id = (SELECT id FROM feeds WHERE url = ?)",
            (guild_id, url),
        )
        return cursor.rowcount == 1


async def guild_feeds(conn: aiosqlite.Connection, guild_id: int) -> list[Feed]:
    async with conn.execute(
        f"SELECT {_FEED_COLUMNS} FROM feeds AS f "  # noqa: S608 - constant
        "JOIN guild_feeds AS own ON own.feed_id = f.id AND own.guild_id = ? ORDER BY own.added_at",
        (guild_id,),
    ) as cursor:
        return [_feed(row) for row in await cursor.fetchall()]


async def count_guild_feeds(conn: aiosqlite.Connection, guild_id: int) -> int:
    async with conn.execute(
        "SELECT count(*) FROM guild_feeds WHERE guild_id = ?", (guild_id,)
    ) as cursor:
        row = await cursor.fetchone()
    return row[0] if row else 0


async def record_poll_success(
    conn: aiosqlite.Connection,
    feed_id: int,
    *,
    polled_at: str,
    next_poll_at: str,
    etag: str | None,
    last_modified: str | None,
    title: str | None = None,
) -> None:
    """A poll answered (200 or 304): keep the validators, clear the failure count."""
    async with transaction(conn):
        await conn.execute(
            "UPDATE feeds SET etag = ?, last_modified = ?, last_polled_at = ?, "
            "last_success_at = ?, next_poll_at = ?, failures = 0, "
            "primed_at = coalesce(primed_at, ?), "
            "title = CASE WHEN coalesce(?, '') != '' THEN ? ELSE title END WHERE id = ?",
            (
                etag,
                last_modified,
                polled_at,
                polled_at,
                next_poll_at,
                polled_at,
                title,
                title,
                feed_id,
            ),
        )


async def record_poll_failure(
    conn: aiosqlite.Connection, feed_id: int, *, polled_at: str, next_poll_at: str, error: str
) -> None:
    async with transaction(conn):
        await conn.execute(
            "UPDATE feeds SET last_polled_at = ?, last_error = ?, last_error_at = ?, "
            "failures = failures + 1, next_poll_at = ? WHERE id = ?",
            (polled_at, error, polled_at, next_poll_at, feed_id),
        )


async def seen_entries(conn: aiosqlite.Connection, feed_id: int) -> dict[str, str]:
    """Entry key to fingerprint, for every entry the feed has shown."""
    async with conn.execute(
        "SELECT entry_key, fingerprint FROM feed_entries WHERE feed_id = ?", (feed_id,)
    ) as cursor:
        return {row[0]: row[1] for row in await cursor.fetchall()}


async def record_feed_entry(
    conn: aiosqlite.Connection,
    feed_id: int,
    entry: FeedEntry,
    article_id: int | None,
    *,
    backlog: bool,
) -> None:
    """Note an entry as seen. Runs inside the caller's transaction, beside the story."""
    now = utc_now()
    await conn.execute(
        "INSERT INTO feed_entries (feed_id, entry_key, fingerprint, link, article_id, backlog, "
        "first_seen_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (feed_id, entry_key) DO UPDATE SET fingerprint = excluded.fingerprint, "
        "link = excluded.link, article_id = coalesce(excluded.article_id, article_id), "
        "last_seen_at = excluded.last_seen_at",
        (feed_id, entry.key, entry.fingerprint, entry.link, article_id, int(backlog), now, now),
    )


async def entry_origins(conn: aiosqlite.Connection, article_id: int) -> list[EntryOrigin]:
    """The feeds that carried a story; empty for stories that came from files."""
    async with conn.execute(
        "SELECT f.id, f.is_global, e.backlog, "
        "(SELECT group_concat(g.guild_id) FROM guild_feeds AS g WHERE g.feed_id = f.id) "
        "FROM feed_entries AS e JOIN feeds AS f ON f.id = e.feed_id "
        "WHERE e.article_id = ? ORDER BY f.id",
        (article_id,),
    ) as cursor:
        rows = await cursor.fetchall()
    return [
        EntryOrigin(
            feed_id=row[0],
            is_global=bool(row[1]),
            backlog=bool(row[2]),
            guild_ids=tuple(int(g) for g in row[3].split(",")) if row[3] else (),
        )
        for row in rows
    ]


async def story_for_link(conn: aiosqlite.Connection, link: str) -> RecentStory | None:
    """The story any feed carried under ``link``, even as a copy of another site's story."""
    async with conn.execute(
        "SELECT a.id, a.title, length(a.body), a.url, a.guid FROM feed_entries AS e "
        "JOIN articles AS a ON a.id = e.article_id WHERE e.link = ? LIMIT 1",
        (link,),
    ) as cursor:
        row = await cursor.fetchone()
    return RecentStory(*row) if row else None


async def recent_stories(
    conn: aiosqlite.Connection, since: str, *, other_than_feed: int
) -> list[RecentStory]:
    """Stories dated since ``since`` and not carried by ``other_than_feed``."""
    async with conn.execute(
        "SELECT a.id, a.title, length(a.body), a.url, a.guid FROM articles AS a "
        "WHERE coalesce(a.published_at, a.fetched_at) >= ? AND NOT EXISTS "
        "(SELECT 1 FROM feed_entries AS e WHERE e.article_id = a.id AND e.feed_id = ?) "
        "ORDER BY a.id DESC LIMIT 2000",
        (since, other_than_feed),
    ) as cursor:
        return [RecentStory(*row) for row in await cursor.fetchall()]
