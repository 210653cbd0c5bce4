"""The one write path: a story, its quotes and the names in it stored in one transaction,
the same whether it comes alone (a feed) or in a batch (an import); the caller's steps see
their story's rows; and the content hash treats case, spacing and compatibility forms as
the same story."""

from __future__ import annotations

import hashlib

import aiosqlite
import pytest

from bot.ingest.store import Findings, ingest_article, ingest_articles, story_reader
from bot.news.articles import ParsedArticle, content_hash
from bot.news.mentions import mention_finder
from bot.people.directory import Person, Stint
from bot.quotes.stored import reindex_quotes
from storage.articles import StoreResult, search_articles, store_article
from storage.database import Database
from storage.mentions import people_named_in
from storage.people import load_people, merge_into_directory
from storage.quotes import NewQuote, StoredQuote, article_quotes, count_quotes, quotes_by_person


def story(day: int, title: str, body: str) -> ParsedArticle:
    return ParsedArticle(
        title=title,
        body=body,
        url=f"https://news.example/{day}",
        published_at=f"2025-03-{day:02d}T12:00:00+00:00",
    )


STORIES = [
    story(
        1,
        "Norris on pole in Melbourne",
        "Lando Norris took pole for McLaren.\n\n"
        "“The car was fantastic today,” Norris said after qualifying.\n\n"
        "Oscar Piastri was second. “I made a small mistake in the last sector,” he said.",
    ),
    story(
        2,
        "Verstappen wins in Suzuka",
        "Max Verstappen won for Red Bull ahead of Charles Leclerc.\n\n"
        "Christian Horner told reporters: “Max drove a perfect race from the front.”",
    ),
    story(3, "Calm week at Ferrari", "No quotes here, and Lewis Hamilton tested in Fiorano."),
]


def quote_rows(quotes: list[StoredQuote]) -> list[tuple[object, ...]]:
    return [(q.person_id, q.said_at, q.paragraph, q.start, q.end, q.text, q.cue) for q in quotes]


async def test_a_batch_stores_what_re_extracting_story_by_story_stores(
    db: Database,
) -> None:
    results = await ingest_articles(db, STORIES)
    batched = {
        r.article.id: quote_rows(await article_quotes(db.reader, r.article.id)) for r in results
    }
    assert sum(len(rows) for rows in batched.values()) >= 3

    # Re-extracting article by article replaces each story's quotes with the same ones.
    await reindex_quotes(db)
    for result in results:
        assert (
            quote_rows(await article_quotes(db.reader, result.article.id))
            == batched[result.article.id]
        )

    finder = mention_finder(await load_people(db.reader))
    for result in results:
        expected = {s for s in finder.find(result.article.full_text) if not s.startswith("team:")}
        assert await people_named_in(db.reader, result.article.id) == expected
    assert "lando-norris" in await people_named_in(db.reader, results[0].article.id)


async def test_edited_story_replaces_its_quotes_and_mentions(db: Database) -> None:
    first = (await ingest_articles(db, STORIES))[0]
    edited = story(
        1,
        "Norris on pole in Melbourne",
        "Lando Norris took pole.\n\n“It was a tidy lap,” Norris said.",
    )
    again = await ingest_articles(db, [edited, STORIES[1]])

    assert [(r.created, r.updated) for r in again] == [(False, True), (False, False)]
    quotes = await article_quotes(db.reader, first.article.id)
    assert [(q.person_id, "tidy lap" in q.text) for q in quotes] == [("lando-norris", True)]
    assert await people_named_in(db.reader, first.article.id) == {"lando-norris"}


async def test_the_callers_steps_see_their_storys_quotes_and_names(
    db: Database,
) -> None:
    seen: list[tuple[int, int, frozenset[str]]] = []

    async def after(conn: aiosqlite.Connection, result: StoreResult) -> None:
        quotes = await article_quotes(conn, result.article.id)
        seen.append(
            (result.article.id, len(quotes), await people_named_in(conn, result.article.id))
        )

    results = await ingest_articles(db, STORIES, [after])

    assert [item[0] for item in seen] == [r.article.id for r in results]
    assert seen[0][1] >= 1
    assert "lando-norris" in seen[0][2]
    assert "max-verstappen" in seen[1][2]


async def test_a_story_alone_gets_its_quotes_and_names(db: Database) -> None:
    alone = await ingest_article(db, STORIES[0])
    assert await article_quotes(db.reader, alone.article.id)
    assert "lando-norris" in await people_named_in(db.reader, alone.article.id)


