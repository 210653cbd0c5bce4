"""Migrations, idempotent storage and full-text search on a real SQLite file."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiosqlite
import pytest

from bot.ingest.bulk import import_paths
from bot.ingest.files import read_article_file
from bot.ingest.store import ingest_article
from bot.news.articles import ParsedArticle
from storage.articles import (
    _stored_keys_query,
    latest_articles,
    search_articles,
    store_articles,
)
from storage.database import Database
from storage.db import DatabaseError, load_migrations
from tests.conftest import seed_article


async def test_migrations_run_on_an_empty_file_and_again_without_change(tmp_path: Path) -> None:
    path = tmp_path / "fresh.db"
    conn = await Database.open(path)
    [(version,)] = await conn.reader.execute_fetchall("PRAGMA user_version")
    assert version == len(load_migrations())
    [(journal_mode,)] = await conn.reader.execute_fetchall("PRAGMA journal_mode")
    assert journal_mode == "wal"
    async with conn.reader.execute("SELECT name FROM sqlite_master WHERE type = 'table'") as cursor:
        tables = {row[0] for row in await cursor.fetchall()}
    assert {"articles", "articles_fts"} <= tables
    await conn.close()

    again = await Database.open(path)
    [(version,)] = await again.reader.execute_fetchall("PRAGMA user_version")
    assert version == len(load_migrations())
    await again.close()


async def test_a_database_from_a_newer_paddock_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    async with aiosqlite.connect(path) as raw:
        await raw.execute("PRAGMA user_version = 999")
        await raw.commit()
    with pytest.raises(DatabaseError, match="newer than this Paddock"):
        await Database.open(path)


async def test_importing_the_seed_twice_stores_one_article(db: Database, tmp_path: Path) -> None:
    first = await import_paths(db, [seed_article()])
    second = await import_paths(db, [seed_article()])
    assert first.created == 1
    assert second.created == 0 and second.unchanged == 1
    # The same words under another file name are the same story.
    copy = tmp_path / "copy.txt"
    copy.write_text(seed_article().read_text(encoding="utf-8"), encoding="utf-8")
    third = await import_paths(db, [copy])
    assert third.created == 0
    assert len(await latest_articles(db.reader, 10)) == 1


async def test_same_url_with_new_words_is_an_update(db: Database) -> None:
    original = ParsedArticle(title="Verstappen fastest", body="Max led FP1.", url="https://x/1")
    edited = ParsedArticle(
        title="Verstappen fastest in FP1", body="Max led FP1 by 0.2s.", url="https://x/1"
    )
    created = await ingest_article(db, original)
    updated = await ingest_article(db, edited)
    assert created.created and updated.updated
    assert updated.article.id == created.article.id
    [stored] = await latest_articles(db.reader, 5)
    assert stored.title == "Verstappen fastest in FP1"
    assert stored.updated_at is not None


async def test_search_finds_the_seed_by_its_words(db: Database) -> None:
    await import_paths(db, [seed_article()])
    await ingest_article(
        db, ParsedArticle(title="Imola schedule", body="The race weekend starts on Friday.")
    )
    for words in ("Russell apology", "Imola crash", "russell APOLOGY!"):
        results = await search_articles(db, words)
        assert results, words
        assert results[0].title == "Hamilton offers words of support for Russell", words
    # FTS5 syntax in user input is searched as plain words, never parsed as a query.
    assert await search_articles(db, 'body:"zzz" NEAR( * qqq') == []
    assert await search_articles(db, "   ") == []


async def test_bad_file_in_a_batch_does_not_stop_the_others(db: Database, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"\x00\x01\x02binary")
    (tmp_path / "b.txt").write_text("Sainz joins Williams\n\nCarlos Sainz signed.", "utf-8")
    (tmp_path / "c.json").write_text("{not json", "utf-8")
    created: list[str] = []
    report = await import_paths(
        db,
        [tmp_path, tmp_path / "missing.txt"],
        on_batch=lambda _, results: created.extend(r.article.title for r in results if r.created),
    )
    assert created == ["Sainz joins Williams"]
    assert report.created == 1
    failed = {Path(name).name: reason for name, reason in report.failures}
    assert set(failed) == {"a.txt", "c.json", "missing.txt"}
    assert "binary" in failed["a.txt"]
    assert "malformed JSON" in failed["c.json"]
    assert "no such file" in failed["missing.txt"]


def test_seed_summary_is_two_or_three_sentences() -> None:
    [article] = read_article_file(seed_article())
    assert 2 <= article.summary.count(". ") + 1 <= 3


async def test_a_cancelled_writer_leaves_the_connection_usable(db: Database) -> None:
    started = asyncio.Event()

    async def slow_writer() -> None:
        async with db.write() as conn:
            await conn.execute("INSERT INTO bot_state (key, value) VALUES ('a', '1')")
            started.set()
            await asyncio.sleep(10)

    task = asyncio.create_task(slow_writer())
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not db.in_transaction
    # The cancelled write was rolled back and the next writer gets a clean transaction.
    await ingest_article(db, ParsedArticle(title="Gasly on pole", body="A late lap did it."))
    # (Storing a story also records the people directory's version there: only the
    # cancelled writer's row matters.)
    [(kept,)] = await db.reader.execute_fetchall("SELECT count(*) FROM bot_state WHERE key = 'a'")
    assert kept == 0


async def test_looking_up_stored_copies_uses_indexes_whatever_keys_a_batch_has(
    db: Database,
) -> None:
    # Stories from files often have no URL or GUID; an empty "IN ()" once made every batch
    # read the whole table (a gigabyte at 100k stories).
    for hashes, urls, guids in [
        (["h1", "h2"], [], []),
        (["h1"], ["https://a.example/1"], []),
        (["h1"], [], ["guid-1"]),
        (["h1"], ["https://a.example/1"], ["guid-1"]),
    ]:
        sql, params = _stored_keys_query(hashes, urls, guids)
        async with db.reader.execute(f"EXPLAIN QUERY PLAN {sql}", params) as cursor:
            plan = " | ".join(str(row[-1]) for row in await cursor.fetchall())
        assert "SCAN articles" not in plan, plan
        assert "USING INDEX" in plan


async def test_a_story_without_url_or_guid_is_still_found_again(
    db: Database,
) -> None:
    plain = ParsedArticle(title="Albon scores for Williams", body="Alex Albon finished ninth.")
    async with db.write() as conn:
        [first] = await store_articles(conn, [plain])
    async with db.write() as conn:
        [again] = await store_articles(conn, [plain])
    assert first.created and not again.created and not again.updated
    assert again.article.id == first.article.id
