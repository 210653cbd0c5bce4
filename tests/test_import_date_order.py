"""A big import stores its stories oldest first, a few thousand at a time: the newest
stories of an archive given in any order are then the most recent for search, and each
batch changes fewer pages of the indexes ordered by date."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiosqlite
import pytest

from bot import ingest
from bot.articles import ParsedArticle
from bot.ingest import IMPORT_BATCH, import_paths, ingest_batches
from bot.pipeline import article_hooks
from tests.conftest import write_json_lines


def dated_anywhere(
    count: int, *, first: int = 0, seed: int = 7, since: int = 2016
) -> list[ParsedArticle]:
    """Stories dated over the ten seasons from ``since``, given in no order of date."""
    start = datetime(since, 3, 1, tzinfo=UTC)
    days = random.Random(seed).sample(range(3650), count)
    return [
        ParsedArticle(
            title=f"Story number {first + n}",
            body=f"Words of story {first + n}.",
            url=f"https://archive.example/{first + n}",
            published_at=(start + timedelta(days=day)).isoformat(),
        )
        for n, day in enumerate(days)
    ]


def by_date(stories: Sequence[ParsedArticle]) -> list[ParsedArticle]:
    return sorted(stories, key=lambda story: story.published_at or "")


async def stored_in_order(conn: aiosqlite.Connection) -> list[tuple[str, str | None]]:
    rows = await conn.execute_fetchall("SELECT url, published_at FROM articles ORDER BY id")
    return [(url, published) for url, published in rows]


@pytest.mark.parametrize("workers", [0, 2], ids=["one process", "workers"])
async def test_a_big_import_stores_its_stories_oldest_first(
    db: aiosqlite.Connection, tmp_path: Path, workers: int
) -> None:
    stories = dated_anywhere(3 * IMPORT_BATCH + 17)
    archive = tmp_path / "archive.jsonl"
    write_json_lines(archive, stories)

    report = await import_paths(db, [archive], await article_hooks(db), workers=workers)

    assert (len(report.created), report.failures) == (len(stories), [])
    given = [story.published_at for story in stories]
    assert given != sorted(given)  # the archive itself is in no order
    stored = [published for _, published in await stored_in_order(db)]
    assert stored == sorted(given)


async def test_a_big_import_sorts_a_window_of_batches_at_a_time(
    db: aiosqlite.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only so many stories are held at once: a window is stored before the next is read."""
    monkeypatch.setattr(ingest, "_DATE_ORDER_BATCHES", 2)
    newer = dated_anywhere(IMPORT_BATCH + 150, seed=1)
    older = dated_anywhere(IMPORT_BATCH, first=10_000, seed=2, since=2000)
    batches = [newer[:IMPORT_BATCH], newer[IMPORT_BATCH:], older]

    sizes = [
        len(results)
        async for results in ingest_batches(db, batches, await article_hooks(db), workers=2)
    ]

    assert sizes == [IMPORT_BATCH, 150, IMPORT_BATCH]  # batches keep their sizes
    stored = [url for url, _ in await stored_in_order(db)]
    assert stored == [story.url for story in by_date(newer) + by_date(older)]


async def test_a_story_given_twice_is_stored_in_the_order_given_and_undated_ones_go_last(
    db: aiosqlite.Connection, tmp_path: Path
) -> None:
    filler = dated_anywhere(2 * IMPORT_BATCH)
    same_day = "2019-07-14T12:00:00+00:00"
    first = ParsedArticle(
        title="Grid penalty confirmed",
        body="The first version of the story.",
        url="https://archive.example/penalty",
        published_at=same_day,
    )
    edited = ParsedArticle(
        title="Grid penalty confirmed",
        body="The corrected version of the story.",
        url="https://archive.example/penalty",
        published_at=same_day,
    )
    undated = [
        ParsedArticle(title=f"Undated {n}", body=f"No date on story {n}.", url=f"https://u/{n}")
        for n in range(3)
    ]
    archive = tmp_path / "archive.jsonl"
    write_json_lines(archive, [*undated, first, *filler, edited])

    report = await import_paths(db, [archive], await article_hooks(db), workers=2)

    assert (len(report.created), len(report.updated)) == (len(filler) + 4, 1)
    rows = await db.execute_fetchall(
        "SELECT body FROM articles WHERE url = ?", ("https://archive.example/penalty",)
    )
    assert [body for (body,) in rows] == ["The corrected version of the story."]
    stored = [url for url, _ in await stored_in_order(db)]
    assert stored[-3:] == [story.url for story in undated]
