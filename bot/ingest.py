"""One path into the database for every article, from a file or a feed.

Storing a story and everything derived from it (quotes, deliveries) happens in one
transaction, so a crash never leaves a story without its quotes or its outbox rows.
"""

from __future__ import annotations

import gc
import itertools
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiosqlite

from bot.articles import ParsedArticle
from bot.importing import ImportFailure, find_article_files, read_article_file
from bot.work_ahead import WorkAhead, work_pool
from storage.articles import StoreResult, store_articles
from storage.db import bulk_writes, transaction

# Stories stored per transaction by ``import_paths``. A commit writes every page its batch
# changed and a new full-text segment that later merges copy again; in a big archive two
# stories of a batch seldom share a page of the date, speaker or subject indexes, so fewer,
# larger batches write less (2,000 stories into a 98,000-story archive: 768-854/s with 200,
# 831-909/s with 400). 600 was slower on small archives: the steps wait for the workers to
# finish a whole batch, and the last one is stored with little left for them to do.
IMPORT_BATCH = 400
# Batches given to workers beyond the one being stored (``ingest_batches``).
_PREFETCH = 2
# Batches of a big import put in date order together (``_in_date_order``): 4,000 stories
# at 400 a batch, a few seconds of importing, held in memory at once.
_DATE_ORDER_BATCHES = 10
# More workers than this wait on the database anyway.
_MOST_WORKERS = 4
# Runs inside the storing transaction for each new or edited story.
AfterStore = Callable[[aiosqlite.Connection, StoreResult], Awaitable[None]]
# Runs inside the storing transaction once for all the new or edited stories of a batch.
AfterStoreBatch = Callable[[aiosqlite.Connection, Sequence[StoreResult]], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class BatchStep:
    """An after-store step that does a whole batch's work in a few statements.

    Each statement is a round trip to the database thread, so writing 200 stories' rows
    with one ``executemany`` costs far less than 200 small writes. Called with one story it
    is an ordinary ``AfterStore``, so callers that store stories one at a time need not care.

    ``ahead`` holds the step's work on stories' words, if it has any that needs no database:
    ``ingest_batches`` can then do it for coming batches in other processes, and ``run``
    takes the results from there.
    """

    run: AfterStoreBatch
    ahead: tuple[WorkAhead[Any], ...] = ()

    async def __call__(self, conn: aiosqlite.Connection, result: StoreResult) -> None:
        await self.run(conn, [result])


@dataclass(slots=True)
class ImportReport:
    created: list[StoreResult] = field(default_factory=list)
    updated: list[StoreResult] = field(default_factory=list)
    unchanged: list[StoreResult] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    @property
    def stories(self) -> int:
        """Stories read so far, whatever became of them (failed files hold none)."""
        return len(self.created) + len(self.updated) + len(self.unchanged)


async def ingest_article(
    conn: aiosqlite.Connection, parsed: ParsedArticle, after_store: Sequence[AfterStore] = ()
) -> StoreResult:
    return (await ingest_articles(conn, [parsed], after_store))[0]


async def ingest_articles(
    conn: aiosqlite.Connection,
    articles: Sequence[ParsedArticle],
    after_store: Sequence[AfterStore] = (),
    *,
    work_done: Callable[[], Awaitable[None]] | None = None,
    digests: Sequence[str] | None = None,
) -> list[StoreResult]:
    """Store several stories and what derives from them in one transaction.

    A commit costs more than storing a short story, so bulk imports pass a few hundred at a
    time; any failure rolls the whole batch back. Steps run in the order given: a
    ``BatchStep`` once for every changed story, and each run of other steps story by story,
    so a later step (deliveries) sees what earlier ones stored for its story.
    ``work_done``, when given, is awaited between the store and the steps: the steps' work
    done ahead for these stories (``WorkPool.take``) need only be ready then. ``digests``
    are the stories' content hashes when the workers worked them out.
    """
    async with transaction(conn):
        results = await store_articles(conn, articles, digests)
        if work_done is not None:
            await work_done()
        changed = [result for result in results if result.created or result.updated]
        if changed:
            await _run_steps(conn, changed, after_store)
    return results


async def _run_steps(
    conn: aiosqlite.Connection, changed: Sequence[StoreResult], steps: Sequence[AfterStore]
) -> None:
    per_story: list[AfterStore] = []

    async def run_per_story() -> None:
        for result in changed:
            for step in per_story:
                await step(conn, result)
        per_story.clear()

    for step in steps:
        if isinstance(step, BatchStep):
            await run_per_story()
            await step.run(conn, changed)
        else:
            per_story.append(step)
    await run_per_story()


async def ingest_batches(
    conn: aiosqlite.Connection,
    batches: Iterable[Sequence[ParsedArticle]],
    after_store: Sequence[AfterStore] = (),
    *,
    workers: int = 0,
) -> AsyncIterator[list[StoreResult]]:
    """``ingest_articles`` for each batch in turn, yielding each batch's results.

    With ``workers``, that many processes do the steps' work ahead (quotes, names) for the
    next batches while this one is stored: on a big import the database and the extraction
    then run side by side instead of taking turns. A single batch is stored without them.
    Several batches are stored oldest story first, ``_DATE_ORDER_BATCHES`` at a time
    (``_in_date_order``); a single batch as given.
    """
    aheads = [ahead for step in after_store if isinstance(step, BatchStep) for ahead in step.ahead]
    coming = iter(batches)
    head = list(itertools.islice(coming, 2))
    if len(head) < 2:
        # A single batch is stored as given, before workers could start.
        for batch in head:
            yield await ingest_articles(conn, batch, after_store)
        return
    in_date_order = _in_date_order(itertools.chain(head, coming), _DATE_ORDER_BATCHES)
    pool = work_pool(aheads, workers)
    if pool is None:
        for batch in in_date_order:
            yield await ingest_articles(conn, batch, after_store)
        return
    async with bulk_writes(conn):
        with pool, _objects_so_far_frozen():

            def hand_out() -> None:
                while pool.waiting <= _PREFETCH:
                    batch = next(in_date_order, None)
                    if batch is None:
                        return
                    pool.submit(batch)

            if not pool.starts_fast:
                # Workers that take a second to start: the first batch is worked out here
                # meanwhile.
                first = next(in_date_order)
                hand_out()
                yield await ingest_articles(conn, first, after_store)
            while True:
                hand_out()
                if not pool.waiting:
                    return
                batch, content_hashes, work_done = pool.take()
                try:
                    digests = await content_hashes()
                    yield await ingest_articles(
                        conn, batch, after_store, work_done=work_done, digests=digests
                    )
                finally:
                    for ahead in aheads:
                        ahead.drop(batch)


def _in_date_order(
    batches: Iterator[Sequence[ParsedArticle]], window: int
) -> Iterator[list[ParsedArticle]]:
    """The same stories in batches of the same sizes, every ``window`` batches oldest first.

    The speakers', subjects' and dates' indexes are ordered by date, and addresses often
    hold the month, so stories dated anywhere change pages all over them, and every page a
    batch changes is written to the log and again by a checkpoint. Sorted, a batch covers a
    narrower span of dates and its stories share more pages: 2,000 stories dated anywhere
    into a 98,000-story archive wrote 13.2 pages of log a story instead of 15.4, and went
    in at 987-1,098/s instead of 936-1,024 (ten pairs). Within a window, the newest stories
    are also stored last and so count as the most recent for search (``newest_first``).
    Stories with the same date keep the order given, so a story given twice is stored in
    that order; undated stories go last, as they take the time they are stored.
    """
    while chunk := list(itertools.islice(batches, window)):
        stories = sorted(itertools.chain.from_iterable(chunk), key=_publication_order)
        start = 0
        for batch in chunk:
            yield stories[start : start + len(batch)]
            start += len(batch)


def _publication_order(article: ParsedArticle) -> tuple[bool, str]:
    # Stored dates are UTC in ISO 8601 (``normalise_timestamp``), so text order is time order.
    return (article.published_at is None, article.published_at or "")


@contextmanager
def _objects_so_far_frozen() -> Iterator[None]:
    """Keeps the collector off this process's objects from before a big import while it runs.

    The import keeps thousands of objects alive at once (its batches and their results),
    and that sets off full collections, each walking everything the process holds: up to
    150 ms a time in the benchmark's process at 100k stories, and tens of milliseconds in
    each worker forked from it, where the walk also copies every page it touches. Frozen
    first, those objects are left out of every collection, here and in the workers, which
    are forked meanwhile and inherit them frozen; afterwards they are collected as before.
    A process that froze objects of its own is left as it is.
    """
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def default_workers() -> int:
    """Processes for work ahead on a big import: one per core, none on a single core.

    The database side needs about a third of the CPU the extraction does, so this process
    shares a core with a worker rather than keeping one to itself (2,000 stories on two
    cores: about 770 stories/s with two workers, 550 with one).
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        cores = os.cpu_count() or 1
    return 0 if cores < 2 else min(cores, _MOST_WORKERS)


def _import_batches(paths: Iterable[Path], report: ImportReport) -> Iterator[list[ParsedArticle]]:
    """Stories from every readable file under ``paths``, ``IMPORT_BATCH`` at a time; a file
    that cannot be read is noted in ``report`` and skipped."""
    batch: list[ParsedArticle] = []
    for item in find_article_files(paths):
        if isinstance(item, ImportFailure):
            name, _, reason = str(item).partition(": ")
            report.failures.append((name, reason))
            continue
        try:
            articles = read_article_file(item)
        except ImportFailure as exc:
            report.failures.append((str(item), str(exc)))
            continue
        for article in articles:
            batch.append(article)
            if len(batch) == IMPORT_BATCH:
                yield batch
                batch = []
    if batch:
        yield batch


async def import_paths(
    conn: aiosqlite.Connection,
    paths: Iterable[Path],
    after_store: Sequence[AfterStore] = (),
    *,
    workers: int = 0,
    progress: Callable[[ImportReport], None] | None = None,
) -> ImportReport:
    """Import every article file under ``paths``; a bad file is noted and skipped.

    Stories from several small files share a transaction; ``workers`` as for
    ``ingest_batches``. ``progress`` sees the report so far after each stored batch.
    """
    report = ImportReport()
    batches = _import_batches(paths, report)
    async for results in ingest_batches(conn, batches, after_store, workers=workers):
        for result in results:
            if result.created:
                report.created.append(result)
            elif result.updated:
                report.updated.append(result)
            else:
                report.unchanged.append(result)
        if progress is not None:
            progress(report)
    return report
