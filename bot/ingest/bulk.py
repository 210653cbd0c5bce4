"""``paddock import``: article files and folders into the database, a batch at a time.

Files are read as the import goes (JSON Lines a line at a time, ``bot.ingest.files``), and
only a few batches are held at once, so an archive of any size imports in the same memory;
the report keeps counts and the failures, not the stories. Each batch is stored through
the one write path (``bot.ingest.store.ingest_articles``).

This is the only place with worker processes. Finding a story's quotes and names costs
several times what storing it does, so on a big import worker processes find them for the
next batches while this process stores the current one (2,000 stories into a 98,000-story
archive: 1.2-1.6x the stories a second of one process; BENCHMARKS.md, "Import").
"""

from __future__ import annotations

import asyncio
import itertools
import multiprocessing
import os
import sys
import warnings
from collections import deque
from collections.abc import AsyncGenerator, Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import aclosing
from dataclasses import dataclass, field
from pathlib import Path

from bot.ingest.files import ImportFailure, find_article_files, read_articles
from bot.ingest.store import Findings, StoryReader, ingest_articles, story_reader
from bot.news.articles import ParsedArticle, content_hash
from storage.articles import StoreResult
from storage.database import Database

# Stories stored per transaction: a commit writes every page its batch changed, so fewer,
# larger batches write less (2,000 stories into a 98,000-story archive: 768-854/s with
# 200, 831-909/s with 400); 600 was slower on small archives.
IMPORT_BATCH = 400
# Batches handed to the workers beyond the one being stored, so they never wait for it.
LOOKAHEAD_BATCHES = 2
# More workers than this wait on the database anyway.
MOST_WORKERS = 4
# Failures listed one by one in a report; any more are only counted.
LISTED_FAILURES = 100
# A forked worker starts in milliseconds with the reader's name tables already built; a
# spawned one imports the whole program again first. Forking while the database thread
# runs is safe because workers never touch the database: they only read the words they
# are handed. macOS and Windows have no safe fork, so they spawn.
WORKERS_FORK = sys.platform.startswith("linux")


@dataclass(slots=True)
class ImportReport:
    """Counts of what became of the stories read, and why files or lines were skipped."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # (file, reason), the first ``LISTED_FAILURES`` of them.
    failures: list[tuple[str, str]] = field(default_factory=list)
    unlisted_failures: int = 0

    @property
    def ok(self) -> bool:
        return not self.failures

    @property
    def stories(self) -> int:
        """Stories read so far, whatever became of them."""
        return self.created + self.updated + self.unchanged

    @property
    def failed(self) -> int:
        return len(self.failures) + self.unlisted_failures

    def fail(self, name: str, reason: str) -> None:
        if len(self.failures) < LISTED_FAILURES:
            self.failures.append((name, reason))
        else:
            self.unlisted_failures += 1

    def count(self, results: Iterable[StoreResult]) -> None:
        for result in results:
            if result.created:
                self.created += 1
            elif result.updated:
                self.updated += 1
            else:
                self.unchanged += 1


async def import_paths(
    db: Database,
    paths: Iterable[Path],
    *,
    workers: int = 0,
    on_batch: Callable[[ImportReport, Sequence[StoreResult]], None] | None = None,
) -> ImportReport:
    """Import every article file under ``paths``; a bad file or line is noted and skipped.

    ``workers``: processes finding quotes and names when there is more than one batch.
    ``on_batch`` sees the report so far and the batch's results after each stored batch.
    """
    report = ImportReport()
    reader = await story_reader(db)
    batches = _batches(paths, report)
    async with aclosing(store_batches(db, batches, reader, workers)) as stored:
        async for results in stored:
            report.count(results)
            if on_batch is not None:
                on_batch(report, results)
    return report


def default_workers() -> int:
    """One worker per core, none on a single core: the storing process needs about a
    third of the CPU the workers do, so it shares a core with one."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        cores = os.cpu_count() or 1
    return 0 if cores < 2 else min(cores, MOST_WORKERS)


def _batches(paths: Iterable[Path], report: ImportReport) -> Iterator[list[ParsedArticle]]:
    """Stories from every readable file under ``paths``, ``IMPORT_BATCH`` at a time."""
    batch: list[ParsedArticle] = []
    for item in find_article_files(paths):
        if isinstance(item, ImportFailure):
            name, _, reason = str(item).partition(": ")
            report.fail(name, reason)
            continue
        try:
            for story in read_articles(item):
                if isinstance(story, ImportFailure):
                    report.fail(str(item), str(story))
                    continue
                batch.append(story)
                if len(batch) == IMPORT_BATCH:
                    yield batch
                    batch = []
        except ImportFailure as exc:
            report.fail(str(item), str(exc))
    if batch:
        yield batch


