"""``paddock import``, ``latest``, ``story`` and ``stats``."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import TextIO

from bot.cli.output import (
    article_json,
    byline,
    count_argument,
    print_json,
    print_listing,
    short_date,
    workers_argument,
    wrap,
)
from bot.ingest.bulk import ImportReport, default_workers, import_paths
from bot.news.articles import Article
from bot.settings import Settings
from storage.articles import StoreResult, article_stats, latest_articles, search_articles
from storage.database import connect


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    importer = subparsers.add_parser(
        "import", help="import article files or folders (text, HTML, JSON, JSON Lines)"
    )
    importer.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    importer.add_argument("--json", action="store_true", help="print one JSON object")
    importer.add_argument(
        "--workers",
        type=workers_argument,
        default=None,
        help="processes finding quotes and names on big imports (default: one per core)",
    )
    importer.set_defaults(handler=run_import)

    latest = subparsers.add_parser("latest", help="show the newest stories")
    latest.add_argument(
        "-n", "--count", type=count_argument, default=5, help="how many (default 5)"
    )
    latest.add_argument("--json", action="store_true", help="one JSON object per line")
    latest.set_defaults(handler=run_latest)

    story = subparsers.add_parser("story", help="find a story by its words")
    story.add_argument("words", nargs="+", help="words from the story, e.g. Imola crash")
    story.add_argument("-n", "--count", type=count_argument, default=1, help="how many matches")
    story.add_argument("--json", action="store_true", help="one JSON object per line")
    story.set_defaults(handler=run_story)

    stats = subparsers.add_parser("stats", help="what the database holds")
    stats.add_argument("--json", action="store_true", help="print one JSON object")
    stats.set_defaults(handler=run_stats)


class ImportProgress:
    """A running count on one line of a terminal while a big import works; nothing at all
    when ``stream`` is not a terminal, so scripts and logs see only the summary."""

    def __init__(self, stream: TextIO, every_seconds: float = 0.5) -> None:
        self._stream = stream
        self._live = stream.isatty()
        self._every = every_seconds
        self._began = time.monotonic()
        self._last = self._began
        self._width = 0  # of the line shown, to blank it out (no terminal codes needed)

    def __call__(self, report: ImportReport) -> None:
        now = time.monotonic()
        if not self._live or now - self._last < self._every:
            return
        self._last = now
        rate = report.stories / max(now - self._began, 1e-6)
        line = f"{report.stories:,} stories read, {report.created:,} new ({rate:,.0f} a second)"
        self._stream.write("\r" + line.ljust(self._width))
        self._stream.flush()
        self._width = len(line)

    def close(self) -> None:
        """Blank the line, so what is printed next starts on a clean one."""
        if self._width:
            self._stream.write("\r" + " " * self._width + "\r")
            self._stream.flush()
            self._width = 0


async def run_import(args: argparse.Namespace, settings: Settings) -> int:
    progress = ImportProgress(sys.stderr)

    def on_batch(report: ImportReport, results: Sequence[StoreResult]) -> None:
        # Titles are printed as each batch is stored: the report holds counts, not stories.
        if not args.json:
            changed = [r for r in results if r.created or r.updated]
            if changed:
                progress.close()
            for result in changed:
                note = "" if result.created else " (updated)"
                print(f"{'+' if result.created else '~'} {result.article.title}{note}")
        progress(report)

    try:
        async with connect(settings.database) as db:
            workers = default_workers() if args.workers is None else args.workers
            report = await import_paths(db, args.paths, workers=workers, on_batch=on_batch)
    finally:
        progress.close()
    for name, reason in report.failures:
        print(f"skipped {name}: {reason}", file=sys.stderr)
    if report.unlisted_failures:
        print(f"skipped {report.unlisted_failures:,} more, not listed", file=sys.stderr)
    if args.json:
        print_json(
            {
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "failed": [{"file": name, "reason": reason} for name, reason in report.failures],
                "unlisted_failures": report.unlisted_failures,
            }
        )
    else:
        print(
            f"{report.created} new, {report.updated} updated, "
            f"{report.unchanged} already stored, {report.failed} failed"
        )
    return 0 if report.ok else 1


async def run_latest(args: argparse.Namespace, settings: Settings) -> int:
    async with connect(settings.database) as db:
        articles = await latest_articles(db.reader, args.count)
    print_listing(
        articles,
        as_json=args.json,
        to_json=article_json,
        to_text=_latest_line,
        empty="No stories yet. Add some with: paddock import PATH",
    )
    return 0


def _latest_line(article: Article) -> str:
    where = f" · {article.url}" if article.url else ""
    return f"{short_date(article.date)}  {article.title}\n            {byline(article)}{where}"


async def run_story(args: argparse.Namespace, settings: Settings) -> int:
    words = " ".join(args.words)
    async with connect(settings.database) as db:
        articles = await search_articles(db, words, args.count)
    found = print_listing(
        articles,
        as_json=args.json,
        to_json=partial(article_json, with_body=True),
        to_text=_story_text,
        empty=f"No story matches '{words}'. Try fewer or different words.",
        gap=True,
    )
    return 0 if found else 1


def _story_text(article: Article) -> str:
    lines = [article.title, f"{byline(article)} · {short_date(article.date)}", ""]
    lines.append(wrap(article.summary or "(no summary)"))
    if article.url:
        lines += ["", article.url]
    return "\n".join(lines)


async def run_stats(args: argparse.Namespace, settings: Settings) -> int:
    async with connect(settings.database) as db:
        stats = await article_stats(db.reader)
    if args.json:
        print_json(
            {
                "database": str(settings.database),
                "articles": stats.articles,
                "sources": stats.sources,
                "oldest": stats.oldest,
                "newest": stats.newest,
                "database_bytes": stats.database_bytes,
            }
        )
        return 0
    print(f"Database   {settings.database}")
    print(f"Articles   {stats.articles} from {stats.sources} sources")
    if stats.articles:
        print(f"Dates      {short_date(stats.oldest)} to {short_date(stats.newest)}")
    print(f"Size       {stats.database_bytes / 1_048_576:.1f} MB")
    return 0
