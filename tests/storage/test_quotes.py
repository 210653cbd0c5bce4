"""Stored quotes: saved with their story, read by person, searched, re-extracted idempotently."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import storage.quotes
from bot.ingest.store import ingest_article
from bot.news.articles import ParsedArticle
from bot.quotes.stored import load_speaker_index, reindex_quotes, store_article_quotes
from storage.articles import store_article
from storage.database import Database
from storage.db import load_migrations
from storage.people import ensure_builtin_people
from storage.quotes import (
    NewQuote,
    article_quotes,
    count_quotes,
    quotes_by_person,
    replace_article_quotes,
)

MONACO = ParsedArticle(
    title="Leclerc: ‘This one is for my father’",
    body=(
        "Charles Leclerc won at home in Monaco.\n\n"
        "“I dreamed about this race since I was a little boy,” Leclerc said.\n\n"
        "“The last laps were the longest of my life, I could hardly see the road.”\n\n"
        "“We kept the tyres alive in the tunnel,” Oscar Piastri added."
    ),
    url="https://example.com/monaco",
    published_at="2024-05-26T16:00:00+00:00",
)
IMOLA = ParsedArticle(
    title="Leclerc looks ahead",
    body="“Imola will suit our car better than Miami did,” Leclerc said on Thursday.",
    url="https://example.com/imola",
    published_at="2024-05-16T10:00:00+00:00",
)


async def test_quotes_are_stored_with_the_story_and_read_newest_first(
    db: Database,
) -> None:
    await ensure_builtin_people(db)
    for article in (IMOLA, MONACO):
        await ingest_article(db, article)
    quotes = await quotes_by_person(db.reader, "charles-leclerc", limit=10)
    assert [q.text for q in quotes] == [
        "This one is for my father",
        "I dreamed about this race since I was a little boy,",
        "The last laps were the longest of my life, I could hardly see the road.",
        "Imola will suit our car better than Miami did,",
    ]
    assert quotes[0].article_title == MONACO.title
    assert quotes[-1].said_at.startswith("2024-05-16")
    piastri = await quotes_by_person(db.reader, "oscar-piastri")
    assert [q.text for q in piastri] == ["We kept the tyres alive in the tunnel,"]


async def test_search_within_one_persons_quotes(db: Database) -> None:
    await ensure_builtin_people(db)
    for article in (IMOLA, MONACO):
        await ingest_article(db, article)
    found = await quotes_by_person(db.reader, "charles-leclerc", about="tyres")
    assert found == []
    found = await quotes_by_person(db.reader, "charles-leclerc", about="Miami car")
    assert [q.text for q in found] == ["Imola will suit our car better than Miami did,"]
    assert await quotes_by_person(db.reader, "oscar-piastri", about="tyre") != []
    assert await quotes_by_person(db.reader, "charles-leclerc", about="!!!") == []


async def test_reindex_is_idempotent_and_deleting_a_story_drops_its_quotes(
    db: Database,
) -> None:
    await ensure_builtin_people(db)
    async with db.write() as conn:
        monaco = (await store_article(conn, MONACO)).article
        imola = (await store_article(conn, IMOLA)).article
    assert await count_quotes(db.reader) == 0
    first = await reindex_quotes(db)
    rows = [(q.text, q.person_id, q.start) for q in await article_quotes(db.reader, monaco.id)]
    second = await reindex_quotes(db)
    assert first == second and first.articles == 2 and first.quotes == 5
    assert [
        (q.text, q.person_id, q.start) for q in await article_quotes(db.reader, monaco.id)
    ] == rows
    assert await count_quotes(db.reader) == 5
    async with db.write() as conn:
        await conn.execute("DELETE FROM articles WHERE id = ?", (imola.id,))
    assert await count_quotes(db.reader) == 4
    [(found,)] = await db.reader.execute_fetchall(
        "SELECT count(*) FROM quotes_fts WHERE quotes_fts MATCH 'imola'"
    )
    assert found == 0


async def test_a_speaker_missing_from_the_people_table_is_stored_unattributed(
    db: Database,
) -> None:
    index = await load_speaker_index(db)
    async with db.write() as conn:
        article = (await store_article(conn, IMOLA)).article
    async with db.write() as conn:
        await conn.execute("DELETE FROM people WHERE id = 'charles-leclerc'")
        stored = await store_article_quotes(
            conn,
            article.id,
            "“Imola will suit our car better than Miami did,” Leclerc said.",
            index,
        )
    assert stored == 1
    assert [q.person_id for q in await article_quotes(db.reader, article.id)] == [None]


async def test_word_search_reaches_older_quotes_when_recent_ones_hold_none(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Windows of a few quotes stand in for the tens of thousands of a real archive.
    monkeypatch.setattr(storage.quotes, "_WORD_WINDOWS", (2, 4, None))
    await ensure_builtin_people(db)
    await ingest_article(db, IMOLA)
    for n in range(6):
        later = ParsedArticle(
            title=f"Piastri on Imola, part {n}",
            body=f"“Imola will be hard on the tyres, lap {n} showed it,” Oscar Piastri said.",
            url=f"https://example.com/piastri-{n}",
            published_at="2024-05-17T10:00:00+00:00",
        )
        await ingest_article(db, later)

    found = await quotes_by_person(db.reader, "charles-leclerc", about="Imola")

    assert [q.text for q in found] == ["Imola will suit our car better than Miami did,"]
    assert len(await quotes_by_person(db.reader, "oscar-piastri", about="Imola", limit=2)) == 2


async def test_word_search_keeps_to_the_speaker_whose_id_another_id_begins_with(
    db: Database,
) -> None:
    # The speaker is searched inside the full-text index as the words of their id, and
    # "carlos sainz" is also the start of "carlos sainz jr".
    await ensure_builtin_people(db)
    parsed = ParsedArticle(
        title="Two Sainzes",
        body="“The tyres were gone after ten laps,” Sainz said. “The tyres were fine,” said Sr.",
    )
    said = {
        "carlos-sainz-jr": "The tyres were gone after ten laps,",
        "carlos-sainz": "The tyres were fine,",
    }
    async with db.write() as conn:
        await conn.execute("INSERT INTO people (id, name) VALUES ('carlos-sainz', 'Carlos Sainz')")
        article = (await store_article(conn, parsed)).article
        at = {who: article.full_text.index(words) for who, words in said.items()}
        await replace_article_quotes(
            conn,
            article.id,
            [NewQuote(words, who, 1, at[who], at[who] + len(words)) for who, words in said.items()],
        )

    son = await quotes_by_person(db.reader, "carlos-sainz-jr", about="tyres")
    father = await quotes_by_person(db.reader, "carlos-sainz", about="tyres")

    assert [q.text for q in son] == ["The tyres were gone after ten laps,"]
    assert [q.text for q in father] == ["The tyres were fine,"]
    # The words searched are the quote's, never the speaker's name.
    assert await quotes_by_person(db.reader, "carlos-sainz", about="carlos") == []


async def test_a_speaker_leaving_the_directory_leaves_the_word_search(
    db: Database,
) -> None:
    await ensure_builtin_people(db)
    await ingest_article(db, IMOLA)
    assert await quotes_by_person(db.reader, "charles-leclerc", about="Imola") != []

    async with db.write() as conn:
        await conn.execute("DELETE FROM people WHERE id = 'charles-leclerc'")

    assert await quotes_by_person(db.reader, "charles-leclerc", about="Imola") == []
    # The index agrees with the quotes table, which now holds the quote unattributed.
    match = "SELECT count(*) FROM quotes_fts WHERE quotes_fts MATCH ?"
    [(attributed,)] = await db.reader.execute_fetchall(match, ('person_id : "charles-leclerc"',))
    assert attributed == 0
    [(about_imola,)] = await db.reader.execute_fetchall(match, ("imola",))
    assert about_imola == 1


async def test_quotes_stored_before_the_speaker_was_indexed_are_found_by_speaker(
    tmp_path: Path,
) -> None:
    # A database at migration 7, with a quote stored before migration 8 added the speaker to
    # the full-text index.
    path = tmp_path / "older.db"
    with sqlite3.connect(path) as raw:
        for migration in load_migrations()[:7]:
            raw.executescript(migration.sql)
        raw.executescript(
            "INSERT INTO people (id, name) VALUES ('charles-leclerc', 'Charles Leclerc');"
            "INSERT INTO articles (id, title, fetched_at, content_hash) "
            "VALUES (1, 'Leclerc looks ahead', '2024-05-16T10:00:00+00:00', 'x');"
            "INSERT INTO quotes (article_id, person_id, said_at, paragraph, start_offset, "
            "end_offset, text) VALUES (1, 'charles-leclerc', '2024-05-16T10:00:00+00:00', 1, 0, "
            "47, 'Imola will suit our car better than Miami did,');"
            "PRAGMA user_version = 7;"
        )
    raw.close()

    conn = await Database.open(path)
    try:
        found = await quotes_by_person(conn.reader, "charles-leclerc", about="Imola")
    finally:
        await conn.close()

    assert [q.text for q in found] == ["Imola will suit our car better than Miami did,"]
