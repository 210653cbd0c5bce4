"""A big import writes with a larger page cache and fewer checkpoints, and puts the
connection's settings back afterwards however it ends, its workers stopped."""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from bot.ingest import bulk as bulk_import
from bot.ingest.bulk import IMPORT_BATCH, ImportReport, import_paths
from bot.ingest.store import ingest_articles
from bot.news.articles import ParsedArticle
from storage.articles import StoreResult
from storage.database import Database
from storage.db import BULK_CACHE_MIB, BULK_CHECKPOINT_PAGES
from tests.conftest import numbered_stories, write_json_lines


async def settings(db: Database) -> tuple[int, int]:
    """The writer's page cache and checkpoint interval (each connection has its own)."""
    async with db.write() as conn:
        [(cache,)] = await conn.execute_fetchall("PRAGMA cache_size")
        [(pages,)] = await conn.execute_fetchall("PRAGMA wal_autocheckpoint")
    return cache, pages


@pytest.mark.parametrize("workers", [0, 2])
async def test_a_big_import_writes_in_bulk_then_puts_the_settings_back(
    db: Database, tmp_path: Path, workers: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = tmp_path / "archive.jsonl"
    write_json_lines(archive, numbered_stories(3 * IMPORT_BATCH))
    usual = await settings(db)
    during: list[tuple[int, int]] = []

    async def store_noting_settings(
        db: Database, stories: Sequence[ParsedArticle], **given: Any
    ) -> list[StoreResult]:
        during.append(await settings(db))
        return await ingest_articles(db, stories, **given)

    monkeypatch.setattr(bulk_import, "ingest_articles", store_noting_settings)
    report = await import_paths(db, [archive], workers=workers)

    assert report.created == 3 * IMPORT_BATCH
    assert during == [(-BULK_CACHE_MIB * 1024, BULK_CHECKPOINT_PAGES)] * 3
    assert await settings(db) == usual != during[0]


async def test_an_import_cut_short_puts_the_settings_back_and_stops_its_workers(
    db: Database, tmp_path: Path
) -> None:
    archive = tmp_path / "archive.jsonl"
    write_json_lines(archive, numbered_stories(6 * IMPORT_BATCH))
    usual = await settings(db)

    def interrupted(report: ImportReport, results: Sequence[StoreResult]) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        await import_paths(db, [archive], workers=2, on_batch=interrupted)

    assert await settings(db) == usual
    assert multiprocessing.active_children() == []
    [(stored,)] = await db.reader.execute_fetchall("SELECT count(*) FROM articles")
    assert stored == IMPORT_BATCH
