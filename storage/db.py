"""Opening an SQLite database for Paddock: pragmas, numbered migrations, shared query helpers.

``storage.database.Database`` opens the file with these and owns the connections.

Migrations live in ``storage/migrations/NNNN_name.sql``; ``PRAGMA user_version`` records the
highest one applied, and each file runs inside its own transaction so a failure leaves the
database at the previous version.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from importlib import resources

import aiosqlite

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


def load_migrations() -> list[Migration]:
    """The packaged migrations in version order; versions must run 1, 2, 3... without gaps."""
    found: list[Migration] = []
    for entry in resources.files("storage").joinpath("migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), entry.name, entry.read_text("utf-8")))
    found.sort(key=lambda m: m.version)
    for expected, migration in enumerate(found, start=1):
        if migration.version != expected:
            raise RuntimeError(f"migration {migration.name} breaks the numbering at {expected}")
    return found


class DatabaseError(Exception):
    """The database file cannot be opened or is not a Paddock database."""


async def _schema_version(conn: aiosqlite.Connection) -> int:
    async with conn.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return row[0] if row else 0


async def apply_migrations(conn: aiosqlite.Connection, target: str) -> int:
    migrations = load_migrations()
    current = await _schema_version(conn)
    if current > len(migrations):
        raise DatabaseError(
            f"{target} is at schema version {current}, newer than this Paddock "
            f"({len(migrations)}); upgrade Paddock to use it"
        )
    # A migration that rebuilds a table drops the old one, and with foreign keys on that
    # would delete every row referring to it. They are checked before each commit instead.
    await conn.execute("PRAGMA foreign_keys = OFF")
    for migration in migrations[current:]:
        # executescript would commit on its own; run statement by statement inside one
        # explicit transaction instead so a broken migration rolls back whole.
        await conn.execute("BEGIN IMMEDIATE")
        try:
            # Another process starting at the same moment may have applied it while this
            # one waited for the write lock: the version read inside the lock decides.
            if await _schema_version(conn) >= migration.version:
                await conn.rollback()
                continue
            for statement in _split_statements(migration.sql):
                await conn.execute(statement)
            broken = list(await conn.execute_fetchall("PRAGMA foreign_key_check"))
            if broken:
                raise DatabaseError(
                    f"migration {migration.name} left {len(broken)} rows pointing nowhere"
                )
            await conn.execute(f"PRAGMA user_version = {migration.version}")
            await conn.commit()
        except BaseException:
            await conn.rollback()
            raise
    await conn.execute("PRAGMA foreign_keys = ON")
    return len(migrations)


def _split_statements(script: str) -> list[str]:
    """Split a migration into statements, keeping trigger bodies (BEGIN ... END;) whole."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        if not buffer and line.strip().startswith("--"):
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements


async def check_writable(conn: aiosqlite.Connection, target: str) -> None:
    """SQLite opens a file it may not write read-only without a word; a bot that stores
    what it reads should fail at start-up instead of at its first story."""
    await conn.execute("BEGIN IMMEDIATE")
    try:
        await conn.execute("INSERT INTO bot_state (key, value) VALUES ('write check', '')")
    except sqlite3.OperationalError as exc:
        raise DatabaseError(
            f"{target} cannot be written ({exc}); check the permissions of the file and its folder"
        ) from None
    finally:
        await conn.rollback()


BUSY_TIMEOUT_MS = 5000


async def use_write_ahead_log(conn: aiosqlite.Connection) -> None:
    """Switch the file to WAL mode (a no-op once it is). While another process starting at
    the same moment switches a new file, SQLite answers "locked" at once instead of
    waiting (its busy handler is skipped there to rule out a deadlock), so the switch is
    tried again for as long as any other lock would be waited for."""
    loop = asyncio.get_running_loop()
    give_up = loop.time() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            await conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or loop.time() >= give_up:
                raise
        await asyncio.sleep(0.02)


# While a big import writes batch after batch (``Database.bulk_writes``).
BULK_CACHE_MIB = 64
BULK_CHECKPOINT_PAGES = 10_000


async def newest_id(conn: aiosqlite.Connection, table: str) -> int:
    """The largest id in ``table`` (0 when empty): ids only grow, so it marks the newest row
    and, inside a write transaction, where the next inserts start."""
    assert table in {"articles", "quotes"}  # a constant from this package, never user input
    query = f"SELECT coalesce(max(id), 0) FROM {table}"  # noqa: S608
    # execute_fetchall is one trip to the database thread instead of a cursor's three.
    [(newest,)] = await conn.execute_fetchall(query)
    return int(newest)


async def newest_first(
    conn: aiosqlite.Connection,
    table: str,
    windows: Sequence[int | None],
    fetch: Callable[[int], Awaitable[list[aiosqlite.Row]]],
    limit: int,
) -> list[aiosqlite.Row]:
    """Run ``fetch(after_id)`` over the newest rows of ``table`` first, widening the window.

    Full-text matches of common words cover a good share of an archive, and intersecting or
    ranking all of them is what makes a search slow; the newest rows usually hold enough.
    Each window is a count of newest ids (None: everything). It widens while the rows found
    are fewer than ``limit``, and goes past the widest recent window only when that found
    nothing at all.
    """
    newest = await newest_id(conn, table)
    rows: list[aiosqlite.Row] = []
    for position, window in enumerate(windows):
        after = max(0, newest - window) if window else 0
        rows = await fetch(after)
        widest_recent = position == len(windows) - 2
        if len(rows) >= limit or not after or (rows and widest_recent):
            break
    return rows
