"""Is the running bot healthy? A heartbeat it writes, and the verdict ``paddock health`` gives.

``paddock run`` keeps a ``Heartbeat`` and writes it to the database every
``HEARTBEAT_SECONDS`` and whenever the gateway connects or drops, a feed polling round ends,
or the bot stops. ``judge`` reads it back in another process (a supervisor, a container
health check) and says healthy or why not, in one line.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from storage.bot_state import set_state
from storage.database import Database

log = logging.getLogger(__name__)

HEARTBEAT_KEY = "heartbeat"
HEARTBEAT_SECONDS = 30.0
# Three missed beats: the process is gone or its event loop is stuck.
STALE_AFTER = timedelta(seconds=3 * HEARTBEAT_SECONDS)
# discord.py reconnects on its own; a drop shorter than this is not worth a restart.
GATEWAY_GRACE = timedelta(seconds=60)
# Rounds start every minute at most and each feed has a time budget: a round not finished
# in this long means polling has stopped.
POLL_STUCK_AFTER = timedelta(minutes=10)


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


@dataclass
class HeartbeatRecord:
    """What the bot last said about itself; times are ISO 8601 UTC."""

    pid: int
    host: str
    started_at: str
    written_at: str
    gateway: str = "connecting"  # connecting, connected or disconnected
    gateway_since: str = ""
    poll_finished_at: str | None = None
    stopped_at: str | None = None

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> HeartbeatRecord:
        data: dict[str, Any] = json.loads(text)
        known = {name for name in cls.__dataclass_fields__}
        return cls(**{key: value for key, value in data.items() if key in known})


@dataclass
class Heartbeat:
    """The running bot's side: state changes go in here, ``run`` writes them down.

    A bot that only registers commands or runs the offline console never starts ``run``,
    so it never claims to be the running bot.
    """

    clock: Callable[[], datetime] = _now
    interval: float = HEARTBEAT_SECONDS
    record: HeartbeatRecord = field(init=False)
    _changed: asyncio.Event = field(init=False, default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        now = _iso(self.clock())
        self.record = HeartbeatRecord(
            pid=os.getpid(),
            host=socket.gethostname(),
            started_at=now,
            written_at=now,
            gateway_since=now,
        )

    def _set(self, **changes: Any) -> None:
        self.record = replace(self.record, **changes)
        self._changed.set()

    def gateway_connected(self) -> None:
        self._set(gateway="connected", gateway_since=_iso(self.clock()))

    def gateway_disconnected(self) -> None:
        if self.record.gateway != "disconnected":
            self._set(gateway="disconnected", gateway_since=_iso(self.clock()))

    def poll_finished(self) -> None:
        self._set(poll_finished_at=_iso(self.clock()))

    async def write(self, db: Database) -> None:
        self.record = replace(self.record, written_at=_iso(self.clock()))
        await set_state(db, HEARTBEAT_KEY, self.record.to_json())

    async def run(self, db: Database) -> None:
        """Write now, then every ``interval`` and at once after each change, until cancelled.
        A failed write is logged and tried again: a busy database must not stop the bot."""
        while True:
            self._changed.clear()
            try:
                await self.write(db)
            except Exception:
                log.warning("could not write the heartbeat; trying again", exc_info=True)
            try:
                async with asyncio.timeout(self.interval):
                    await self._changed.wait()
            except TimeoutError:
                pass

    async def stopped(self, db: Database) -> None:
        """The last word of a clean shutdown, so a health check says stopped, not stale."""
        self.record = replace(self.record, stopped_at=_iso(self.clock()))
        await self.write(db)


@dataclass(frozen=True, slots=True)
class Verdict:
    healthy: bool
    state: str  # healthy, never-started, stopped, stale, starting, disconnected, poller-stuck
    reason: str
    heartbeat: HeartbeatRecord | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"healthy": self.healthy, "state": self.state, "reason": self.reason}
        if self.heartbeat is not None:
            data["heartbeat"] = asdict(self.heartbeat)
        return data


def _ago(delta: timedelta) -> str:
    seconds = max(0, int(delta.total_seconds()))
    if seconds < 120:
        return f"{seconds} s ago"
    if seconds < 7200:
        return f"{seconds // 60} min ago"
    return f"{seconds // 3600} h ago"


def judge(record: HeartbeatRecord | None, now: datetime | None = None) -> Verdict:
    """Healthy, or the first thing wrong, from the heartbeat the bot last wrote."""
    now = now or _now()
    if record is None:
        return Verdict(False, "never-started", "Paddock has never run on this database")

    def since(stamp: str) -> timedelta:
        return now - datetime.fromisoformat(stamp)

    def bad(state: str, reason: str) -> Verdict:
        return Verdict(False, state, reason, record)

    if record.stopped_at:
        return bad("stopped", f"Paddock stopped {_ago(since(record.stopped_at))}")
    written = since(record.written_at)
    if written > STALE_AFTER:
        return bad(
            "stale",
            f"no heartbeat for {_ago(written).removesuffix(' ago')}: the bot process "
            f"(pid {record.pid} on {record.host}) is not running or is stuck",
        )
    gateway_for = since(record.gateway_since)
    if record.gateway == "connecting":
        return bad("starting", f"not connected to Discord yet (started {_ago(gateway_for)})")
    if record.gateway == "disconnected" and gateway_for > GATEWAY_GRACE:
        return bad("disconnected", f"disconnected from Discord since {_ago(gateway_for)}")
    last_round = record.poll_finished_at or record.started_at
    if since(last_round) > POLL_STUCK_AFTER:
        if record.poll_finished_at is None:
            detail = f"no feed polling round has finished since the start {_ago(since(last_round))}"
        else:
            detail = f"the last feed polling round finished {_ago(since(last_round))}"
        return bad("poller-stuck", detail)
    if record.poll_finished_at is None:
        polled = "no feed polling round finished yet"
    else:
        polled = f"feeds polled {_ago(since(record.poll_finished_at))}"
    link = "connected to Discord" if record.gateway == "connected" else "reconnecting to Discord"
    return Verdict(True, "healthy", f"healthy: {link}, {polled}, heartbeat {_ago(written)}", record)
