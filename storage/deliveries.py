"""The delivery outbox: one row per story and news channel, with its outcome and why."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

import aiosqlite

from bot.news.articles import Article, utc_now
from storage.articles import get_article
from storage.database import Database

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
    # Taken over from an attempt that may have posted (a crash, a lost answer): the sender
    # looks in the channel before posting, as Discord may not honour the nonce.
    interrupted: bool = False
    attempted_at: str | None = None  # when that earlier attempt began
    # Read with the claim; None when the story was deleted meanwhile.
    article: Article | None = None


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


async def skip_paused_guilds(db: Database) -> int:
    """Queued posts for servers paused since they were queued are skipped, not held."""
    async with db.write() as conn:
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
    db: Database, guild_id: int, channel_id: int, *, since: str, limit: int
) -> int:
    """Queue again, for ``channel_id``, the newest ``limit`` stories since ``since`` that a
    server missed while its last failure paused it (failed with it, or skipped while it
    lasted) and has not had since. Returns how many.

    Stories skipped during a pause a moderator chose stay skipped, and so do those an
    earlier failure held back: only the posts failed when this pause began, and the stories
    skipped after it, count.
    """
    async with db.write() as conn:
        cursor = await conn.execute(
            "UPDATE OR IGNORE deliveries SET status = 'pending', reason = 'queued', "
            "channel_id = ?, attempts = 0, next_attempt_at = NULL, last_error = NULL, "
            "claimed_by = NULL, updated_at = ? WHERE id IN ("
            "SELECT d.id FROM deliveries AS d JOIN articles AS a ON a.id = d.article_id "
            "JOIN guild_settings AS g ON g.guild_id = d.guild_id "
            "WHERE d.guild_id = ? AND ("
            "(d.status = 'failed' AND d.updated_at = g.paused_at) OR "
            "(d.status = 'skipped' AND d.reason = 'paused' AND d.id > g.paused_after_delivery)) "
            "AND coalesce(a.published_at, a.fetched_at) >= ? "
            "AND NOT EXISTS (SELECT 1 FROM deliveries AS o WHERE o.guild_id = d.guild_id "
            "AND o.article_id = d.article_id AND o.status IN ('pending', 'sending', 'sent')) "
            "ORDER BY coalesce(a.published_at, a.fetched_at) DESC, a.id DESC LIMIT ?)",
            (channel_id, utc_now(), guild_id, since, limit),
        )
        return cursor.rowcount


async def channels_due(conn: aiosqlite.Connection, now: str, limit: int) -> list[int]:
    """Channels with a post or an edit due, in the order they should be served.

    Servers take turns: every server's longest-waiting channel comes before any server's
    second, and among those the one whose oldest due row is oldest goes first. A channel
    counts as due by its oldest unsent row only, so a row waiting out a retry holds back the
    rows after it in that channel and nowhere else.
    """
    # One trip that reads every row: a statement left open between awaits would hold an old
    # snapshot, and this connection's next write would fail at once if another process
    # had written since.
    rows = await conn.execute_fetchall(
        "WITH heads AS (SELECT min(id) AS id FROM deliveries "
        "WHERE status IN ('pending', 'sending') GROUP BY channel_id), "
        "due AS ("
        "SELECT d.guild_id, d.channel_id, d.id FROM heads JOIN deliveries AS d ON d.id = heads.id "
        "WHERE d.next_attempt_at IS NULL OR d.next_attempt_at <= ? "
        "UNION ALL SELECT guild_id, channel_id, id FROM deliveries "
        "WHERE edit_pending = 1 AND status = 'sent' "
        "AND (next_attempt_at IS NULL OR next_attempt_at <= ?)), "
        "firsts AS (SELECT due.guild_id, due.channel_id, min(due.id) AS first FROM due "
        "LEFT JOIN guild_settings AS s ON s.guild_id = due.guild_id "
        "WHERE coalesce(s.paused, 0) = 0 GROUP BY due.guild_id, due.channel_id) "
        "SELECT channel_id FROM (SELECT channel_id, first, "
        "row_number() OVER (PARTITION BY guild_id ORDER BY first) AS turn FROM firsts) "
        "ORDER BY turn, first LIMIT ?",
        (now, now, limit),
    )
    return [row[0] for row in rows]


_CLAIMABLE = (
    "SELECT d.id, d.status, d.article_id, d.guild_id, d.channel_id, d.message_id, d.attempts, "
    "s.ping_role_id, d.updated_at, d.next_attempt_at IS NULL OR d.next_attempt_at <= ? "
    "FROM deliveries AS d LEFT JOIN guild_settings AS s ON s.guild_id = d.guild_id "
    "WHERE d.channel_id = ? AND coalesce(s.paused, 0) = 0 AND "
)


def _due(
    row: sqlite3.Row,
    kind: DeliveryKind,
    article: Article | None,
    *,
    interrupted: bool = False,
    attempted_at: str | None = None,
) -> DueDelivery:
    """A row of ``_CLAIMABLE`` as the worker takes it."""
    return DueDelivery(
        id=row[0],
        kind=kind,
        article_id=row[2],
        guild_id=row[3],
        channel_id=row[4],
        message_id=row[5],
        attempts=row[6],
        ping_role_id=row[7],
        interrupted=interrupted,
        attempted_at=attempted_at,
        article=article,
    )


async def claim_next(
    db: Database, channel_id: int, *, owner: str, now: str, lease_until: str
) -> DueDelivery | None:
    """Take the channel's next post (or, with none due, its next edit) for ``owner`` until
    ``lease_until``, with its story; None when nothing in the channel is due or another
    process holds it.

    The read and the claim share one write transaction, so across processes exactly one
    claimer wins a row. Posts go strictly in order: only a channel's oldest unsent row can
    be claimed. A row found 'sending' was claimed before and its lease ran out (the claimer
    died or gave up mid-send): it comes back marked ``interrupted``.
    """
    async with db.write() as conn:
        async with conn.execute(
            _CLAIMABLE + "d.status IN ('pending', 'sending') ORDER BY d.id LIMIT 1",
            (now, channel_id),
        ) as cursor:
            head = await cursor.fetchone()
        if head is not None and head[-1]:
            await conn.execute(
                "UPDATE deliveries SET status = 'sending', attempts = attempts + 1, "
                "claimed_by = ?, next_attempt_at = ?, updated_at = ? WHERE id = ?",
                (owner, lease_until, now, head[0]),
            )
            interrupted = head[1] == "sending"
            return _due(
                head,
                "send",
                await get_article(conn, head[2]),
                interrupted=interrupted,
                attempted_at=head[8] if interrupted else None,
            )
        async with conn.execute(
            _CLAIMABLE + "d.status = 'sent' AND d.edit_pending = 1 "
            "AND (d.next_attempt_at IS NULL OR d.next_attempt_at <= ?) ORDER BY d.id LIMIT 1",
            (now, channel_id, now),
        ) as cursor:
            edit = await cursor.fetchone()
        if edit is None:
            return None
        await conn.execute(
            "UPDATE deliveries SET claimed_by = ?, next_attempt_at = ? WHERE id = ?",
            (owner, lease_until, edit[0]),
        )
        return _due(edit, "edit", await get_article(conn, edit[2]))


async def release_claim(db: Database, delivery_id: int, owner: str) -> None:
    """Give a claim back at once (on shutdown): the row is due again, and a send cut short
    stays 'sending' so whoever takes it next looks in the channel first."""
    async with db.write() as conn:
        await conn.execute(
            "UPDATE deliveries SET claimed_by = NULL, next_attempt_at = NULL "
            "WHERE id = ? AND claimed_by = ?",
            (delivery_id, owner),
        )


async def mark_sent(db: Database, delivery_id: int, message_id: int, *, owner: str) -> bool:
    """Record the post; False when ``owner`` no longer held the claim (its lease ran out and
    another process took the row over, and will find this post in the channel)."""
    async with db.write() as conn:
        cursor = await conn.execute(
            "UPDATE deliveries SET status = 'sent', reason = 'posted', message_id = ?, "
            "claimed_by = NULL, next_attempt_at = NULL, last_error = NULL, updated_at = ? "
            "WHERE id = ? AND status = 'sending' AND claimed_by = ?",
            (message_id, utc_now(), delivery_id, owner),
        )
        return cursor.rowcount == 1


async def mark_edited(db: Database, delivery_id: int) -> None:
    async with db.write() as conn:
        await conn.execute(
            "UPDATE deliveries SET edit_pending = 0, attempts = 0, next_attempt_at = NULL, "
            "claimed_by = NULL, last_error = NULL, updated_at = ? WHERE id = ?",
            (utc_now(), delivery_id),
        )


async def schedule_retry(
    db: Database,
    delivery_id: int,
    kind: DeliveryKind,
    *,
    next_attempt_at: str,
    error: str,
    may_have_posted: bool = False,
) -> None:
    """Try again at ``next_attempt_at``. A send that may have reached Discord (no answer,
    a server error) stays 'sending', so the next attempt looks in the channel first."""
    async with db.write() as conn:
        if kind == "send":
            await conn.execute(
                "UPDATE deliveries SET status = ?, next_attempt_at = ?, last_error = ?, "
                "claimed_by = NULL, updated_at = ? WHERE id = ? AND status = 'sending'",
                (
                    "sending" if may_have_posted else "pending",
                    next_attempt_at,
                    error,
                    utc_now(),
                    delivery_id,
                ),
            )
        else:
            await conn.execute(
                "UPDATE deliveries SET attempts = attempts + 1, next_attempt_at = ?, "
                "last_error = ?, claimed_by = NULL, updated_at = ? WHERE id = ?",
                (next_attempt_at, error, utc_now(), delivery_id),
            )


async def mark_failed(db: Database, delivery_id: int, kind: DeliveryKind, reason: str) -> None:
    """Give up on one post (status failed) or one edit (the posted message stays as it is)."""
    async with db.write() as conn:
        if kind == "send":
            await conn.execute(
                "UPDATE deliveries SET status = 'failed', reason = ?, last_error = ?, "
                "claimed_by = NULL, next_attempt_at = NULL, updated_at = ? WHERE id = ?",
                (reason, reason, utc_now(), delivery_id),
            )
        else:
            await conn.execute(
                "UPDATE deliveries SET edit_pending = 0, last_error = ?, next_attempt_at = NULL, "
                "claimed_by = NULL, updated_at = ? WHERE id = ?",
                (reason, utc_now(), delivery_id),
            )


async def pause_for_failure(db: Database, guild_id: int, reason: str) -> int:
    """A server that can no longer be posted to is paused with ``reason`` and everything
    still queued for it fails, with why; returns how many posts failed. The pause records
    when it began and the newest outbox row then, so that a catch-up afterwards requeues
    only what this failure held back."""
    async with db.write() as conn:
        began = datetime.now(UTC).isoformat(timespec="microseconds")
        await conn.execute(
            "INSERT INTO guild_settings (guild_id, paused, paused_reason, paused_at, "
            "paused_after_delivery, updated_at) "
            "VALUES (?, 1, ?, ?, (SELECT coalesce(max(id), 0) FROM deliveries), ?) "
            "ON CONFLICT (guild_id) DO UPDATE SET paused = 1, "
            "paused_reason = excluded.paused_reason, paused_at = excluded.paused_at, "
            "paused_after_delivery = excluded.paused_after_delivery, "
            "updated_at = excluded.updated_at",
            (guild_id, reason, began, began),
        )
        cursor = await conn.execute(
            "UPDATE deliveries SET status = 'failed', reason = ?, last_error = ?, "
            "claimed_by = NULL, next_attempt_at = NULL, updated_at = ? "
            "WHERE guild_id = ? AND status IN ('pending', 'sending')",
            (reason, reason, began, guild_id),
        )
        await conn.execute(
            "UPDATE deliveries SET edit_pending = 0, last_error = ?, updated_at = ? "
            "WHERE guild_id = ? AND edit_pending = 1",
            (reason, began, guild_id),
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
