from __future__ import annotations

from collections.abc import AsyncIterator
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

import aiosqlite
import pytest

from storage.db import open_database

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED = SHARED / "corpus" / "seed" / "hamilton-support-russell.txt"


def pytest_configure(config: pytest.Config) -> None:
    """Stop before testing a compiled module older than its source: setup.py builds them in
    place, and Python imports a build ahead of the source beside it."""
    for built in (REPO / "bot").iterdir():
        if not built.name.endswith(tuple(EXTENSION_SUFFIXES)):
            continue
        source = built.with_name(built.name.partition(".")[0] + ".py")
        if source.exists() and source.stat().st_mtime > built.stat().st_mtime:
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
