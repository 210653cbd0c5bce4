from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.news.articles import ParsedArticle
from storage.database import Database

REPO = Path(__file__).resolve().parents[1]
# The project's shared folder (story corpora, F1DB, Discord's API description, scoring tools)
# lives beside the repository and is never copied into it; see the README's Development part.
SHARED = REPO.parent / "shared"


def shared(relative: str, what: str) -> Path:
    """``../shared/<relative>``, or skip the calling test (or fixture) naming what is missing.

    The one way tests reach the shared folder, so a clone without it runs every other test.
    """
    path = SHARED / relative
    if not path.exists():
        pytest.skip(f"needs {what} at {path}, which is not beside this clone")
    return path


def seed_article() -> Path:
    """The hand-checked seed story of the shared corpus (Russell and Hamilton quotes)."""
    return shared("corpus/seed/hamilton-support-russell.txt", "the shared corpus's seed story")


def f1db_dir() -> Path:
    """The F1DB source tree (drivers/, constructors/, seasons/...) in the shared folder."""
    return shared("data/f1db/drivers", "the F1DB source tree").parent


def openapi_spec() -> Path | None:
    """Discord's OpenAPI description, which the emulator checks request bodies against when
    it is there; without it the emulator still enforces every limit it implements itself."""
    path = SHARED / "data" / "discord-api-spec" / "openapi.json"
    return path if path.is_file() else None


def numbered_stories(count: int) -> list[ParsedArticle]:
    """Short undated stories, each its own: ``Story number N`` at ``https://x/N``."""
    return [
        ParsedArticle(title=f"Story number {n}", body=f"Words of story {n}.", url=f"https://x/{n}")
        for n in range(count)
    ]


def dated_stories(
    count: int, *, title: str, body: str, site: str, source: str, apart: timedelta
) -> list[ParsedArticle]:
    """``count`` stories published ``apart`` from each other up to now, oldest first: story
    N is titled ``f"{title} {N}"`` at ``f"{site}/{N}"``, with ``body`` after "Story N."."""
    now = datetime.now(UTC).replace(microsecond=0)
    return [
        ParsedArticle(
            title=f"{title} {n}",
            body=f"Story {n}. {body}",
            url=f"{site}/{n}",
            source=source,
            published_at=(now - apart * (count - n)).isoformat(),
        )
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
    return shared("corpus/dev", "the shared development corpus").parents[1]


def pytest_report_header() -> str:
    if SHARED.is_dir():
        return f"shared folder: {SHARED}"
    return (
        f"shared folder: missing at {SHARED}; tests that need its corpora or F1DB are skipped "
        "and Discord request bodies are not checked against Discord's API description"
    )


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    async with await Database.open(tmp_path / "paddock.db") as database:
        yield database
