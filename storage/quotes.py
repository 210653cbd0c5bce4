"""Quotes table: replace an article's quotes, read a person's latest, search their words."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import aiosqlite

from bot.people.learned import Sighting
from storage.articles import HIDDEN_FROM_VIEWER, fts_query, owner_key
from storage.db import newest_first, newest_id
from storage.people import forget_unquoted, learn_people, learned_speakers

_COLUMNS = (
    "q.id, q.article_id, q.person_id, q.said_at, q.paragraph, q.start_offset, q.end_offset, "
    "q.text, q.cue, a.title, a.url"
)


# Quote-id windows for word searches, newest first (see _quotes_with_words).
_WORD_WINDOWS = (20_000, 200_000, None)


@dataclass(frozen=True, slots=True)
class NewQuote:
    """A quote about to be stored for an article. A speaker the directory does not know
    (a "news:" id) comes with the name, role and team the story gives them, so storing the
    quote can make them a person learned from the news."""

    text: str
    person_id: str | None
    paragraph: int
    start: int
    end: int
    cue: str = ""
    name: str = ""
    role: str = ""
    team: str = ""

    def __reduce__(self) -> tuple[type[NewQuote], tuple[str | int | None, ...]]:
        # Import workers send every quote back pickled. A frozen slots dataclass otherwise
        # pickles its fields as state that unpickling sets back one field at a time in
        # Python, which cost the importing process more than twice this constructor call.
        fields = (self.text, self.person_id, self.paragraph, self.start, self.end, self.cue)
        if self.name:
            return (NewQuote, (*fields, self.name, self.role, self.team))
        return (NewQuote, fields)


@dataclass(frozen=True, slots=True)
class StoredQuote:
    id: int
    article_id: int
    person_id: str | None
    said_at: str
    paragraph: int
    start: int
    end: int
    text: str
    cue: str
    article_title: str
    article_url: str | None


def _quote(row: aiosqlite.Row) -> StoredQuote:
    return StoredQuote(
        id=row["id"],
        article_id=row["article_id"],
        person_id=row["person_id"],
        said_at=row["said_at"],
        paragraph=row["paragraph"],
        start=row["start_offset"],
        end=row["end_offset"],
        text=row["text"],
        cue=row["cue"],
        article_title=row["title"],
        article_url=row["url"],
    )


@dataclass(frozen=True, slots=True)
class ArticleQuotes:
    """The quotes to store for one article.

    ``replaces`` is False for an article stored in the same transaction: it has no earlier
    quotes, so nothing needs deleting.
    """

    article_id: int
    said_at: str
    quotes: Sequence[NewQuote]
    replaces: bool = True


async def replace_article_quotes(
    conn: aiosqlite.Connection, article_id: int, quotes: Sequence[NewQuote]
) -> int:
    """Make ``quotes`` the article's quotes, dropping what an earlier extraction stored.

    Runs inside the caller's transaction, so a story and its quotes are saved together.
    A speaker missing from the people table is stored as unattributed rather than failing.
    """
    async with conn.execute(
        "SELECT coalesce(published_at, fetched_at) FROM articles WHERE id = ?", (article_id,)
    ) as cursor:
        row = await cursor.fetchone()
    if row is None:
        raise LookupError(f"no article with id {article_id}")
    return await replace_quotes(conn, [ArticleQuotes(article_id, row[0], quotes)])


async def replace_quotes(conn: aiosqlite.Connection, items: Sequence[ArticleQuotes]) -> int:
    """``replace_article_quotes`` for many stored articles in a few statements.

    Runs inside the caller's transaction. A speaker the directory does not know becomes (or
    is matched to) a person learned from the news (``storage.people.learn_people``) and the
    quote is stored with that person; one no quote names any more is forgotten. Returns how
    many quotes were stored.
    """
    stale = [item.article_id for item in items if item.replaces]
    dropped: list[str] = []
    if stale:
        dropped = await learned_speakers(conn, stale)
        await conn.executemany("DELETE FROM quotes WHERE article_id = ?", [(a,) for a in stale])
    learned = await _learn_speakers(conn, items)
    people = {q.person_id for item in items for q in item.quotes if q.person_id}
    people.update(learned.values())
    known: set[str] = set()
    if people:
        marks = ", ".join("?" * len(people))
        found = await conn.execute_fetchall(
            f"SELECT id FROM people WHERE id IN ({marks})",  # noqa: S608 - placeholders only
            tuple(people),
        )
        known = {r[0] for r in found}
    rows: list[QuoteRow] = []
    for item in items:
        for q in item.quotes:
            speaker = learned.get((item.article_id, q.person_id or ""), q.person_id)
            rows.append(
                (
                    item.article_id,
                    speaker if speaker in known else None,
                    item.said_at,
                    q.paragraph,
                    q.start,
                    q.end,
                    q.text,
                    q.cue,
                )
            )
    await insert_quotes(conn, rows)
    if dropped:
        await forget_unquoted(conn, dropped)
    return len(rows)


async def _learn_speakers(
    conn: aiosqlite.Connection, items: Sequence[ArticleQuotes]
) -> dict[tuple[int, str], str]:
    """The learned person each article's "news:" speakers stand for, by (article, speaker)."""
    sightings = [
        Sighting(q.person_id, q.name, q.role, q.team, item.article_id, item.said_at)
        for item in items
        for q in item.quotes
        if q.name and q.person_id
    ]
    return await learn_people(conn, sightings) if sightings else {}


