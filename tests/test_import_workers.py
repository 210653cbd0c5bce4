"""Big imports find quotes and names in worker processes while the database stores the
previous batch: the stored result must be exactly what one process stores, and a worker
that fails must cost only speed."""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import subprocess
import sys
import time
import weakref
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import aiosqlite
import pytest

from bot import ingest, work_ahead
from bot.articles import ParsedArticle, content_hash
from bot.importing import read_article_file
from bot.ingest import IMPORT_BATCH, BatchStep, import_paths, ingest_batches
from bot.pipeline import article_hooks
from bot.work_ahead import StoryWords, WorkAhead
from storage import articles as articles_storage
from storage.articles import StoreResult
from storage.db import open_database
from tests.conftest import REPO, numbered_stories, write_json_lines

T = TypeVar("T")


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
        conn = await open_database(tmp_path / f"workers-{workers}.db")
        try:
            report = await import_paths(conn, [archive], await article_hooks(conn), workers=workers)
            assert (len(report.created), report.failures) == (count, [])
            found.append(await stored_facts(conn))
        finally:
            await conn.close()

    quotes, mentions = found[1]
    assert found[0] == found[1]
    # Not trivially equal: the real stories' quotes and names are all there, every copy.
    assert len(quotes) > 15 * 150
    assert sum(1 for row in quotes if row[1] == "lewis-hamilton") >= 15
    assert sum(1 for row in mentions if row[1] == "sebastian-vettel") >= 15


def in_batches(stories: Sequence[ParsedArticle]) -> list[Sequence[ParsedArticle]]:
    return [stories[i : i + IMPORT_BATCH] for i in range(0, len(stories), IMPORT_BATCH)]


async def results_of(
    db: aiosqlite.Connection, work: Callable[[StoryWords], T], count: int, workers: int
) -> list[T]:
    """What ``work`` gave for each of ``count`` stories as they were stored, with ``workers``
    doing it ahead."""
    ahead = WorkAhead(work)
    found: list[T] = []

    async def record(conn: aiosqlite.Connection, results: Sequence[StoreResult]) -> None:
        found.extend(ahead.result(result.article) for result in results)

    step = BatchStep(record, (ahead,))
    async for _ in ingest_batches(db, in_batches(numbered_stories(count)), [step], workers=workers):
        pass
    return found


def process_id(story: StoryWords) -> int:
    return os.getpid()


