"""Key-value facts the bot keeps about itself between runs."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import aiosqlite

from storage.database import Database
from storage.db import DatabaseError


async def get_state(conn: aiosqlite.Connection, key: str) -> str | None:
    async with conn.execute("SELECT value FROM bot_state WHERE key = ?", (key,)) as cursor:
        row = await cursor.fetchone()
    return row[0] if row else None


async def set_state(db: Database, key: str, value: str) -> None:
    async with db.write() as conn:
        await conn.execute(
            "INSERT INTO bot_state (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )


async def read_state_only(path: Path, key: str) -> str | None:
    """``key``'s value in the database file at ``path``, opened read-only: nothing is
    created, migrated or written, so a health check never changes what it checks.
    None when the database has no such fact (or no Paddock tables at all)."""
    uri = f"{path.expanduser().resolve().as_uri()}?mode=ro"
    try:
        async with aiosqlite.connect(uri, uri=True) as conn:
            await conn.execute("PRAGMA busy_timeout = 5000")
            try:
                row = await (
                    await conn.execute("SELECT value FROM bot_state WHERE key = ?", (key,))
                ).fetchone()
            except sqlite3.OperationalError as exc:
                if "no such table" in str(exc):
                    return None
                raise
    except sqlite3.Error as exc:
        raise DatabaseError(f"cannot read the database {path}: {exc}") from exc
    return str(row[0]) if row is not None else None
