from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import PaddockBot, create_bot
from bot.ingest import import_paths
from bot.pipeline import article_hooks
from bot.settings import Settings
from storage.db import connect
from tests.conftest import SEED
from tests.discord_harness import DiscordHarness

DEMO = Path(__file__).resolve().parents[2] / "bot" / "data" / "demo_articles.jsonl"


async def seeded_database(path: Path, *files: Path) -> Path:
    async with connect(path) as conn:
        report = await import_paths(conn, list(files), await article_hooks(conn))
    assert report.ok, report.failures
    return path


def make_bot(database: Path) -> PaddockBot:
    settings = Settings(database=database)
    return create_bot(
        settings, sync_commands=False, guild_ready_timeout=0.05, chunk_guilds_at_startup=False
    )


@pytest.fixture
async def news_db(tmp_path: Path) -> Path:
    return await seeded_database(tmp_path / "paddock.db", SEED, DEMO)


@pytest.fixture
async def paddock(news_db: Path) -> AsyncIterator[DiscordHarness]:
    harness = DiscordHarness()
    async with harness.running(make_bot(news_db)) as running:
        yield running
