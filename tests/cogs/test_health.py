"""`paddock health`: exit 0 with a one-line summary while the bot runs well, else 1 with
the reason, in each state a supervisor meets."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.health import HEARTBEAT_KEY, HeartbeatRecord
from storage.bot_state import read_state_only, set_state
from storage.database import connect
from tests.cogs.conftest import paddock_run
from tests.conftest import REPO


def health(capsys: pytest.CaptureFixture[str], database: Path, *extra: str) -> tuple[int, str]:
    code = main(["--db", str(database), "health", *extra])
    out, _ = capsys.readouterr()
    return code, out.strip()


def heartbeat(ago: timedelta = timedelta(seconds=5), **fields: Any) -> HeartbeatRecord:
    """A heartbeat of a bot started an hour ago, last written ``ago``, all well unless
    ``fields`` say otherwise."""
    now = datetime.now(UTC)
    stamp = (now - ago).isoformat(timespec="seconds")
    record = HeartbeatRecord(
        pid=4321,
        host="racks-1",
        started_at=(now - timedelta(hours=1)).isoformat(timespec="seconds"),
        written_at=stamp,
        gateway="connected",
        gateway_since=(now - timedelta(minutes=50)).isoformat(timespec="seconds"),
        poll_finished_at=(now - timedelta(minutes=3)).isoformat(timespec="seconds"),
    )
    for name, value in fields.items():
        setattr(record, name, value)
    return record


def database_with(tmp_path: Path, record: HeartbeatRecord | None) -> Path:
    database = tmp_path / "paddock.db"

    async def write() -> None:
        async with connect(database) as conn:
            if record is not None:
                await set_state(conn, HEARTBEAT_KEY, record.to_json())

    asyncio.run(write())
    return database


def minutes_ago(minutes: float) -> str:
    return (datetime.now(UTC) - timedelta(minutes=minutes)).isoformat(timespec="seconds")


def test_no_database_means_never_started(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = health(capsys, tmp_path / "missing.db")
    assert code == 1
    assert out == f"unhealthy (never-started): there is no database at {tmp_path / 'missing.db'}"


def test_a_database_the_bot_never_ran_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = health(capsys, database_with(tmp_path, None))
    assert code == 1
    assert out == "unhealthy (never-started): Paddock has never run on this database"


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        (
            {"ago": timedelta(minutes=5)},
            "unhealthy (stale): no heartbeat for 5 min: the bot process (pid 4321 on racks-1) "
            "is not running or is stuck",
        ),
        (
            {"gateway": "disconnected", "gateway_since": 3},
            "unhealthy (disconnected): disconnected from Discord since 3 min ago",
        ),
        (
            {"gateway": "connecting", "gateway_since": 3},
            "unhealthy (starting): not connected to Discord yet (started 3 min ago)",
        ),
        (
            {"poll_finished_at": 25},
            "unhealthy (poller-stuck): the last feed polling round finished 25 min ago",
        ),
        (
            {"poll_finished_at": None},
            "unhealthy (poller-stuck): no feed polling round has finished since the start "
            "60 min ago",
        ),
        ({"stopped_at": 4}, "unhealthy (stopped): Paddock stopped 4 min ago"),
    ],
)
def test_each_unhealthy_state_gives_its_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], state: dict[str, Any], expected: str
) -> None:
    # Times are set when the test runs (numbers are minutes ago), not when it is collected.
    fields: dict[str, Any] = {
        k: minutes_ago(v) if isinstance(v, int) else v for k, v in state.items()
    }
    code, out = health(capsys, database_with(tmp_path, heartbeat(**fields)))
    assert code == 1
    assert out == expected


def test_a_short_gateway_drop_is_still_healthy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record = heartbeat(gateway="disconnected", gateway_since=minutes_ago(0.25))
    code, out = health(capsys, database_with(tmp_path, record))
    assert code == 0
    assert out.startswith("healthy: reconnecting to Discord, feeds polled 3 min ago")


def test_json_gives_the_verdict_and_the_heartbeat(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = health(capsys, database_with(tmp_path, heartbeat()), "--json")
    verdict = json.loads(out)
    assert code == 0
    assert verdict["healthy"] is True
    assert verdict["state"] == "healthy"
    assert verdict["heartbeat"]["pid"] == 4321


def test_a_file_that_is_not_a_database_is_unhealthy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "paddock.db"
    database.write_bytes(b"this is not SQLite" * 100)
    code, out = health(capsys, database)
    assert code == 1
    assert out.startswith("unhealthy (unreadable): cannot read the database")
    assert out.count("\n") == 0


def run_health_command(database: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """`paddock health` in a process of its own, as a supervisor runs it."""
    return subprocess.run(
        [sys.executable, "-m", "bot", "--db", str(database), "health", *extra],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
        check=False,
    )


async def test_the_running_bot_is_healthy_and_stopped_after_sigterm(tmp_path: Path) -> None:
    database = tmp_path / "paddock.db"
    async with paddock_run(database, "health.test.token") as (_, runner):
        async with asyncio.timeout(20):
            while True:
                assert not runner.done(), runner
                await asyncio.sleep(0.05)
                if not database.exists():
                    continue
                text = await read_state_only(database, HEARTBEAT_KEY)
                record = HeartbeatRecord.from_json(text) if text else None
                if record and record.gateway == "connected" and record.poll_finished_at:
                    break
        running = await asyncio.to_thread(run_health_command, database)
        as_json = await asyncio.to_thread(run_health_command, database, "--json")
        os.kill(os.getpid(), signal.SIGTERM)
        async with asyncio.timeout(10):
            assert await runner == 0

    assert running.returncode == 0, running.stderr
    assert running.stdout.startswith("healthy: connected to Discord, feeds polled ")
    assert running.stdout.count("\n") == 1
    assert json.loads(as_json.stdout)["heartbeat"]["pid"] == os.getpid()
    stopped = await asyncio.to_thread(run_health_command, database)
    assert stopped.returncode == 1
    assert stopped.stdout.startswith("unhealthy (stopped): Paddock stopped ")