async def test_a_failing_step_stores_nothing_of_the_batch(db: Database) -> None:
    async def outbox_fails(conn: aiosqlite.Connection, result: StoreResult) -> None:
        raise RuntimeError("the outbox could not be written")

    with pytest.raises(RuntimeError, match="outbox"):
        await ingest_articles(db, STORIES, [outbox_fails])

    # One transaction: no story without its steps, and no quotes or names without a story.
    [(stories,)] = await db.reader.execute_fetchall("SELECT count(*) FROM articles")
    [(named,)] = await db.reader.execute_fetchall("SELECT count(*) FROM article_mentions")
    assert (stories, await count_quotes(db.reader), named) == (0, 0, 0)
    await ingest_articles(db, STORIES)
    assert await count_quotes(db.reader) >= 3


async def test_findings_worked_out_elsewhere_are_used_for_the_same_words_only(
    db: Database,
) -> None:
    marked = Findings([NewQuote("Marked quote", "lando-norris", 0, 0, 12, "said")], frozenset())
    [first] = await ingest_articles(db, [STORIES[0]], found=[marked])
    assert [q.text for q in await article_quotes(db.reader, first.article.id)] == ["Marked quote"]

    # An edit without a date keeps the stored one, so findings for the words as given
    # (dated nowhere) are not the stored story's: they are worked out again.
    undated = ParsedArticle(
        title=STORIES[0].title, body=STORIES[0].body + "\n\nMore to come.", url=STORIES[0].url
    )
    [edit] = await ingest_articles(db, [undated], found=[marked])
    assert edit.updated and edit.article.published_at == STORIES[0].published_at
    texts = [q.text for q in await article_quotes(db.reader, first.article.id)]
    assert "Marked quote" not in texts and any("fantastic" in text for text in texts)


def test_content_hash_ignores_case_spacing_and_compatibility_forms() -> None:
    base = content_hash("Norris on pole", "Lando Norris took pole.\n\nHe was quick.")
    assert content_hash("NORRIS  on pole ", " lando norris took pole. he WAS quick.") == base
    assert (
        content_hash("Norris\ton pole", "Lando Norris\u00a0took pole.\u2003He was quick.") == base
    )
    # Compatibility forms (full-width letters, ligatures) and case folding beyond ASCII.
    assert content_hash("Ｎorris on pole", "Lando Norris took pole. He was quick.") == base
    assert content_hash("Oﬀ the pace", "Straße") == content_hash("off the pace", "STRASSE")
    assert content_hash("Norris on pole", "Lando Norris took pole. He was slow.") != base


def test_content_hash_is_stable() -> None:
    # Stored hashes decide whether a story is new, so the digest must not drift.
    expected = hashlib.sha256(b"norris on pole lando norris took pole.").hexdigest()
    assert content_hash("Norris on Pole", "Lando  Norris took pole.") == expected


async def full_text_matches_its_tables(db: Database) -> None:
    """FTS5's own check, comparing each index with the rows it indexes ('database disk
    image is malformed' if a story or quote is missing from it or indexed stale)."""
    check = "VALUES ('integrity-check', 1)"
    async with db.write() as conn:
        await conn.execute(f"INSERT INTO articles_fts (articles_fts, rank) {check}")
        await conn.execute(f"INSERT INTO quotes_fts (quotes_fts, rank) {check}")


async def test_every_way_in_keeps_the_full_text_indexes_whole(db: Database) -> None:
    await ingest_articles(db, STORIES)  # a batch of new stories
    edited = story(
        1,
        "Norris on pole in Melbourne",
        "Lando Norris took pole.\n\n“It was a tidy lap,” Norris said.",
    )
    await ingest_article(db, edited)  # an edit, one story at a time
    lone = story(
        4, "Alonso on form", "Fernando Alonso said: “The car is finally where we want it.”"
    )
    await ingest_article(db, lone)  # a new story on its own
    async with db.write() as conn:  # the storage layer's own one-story insert
        await store_article(conn, story(5, "Gasly in the points", "Pierre Gasly scored again."))
    await reindex_quotes(db)  # every quote deleted and stored again
    await full_text_matches_its_tables(db)

    found = await search_articles(db, "tidy lap")
    assert [a.title for a in found] == ["Norris on pole in Melbourne"]
    assert [a.title for a in await search_articles(db, "gasly scored")] == ["Gasly in the points"]
    assert [
        q.text for q in await quotes_by_person(db.reader, "fernando-alonso", about="finally")
    ] == ["The car is finally where we want it."]
    assert not await quotes_by_person(db.reader, "lando-norris", about="fantastic")


async def test_the_reader_is_reused_until_people_change(db: Database) -> None:
    first = await story_reader(db)
    assert await story_reader(db) is first
    newcomer = Person(
        id="test-newcomer",
        name="Ada Newcomer",
        first_name="Ada",
        last_name="Newcomer",
        roles=(Stint(2026, "driver", "Williams"),),
    )
    await merge_into_directory(db, [newcomer], incoming_wins=True)
    rebuilt = await story_reader(db)
    assert rebuilt is not first
    [stored] = await ingest_articles(db, [story(6, "Newcomer fastest", "Ada Newcomer was quick.")])
    assert "test-newcomer" in await people_named_in(db.reader, stored.article.id)
