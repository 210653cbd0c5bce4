"""Shared printing for CLI commands: JSON lines for scripts, tidy text for people."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import textwrap
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from bot.news.articles import Article

T = TypeVar("T")


def _whole_number(value: str, low: int, high: int, choice: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if not low <= number <= high:
        raise argparse.ArgumentTypeError(f"choose a number from {choice}")
    return number


def count_argument(value: str) -> int:
    """argparse type for "how many": a whole number from 1 to 100."""
    return _whole_number(value, 1, 100, "1 to 100")


def workers_argument(value: str) -> int:
    """argparse type for a number of worker processes: 0 (none) to 16."""
    return _whole_number(value, 0, 16, "0 (no workers) to 16")


def fail(message: str) -> int:
    """Report a problem the way every paddock command does; returns the exit code."""
    print(f"paddock: {message}", file=sys.stderr)
    return 2


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False) + "\n")


def print_listing(
    items: Sequence[T],
    *,
    as_json: bool,
    to_json: Callable[[T], Any],
    to_text: Callable[[T], str],
    empty: str,
    gap: bool = False,
) -> bool:
    """Print ``items`` as JSON lines for scripts or as text for people (a blank line between
    them with ``gap``), or ``empty`` for people when there are none: for scripts no lines is
    the answer. True when there was anything to print."""
    if as_json:
        for item in items:
            print_json(to_json(item))
    elif not items:
        print(empty)
    else:
        print(("\n\n" if gap else "\n").join(to_text(item) for item in items))
    return bool(items)


def terminal_width() -> int:
    return max(40, min(100, shutil.get_terminal_size((88, 24)).columns))


def wrap(text: str, indent: str = "") -> str:
    return textwrap.fill(
        text, width=terminal_width(), initial_indent=indent, subsequent_indent=indent
    )


def short_date(timestamp: str | None) -> str:
    return (timestamp or "")[:10] or "undated"


def byline(article: Article) -> str:
    parts = [p for p in (article.author, article.source) if p]
    return " · ".join(parts) if parts else "unknown author"


def article_json(article: Article, *, with_body: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": article.id,
        "title": article.title,
        "author": article.author,
        "tags": list(article.tags),
        "source": article.source,
        "url": article.url,
        "published_at": article.published_at,
        "fetched_at": article.fetched_at,
        "updated_at": article.updated_at,
        "summary": article.summary,
    }
    if with_body:
        data["body"] = article.body
    return data
