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
    time; any failure rolls the whole batch back.
    """
    async with transaction(conn):
        results = await store_articles(conn, articles)
        for result in results:
            if result.created or result.updated:
                for hook in after_store:
                    await hook(conn, result)
    return results


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
