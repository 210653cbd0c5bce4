"""Articles table: insert with de-duplication, newest first, full-text search, counts."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

import aiosqlite

from bot.articles import Article, ParsedArticle, content_hash, utc_now

_COLUMNS = (
    "id, url, guid, source, title, author, published_at, fetched_at, summary, body, tags, "
    "content_hash, updated_at"
)
_COLUMNS_OF_A = ", ".join(f"a.{column.strip()}" for column in _COLUMNS.split(","))
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class StoreResult:
    article: Article
    created: bool
    updated: bool


@dataclass(frozen=True, slots=True)
class ArticleStats:
    articles: int
    sources: int
    oldest: str | None
    newest: str | None
    database_bytes: int


def _article(row: aiosqlite.Row) -> Article:
    return Article(
        id=row["id"],
        url=row["url"],
        guid=row["guid"],
        source=row["source"],
        title=row["title"],
        author=row["author"],
        published_at=row["published_at"],
        fetched_at=row["fetched_at"],
        summary=row["summary"],
        body=row["body"],
        tags=tuple(json.loads(row["tags"] or "[]")),
        content_hash=row["content_hash"],
        updated_at=row["updated_at"],
    )


async def find_existing(conn: aiosqlite.Connection, parsed: ParsedArticle) -> Article | None:
    """The stored copy of this story: same URL, same GUID or the same words."""
    digest = content_hash(parsed.title, parsed.body)
    async with conn.execute(
        f"SELECT {_COLUMNS} FROM articles "  # noqa: S608 - column list is a constant
        "WHERE content_hash = ? OR (url IS NOT NULL AND url = ?) "
        "OR (guid IS NOT NULL AND guid = ?) "
        "ORDER BY content_hash = ? DESC LIMIT 1",
        (digest, parsed.url, parsed.guid, digest),
    ) as cursor:
        row = await cursor.fetchone()
    return _article(row) if row else None


async def store_article(conn: aiosqlite.Connection, parsed: ParsedArticle) -> StoreResult:
    """Insert a new story, or update the stored one when an edited copy arrives.

    Must run inside a transaction (``storage.db.transaction``) so that what callers add for
    the same story (quotes, deliveries) commits with it.
    """
    digest = content_hash(parsed.title, parsed.body)
    existing = await find_existing(conn, parsed)
    if existing is not None:
        if existing.content_hash == digest:
            return StoreResult(existing, created=False, updated=False)
        now = utc_now()
        await conn.execute(
            "UPDATE articles SET title = ?, body = ?, summary = ?, author = ?, tags = ?, "
            "content_hash = ?, updated_at = ?, url = coalesce(url, ?), guid = coalesce(guid, ?), "
            "published_at = coalesce(published_at, ?) WHERE id = ?",
            (
                parsed.title,
                parsed.body,
                parsed.summary,
                parsed.author or existing.author,
                json.dumps(list(parsed.tags or existing.tags)),
                digest,
                now,
                parsed.url,
                parsed.guid,
                parsed.published_at,
                existing.id,
            ),
        )
        updated = await get_article(conn, existing.id)
        assert updated is not None
        return StoreResult(updated, created=False, updated=True)
    cursor = await conn.execute(
        "INSERT INTO articles (url, guid, source, title, author, published_at, fetched_at, "
        "summary, body, tags, content_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            parsed.url,
            parsed.guid,
            parsed.source,
            parsed.title,
            parsed.author,
            parsed.published_at,
            utc_now(),
            parsed.summary,
            parsed.body,
            json.dumps(list(parsed.tags)),
            digest,
        ),
    )
    article = await get_article(conn, cursor.lastrowid or 0)
    assert article is not None
    return StoreResult(article, created=True, updated=False)


async def get_article(conn: aiosqlite.Connection, article_id: int) -> Article | None:
    async with conn.execute(
        f"SELECT {_COLUMNS} FROM articles WHERE id = ?",  # noqa: S608 - constant columns
        (article_id,),
    ) as cursor:
        row = await cursor.fetchone()
    return _article(row) if row else None


async def latest_articles(
    conn: aiosqlite.Connection, limit: int = 5, offset: int = 0
) -> list[Article]:
    async with conn.execute(
        f"SELECT {_COLUMNS} FROM articles "  # noqa: S608 - constant columns
        "ORDER BY coalesce(published_at, fetched_at) DESC, id DESC LIMIT ? OFFSET ?",
        (limit, offset),
    ) as cursor:
        return [_article(row) for row in await cursor.fetchall()]


def fts_query(words: str, *, any_word: bool = False) -> str | None:
    """A safe FTS5 query for free text: each word quoted, so no user input is syntax."""
    terms = [w.casefold() for w in _WORD.findall(words)][:12]
    if not terms:
        return None
    joiner = " OR " if any_word else " "
    return joiner.join(f'"{term}"' for term in terms)


async def search_articles(conn: aiosqlite.Connection, words: str, limit: int = 5) -> list[Article]:
    """Best matches for ``words``: every word first, then any word; BM25 with recency ties."""
    for any_word in (False, True):
        query = fts_query(words, any_word=any_word)
        if query is None:
            return []
        async with conn.execute(
            f"SELECT {_COLUMNS_OF_A} FROM articles_fts "  # noqa: S608 - constant columns
            "JOIN articles AS a ON a.id = articles_fts.rowid "
            "WHERE articles_fts MATCH ? "
            "ORDER BY bm25(articles_fts, 5.0, 1.0), "
            "coalesce(a.published_at, a.fetched_at) DESC LIMIT ?",
            (query, limit),
        ) as cursor:
            rows = await cursor.fetchall()
        if rows:
            return [_article(row) for row in rows]
    return []


async def article_ids(conn: aiosqlite.Connection) -> Sequence[int]:
    async with conn.execute("SELECT id FROM articles ORDER BY id") as cursor:
        return [row[0] for row in await cursor.fetchall()]


async def article_stats(conn: aiosqlite.Connection) -> ArticleStats:
    async with conn.execute(
        "SELECT count(*), count(DISTINCT nullif(source, '')), "
        "min(coalesce(published_at, fetched_at)), max(coalesce(published_at, fetched_at)) "
        "FROM articles"
    ) as cursor:
        count, sources, oldest, newest = await cursor.fetchone() or (0, 0, None, None)
    async with conn.execute(
        "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()"
    ) as cursor:
        size_row = await cursor.fetchone()
    return ArticleStats(count, sources, oldest, newest, size_row[0] if size_row else 0)


def fts_phrases(phrases: Sequence[str]) -> str | None:
    """An FTS5 query matching any of the phrases, each quoted so it is never syntax."""
    quoted = []
    for phrase in phrases:
        words = [w.casefold() for w in _WORD.findall(phrase)]
        if words:
            quoted.append('"' + " ".join(words) + '"')
    return " OR ".join(quoted) if quoted else None


async def latest_mentioning(
    conn: aiosqlite.Connection, phrases: Sequence[str], limit: int = 5
) -> list[Article]:
    """Newest stories containing any of the phrases (a person's or team's names)."""
    query = fts_phrases(phrases)
    if query is None:
        return []
    async with conn.execute(
        f"SELECT {_COLUMNS_OF_A} FROM articles_fts "  # noqa: S608 - constant columns
        "JOIN articles AS a ON a.id = articles_fts.rowid WHERE articles_fts MATCH ? "
        "ORDER BY coalesce(a.published_at, a.fetched_at) DESC, a.id DESC LIMIT ?",
        (query, limit),
    ) as cursor:
        return [_article(row) for row in await cursor.fetchall()]
