"""`paddock run` with a token: connects, and a SIGTERM closes the bot and the database."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.cli import main
from cogs._loopback import discord_at
from storage.database import connect
from tests.cogs.conftest import paddock_run


async def test_sigterm_closes_the_running_bot_cleanly(tmp_path: Path) -> None:
    database = tmp_path / "paddock.db"
    async with paddock_run(database, "run.test.token") as (emulator, runner):
        async with asyncio.timeout(10):
            while not emulator.gateway.identifies:
                assert not runner.done(), runner
                await asyncio.sleep(0.02)
        os.kill(os.getpid(), signal.SIGTERM)
        async with asyncio.timeout(10):
            code = await runner
    assert code == 0
    assert not emulator.unhandled
    # The database was closed with the bot: it opens again and holds the synced state.
    async with connect(database) as conn:
        [(facts,)] = await conn.reader.execute_fetchall("SELECT count(*) FROM bot_state")
    assert facts >= 1


def newer_database(path: Path) -> Path:
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 999")
    return path


def corrupt_database(path: Path) -> Path:
    path.write_bytes(b"not a database at all " * 400)
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (corrupt_database, "is not a usable Paddock database: file is not a database"),
        (newer_database, "is at schema version 999, newer than this Paddock"),
    ],
)
@pytest.mark.parametrize("command", [["run"], ["console", "--no-demo"]])
def test_a_bad_database_stops_run_and_console_with_one_line_before_discord(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    make: Callable[[Path], Path],
    message: str,
    command: list[str],
) -> None:
    database = make(tmp_path / "paddock.db")
    monkeypatch.setenv("DISCORD_TOKEN", "run.test.token")
    # Should Paddock try to log in anyway, it finds nothing listening on loopback.
    with discord_at(Unreachable()):
        code = main(["--db", str(database), *command])
    _, err = capsys.readouterr()
    assert code == 2
    assert err.startswith(f"paddock: {database}")
    assert message in err
    assert err.count("\n") == 1
    assert "Traceback" not in err


class Unreachable:
    base_url = "http://127.0.0.1:9/api/v10"
    gateway_url = "ws://127.0.0.1:9/"
