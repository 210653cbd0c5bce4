"""Stored quotes: saved with their story, read by person, searched, re-extracted idempotently."""

from __future__ import annotations

import aiosqlite
import pytest

import storage.quotes
from bot.articles import ParsedArticle
from bot.ingest import ingest_article
from bot.quote_service import load_speaker_index, quote_hook, reindex_quotes, store_article_quotes
from storage.articles import store_article
from storage.db import transaction
from storage.people import ensure_builtin_people
from storage.quotes import article_quotes, count_quotes, quotes_by_person

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
    db: aiosqlite.Connection,
) -> None:
    await ensure_builtin_people(db)
    hook = await quote_hook(db)
    for article in (IMOLA, MONACO):
        await ingest_article(db, article, [hook])
    quotes = await quotes_by_person(db, "charles-leclerc", limit=10)
    assert [q.text for q in quotes] == [
        "This one is for my father",
        "I dreamed about this race since I was a little boy,",
        "The last laps were the longest of my life, I could hardly see the road.",
        "Imola will suit our car better than Miami did,",
    ]
    assert quotes[0].article_title == MONACO.title
    assert quotes[-1].said_at.startswith("2024-05-16")
    piastri = await quotes_by_person(db, "oscar-piastri")
    assert [q.text for q in piastri] == ["We kept the tyres alive in the tunnel,"]


async def test_search_within_one_persons_quotes(db: aiosqlite.Connection) -> None:
    await ensure_builtin_people(db)
    hook = await quote_hook(db)
    for article in (IMOLA, MONACO):
        await ingest_article(db, article, [hook])
    found = await quotes_by_person(db, "charles-leclerc", about="tyres")
    assert found == []
    found = await quotes_by_person(db, "charles-leclerc", about="Miami car")
    assert [q.text for q in found] == ["Imola will suit our car better than Miami did,"]
    assert await quotes_by_person(db, "oscar-piastri", about="tyre") != []
    assert await quotes_by_person(db, "charles-leclerc", about="!!!") == []


async def test_reindex_is_idempotent_and_deleting_a_story_drops_its_quotes(
    db: aiosqlite.Connection,
) -> None:
    await ensure_builtin_people(db)
    async with transaction(db):
        monaco = (await store_article(db, MONACO)).article
        imola = (await store_article(db, IMOLA)).article
    assert await count_quotes(db) == 0
    first = await reindex_quotes(db)
    rows = [(q.text, q.person_id, q.start) for q in await article_quotes(db, monaco.id)]
    second = await reindex_quotes(db)
    assert first == second and first.articles == 2 and first.quotes == 5
    assert [(q.text, q.person_id, q.start) for q in await article_quotes(db, monaco.id)] == rows
    assert await count_quotes(db) == 5
    async with transaction(db):
        await db.execute("DELETE FROM articles WHERE id = ?", (imola.id,))
    assert await count_quotes(db) == 4
    async with db.execute("SELECT count(*) FROM quotes_fts WHERE quotes_fts MATCH 'imola'") as c:
        assert (await c.fetchone())[0] == 0


async def test_a_speaker_missing_from_the_people_table_is_stored_unattributed(
    db: aiosqlite.Connection,
) -> None:
    index = await load_speaker_index(db)
    async with transaction(db):
        article = (await store_article(db, IMOLA)).article
    async with transaction(db):
        await db.execute("DELETE FROM people WHERE id = 'charles-leclerc'")
        stored = await store_article_quotes(
            db,
            article.id,
            "“Imola will suit our car better than Miami did,” Leclerc said.",
            index,
        )
    assert stored == 1
    assert [q.person_id for q in await article_quotes(db, article.id)] == [None]


async def test_word_search_reaches_older_quotes_when_recent_ones_hold_none(
    db: aiosqlite.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Windows of a few quotes stand in for the tens of thousands of a real archive.
    monkeypatch.setattr(storage.quotes, "_WORD_WINDOWS", (2, 4, None))
    await ensure_builtin_people(db)
    hook = await quote_hook(db)
    await ingest_article(db, IMOLA, [hook])
    for n in range(6):
        later = ParsedArticle(
            title=f"Piastri on Imola, part {n}",
            body=f"“Imola will be hard on the tyres, lap {n} showed it,” Oscar Piastri said.",
            url=f"https://example.com/piastri-{n}",
            published_at="2024-05-17T10:00:00+00:00",
        )
        await ingest_article(db, later, [hook])

    found = await quotes_by_person(db, "charles-leclerc", about="Imola")

    assert [q.text for q in found] == ["Imola will suit our car better than Miami did,"]
    assert len(await quotes_by_person(db, "oscar-piastri", about="Imola", limit=2)) == 2
