from __future__ import annotations

import importlib.util
from collections.abc import AsyncIterator
from pathlib import Path

import aiosqlite
import pytest

from storage.db import open_database

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED = SHARED / "corpus" / "seed" / "hamilton-support-russell.txt"
# Built as C extensions by setup.py; Python imports those ahead of the sources.
COMPILED = ("bot.quotes", "bot.quote_speakers")


def pytest_configure(config: pytest.Config) -> None:
    """Stop before testing an old build of a source that changed since it was compiled."""
    for name in COMPILED:
        spec = importlib.util.find_spec(name)
        built = Path(spec.origin) if spec and spec.origin else None
        if built is None or built.suffix == ".py":
            continue
        source = REPO / (name.replace(".", "/") + ".py")
        if source.stat().st_mtime > built.stat().st_mtime:
            pytest.exit(
                f"{source.relative_to(REPO)} changed after it was compiled; "
                "`make test` rebuilds it before testing",
                returncode=4,
            )


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
