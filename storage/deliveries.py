"""The delivery outbox: one row per story and news channel, with its outcome and why."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import aiosqlite

from bot.articles import utc_now
from storage.db import transaction

DeliveryStatus = Literal["pending", "sending", "sent", "skipped", "failed"]
DeliveryKind = Literal["send", "edit"]


@dataclass(frozen=True, slots=True)
class PlannedDelivery:
    """What the story means for one server: queued to post, or skipped and why."""

    guild_id: int
    channel_id: int
    status: Literal["pending", "skipped"]
    reason: str


@dataclass(frozen=True, slots=True)
class DueDelivery:
    """An outbox row ready for the worker: a first post, or an edit of a posted one."""

    id: int
    kind: DeliveryKind
    article_id: int
    guild_id: int
    channel_id: int
    message_id: int | None
    attempts: int
    ping_role_id: int | None
    # Left 'sending' for longer than Discord keeps nonces: an earlier send may have been
    # posted, and a retry's nonce would no longer stop a second post.
    interrupted: bool


@dataclass(frozen=True, slots=True)
class GuildDeliveryCounts:
    guild_id: int
    pending: int
    sent: int
    skipped: int
    failed: int
    edits_pending: int


@dataclass(frozen=True, slots=True)
class StoryOutcome:
    """What happened to one story in one server, for status views."""

    article_id: int
    title: str
    guild_id: int
    channel_id: int
    status: DeliveryStatus
    reason: str
    message_id: int | None
    last_error: str | None
    created_at: str
    updated_at: str
    feeds: int = 0  # feeds that carried the story; copies past the first are never posted


async def add_planned_deliveries(
    conn: aiosqlite.Connection, article_id: int, planned: Iterable[PlannedDelivery]
) -> int:
    """Record the outcome for each server; runs inside the transaction storing the story.

    A channel already holding this story keeps its row: one story, one post per channel.
    """
    now = utc_now()
    cursor = await conn.executemany(
        "INSERT INTO deliveries (article_id, guild_id, channel_id, status, reason, "
        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (article_id, channel_id) DO NOTHING",
        [
            (article_id, item.guild_id, item.channel_id, item.status, item.reason, now, now)
            for item in planned
        ],
    )
    return cursor.rowcount


async def mark_for_edit(conn: aiosqlite.Connection, article_id: int) -> int:
    """Posted copies of an edited story need editing; runs inside the storing transaction."""
    cursor = await conn.execute(
        "UPDATE deliveries SET edit_pending = 1, attempts = 0, next_attempt_at = NULL, "
        "updated_at = ? WHERE article_id = ? AND status = 'sent'",
        (utc_now(), article_id),
    )
    return cursor.rowcount


@dataclass(frozen=True, slots=True)
class PostedStory:
    """A story posted or on its way somewhere, to tell a copy of it from new news."""

    id: int
    title: str
    url: str | None
    guild_id: int | None  # whose story it is: None for everyone's, else one server's


async def recent_posted_elsewhere(
    conn: aiosqlite.Connection, since: str, *, source: str, url: str | None, other_than: int
) -> list[PostedStory]:
    """Stories posted or queued since ``since``, from sources other than ``source`` or
    under the same ``url``, of any owner: the caller keeps what each server may see."""
    async with conn.execute(
        "SELECT a.id, a.title, a.url, a.guild_id FROM articles AS a "
        "WHERE a.fetched_at >= ? AND (a.source != ? OR a.url = ?) AND a.id != ? AND EXISTS "
        "(SELECT 1 FROM deliveries AS d WHERE d.article_id = a.id "
        "AND d.status IN ('pending', 'sending', 'sent')) ORDER BY a.id DESC LIMIT 2000",
        (since, source, url, other_than),
    ) as cursor:
        return [
            PostedStory(row[0], row[1], row[2], row[3] or None) for row in await cursor.fetchall()
        ]


async def channels_with_story(conn: aiosqlite.Connection, article_id: int) -> set[int]:
    """Channels where a story is posted or on its way."""
    async with conn.execute(
        "SELECT channel_id FROM deliveries WHERE article_id = ? "
        "AND status IN ('pending', 'sending', 'sent')",
        (article_id,),
    ) as cursor:
        return {row[0] for row in await cursor.fetchall()}


async def skip_paused_guilds(conn: aiosqlite.Connection) -> int:
    """Queued posts for servers paused since they were queued are skipped, not held."""
    async with transaction(conn):
        cursor = await conn.execute(
            "UPDATE deliveries SET status = 'skipped', reason = 'paused', updated_at = ? "
            "WHERE status = 'pending' AND guild_id IN "
            "(SELECT guild_id FROM guild_settings WHERE paused = 1)",
            (utc_now(),),
        )
        await conn.execute(
            "UPDATE deliveries SET edit_pending = 0 WHERE edit_pending = 1 AND guild_id IN "
            "(SELECT guild_id FROM guild_settings WHERE paused = 1)"
        )
        return cursor.rowcount


async def requeue_missed(
    conn: aiosqlite.Connection, guild_id: int, channel_id: int, *, since: str, limit: int
) -> int:
    """Queue again, for ``channel_id``, the newest ``limit`` stories since ``since`` that a
    server missed while it could not be posted to (failed, or skipped while paused) and has
    not had since. Returns how many."""
    async with transaction(conn):
        cursor = await conn.execute(
            "UPDATE OR IGNORE deliveries SET status = 'pending', reason = 'queued', "
            "channel_id = ?, attempts = 0, next_attempt_at = NULL, last_error = NULL, "
            "updated_at = ? WHERE id IN ("
            "SELECT d.id FROM deliveries AS d JOIN articles AS a ON a.id = d.article_id "
            "WHERE d.guild_id = ? AND (d.status = 'failed' OR "
            "(d.status = 'skipped' AND d.reason = 'paused')) "
            "AND coalesce(a.published_at, a.fetched_at) >= ? "
            "AND NOT EXISTS (SELECT 1 FROM deliveries AS o WHERE o.guild_id = d.guild_id "
            "AND o.article_id = d.article_id AND o.status IN ('pending', 'sending', 'sent')) "
            "ORDER BY coalesce(a.published_at, a.fetched_at) DESC, a.id DESC LIMIT ?)",
            (channel_id, utc_now(), guild_id, since, limit),
        )
        return cursor.rowcount


async def due_deliveries(
    conn: aiosqlite.Connection, now: str, limit: int, *, nonce_kept_since: str | None = None
) -> list[DueDelivery]:
    """Posts and edits whose time has come, oldest first.

    'sending' rows are included: they were interrupted (the worker finishes every send it
    starts before it claims again), and a retry with the same nonce cannot post twice.
    """
    async with conn.execute(
        "SELECT d.id, CASE WHEN d.status = 'sent' THEN 'edit' ELSE 'send' END, d.article_id, "
        "d.guild_id, d.channel_id, d.message_id, d.attempts, s.ping_role_id, "
        "d.status = 'sending' AND d.updated_at < coalesce(?, '') "
        "FROM deliveries AS d LEFT JOIN guild_settings AS s ON s.guild_id = d.guild_id "
        "WHERE (d.status IN ('pending', 'sending') OR (d.status = 'sent' AND d.edit_pending = 1)) "
        "AND (d.next_attempt_at IS NULL OR d.next_attempt_at <= ?) "
        "AND coalesce(s.paused, 0) = 0 ORDER BY d.id LIMIT ?",
        (nonce_kept_since, now, limit),
    ) as cursor:
        return [
            DueDelivery(*row[:-1], interrupted=bool(row[-1])) for row in await cursor.fetchall()
        ]


async def mark_sending(conn: aiosqlite.Connection, delivery_id: int) -> None:
    """Written before the send, so a crash after it leaves a row to retry with its nonce."""
    async with transaction(conn):
        await conn.execute(
            "UPDATE deliveries SET status = 'sending', attempts = attempts + 1, updated_at = ? "
            "WHERE id = ? AND status IN ('pending', 'sending')",
            (utc_now(), delivery_id),
        )


async def mark_sent(conn: aiosqlite.Connection, delivery_id: int, message_id: int) -> None:
    async with transaction(conn):
        await conn.execute(
            "UPDATE deliveries SET status = 'sent', reason = 'posted', message_id = ?, "
            "next_attempt_at = NULL, last_error = NULL, updated_at = ? WHERE id = ?",
            (message_id, utc_now(), delivery_id),
        )


async def mark_edited(conn: aiosqlite.Connection, delivery_id: int) -> None:
    async with transaction(conn):
        await conn.execute(
            "UPDATE deliveries SET edit_pending = 0, attempts = 0, next_attempt_at = NULL, "
            "last_error = NULL, updated_at = ? WHERE id = ?",
            (utc_now(), delivery_id),
        )


async def schedule_retry(
    conn: aiosqlite.Connection,
    delivery_id: int,
    kind: DeliveryKind,
    *,
    next_attempt_at: str,
    error: str,
) -> None:
    async with transaction(conn):
        if kind == "send":
            await conn.execute(
                "UPDATE deliveries SET status = 'pending', next_attempt_at = ?, last_error = ?, "
                "updated_at = ? WHERE id = ? AND status IN ('pending', 'sending')",
                (next_attempt_at, error, utc_now(), delivery_id),
            )
        else:
            await conn.execute(
                "UPDATE deliveries SET attempts = attempts + 1, next_attempt_at = ?, "
                "last_error = ?, updated_at = ? WHERE id = ?",
                (next_attempt_at, error, utc_now(), delivery_id),
            )


async def mark_failed(
    conn: aiosqlite.Connection, delivery_id: int, kind: DeliveryKind, reason: str
) -> None:
    """Give up on one post (status failed) or one edit (the posted message stays as it is)."""
    async with transaction(conn):
        if kind == "send":
            await conn.execute(
                "UPDATE deliveries SET status = 'failed', reason = ?, last_error = ?, "
                "next_attempt_at = NULL, updated_at = ? WHERE id = ?",
                (reason, reason, utc_now(), delivery_id),
            )
        else:
            await conn.execute(
                "UPDATE deliveries SET edit_pending = 0, last_error = ?, next_attempt_at = NULL, "
                "updated_at = ? WHERE id = ?",
                (reason, utc_now(), delivery_id),
            )


async def fail_guild_deliveries(conn: aiosqlite.Connection, guild_id: int, reason: str) -> int:
    """Everything still queued for a server that can no longer be posted to fails, with why."""
    async with transaction(conn):
        now = utc_now()
        cursor = await conn.execute(
            "UPDATE deliveries SET status = 'failed', reason = ?, last_error = ?, "
            "next_attempt_at = NULL, updated_at = ? "
            "WHERE guild_id = ? AND status IN ('pending', 'sending')",
            (reason, reason, now, guild_id),
        )
        await conn.execute(
            "UPDATE deliveries SET edit_pending = 0, last_error = ?, updated_at = ? "
            "WHERE guild_id = ? AND edit_pending = 1",
            (reason, now, guild_id),
        )
        return cursor.rowcount


async def delivery_counts(
    conn: aiosqlite.Connection, guild_id: int | None = None
) -> list[GuildDeliveryCounts]:
    """Per-server totals by outcome ('pending' counts posts in flight too)."""
    async with conn.execute(
        "SELECT guild_id, "
        "sum(status IN ('pending', 'sending')), sum(status = 'sent'), "
        "sum(status = 'skipped'), sum(status = 'failed'), sum(edit_pending) "
        "FROM deliveries WHERE (? IS NULL OR guild_id = ?) GROUP BY guild_id ORDER BY guild_id",
        (guild_id, guild_id),
    ) as cursor:
        return [GuildDeliveryCounts(*row) for row in await cursor.fetchall()]


async def story_outcomes(
    conn: aiosqlite.Connection, guild_id: int | None = None, limit: int = 10
) -> list[StoryOutcome]:
    """The newest stories' outcomes per server, newest first."""
    async with conn.execute(
        "SELECT d.article_id, a.title, d.guild_id, d.channel_id, d.status, d.reason, "
        "d.message_id, d.last_error, d.created_at, d.updated_at, "
        "(SELECT count(*) FROM feed_entries AS e WHERE e.article_id = d.article_id) "
        "FROM deliveries AS d JOIN articles AS a ON a.id = d.article_id "
        "WHERE (? IS NULL OR d.guild_id = ?) ORDER BY d.id DESC LIMIT ?",
        (guild_id, guild_id, limit),
    ) as cursor:
        return [StoryOutcome(*row) for row in await cursor.fetchall()]
