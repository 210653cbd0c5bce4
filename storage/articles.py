"""Articles table: insert with de-duplication, newest first, full-text search, counts."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

import aiosqlite

from bot.news.articles import Article, ParsedArticle, content_hash, utc_now
from storage.database import Database
from storage.db import newest_first, newest_id

_COLUMNS = (
    "id, url, guid, source, title, author, published_at, fetched_at, summary, body, tags, "
    "content_hash, updated_at, guild_id"
)
COLUMNS_OF_A = ", ".join(f"a.{column.strip()}" for column in _COLUMNS.split(","))
_WORD = re.compile(r"\w+", re.UNICODE)
# Stories whose keys one query looks up: three lists of this many stay under SQLite's
# limit on bound parameters.
_KEYS_PER_QUERY = 250
# Stories (newest stored first) that search ranks before widening to the whole archive.
_SEARCH_WINDOWS = (2_000, 20_000, None)
# bm25 weighs a word found in half the stories or more at next to nothing. Counted in the
# newest _COMMON_SAMPLE stories, a word is taken to be on one side of that line when this
# far from it (see _ranking_query); 500 tell 40% from 60% with room to spare.
_HALF_MARGIN = 0.1
_COMMON_SAMPLE = 500
# Stories stored before a word's count is taken again (``_word_shares``).
_SHARES_FRESH = 50
# Matches, newest stored first, among which "latest mentioning" sorts by date.
_RECENT_MATCHES = 500
# The stories a viewer must not see: every other server's own (one parameter, the viewing
# server's id, 0 in direct messages). Servers' stories are few, and an index holds them.
HIDDEN_FROM_VIEWER = "SELECT id FROM articles WHERE guild_id != 0 AND guild_id != ?"


def owner_key(guild_id: int | None) -> int:
    """How the database spells a story's owner: 0 for everyone, else the server's id."""
    return guild_id or 0


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


def article_from_row(row: aiosqlite.Row) -> Article:
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
        guild_id=row["guild_id"] or None,
    )


def _clamped_date(published_at: str | None, now: str) -> str | None:
    """A date in the future is a feed's mistake or a trick to stay on top of /latest: the
    story is taken as published when Paddock first saw it."""
    if published_at is not None and published_at > now:
        return now
    return published_at


async def find_existing(conn: aiosqlite.Connection, parsed: ParsedArticle) -> Article | None:
    """The stored copy of this story among its owner's: same URL, same GUID or the same
    words. Another owner's copy is never it: a server's feed cannot reach other stories."""
    digest = content_hash(parsed.title, parsed.body)
    # One trip to the database thread instead of a cursor's three.
    rows = await conn.execute_fetchall(
        f"SELECT {_COLUMNS} FROM articles "  # noqa: S608 - column list is a constant
        "WHERE guild_id = ? AND (content_hash = ? OR (url IS NOT NULL AND url = ?) "
        "OR (guid IS NOT NULL AND guid = ?)) "
        "ORDER BY content_hash = ? DESC LIMIT 1",
        (owner_key(parsed.guild_id), digest, parsed.url, parsed.guid, digest),
    )
    return article_from_row(next(iter(rows))) if rows else None


async def find_existing_many(
    conn: aiosqlite.Connection,
    batch: Sequence[ParsedArticle],
    digests: Sequence[str],
    *,
    owner: int | None,
) -> list[Article | None]:
    """``find_existing`` for each story of ``batch`` (whose ``content_hash`` values are
    ``digests``) as if it were ``owner``'s, in a few queries whatever the batch's size."""
    key = owner_key(owner)
    rows: list[aiosqlite.Row] = []
    for first in range(0, len(batch), _KEYS_PER_QUERY):
        part = batch[first : first + _KEYS_PER_QUERY]
        where, params = _keys_condition(
            digests[first : first + _KEYS_PER_QUERY],
            [p.url for p in part if p.url is not None],
            [p.guid for p in part if p.guid is not None],
        )
        if where:
            rows += await conn.execute_fetchall(
                f"SELECT {_COLUMNS} FROM articles WHERE guild_id = ? AND ({where})",  # noqa: S608
                (key, *params),
            )
    stored = [article_from_row(row) for row in rows]
    by_hash = {a.content_hash: a for a in stored}
    by_url = {a.url: a for a in stored if a.url is not None}
    by_guid = {a.guid: a for a in stored if a.guid is not None}
    return [
        by_hash.get(digest)
        or (by_url.get(parsed.url) if parsed.url is not None else None)
        or (by_guid.get(parsed.guid) if parsed.guid is not None else None)
        for parsed, digest in zip(batch, digests, strict=True)
    ]


async def store_article(conn: aiosqlite.Connection, parsed: ParsedArticle) -> StoreResult:
    """Insert a new story, or update the stored one when an edited copy arrives.

    Must run inside a transaction (``Database.write``) so that what callers add for
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
                _clamped_date(parsed.published_at, now),
                existing.id,
            ),
        )
        updated = await get_article(conn, existing.id)
        assert updated is not None
        return StoreResult(updated, created=False, updated=True)
    now = utc_now()
    cursor = await conn.execute(
        "INSERT INTO articles (guild_id, url, guid, source, title, author, published_at, "
        "fetched_at, summary, body, tags, content_hash) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            owner_key(parsed.guild_id),
            parsed.url,
            parsed.guid,
            parsed.source,
            parsed.title,
            parsed.author,
            _clamped_date(parsed.published_at, now),
            now,
            parsed.summary,
            parsed.body,
            json.dumps(list(parsed.tags)),
            digest,
        ),
    )
    article = await get_article(conn, cursor.lastrowid or 0)
    assert article is not None
    await _index_articles(conn, [(article.id, article.title, article.body)])
    return StoreResult(article, created=True, updated=False)