@pytest.mark.parametrize("fork", [True, False], ids=["forked", "spawned"])
async def test_work_ahead_runs_in_other_processes(
    db: aiosqlite.Connection, fork: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Linux forks its workers; other systems spawn them, which this checks here too.
    monkeypatch.setattr(work_ahead, "WORKERS_FORK", fork)
    ran_in = await results_of(db, process_id, 4 * IMPORT_BATCH, workers=2)

    assert len(ran_in) == 4 * IMPORT_BATCH
    if fork:
        # Forked workers start at once and take every batch, the first included.
        assert os.getpid() not in ran_in
    else:
        # The first batch is done here while spawned workers start; the rest by them.
        assert ran_in[:IMPORT_BATCH] == [os.getpid()] * IMPORT_BATCH
        assert os.getpid() not in ran_in[IMPORT_BATCH:]


async def test_spawned_workers_get_the_real_steps_whole(
    db: aiosqlite.Connection, shared_dir: Path
) -> None:
    # A spawned worker receives each step's work by pickle, name tables and all; one that
    # arrived broken would leave every batch to this process without a word.
    works = [ahead.work for step in await article_hooks(db) for ahead in step.ahead]
    stories = corpus_stories(shared_dir)

    assert len(works) == 2  # quotes, and the people and teams named
    for work in works:
        copy = pickle.loads(pickle.dumps(work))
        found = [work(story) for story in stories]
        assert [copy(story) for story in stories] == found
        assert sum(1 for result in found if result) > len(stories) // 2


# Where the importing process marks each story stored, for ``stored_before_worked_out``.
STORED_MARKS = "PADDOCK_TEST_STORED_MARKS"
_marks_missed = False


def stored_before_worked_out(story: StoryWords) -> bool:
    """Whether the story was stored (uncommitted) while this worker was still on it: waits
    for the importing process's mark, and after one wait in vain waits no more."""
    global _marks_missed
    mark = Path(os.environ[STORED_MARKS]) / story.title
    for _ in range(0 if _marks_missed else 100):
        if mark.exists():
            return True
        time.sleep(0.05)
    _marks_missed = True
    return False


async def test_batches_are_stored_while_workers_finish_them(
    db: aiosqlite.Connection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The stories of a batch go in while the workers are still finding its quotes and
    # names; only the steps after the store wait for them. Waiting first would leave the
    # database idle at the start of every import and the workers idle at its end.
    monkeypatch.setenv(STORED_MARKS, str(tmp_path))
    store = ingest.store_articles

    async def store_and_mark(
        conn: aiosqlite.Connection,
        batch: Sequence[ParsedArticle],
        digests: Sequence[str] | None = None,
    ) -> list[StoreResult]:
        results = await store(conn, batch, digests)
        for story in batch:
            (tmp_path / story.title).touch()
        return results

    monkeypatch.setattr(ingest, "store_articles", store_and_mark)
    seen = await results_of(db, stored_before_worked_out, 3 * IMPORT_BATCH, workers=1)

    assert seen == [True] * (3 * IMPORT_BATCH)


async def test_workers_work_out_the_content_hashes(
    db: aiosqlite.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Storing needs each story's content hash before anything else; worked out in the
    # importing process, it held up every batch's store behind it.
    importer = os.getpid()
    hashed_here: list[str] = []

    def counted(title: str, body: str) -> str:
        if os.getpid() == importer:
            hashed_here.append(title)
        return content_hash(title, body)

    monkeypatch.setattr(articles_storage, "content_hash", counted)
    stories = numbered_stories(3 * IMPORT_BATCH)
    async for _ in ingest_batches(db, in_batches(stories), await article_hooks(db), workers=1):
        pass

    assert hashed_here == []
    stored = await db.execute_fetchall("SELECT title, body, content_hash FROM articles")
    assert len(stored) == len(stories)
    assert all(digest == content_hash(title, body) for title, body, digest in stored)


def niceness(story: StoryWords) -> int:
    return os.nice(0)


@pytest.mark.skipif(not hasattr(os, "nice"), reason="process priority is a Unix notion")
async def test_workers_give_way_to_the_importing_process(db: aiosqlite.Connection) -> None:
    # The importing process stores every batch itself: on a busy machine it must not wait
    # behind the workers that feed it.
    seen = await results_of(db, niceness, 3 * IMPORT_BATCH, workers=2)

    assert len(seen) == 3 * IMPORT_BATCH
    assert set(seen) == {min(os.nice(0) + work_ahead.WORKER_NICENESS, 19)}


async def test_a_big_import_puts_the_connection_settings_back(db: aiosqlite.Connection) -> None:
    async def settings() -> tuple[int, int]:
        [(cache,)] = await db.execute_fetchall("PRAGMA cache_size")
        [(pages,)] = await db.execute_fetchall("PRAGMA wal_autocheckpoint")
        return cache, pages

    before = await settings()
    during: list[tuple[int, int]] = []
    batches = in_batches(numbered_stories(3 * IMPORT_BATCH))
    async for _ in ingest_batches(db, batches, await article_hooks(db), workers=1):
        during.append(await settings())

    # Bigger cache and rarer checkpoints while the batches went in; the bot's own after.
    assert all(cache < before[0] and pages > before[1] for cache, pages in during)
    assert await settings() == before


def objects_frozen(story: StoryWords) -> int:
    return gc.get_freeze_count()


@pytest.mark.skipif(not work_ahead.WORKERS_FORK, reason="only forked workers inherit objects")
async def test_workers_leave_what_they_inherit_out_of_their_collections(
    db: aiosqlite.Connection,
) -> None:
    # A forked worker holds a copy of everything the importing process held. None of it
    # becomes garbage there, and a collection walking it takes as long as in the importing
    # process and copies every page it touches.
    seen = await results_of(db, objects_frozen, 3 * IMPORT_BATCH, workers=2)

    assert len(seen) == 3 * IMPORT_BATCH
    assert min(seen) > 0


class Cycle:
    def __init__(self) -> None:
        self.me = self


def unreachable_cycle() -> weakref.ref[Cycle]:
    """A weak reference to garbage that only a collection can free: it refers to itself."""
    return weakref.ref(Cycle())


async def import_with_workers(db: aiosqlite.Connection) -> None:
    batches = in_batches(numbered_stories(3 * IMPORT_BATCH))
    async for _ in ingest_batches(db, batches, await article_hooks(db), workers=2):
        pass


async def test_garbage_from_before_a_big_import_is_collected_after_it(
    db: aiosqlite.Connection,
) -> None:
    gone = unreachable_cycle()
    await import_with_workers(db)

    gc.collect()
    assert gone() is None
    assert gc.get_freeze_count() == 0


async def test_a_big_import_leaves_objects_frozen_by_others_frozen(
    db: aiosqlite.Connection,
) -> None:
    # A program that froze its objects (to fork cheaply, say) keeps them out of the
    # collector on purpose: an import must not hand them back to it.
    kept = unreachable_cycle()
    gc.freeze()
    try:
        await import_with_workers(db)

        gc.collect()
        assert kept() is not None
    finally:
        gc.unfreeze()
    gc.collect()
    assert kept() is None


def dies_in_a_worker(story: StoryWords) -> int:
    """Work that brings its worker process down; done in the importing process, it works."""
    if multiprocessing.parent_process() is not None:
        os._exit(3)
    return len(story.title)


async def test_a_worker_that_dies_costs_only_speed(db: aiosqlite.Connection) -> None:
    count = 3 * IMPORT_BATCH + 7
    seen = await results_of(db, dies_in_a_worker, count, workers=1)

    # Every story stored, each with the work's answer.
    assert seen == [len(story.title) for story in numbered_stories(count)]


async def test_an_import_goes_on_when_no_worker_can_start(
    db: aiosqlite.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_more_processes() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    # Linux forks its workers: a system out of processes refuses the fork.
    monkeypatch.setattr(work_ahead, "WORKERS_FORK", True)
    monkeypatch.setattr(os, "fork", no_more_processes)
    stories = numbered_stories(3 * IMPORT_BATCH)
    stored = 0
    async for results in ingest_batches(
        db, in_batches(stories), await article_hooks(db), workers=2
    ):
        stored += sum(1 for result in results if result.created)

    assert stored == len(stories)


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
