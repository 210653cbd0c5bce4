"""Big imports find quotes and names in worker processes while this one stores: the
stored result must be exactly what one process stores, and a worker that fails must cost
only speed."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import aiosqlite
import pytest

from bot.ingest import bulk as bulk_import
from bot.ingest.bulk import IMPORT_BATCH, import_paths
from bot.ingest.files import read_article_file
from bot.news.articles import ParsedArticle
from storage.database import Database
from tests.conftest import REPO, write_json_lines


def corpus_stories(shared: Path) -> list[ParsedArticle]:
    stories: list[ParsedArticle] = []
    for path in sorted((shared / "corpus" / "dev").glob("*.json")):
        stories += read_article_file(path)
    return stories


def write_archive(path: Path, stories: Sequence[ParsedArticle], copies: int) -> int:
    """The real stories again and again, each copy a separate story (its own URL and a
    sentence of its own), so the import spans several batches."""
    return write_json_lines(
        path,
        (
            ParsedArticle(
                title=f"{story.title} ({copy})",
                body=f"{story.body}\n\nArchive copy {copy}.",
                url=f"https://archive.example/{copy}/{number}",
                published_at=story.published_at,
            )
            for copy in range(copies)
            for number, story in enumerate(stories)
        ),
    )


async def stored_facts(conn: aiosqlite.Connection) -> tuple[list[tuple[object, ...]], ...]:
    async with conn.execute(
        "SELECT a.url, q.person_id, q.start_offset, q.end_offset, q.text, q.cue "
        "FROM quotes AS q JOIN articles AS a ON a.id = q.article_id "
        "ORDER BY a.url, q.start_offset"
    ) as cursor:
        quotes = [tuple(row) for row in await cursor.fetchall()]
    async with conn.execute(
        "SELECT a.url, m.subject FROM article_mentions AS m "
        "JOIN articles AS a ON a.id = m.article_id ORDER BY a.url, m.subject"
    ) as cursor:
        mentions = [tuple(row) for row in await cursor.fetchall()]
    return quotes, mentions


async def test_workers_store_what_one_process_stores(tmp_path: Path, shared_dir: Path) -> None:
    archive = tmp_path / "archive.jsonl"
    count = write_archive(archive, corpus_stories(shared_dir), copies=30)
    assert count > 2 * IMPORT_BATCH  # enough batches for the workers to take part

    found = []
    for workers in (0, 2):
        conn = await Database.open(tmp_path / f"workers-{workers}.db")
        try:
            report = await import_paths(conn, [archive], workers=workers)
            assert (report.created, report.failures) == (count, [])
            found.append(await stored_facts(conn.reader))
        finally:
            await conn.close()

    quotes, mentions = found[1]
    assert found[0] == found[1]
    # Not trivially equal: the real stories' quotes and names are all there, every copy.
    assert len(quotes) > 15 * 150
    assert sum(1 for row in quotes if row[1] == "lewis-hamilton") >= 15
    assert sum(1 for row in mentions if row[1] == "sebastian-vettel") >= 15


def quoted_stories(count: int, padding: str = "") -> list[ParsedArticle]:
    """Stories, each with a quote by a driver and a team named, and ``padding`` after."""
    return [
        ParsedArticle(
            title=f"Hamilton on round {n}",
            body=f"“Round {n} was a good one for us,” Lewis Hamilton said of Ferrari.{padding}",
            url=f"https://x/{n}",
        )
        for n in range(count)
    ]


async def import_quoted(db: Database, tmp_path: Path, workers: int, padding: str = "") -> int:
    archive = tmp_path / "quoted.jsonl"
    count = write_json_lines(archive, quoted_stories(3 * IMPORT_BATCH + 7, padding))
    report = await import_paths(db, [archive], workers=workers)
    assert (report.created, report.failures) == (count, [])
    return count


async def test_spawned_workers_store_what_one_process_stores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Linux forks its workers; macOS and Windows spawn them, which this checks here too.
    monkeypatch.setattr(bulk_import, "WORKERS_FORK", False)
    found = []
    for workers in (0, 1):
        conn = await Database.open(tmp_path / f"spawned-{workers}.db")
        try:
            count = await import_quoted(conn, tmp_path, workers)
            found.append(await stored_facts(conn.reader))
        finally:
            await conn.close()
    quotes, mentions = found[1]
    assert found[0] == found[1]
    assert sum(1 for row in quotes if row[1] == "lewis-hamilton") == count
    assert sum(1 for row in mentions if row[1] == "team:ferrari") == count


def dies_in_a_worker(words: Sequence[tuple[str, str, str | None]]) -> object:
    """Brings a worker process down."""
    assert multiprocessing.parent_process() is not None
    os._exit(3)


@pytest.mark.skipif(not bulk_import.WORKERS_FORK, reason="only forked workers see the patch")
async def test_a_worker_that_dies_costs_only_speed(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk_import, "_work", dies_in_a_worker)
    # Long enough that the batches handed out fill the dead worker's pipe: the pool's
    # feeding thread is then stuck, which once hung the import for good.
    count = await import_quoted(db, tmp_path, workers=1, padding="\n\nMore words. " * 200)

    # Every story stored, each with its quote, worked out in this process instead.
    [(quotes,)] = await db.reader.execute_fetchall(
        "SELECT count(*) FROM quotes WHERE person_id = 'lewis-hamilton'"
    )
    assert quotes == count


async def test_an_import_goes_on_when_no_worker_can_start(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_more_processes() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    # Linux forks its workers: a system out of processes refuses the fork.
    monkeypatch.setattr(bulk_import, "WORKERS_FORK", True)
    monkeypatch.setattr(os, "fork", no_more_processes)
    count = await import_quoted(db, tmp_path, workers=2)

    [(quotes,)] = await db.reader.execute_fetchall("SELECT count(*) FROM quotes")
    assert quotes == count


def test_cli_import_with_workers(tmp_path: Path, shared_dir: Path) -> None:
    archive = tmp_path / "archive.jsonl"
    count = write_archive(archive, corpus_stories(shared_dir), copies=8)
    # The installed command itself: worker processes start from its script.
    paddock = Path(sys.executable).with_name("paddock")
    assert paddock.is_file(), "run the tests from the project's environment (make test)"
    env = {**os.environ, "PADDOCK_DB": str(tmp_path / "cli.db")}
    command = [str(paddock), "import", "--workers", "1", str(archive)]
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == f"{count} new, 0 updated, 0 already stored, 0 failed"

    again = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, check=False)
    assert again.stdout.splitlines()[-1] == f"0 new, 0 updated, {count} already stored, 0 failed"

    refused = subprocess.run(
        [str(paddock), "import", "--workers", "many", str(archive)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert refused.returncode == 2
    assert "'many' is not a whole number" in refused.stderr
