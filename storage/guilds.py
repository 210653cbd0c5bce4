"""Guild settings and filters. Every statement is scoped by guild_id."""

from __future__ import annotations

import aiosqlite

from bot.delivery.servers import FilterKind, GuildConfig, GuildFilter
from bot.news.articles import utc_now
from storage.database import Database


async def get_guild_config(conn: aiosqlite.Connection, guild_id: int) -> GuildConfig:
    async with conn.execute(
        "SELECT news_channel_id, ping_role_id, paused, paused_reason FROM guild_settings "
        "WHERE guild_id = ?",
        (guild_id,),
    ) as cursor:
        row = await cursor.fetchone()
    async with conn.execute(
        "SELECT kind, value, label FROM guild_filters WHERE guild_id = ? ORDER BY kind, label",
        (guild_id,),
    ) as cursor:
        filters = tuple(
            GuildFilter(r["kind"], r["value"], r["label"]) for r in await cursor.fetchall()
        )
    if row is None:
        return GuildConfig(guild_id=guild_id, filters=filters)
    return GuildConfig(
        guild_id=guild_id,
        news_channel_id=row["news_channel_id"],
        ping_role_id=row["ping_role_id"],
        paused=bool(row["paused"]),
        paused_reason=row["paused_reason"],
        filters=filters,
    )


async def configured_guilds(conn: aiosqlite.Connection) -> list[GuildConfig]:
    """Every server with a news channel set, with its filters, for delivery (two queries
    whatever the number of servers: this runs inside the transaction storing each story)."""
    # execute_fetchall is one trip to the database thread instead of a cursor's three.
    rows = await conn.execute_fetchall(
        "SELECT guild_id, news_channel_id, ping_role_id, paused, paused_reason "
        "FROM guild_settings WHERE news_channel_id IS NOT NULL ORDER BY guild_id"
    )
    if not rows:
        return []
    filters: dict[int, list[GuildFilter]] = {}
    for row in await conn.execute_fetchall(
        "SELECT f.guild_id, f.kind, f.value, f.label FROM guild_filters AS f "
        "JOIN guild_settings AS s ON s.guild_id = f.guild_id "
        "WHERE s.news_channel_id IS NOT NULL ORDER BY f.guild_id, f.kind, f.label"
    ):
        filters.setdefault(row["guild_id"], []).append(
            GuildFilter(row["kind"], row["value"], row["label"])
        )
    return [
        GuildConfig(
            guild_id=row["guild_id"],
            news_channel_id=row["news_channel_id"],
            ping_role_id=row["ping_role_id"],
            paused=bool(row["paused"]),
            paused_reason=row["paused_reason"],
            filters=tuple(filters.get(row["guild_id"], ())),
        )
        for row in rows
    ]


async def _upsert(conn: aiosqlite.Connection, guild_id: int, column: str, value: object) -> None:
    # Column names come from this module's own callers, never from user input.
    assert column in {"news_channel_id", "ping_role_id", "paused", "paused_reason"}
    await conn.execute(
        f"INSERT INTO guild_settings (guild_id, {column}, updated_at) VALUES (?, ?, ?) "  # noqa: S608
        f"ON CONFLICT (guild_id) DO UPDATE SET {column} = excluded.{column}, "
        "updated_at = excluded.updated_at",
        (guild_id, value, utc_now()),
    )


async def set_news_channel(db: Database, guild_id: int, channel_id: int | None) -> None:
    async with db.write() as conn:
        await _upsert(conn, guild_id, "news_channel_id", channel_id)


async def set_ping_role(db: Database, guild_id: int, role_id: int | None) -> None:
    async with db.write() as conn:
        await _upsert(conn, guild_id, "ping_role_id", role_id)


async def set_paused(db: Database, guild_id: int, paused: bool, reason: str | None = None) -> None:
    async with db.write() as conn:
        await _upsert(conn, guild_id, "paused", int(paused))
        await _upsert(conn, guild_id, "paused_reason", reason if paused else None)


async def add_filter(db: Database, guild_id: int, item: GuildFilter) -> bool:
    """Add a filter; False when the server already has it."""
    async with db.write() as conn:
        await conn.execute(
            "INSERT INTO guild_settings (guild_id, updated_at) VALUES (?, ?) "
            "ON CONFLICT (guild_id) DO NOTHING",
            (guild_id, utc_now()),
        )
        cursor = await conn.execute(
            "INSERT INTO guild_filters (guild_id, kind, value, label) VALUES (?, ?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            (guild_id, item.kind, item.value, item.label),
        )
        return cursor.rowcount == 1


async def remove_filter(db: Database, guild_id: int, kind: FilterKind, value: str) -> bool:
    async with db.write() as conn:
        cursor = await conn.execute(
            "DELETE FROM guild_filters WHERE guild_id = ? AND kind = ? AND value = ?",
            (guild_id, kind, value),
        )
        return cursor.rowcount > 0


async def count_filters(conn: aiosqlite.Connection, guild_id: int, kind: FilterKind) -> int:
    async with conn.execute(
        "SELECT count(*) FROM guild_filters WHERE guild_id = ? AND kind = ?", (guild_id, kind)
    ) as cursor:
        row = await cursor.fetchone()
    return row[0] if row else 0
