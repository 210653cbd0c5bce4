"""One path into the database for every article, from a file or a feed.

Storing a story and everything derived from it (quotes, deliveries) happens in one
transaction, so a crash never leaves a story without its quotes or its outbox rows.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import aiosqlite

from bot.articles import ParsedArticle
from bot.importing import ImportFailure, find_article_files, read_article_file
from storage.articles import StoreResult, store_articles
from storage.db import transaction

# Stories stored per transaction by ``import_paths``.
IMPORT_BATCH = 200
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
    """

    run: AfterStoreBatch

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


async def ingest_article(
    conn: aiosqlite.Connection, parsed: ParsedArticle, after_store: Sequence[AfterStore] = ()
) -> StoreResult:
    return (await ingest_articles(conn, [parsed], after_store))[0]


async def ingest_articles(
    conn: aiosqlite.Connection,
    articles: Sequence[ParsedArticle],
    after_store: Sequence[AfterStore] = (),
) -> list[StoreResult]:
    """Store several stories and what derives from them in one transaction.

    A commit costs more than storing a short story, so bulk imports pass a few hundred at a
    time; any failure rolls the whole batch back. Steps run in the order given: a
    ``BatchStep`` once for every changed story, and each run of other steps story by story,
    so a later step (deliveries) sees what earlier ones stored for its story.
    """
    async with transaction(conn):
        results = await store_articles(conn, articles)
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


async def import_paths(
    conn: aiosqlite.Connection, paths: Iterable[Path], after_store: Sequence[AfterStore] = ()
) -> ImportReport:
    """Import every article file under ``paths``; a bad file is noted and skipped."""
    report = ImportReport()
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
        for first in range(0, len(articles), IMPORT_BATCH):
            batch = articles[first : first + IMPORT_BATCH]
            for result in await ingest_articles(conn, batch, after_store):
                if result.created:
                    report.created.append(result)
                elif result.updated:
                    report.updated.append(result)
                else:
                    report.unchanged.append(result)
    return report
