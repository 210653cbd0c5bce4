"""Feeds, who reads them, their fetch state, and the entries each one has shown."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import aiosqlite

from bot.news.articles import utc_now
from bot.news.urls import host_of
from storage.articles import owner_key
from storage.database import Database

if TYPE_CHECKING:
    from bot.feeds.reading import FeedEntry

# Stories of one owner the same-story check holds at once: a few days of every feed.
_WINDOW_MOST = 20_000
# Links one query looks up, well under SQLite's limit on bound parameters.
_LINKS_PER_QUERY = 500

_FEED_COLUMNS = (
    "f.id, f.url, f.title, f.guild_id, f.active, f.interval_seconds, f.added_at, f.etag, "
    "f.last_modified, f.body_digest, f.primed_at, f.last_polled_at, f.last_success_at, "
    "f.last_error, f.last_error_at, f.failures, f.next_poll_at"
)


@dataclass(frozen=True, slots=True)
class Feed:
    """A feed and whose it is: everyone's (``guild_id`` None, the operator's) or one
    server's, whose stories only that server ever sees."""

    id: int
    url: str
    title: str
    guild_id: int | None
    interval_seconds: int | None
    added_at: str
    active: bool = True
    etag: str | None = None
    last_modified: str | None = None
    body_digest: str | None = None  # of the last body read whole
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

    @property
    def is_global(self) -> bool:
        return self.guild_id is None


@dataclass(frozen=True, slots=True)
class EntryOrigin:
    """A feed that carried a story, and why its post is held back, if it is."""

    feed_id: int
    guild_id: int | None
    held_back: str | None  # e.g. the feed's backlog on its first read


@dataclass(frozen=True, slots=True)
class RecentStory:
    """Enough of a stored story to tell whether a new one is the same news."""

    id: int
    title: str
    body_length: int
    url: str | None
    guid: str | None
    guild_id: int | None = None  # whose story it is, as ``Feed.guild_id``
    feeds: frozenset[int] = frozenset()  # the feeds that carried it


def _feed(row: aiosqlite.Row) -> Feed:
    return Feed(
        id=row["id"],
        url=row["url"],
        title=row["title"],
        guild_id=row["guild_id"] or None,
        active=bool(row["active"]),
        interval_seconds=row["interval_seconds"],
        added_at=row["added_at"],
        etag=row["etag"],
        last_modified=row["last_modified"],
        body_digest=row["body_digest"],
        primed_at=row["primed_at"],
        last_polled_at=row["last_polled_at"],
        last_success_at=row["last_success_at"],
        last_error=row["last_error"],
        last_error_at=row["last_error_at"],
        failures=row["failures"],
        next_poll_at=row["next_poll_at"],
    )


async def get_feed(
    conn: aiosqlite.Connection, url: str, *, guild_id: int | None = None
) -> Feed | None:
    """The global feed at ``url``, or with ``guild_id`` that server's own."""
    async with conn.execute(
        f"SELECT {_FEED_COLUMNS} FROM feeds AS f "  # noqa: S608 - constant
        "WHERE f.url = ? AND f.guild_id = ?",
        (url, owner_key(guild_id)),
    ) as cursor:
        row = await cursor.fetchone()
    return _feed(row) if row else None


async def _feeds_where(
    conn: aiosqlite.Connection, condition: str, params: tuple[object, ...] = ()
) -> list[Feed]:
    """The feeds meeting ``condition``, one of this module's constant clauses; values go in
    ``params``."""
    async with conn.execute(
        f"SELECT {_FEED_COLUMNS} FROM feeds AS f WHERE {condition}",  # noqa: S608 - constant
        params,
    ) as cursor:
        return [_feed(row) for row in await cursor.fetchall()]


async def active_feeds(conn: aiosqlite.Connection) -> list[Feed]:
    """Every feed being read, global ones first."""
    return await _feeds_where(conn, "f.active = 1 ORDER BY f.guild_id != 0, f.id")


async def due_feeds(conn: aiosqlite.Connection, now: str) -> list[Feed]:
    """Feeds being read whose next poll time has come (or that were never polled)."""
    return await _feeds_where(
        conn,
        "f.active = 1 AND (f.next_poll_at IS NULL OR f.next_poll_at <= ?) "
        "ORDER BY f.next_poll_at, f.id",
        (now,),
    )


async def feed_statuses(conn: aiosqlite.Connection, guild_id: int | None = None) -> list[Feed]:
    """The feeds whose stories reach ``guild_id`` (every feed read when None), with health."""
    if guild_id is None:
        return await active_feeds(conn)
    return await _feeds_where(
        conn, "f.active = 1 AND f.guild_id IN (0, ?) ORDER BY f.guild_id != 0, f.id", (guild_id,)
    )


async def seed_global_feeds(db: Database, urls: Iterable[str]) -> int:
    """Add the configured default feeds that Paddock has never known; returns how many.

    A default someone removed keeps its row (no longer active), so it stays removed.
    """
    added = 0
    now = utc_now()
    async with db.write() as conn:
        for url in urls:
            cursor = await conn.execute(
                "INSERT INTO feeds (guild_id, url, added_at) VALUES (0, ?, ?) "
                "ON CONFLICT (guild_id, url) DO NOTHING",
                (url, now),
            )
            added += cursor.rowcount
    return added


async def _activate_feed(db: Database, guild_id: int | None, url: str, title: str) -> bool:
    """Read ``url`` for its owner from now on; False when it already was read."""
    now = utc_now()
    async with db.write() as conn:
        cursor = await conn.execute(
            "INSERT INTO feeds (guild_id, url, title, added_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (guild_id, url) DO NOTHING",
            (owner_key(guild_id), url, title, now),
        )
        if cursor.rowcount == 1:
            return True
        cursor = await conn.execute(
            "UPDATE feeds SET active = 1, added_at = ?, "
            "title = CASE WHEN ? != '' THEN ? ELSE title END "
            "WHERE guild_id = ? AND url = ? AND active = 0",
            (now, title, title, owner_key(guild_id), url),
        )
        return cursor.rowcount == 1


async def _deactivate_feed(db: Database, guild_id: int | None, url: str) -> bool:
    async with db.write() as conn:
        cursor = await conn.execute(
            "UPDATE feeds SET active = 0 WHERE guild_id = ? AND url = ? AND active = 1",
            (owner_key(guild_id), url),
        )
        return cursor.rowcount == 1


async def add_global_feed(db: Database, url: str, *, title: str = "") -> bool:
    """Make ``url`` a feed for every server; False when it already was."""
    return await _activate_feed(db, None, url, title)


async def remove_global_feed(db: Database, url: str) -> bool:
    return await _deactivate_feed(db, None, url)


async def add_guild_feed(db: Database, guild_id: int, url: str, *, title: str = "") -> bool:
    """Add a feed whose stories go to ``guild_id`` only; False when the server has it."""
    return await _activate_feed(db, guild_id, url, title)


async def remove_guild_feed(db: Database, guild_id: int, url: str) -> bool:
    return await _deactivate_feed(db, guild_id, url)


async def guild_feeds(conn: aiosqlite.Connection, guild_id: int) -> list[Feed]:
    return await _feeds_where(
        conn,
        "f.guild_id != 0 AND f.guild_id = ? AND f.active = 1 ORDER BY f.added_at, f.id",
        (guild_id,),
    )


async def count_guild_feeds(conn: aiosqlite.Connection, guild_id: int) -> int:
    async with conn.execute(
        "SELECT count(*) FROM feeds WHERE guild_id != 0 AND guild_id = ? AND active = 1",
        (guild_id,),
    ) as cursor:
        row = await cursor.fetchone()
    return row[0] if row else 0


async def record_poll_success(
    db: Database,
    feed_id: int,
    *,
    polled_at: str,
    next_poll_at: str,
    etag: str | None,
    last_modified: str | None,
    title: str | None = None,
    body_digest: str | None = None,
) -> None:
    """A poll answered (200 or 304): keep the validators and the digest of a body read
    whole (None keeps the one before), clear the failure count."""
    async with db.write() as conn:
        await conn.execute(
            "UPDATE feeds SET etag = ?, last_modified = ?, body_digest = coalesce(?, body_digest), "
            "last_polled_at = ?, last_success_at = ?, next_poll_at = ?, failures = 0, "
            "primed_at = coalesce(primed_at, ?), "
            "title = CASE WHEN coalesce(?, '') != '' THEN ? ELSE title END WHERE id = ?",
            (
                etag,
                last_modified,
                body_digest,
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
    db: Database, feed_id: int, *, polled_at: str, next_poll_at: str, error: str
) -> None:
    async with db.write() as conn:
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
    held_back: str | None = None,
) -> None:
    """Note an entry as seen, and why its story is not posted if it is not (``held_back``).
    Runs inside the caller's transaction, beside the story."""
    now = utc_now()
    await conn.execute(
        "INSERT INTO feed_entries (feed_id, entry_key, fingerprint, link, article_id, backlog, "
        "held_back, first_seen_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (feed_id, entry_key) DO UPDATE SET fingerprint = excluded.fingerprint, "
        "link = excluded.link, article_id = coalesce(excluded.article_id, article_id), "
        "last_seen_at = excluded.last_seen_at",
        (
            feed_id,
            entry.key,
            entry.fingerprint,
            entry.link,
            article_id,
            int(held_back is not None),
            held_back,
            now,
            now,
        ),
    )


