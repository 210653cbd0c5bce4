from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterable
from pathlib import Path

import aiosqlite
import pytest

from bot.articles import ParsedArticle
from storage.db import open_database

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED = SHARED / "corpus" / "seed" / "hamilton-support-russell.txt"


def numbered_stories(count: int) -> list[ParsedArticle]:
    """Short undated stories, each its own: ``Story number N`` at ``https://x/N``."""
    return [
        ParsedArticle(title=f"Story number {n}", body=f"Words of story {n}.", url=f"https://x/{n}")
        for n in range(count)
    ]


def write_json_lines(path: Path, stories: Iterable[ParsedArticle]) -> int:
    """An archive file as ``paddock import`` reads it: one JSON record a line. Returns how
    many stories it holds."""
    written = 0
    with path.open("w", encoding="utf-8") as out:
        for story in stories:
            record = {"title": story.title, "body": story.body, "url": story.url}
            if story.published_at is not None:
                record["published_at"] = story.published_at
            out.write(json.dumps(record) + "\n")
            written += 1
    return written


@pytest.fixture
def shared_dir() -> Path:
    assert SHARED.is_dir(), f"the shared folder is expected beside the repository at {SHARED}"
    return SHARED


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[aiosqlite.Connection]:
    conn = await open_database(tmp_path / "paddock.db")
    try:
        yield conn
    finally:
        await conn.close()
