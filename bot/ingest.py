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
from storage.articles import StoreResult, store_article
from storage.db import transaction

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
    async with transaction(conn):
        result = await store_article(conn, parsed)
        if result.created or result.updated:
            for hook in after_store:
                await hook(conn, result)
    return result


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
        for parsed in articles:
            result = await ingest_article(conn, parsed, after_store)
            if result.created:
                report.created.append(result)
            elif result.updated:
                report.updated.append(result)
            else:
                report.unchanged.append(result)
    return report
