"""Key-value facts the bot keeps about itself between runs."""

from __future__ import annotations

import aiosqlite

from storage.db import transaction


async def get_state(conn: aiosqlite.Connection, key: str) -> str | None:
    async with conn.execute("SELECT value FROM bot_state WHERE key = ?", (key,)) as cursor:
        row = await cursor.fetchone()
    return row[0] if row else None


async def set_state(conn: aiosqlite.Connection, key: str, value: str) -> None:
    async with transaction(conn):
        await conn.execute(
            "INSERT INTO bot_state (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )
