"""Article mentions: who and which team each story names, newest first per subject."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

import aiosqlite

from bot.news.articles import Article, article_text
from bot.news.mentions import MentionFinder, is_person_subject
from storage.articles import COLUMNS_OF_A, HIDDEN_FROM_VIEWER, article_from_row, owner_key
from storage.database import Database

# Stories scanned per transaction when catching up: short write locks, few commits.
_SCAN_BATCH = 500


@dataclass(frozen=True, slots=True)
class ArticleMentions:
    article_id: int
    published: str
    subjects: frozenset[str]


async def store_mentions(
    conn: aiosqlite.Connection,
    found: Sequence[ArticleMentions],
    version: str,
    *,
    new: AbstractSet[int] = frozenset(),
) -> None:
    """Make ``found`` the mentions of those stories; inside the caller's transaction.

    ``new`` holds ids of stories stored in this same transaction, which have no mentions
    to drop yet.
    """
    if not found:
        return
    stale = [(item.article_id,) for item in found if item.article_id not in new]
    if stale:
        await conn.executemany("DELETE FROM article_mentions WHERE article_id = ?", stale)
    await conn.executemany(
        "INSERT OR IGNORE INTO article_mentions (subject, published, article_id) VALUES (?, ?, ?)",
        [
            (subject, item.published, item.article_id)
            for item in found
            for subject in sorted(item.subjects)
        ],
    )
    await conn.executemany(
        "INSERT INTO mention_scans (article_id, version) VALUES (?, ?) "
        "ON CONFLICT (article_id) DO UPDATE SET version = excluded.version",
        [(item.article_id, version) for item in found],
    )


async def index_unscanned(db: Database, finder: MentionFinder) -> int:
    """Scan every story not yet scanned with this finder's names; returns how many.

    Costs one indexed pass over the scan table when nothing is missing, so it is safe at
    every start-up; after the name list changes it rescans the whole archive once.
    """
    scanned = 0
    after = 0
    while True:
        async with db.reader.execute(
            "SELECT a.id, coalesce(a.published_at, a.fetched_at), a.title, a.body "
            "FROM articles AS a LEFT JOIN mention_scans AS s ON s.article_id = a.id "
            "WHERE a.id > ? AND (s.version IS NULL OR s.version != ?) ORDER BY a.id LIMIT ?",
            (after, finder.version, _SCAN_BATCH),
        ) as cursor:
            rows = list(await cursor.fetchall())
        if not rows:
            return scanned
        found = [
            ArticleMentions(row[0], row[1], frozenset(finder.find(article_text(row[2], row[3]))))
            for row in rows
        ]
        async with db.write() as conn:
            await store_mentions(conn, found, finder.version)
        scanned += len(found)
        after = rows[-1][0]


async def mention_counts(conn: aiosqlite.Connection) -> dict[str, int]:
    """How many stories name each person (teams left out)."""
    async with conn.execute(
        "SELECT subject, count(*) FROM article_mentions GROUP BY subject"
    ) as cursor:
        rows: Iterable[aiosqlite.Row] = await cursor.fetchall()
    return {row[0]: row[1] for row in rows if is_person_subject(row[0])}


async def latest_about(
    conn: aiosqlite.Connection, subject: str, limit: int = 5, *, viewer: int | None = None
) -> list[Article]:
    """The newest stories naming ``subject`` (a person id or a ``team:`` id) that ``viewer``
    may see (``storage.articles.latest_articles``)."""
    async with conn.execute(
        f"SELECT {COLUMNS_OF_A} FROM article_mentions AS m "  # noqa: S608 - constant columns
        "JOIN articles AS a ON a.id = m.article_id WHERE m.subject = ? "
        f"AND m.article_id NOT IN ({HIDDEN_FROM_VIEWER}) "
        "ORDER BY m.published DESC, m.article_id DESC LIMIT ?",
        (subject, owner_key(viewer), limit),
    ) as cursor:
        return [article_from_row(row) for row in await cursor.fetchall()]


async def people_named_in(conn: aiosqlite.Connection, article_id: int) -> frozenset[str]:
    """Ids of the people a stored story names, for server filters on people."""
    async with conn.execute(
        "SELECT subject FROM article_mentions WHERE article_id = ?", (article_id,)
    ) as cursor:
        rows = await cursor.fetchall()
    return frozenset(row[0] for row in rows if is_person_subject(row[0]))