QuoteRow = tuple[int, str | None, str, int, int, int, str, str]


async def insert_quotes(conn: aiosqlite.Connection, rows: Sequence[QuoteRow]) -> None:
    """Insert quotes (article id, person id, said at, paragraph, start, end, text, cue) and
    their full-text rows; a quote already stored at the same place is left as it is.

    The full-text rows go in with one INSERT ... SELECT rather than from a trigger
    (migration 0009). New rows get ids above every id present, so "above the largest id
    before" is exactly the quotes inserted here.
    """
    if not rows:
        return
    before = await newest_id(conn, "quotes")
    await conn.executemany(
        "INSERT INTO quotes (article_id, person_id, said_at, paragraph, start_offset, "
        "end_offset, text, cue) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (article_id, start_offset) DO NOTHING",
        rows,
    )
    await conn.execute(
        "INSERT INTO quotes_fts (rowid, text, person_id) "
        "SELECT id, text, person_id FROM quotes WHERE id > ?",
        (before,),
    )


async def quotes_by_person(
    conn: aiosqlite.Connection,
    person_id: str,
    *,
    about: str | None = None,
    limit: int = 5,
    viewer: int | None = None,
) -> list[StoredQuote]:
    """The person's quotes in stories ``viewer`` may see (``storage.articles.latest_articles``),
    newest first; with ``about``, only those containing every word."""
    query = fts_query(about) if about else None
    if about and query is None:
        return []
    if query is None:
        sql = (
            f"SELECT {_COLUMNS} FROM quotes AS q JOIN articles AS a ON a.id = q.article_id "  # noqa: S608
            f"WHERE q.person_id = ? AND q.article_id NOT IN ({HIDDEN_FROM_VIEWER}) "
            "ORDER BY q.said_at DESC, q.article_id DESC, q.start_offset LIMIT ?"
        )
        async with conn.execute(sql, (person_id, owner_key(viewer), limit)) as cursor:
            return [_quote(row) for row in await cursor.fetchall()]
    return await _quotes_with_words(conn, person_id, query, limit, viewer)


async def _quotes_with_words(
    conn: aiosqlite.Connection, person_id: str, query: str, limit: int, viewer: int | None
) -> list[StoredQuote]:
    """The person's quotes with every word, the most recently stored quotes first
    (``storage.db.newest_first``): a common word matches a good share of every quote.

    The speaker is a column of the full-text index (migration 0008), so FTS5 intersects the
    person with the words (CROSS JOIN keeps it the outer loop); read from the quotes table
    instead, each match of a common word would be a row to read just to see who said it.
    The phrase of the id's words can also match a longer id ("carlos sainz" in "carlos sainz
    jr"), so the quotes table's own column has the last word.
    """
    speaker = '"' + person_id.replace('"', '""') + '"'
    match = f"text : ({query}) AND person_id : {speaker}"

    async def matching(after: int) -> list[aiosqlite.Row]:
        return list(
            await conn.execute_fetchall(
                f"SELECT {_COLUMNS} FROM quotes_fts "  # noqa: S608 - constant columns
                "CROSS JOIN quotes AS q ON q.id = quotes_fts.rowid "
                "JOIN articles AS a ON a.id = q.article_id "
                "WHERE quotes_fts MATCH ? AND quotes_fts.rowid > ? AND q.person_id = ? "
                f"AND q.article_id NOT IN ({HIDDEN_FROM_VIEWER}) "
                "ORDER BY q.said_at DESC, q.article_id DESC, q.start_offset LIMIT ?",
                (match, after, person_id, owner_key(viewer), limit),
            )
        )

    return [
        _quote(row) for row in await newest_first(conn, "quotes", _WORD_WINDOWS, matching, limit)
    ]


async def article_quotes(conn: aiosqlite.Connection, article_id: int) -> list[StoredQuote]:
    rows = await conn.execute_fetchall(
        f"SELECT {_COLUMNS} FROM quotes AS q JOIN articles AS a ON a.id = q.article_id "  # noqa: S608
        "WHERE q.article_id = ? ORDER BY q.start_offset",
        (article_id,),
    )
    return [_quote(row) for row in rows]


async def count_quotes(conn: aiosqlite.Connection) -> int:
    async with conn.execute("SELECT count(*) FROM quotes") as cursor:
        row = await cursor.fetchone()
    return row[0] if row else 0