async def store_batches(
    db: Database,
    batches: Iterator[list[ParsedArticle]],
    reader: StoryReader,
    workers: int,
) -> AsyncGenerator[list[StoreResult], None]:
    """Each batch stored in turn. With more than one batch, the database is set for
    bulk writes (``Database.bulk_writes``) meanwhile, and with ``workers`` the findings
    and content hashes come from worker processes."""
    head = list(itertools.islice(batches, 2))
    coming = _put_back(head, batches)
    if len(head) < 2:
        for batch in coming:
            yield await ingest_articles(db, batch, reader=reader)
        return
    async with db.bulk_writes():
        if workers < 1:
            for batch in coming:
                yield await ingest_articles(db, batch, reader=reader)
        else:
            # Closed at once should the import stop early, so the workers stop with it.
            async with aclosing(_stored_with_workers(db, coming, reader, workers)) as stored:
                async for results in stored:
                    yield results


async def _stored_with_workers(
    db: Database,
    coming: Iterator[list[ParsedArticle]],
    reader: StoryReader,
    workers: int,
) -> AsyncGenerator[list[StoreResult], None]:
    """Each batch stored in turn, its findings and content hashes from the workers."""
    pool = _pool(reader, workers)
    broken = False
    try:
        handed_out: deque[tuple[list[ParsedArticle], list[Future[_Worked]]]] = deque()

        def hand_out() -> None:
            while len(handed_out) <= LOOKAHEAD_BATCHES:
                batch = next(coming, None)
                if batch is None:
                    return
                handed_out.append((batch, _submit(pool, batch, workers)))

        while True:
            hand_out()
            if not handed_out:
                return
            batch, futures = handed_out.popleft()
            worked = await _gathered(futures)
            if worked is None:  # a worker failed: this process works the batch out itself
                broken = True
                yield await ingest_articles(db, batch, reader=reader)
                continue
            digests, found = worked
            yield await ingest_articles(db, batch, reader=reader, found=found, digests=digests)
    finally:
        if broken:
            _let_the_feeder_go(pool)
        # An import cut short drops the batches handed out ahead.
        pool.shutdown(wait=True, cancel_futures=True)


def _let_the_feeder_go(pool: ProcessPoolExecutor) -> None:
    """After a worker died, Python 3.11's pool waits for the thread feeding its workers,
    which may be stuck writing a batch into the pipe of the dead one for good: this
    process holds the pipe's reading end too. Closed, the write fails and the pool ends."""
    call_queue = getattr(pool, "_call_queue", None)
    reader = getattr(call_queue, "_reader", None)
    if reader is not None:
        reader.close()


def _put_back(
    head: list[list[ParsedArticle]], rest: Iterator[list[ParsedArticle]]
) -> Iterator[list[ParsedArticle]]:
    """``head`` then ``rest``; each batch of ``head`` is let go once taken (unlike
    ``itertools.chain``, which would hold them to the end)."""
    while head:
        yield head.pop(0)
    yield from rest


# Content hashes and findings of the stories handed to one worker task.
_Worked = tuple[list[str], list[Findings]]
_worker_reader: StoryReader | None = None


def _pool(reader: StoryReader, workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("fork" if WORKERS_FORK else "spawn"),
        initializer=_start_worker,
        initargs=(reader,),
    )


def _start_worker(reader: StoryReader) -> None:
    global _worker_reader
    _worker_reader = reader


def _work(words: Sequence[tuple[str, str, str | None]]) -> _Worked:
    """In a worker: the content hash and findings of each story."""
    assert _worker_reader is not None
    return (
        [content_hash(title, body) for title, body, _ in words],
        [_worker_reader.read(*story) for story in words],
    )


def _submit(
    pool: ProcessPoolExecutor, batch: Sequence[ParsedArticle], workers: int
) -> list[Future[_Worked]]:
    """The batch in one share per worker; no futures when the pool cannot take it."""
    words = [(story.title, story.body, story.published_at) for story in batch]
    share = -(-len(words) // workers)
    try:
        with warnings.catch_warnings():
            # Python 3.12+ warns on any fork of a process with threads; WORKERS_FORK says
            # why these workers are not at risk.
            warnings.filterwarnings(
                "ignore", message=r".*use of fork\(\) may lead", category=DeprecationWarning
            )
            return [
                pool.submit(_work, words[first : first + share])
                for first in range(0, len(words), share)
            ]
    except (RuntimeError, OSError):  # a broken pool, or no process to be had
        return []


async def _gathered(futures: Sequence[Future[_Worked]]) -> _Worked | None:
    """The shares' results joined in order; None if there were none or any failed."""
    if not futures:
        return None
    digests: list[str] = []
    found: list[Findings] = []
    for future in futures:
        try:
            hashes, findings = await asyncio.wrap_future(future)
        except Exception:  # a worker died or failed: the batch is worked out here instead
            return None
        digests += hashes
        found += findings
    return digests, found