async def _index_articles(
    conn: aiosqlite.Connection, stories: Sequence[tuple[int, str, str]]
) -> None:
    """Full-text rows for newly inserted stories (id, title, body), in one statement: new
    rows are indexed here rather than by a trigger (migration 0009)."""
    await conn.executemany(
        "INSERT INTO articles_fts (rowid, title, body) VALUES (?, ?, ?)", stories
    )


async def store_articles(
    conn: aiosqlite.Connection,
    batch: Sequence[ParsedArticle],
    digests: Sequence[str] | None = None,
) -> list[StoreResult]:
    """``store_article`` for many stories at once, results in the same order.

    New stories (the common case in a bulk import) are found with one query and inserted
    with one statement; a story that is already stored, or repeats one earlier in the batch,
    goes through ``store_article`` alone. Must run inside a transaction. ``digests``, when
    given, are the stories' ``content_hash`` values, worked out elsewhere (import workers).
    """
    if digests is None:
        digests = [content_hash(p.title, p.body) for p in batch]
    elif len(digests) != len(batch):
        raise ValueError(f"{len(digests)} content hashes for {len(batch)} stories")
    known_hashes, known_urls, known_guids = await _stored_keys(conn, batch, digests)
    fresh: list[int] = []
    later: list[int] = []
    for position, (parsed, digest) in enumerate(zip(batch, digests, strict=True)):
        owner = owner_key(parsed.guild_id)
        if (
            (owner, digest) in known_hashes
            or (parsed.url is not None and (owner, parsed.url) in known_urls)
            or (parsed.guid is not None and (owner, parsed.guid) in known_guids)
        ):
            later.append(position)
            continue
        fresh.append(position)
        known_hashes.add((owner, digest))
        if parsed.url is not None:
            known_urls.add((owner, parsed.url))
        if parsed.guid is not None:
            known_guids.add((owner, parsed.guid))
    results: list[StoreResult | None] = [None] * len(batch)
    if fresh:
        # Inside the write transaction nobody else can take these ids.
        next_id = await newest_id(conn, "articles") + 1
        now = utc_now()
        rows = []
        for offset, position in enumerate(fresh):
            parsed = batch[position]
            article = Article(
                id=next_id + offset,
                title=parsed.title,
                body=parsed.body,
                author=parsed.author,
                tags=tuple(parsed.tags),
                url=parsed.url,
                guid=parsed.guid,
                source=parsed.source,
                published_at=_clamped_date(parsed.published_at, now),
                fetched_at=now,
                summary=parsed.summary,
                content_hash=digests[position],
                guild_id=parsed.guild_id or None,
            )
            results[position] = StoreResult(article, created=True, updated=False)
            rows.append(
                (
                    article.id,
                    owner_key(article.guild_id),
                    article.url,
                    article.guid,
                    article.source,
                    article.title,
                    article.author,
                    article.published_at,
                    article.fetched_at,
                    article.summary,
                    article.body,
                    json.dumps(list(article.tags)),
                    article.content_hash,
                )
            )
        await conn.executemany(
            "INSERT INTO articles (id, guild_id, url, guid, source, title, author, published_at, "
            "fetched_at, summary, body, tags, content_hash) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        await _index_articles(conn, [(row[0], row[5], row[10]) for row in rows])
    for position in later:
        results[position] = await store_article(conn, batch[position])
    return [result for result in results if result is not None]


async def _stored_keys(
    conn: aiosqlite.Connection, batch: Sequence[ParsedArticle], digests: Sequence[str]
) -> tuple[set[tuple[int, str]], set[tuple[int, str]], set[tuple[int, str]]]:
    """The (owner, hash), (owner, URL) and (owner, GUID) pairs of stored stories that share
    any hash, URL or GUID with ``batch``."""
    hashes: set[tuple[int, str]] = set()
    urls: set[tuple[int, str]] = set()
    guids: set[tuple[int, str]] = set()
    for first in range(0, len(batch), _KEYS_PER_QUERY):
        part = batch[first : first + _KEYS_PER_QUERY]
        wanted_hashes = list(digests[first : first + _KEYS_PER_QUERY])
        wanted_urls = [p.url for p in part if p.url is not None]
        wanted_guids = [p.guid for p in part if p.guid is not None]
        sql, params = _stored_keys_query(wanted_hashes, wanted_urls, wanted_guids)
        if not params:
            continue
        # One trip to the database thread instead of a cursor's three: each trip costs tens
        # of microseconds of CPU between the two threads.
        for row in await conn.execute_fetchall(sql, params):
            owner = row[3]
            hashes.add((owner, row[0]))
            if row[1] is not None:
                urls.add((owner, row[1]))
            if row[2] is not None:
                guids.add((owner, row[2]))
    return hashes, urls, guids


def _keys_condition(
    hashes: Sequence[str], urls: Sequence[str], guids: Sequence[str]
) -> tuple[str, tuple[str, ...]]:
    """A condition matching rows that share a hash, URL or GUID, with a term only for lists
    that have values: SQLite turns an empty "IN ()" in an OR into a scan of the whole table
    instead of index lookups (a gigabyte read per batch at 100k stories)."""
    wanted = [
        (column, values)
        for column, values in (("content_hash", hashes), ("url", urls), ("guid", guids))
        if values
    ]
    where = " OR ".join(f"{column} IN ({_marks(values)})" for column, values in wanted)
    return where, tuple(value for _, values in wanted for value in values)


def _stored_keys_query(
    hashes: Sequence[str], urls: Sequence[str], guids: Sequence[str]
) -> tuple[str, tuple[str, ...]]:
    """The stored rows sharing a hash, URL or GUID (``_keys_condition``)."""
    where, params = _keys_condition(hashes, urls, guids)
    # Columns are constants and values placeholders.
    return f"SELECT content_hash, url, guid, guild_id FROM articles WHERE {where}", params  # noqa: S608


def _marks(values: Sequence[object]) -> str:
    return ", ".join("?" * len(values))


async def get_article(conn: aiosqlite.Connection, article_id: int) -> Article | None:
    async with conn.execute(
        f"SELECT {_COLUMNS} FROM articles WHERE id = ?",  # noqa: S608 - constant columns
        (article_id,),
    ) as cursor:
        row = await cursor.fetchone()
    return article_from_row(row) if row else None


async def latest_articles(
    conn: aiosqlite.Connection, limit: int = 5, offset: int = 0, *, viewer: int | None = None
) -> list[Article]:
    """The newest stories ``viewer`` (a server's id; None in direct messages) may see: the
    global ones and, in a server, its own. Each part is read newest first from its own
    index, so other servers' stories cost nothing here."""
    wanted = limit + offset
    dated = f"{_COLUMNS}, coalesce(published_at, fetched_at) AS dated"
    own = ""
    params: tuple[object, ...] = (wanted,)
    if viewer:
        own = (
            f"UNION ALL SELECT * FROM (SELECT {dated} FROM articles "  # noqa: S608
            "WHERE guild_id != 0 AND guild_id = ? "
            "ORDER BY coalesce(published_at, fetched_at) DESC, id DESC LIMIT ?) "
        )
        params += (viewer, wanted)
    async with conn.execute(
        f"SELECT * FROM (SELECT {dated} FROM articles WHERE guild_id = 0 "  # noqa: S608
        "ORDER BY coalesce(published_at, fetched_at) DESC, id DESC LIMIT ?) "
        f"{own}ORDER BY dated DESC, id DESC LIMIT ? OFFSET ?",
        (*params, limit, offset),
    ) as cursor:
        return [article_from_row(row) for row in await cursor.fetchall()]


def _terms(words: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(words)][:12]


def _quoted(terms: Sequence[str], joiner: str = " ") -> str:
    return joiner.join(f'"{term}"' for term in terms)


def fts_query(words: str, *, any_word: bool = False) -> str | None:
    """A safe FTS5 query for free text: each word quoted, so no user input is syntax."""
    terms = _terms(words)
    if not terms:
        return None
    return _quoted(terms, " OR " if any_word else " ")


async def _word_shares(db: Database, words: Sequence[str]) -> tuple[int, dict[str, float]]:
    """How many of the newest stories were counted, and the share of them holding each word.

    A count stays good until ``_SHARES_FRESH`` more stories are stored: searches repeat the
    same words, and counting them again costs as much as the ranking it decides on. The
    counts are kept on the ``Database`` (``word_shares``).
    """
    conn = db.reader
    newest = await newest_id(conn, "articles")
    stories = min(newest, _COMMON_SAMPLE)
    known = db.word_shares
    shares: dict[str, float] = {}
    for word in words:
        counted = known.get(word)
        if counted is not None and 0 <= newest - counted[0] < _SHARES_FRESH:
            shares[word] = counted[1]
    wanted = [word for word in words if word not in shares]
    if wanted and stories:
        # The newest ids stand in for the newest stories: counting those would read their
        # rows, and an id gap only makes a word look rarer, so it keeps ranking.
        each_count = ", ".join(
            f"(SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?{n} "  # noqa: S608
            "AND rowid > ?1)"
            for n in range(2, len(wanted) + 2)
        )
        [counts] = await conn.execute_fetchall(
            f"SELECT {each_count}",
            (newest - stories, *(_quoted([word]) for word in wanted)),
        )
        if len(known) > 10_000:
            known.clear()
        for word, count in zip(wanted, counts, strict=True):
            shares[word] = count / stories
            known[word] = (newest, shares[word])
    return stories, shares


async def _ranking_query(db: Database, terms: Sequence[str]) -> str | None:
    """The words bm25 should rank an every-word search by, when some are best left out.

    To weigh each word, bm25 first reads every story in the archive that contains it,
    whatever the window being ranked, so a word in most stories costs the most. And it
    weighs a word found in half the stories or more at 1e-6 (fts5_aux.c): next to a word
    that it does weigh, leaving such a word out moves scores by millionths, which reorders
    only near ties. How common each word is gets counted in the newest stories, which is
    cheap, with a margin (``_HALF_MARGIN``) for the archive differing from them. Left-out
    words still have to match. None: rank by every word, as when none is clearly rare,
    since then the common words are what tells the stories apart.
    """
    distinct = list(dict.fromkeys(terms))
    if len(distinct) < 2:
        return None
    stories, shares = await _word_shares(db, distinct)
    if not stories:
        return None
    common = {t for t, share in shares.items() if share >= 0.5 + _HALF_MARGIN}
    if not any(share < 0.5 - _HALF_MARGIN for share in shares.values()):
        return None
    return _quoted([term for term in terms if term not in common]) if common else None


async def search_articles(
    db: Database, words: str, limit: int = 5, *, viewer: int | None = None
) -> list[Article]:
    """Best matches for ``words`` among the stories ``viewer`` may see (``latest_articles``):
    every word first, then any word; BM25 with recency ties.

    Ranking costs time for every story that matches, so the most recently stored stories
    are ranked first (``storage.db.newest_first`` over ``_SEARCH_WINDOWS``). An every-word
    search ranks by the words that are not in most stories (``_ranking_query``).
    """
    terms = _terms(words)
    if not terms:
        return []
    conn = db.reader
    for any_word in (False, True):
        query = _quoted(terms, " OR " if any_word else " ")
        rank_by = query
        if not any_word:
            rank_by = await _ranking_query(db, terms) or query

        async def ranked(
            after: int, query: str = query, rank_by: str = rank_by
        ) -> list[aiosqlite.Row]:
            # Rank inside FTS5 and fetch only the few winners' rows; a join before the
            # ORDER BY would read every matching story's row to sort on its date. With
            # words left out of the ranking, the full query narrows what is ranked ("+rowid"
            # keeps it a filter on the ranked rows, not a lookup for each of its matches).
            narrow = f"AND +rowid NOT IN ({HIDDEN_FROM_VIEWER}) "
            params: tuple[object, ...] = (rank_by, after, owner_key(viewer))
            if rank_by != query:
                narrow += (
                    "AND +rowid IN (SELECT rowid FROM articles_fts "
                    "WHERE articles_fts MATCH ? AND rowid > ?) "
                )
                params += (query, after)
            return list(
                await conn.execute_fetchall(
                    f"SELECT {COLUMNS_OF_A} FROM ("  # noqa: S608 - constant columns and clauses
                    "SELECT rowid AS id, bm25(articles_fts, 5.0, 1.0) AS score FROM articles_fts "
                    f"WHERE articles_fts MATCH ? AND rowid > ? {narrow}ORDER BY score LIMIT ?"
                    ") AS best JOIN articles AS a ON a.id = best.id "
                    "ORDER BY best.score, coalesce(a.published_at, a.fetched_at) DESC",
                    (*params, limit),
                )
            )

        rows = await newest_first(conn, "articles", _SEARCH_WINDOWS, ranked, limit)
        if rows:
            return [article_from_row(row) for row in rows]
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
    conn: aiosqlite.Connection, phrases: Sequence[str], limit: int = 5, *, viewer: int | None = None
) -> list[Article]:
    """Newest stories ``viewer`` may see (``latest_articles``) containing any of the phrases
    (words a fan typed).

    Sorting every match by date costs time for each of them, and common words match tens of
    thousands of stories; FTS5 hands out matches newest-stored first at no such cost, so the
    date sort runs over the ``_RECENT_MATCHES`` most recently stored. Stories arrive from the
    feeds as they are published, so those hold the newest; people and teams are looked up in
    the mentions index instead (``storage.mentions``), which is exact.
    """
    query = fts_phrases(phrases)
    if query is None:
        return []
    async with conn.execute(
        f"SELECT {COLUMNS_OF_A} FROM ("  # noqa: S608 - constant columns
        "SELECT rowid AS id FROM articles_fts WHERE articles_fts MATCH ? "
        f"AND rowid NOT IN ({HIDDEN_FROM_VIEWER}) ORDER BY rowid DESC LIMIT ?"
        ") AS recent JOIN articles AS a ON a.id = recent.id "
        "ORDER BY coalesce(a.published_at, a.fetched_at) DESC, a.id DESC LIMIT ?",
        (query, owner_key(viewer), _RECENT_MATCHES, limit),
    ) as cursor:
        return [article_from_row(row) for row in await cursor.fetchall()]
