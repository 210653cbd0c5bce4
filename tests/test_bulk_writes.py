"""A big import checkpoints the write-ahead log from a thread of its own: the log must stay
short batch after batch, and the thread must end once the import does, however it ends."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from bot.articles import ParsedArticle
from bot.ingest import ingest_articles
from storage.db import BULK_CHECKPOINT_PAGES, CHECKPOINT_INTERVAL_SECONDS, bulk_writes, connect

BATCHES = 8


def stories(batch: int) -> list[ParsedArticle]:
    # About a page of text each, so a batch is a few hundred pages of log.
    return [
        ParsedArticle(
            title=f"Story {batch}-{n}",
            body=f"Paragraph {n} of batch {batch} about the race. " * 80,
            url=f"https://x/{batch}/{n}",
        )
        for n in range(100)
    ]


def checkpoint_threads() -> set[threading.Thread]:
    return {thread for thread in threading.enumerate() if thread.name == "wal-checkpoint"}


async def all_ended(threads: set[threading.Thread]) -> bool:
    # The import does not wait for a checkpoint under way; the thread ends after it.
    for _ in range(500):
        if not any(thread.is_alive() for thread in threads):
            return True
        await asyncio.sleep(0.01)
    return False


def log_size(database: Path) -> int:
    wal = database.with_name(database.name + "-wal")
    return wal.stat().st_size if wal.exists() else 0


async def test_the_log_starts_over_instead_of_growing_batch_after_batch(tmp_path: Path) -> None:
    database = tmp_path / "paddock.db"
    async with connect(database) as db, bulk_writes(db):
        await ingest_articles(db, stories(0))
        one_batch = log_size(database)
        for batch in range(1, BATCHES):
            # Time for the thread to copy what was committed, as extraction gives it.
            await asyncio.sleep(3 * CHECKPOINT_INTERVAL_SECONDS)
            await ingest_articles(db, stories(batch))
        grown_to = log_size(database)
        [(stored,)] = await db.execute_fetchall("SELECT count(*) FROM articles")

    # Every batch went in; the writer alone would checkpoint only past 10,000 pages.
    assert stored == BATCHES * 100
    assert BATCHES * one_batch < BULK_CHECKPOINT_PAGES * 4096
    assert grown_to < 3 * one_batch


async def test_the_thread_ends_once_the_import_does(tmp_path: Path) -> None:
    async with connect(tmp_path / "paddock.db") as db:
        earlier = checkpoint_threads()  # a test before may have left one finishing
        async with bulk_writes(db):
            started = checkpoint_threads() - earlier
            assert len(started) == 1
            await ingest_articles(db, stories(0))
        assert await all_ended(started)

        with pytest.raises(RuntimeError):
            async with bulk_writes(db):
                started = checkpoint_threads() - earlier
                raise RuntimeError("a batch failed")
        assert len(started) == 1
        assert await all_ended(started)


async def test_a_database_in_memory_needs_no_thread() -> None:
    earlier = checkpoint_threads()
    async with connect(":memory:") as db, bulk_writes(db):
        await ingest_articles(db, stories(0))
        assert checkpoint_threads() - earlier == set()