async def entry_origins(conn: aiosqlite.Connection, article_id: int) -> list[EntryOrigin]:
    """The feeds that carried a story; empty for stories that came from files."""
    async with conn.execute(
        "SELECT f.id, f.guild_id, e.held_back, e.backlog "
        "FROM feed_entries AS e JOIN feeds AS f ON f.id = e.feed_id "
        "WHERE e.article_id = ? ORDER BY f.id",
        (article_id,),
    ) as cursor:
        rows = await cursor.fetchall()
    return [
        EntryOrigin(
            feed_id=row[0],
            guild_id=row[1] or None,
            held_back=row[2] or ("backlog" if row[3] else None),
        )
        for row in rows
    ]


async def stories_for_links(
    conn: aiosqlite.Connection, links: Sequence[str], *, viewer: int | None
) -> dict[str, RecentStory]:
    """For each link some feed carried, that story, even as a copy of another site's story,
    among those ``viewer`` may see (its own and the global ones; None: global only)."""
    found: dict[str, RecentStory] = {}
    wanted = list(dict.fromkeys(links))
    for first in range(0, len(wanted), _LINKS_PER_QUERY):
        part = wanted[first : first + _LINKS_PER_QUERY]
        rows = await conn.execute_fetchall(
            "SELECT e.link, a.id, a.title, length(a.body), a.url, a.guid, a.guild_id "  # noqa: S608
            "FROM feed_entries AS e JOIN articles AS a ON a.id = e.article_id "
            f"WHERE e.link IN ({', '.join('?' * len(part))}) AND a.guild_id IN (0, ?) "
            "ORDER BY a.guild_id != 0",
            (*part, owner_key(viewer)),
        )
        for row in rows:
            story = RecentStory(row[1], row[2], row[3], row[4], row[5], row[6] or None)
            found.setdefault(row[0], story)
    return found


async def recent_stories(
    conn: aiosqlite.Connection, since: str, until: str, *, viewer: int | None
) -> list[RecentStory]:
    """Stories dated from ``since`` to ``until`` that ``viewer`` may see (as
    ``story_for_link``), each with the feeds that carried it."""
    owners = (None, viewer) if viewer else (None,)
    return [
        story
        for owner in owners
        for story in await owners_recent_stories(conn, since, until, owner)
    ]


async def owners_recent_stories(
    conn: aiosqlite.Connection, since: str, until: str, owner: int | None
) -> list[RecentStory]:
    """One owner's stories (None: the global ones) dated from ``since`` to ``until``, each
    with the feeds that carried it, read through that owner's date index, so the cost is the
    window's, never the archive's."""
    sql, params = _recent_stories_query(since, until, owner)
    return [
        RecentStory(
            row[0],
            row[1],
            row[2],
            row[3],
            row[4],
            row[5] or None,
            frozenset(int(f) for f in row[6].split(",")) if row[6] else frozenset(),
        )
        for row in await conn.execute_fetchall(sql, params)
    ]


def recent_stories_queries(
    since: str, until: str, viewer: int | None
) -> list[tuple[str, tuple[object, ...]]]:
    """The statements ``recent_stories`` runs: one for the global stories and, for a
    server, one for its own."""
    owners = (None, viewer) if viewer else (None,)
    return [_recent_stories_query(since, until, owner) for owner in owners]


def _recent_stories_query(
    since: str, until: str, owner: int | None
) -> tuple[str, tuple[object, ...]]:
    """One owner's window, named to its index (SQLite refuses the query rather than scan)."""
    index, owner_test = "articles_by_date", "a.guild_id = 0"
    owner_params: tuple[object, ...] = ()
    if owner:
        index, owner_test = "articles_of_servers", "a.guild_id != 0 AND a.guild_id = ?"
        owner_params = (owner,)
    return (
        "SELECT a.id, a.title, length(a.body), a.url, a.guid, a.guild_id, "  # noqa: S608
        "(SELECT group_concat(e.feed_id) FROM feed_entries AS e WHERE e.article_id = a.id) "
        f"FROM articles AS a INDEXED BY {index} WHERE {owner_test} "
        "AND coalesce(a.published_at, a.fetched_at) BETWEEN ? AND ? "
        f"ORDER BY coalesce(a.published_at, a.fetched_at) DESC, a.id DESC LIMIT {_WINDOW_MOST}",
        (*owner_params, since, until),
    )
