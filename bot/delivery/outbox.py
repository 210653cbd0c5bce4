"""Automatic posting: deciding which servers get a story, and sending it exactly once.

The decision is made inside the transaction that stores the story (``delivery_hook``), so a
story never exists without its outbox rows. ``DeliveryWorker`` then sends the rows through a
``DeliverySender`` (the Discord side implements it), paced below Discord's rate limits.

Exactly once, without trusting Discord's nonce alone: a worker claims a row in the database
before sending it (status 'sending', its name, and a lease), so no other worker, in this
process or another, sends it meanwhile. If the worker dies before recording the message id,
the row is taken over once the lease runs out, and the sender first looks in the channel's
recent messages for the post (which needs Read Message History); only if it is not there is
the story sent again, still with the same nonce and ``enforce_nonce``.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import random
import socket
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Literal, Protocol

from bot.delivery.servers import GuildConfig, StoryFacts, filter_verdict
from bot.feeds.reading import matching_headline
from bot.ingest.store import AfterStore
from bot.news.articles import Article
from bot.people.teams import teams_in
from storage.articles import StoreResult
from storage.database import Connection, Database
from storage.deliveries import (
    DueDelivery,
    PlannedDelivery,
    PostedStory,
    add_planned_deliveries,
    channels_due,
    channels_with_story,
    claim_next,
    mark_edited,
    mark_failed,
    mark_for_edit,
    mark_sent,
    pause_for_failure,
    recent_posted_elsewhere,
    release_claim,
    requeue_missed,
    schedule_retry,
    skip_paused_guilds,
)
from storage.feeds import entry_origins
from storage.guilds import configured_guilds

log = logging.getLogger(__name__)

MAX_STORY_AGE = timedelta(days=2)  # older stories are news no longer
DUPLICATE_WINDOW = timedelta(days=3)
REASON_QUEUED = "queued"
REASON_BACKLOG = "too old / backlog"
REASON_PAUSED = "paused"
# Missed stories posted when a server's news channel works again: the newest few, no flood.
CATCH_UP_STORIES = 3

Clock = Callable[[], datetime]
PeopleFinder = Callable[[Connection, Article], Awaitable[frozenset[str]]]


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def _instant(moment: datetime) -> str:
    """To the microsecond, for leases and retries: a second's rounding would end a short
    lease at once. Compares correctly with ``_iso`` strings."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _utc(now: Clock) -> datetime:
    return now().astimezone(UTC)


def _audience(guilds: Sequence[GuildConfig], article: Article) -> list[GuildConfig]:
    """Servers a story is for: everyone for the operator's feeds and files, else only the
    server whose own feed brought it."""
    if article.guild_id is None:
        return list(guilds)
    return [config for config in guilds if config.guild_id == article.guild_id]


def _age_reason(article: Article, now: datetime, max_age: timedelta) -> str | None:
    """Why a story is too old to post, or None while it is news."""
    if not article.published_at:
        return None
    try:
        published = datetime.fromisoformat(article.published_at)
    except ValueError:
        return None
    if now - published <= max_age:
        return None
    return f"too old: published {article.published_at[:10]}"


async def _copies_by_server(
    conn: Connection, article: Article, since: str, audience: Sequence[GuildConfig]
) -> dict[int, int]:
    """For each server, another story it can see that is this one under another site's
    headline or the same address, already queued or posted there: server id to story id.

    The poller merges such copies as it reads feeds; this catches copies that arrived
    another way (a file import), and a server's own copy of a story that then came from a
    global feed. A server's own stories are visible to it alone, so they count only there.
    """
    posted = await recent_posted_elsewhere(
        conn, since, source=article.source, url=article.url, other_than=article.id
    )
    if not posted:
        return {}
    by_owner: dict[int | None, list[PostedStory]] = {}
    for story in posted:
        by_owner.setdefault(story.guild_id, []).append(story)
    everyones = by_owner.get(None, [])
    copies: dict[int, int] = {}
    for config in audience:
        visible = [*everyones, *by_owner.get(config.guild_id, [])]
        if not visible:
            continue
        copy = next((s.id for s in visible if article.url and s.url == article.url), None)
        if copy is None:
            copy = matching_headline(article.title, {s.id: s.title for s in visible})
        if copy is not None and config.news_channel_id in await channels_with_story(conn, copy):
            copies[config.guild_id] = copy
    return copies


async def catch_up(
    db: Database, guild_id: int, channel_id: int, *, clock: Clock | None = None
) -> int:
    """Once a server can be posted to again, queue the newest stories it missed meanwhile
    (at most ``CATCH_UP_STORIES``, and only those still news) for ``channel_id``."""
    now = _utc(clock or (lambda: datetime.now(UTC)))
    return await requeue_missed(
        db, guild_id, channel_id, since=_iso(now - MAX_STORY_AGE), limit=CATCH_UP_STORIES
    )


def delivery_hook(
    find_people: PeopleFinder | None = None,
    *,
    max_age: timedelta = MAX_STORY_AGE,
    clock: Clock | None = None,
) -> AfterStore:
    """The ``after_store`` step that fills the outbox for each new story.

    Every server the story is for gets one row saying what happens and why: queued, or
    skipped as backlog, too old, paused, filtered or a duplicate. An edited story flags its
    posted messages for an edit. ``find_people`` names the people a story is about, for
    people filters; without it people filters match nothing.
    """
    now_of = clock or (lambda: datetime.now(UTC))

    async def queue_deliveries(conn: Connection, result: StoreResult) -> None:
        article = result.article
        if result.updated:
            await mark_for_edit(conn, article.id)
        if not result.created:
            return
        audience = _audience(await configured_guilds(conn), article)
        if not audience:
            return
        origins = await entry_origins(conn, article.id)
        now = _utc(now_of)
        held_back = [origin.held_back for origin in origins]
        # Held back only when every feed that carried it held it back.
        held = held_back[0] if held_back and all(held_back) else None
        too_old = _age_reason(article, now, max_age)
        text = article.full_text
        facts = StoryFacts(
            text=text,
            person_ids=await find_people(conn, article) if find_people else frozenset(),
            teams=teams_in(text),
        )
        copies = await _copies_by_server(conn, article, _iso(now - DUPLICATE_WINDOW), audience)
        planned: list[PlannedDelivery] = []
        for config in audience:
            assert config.news_channel_id is not None
            status: Literal["pending", "skipped"] = "skipped"
            if held is not None:
                reason = REASON_BACKLOG if held == "backlog" else held
            elif too_old:
                reason = too_old
            elif config.paused:
                reason = REASON_PAUSED
            elif verdict := filter_verdict(config, facts):
                reason = verdict
            elif config.guild_id in copies:
                reason = f"duplicate: the same story as #{copies[config.guild_id]}"
            else:
                status, reason = "pending", REASON_QUEUED
            planned.append(PlannedDelivery(config.guild_id, config.news_channel_id, status, reason))
        await add_planned_deliveries(conn, article.id, planned)

    return queue_deliveries


@dataclass(frozen=True, slots=True)
class Delivery:
    """One post (or edit of a post) of one story to one server's news channel."""

    id: int
    kind: Literal["send", "edit"]
    guild_id: int
    channel_id: int
    article: Article
    nonce: str  # passed to Discord with enforce_nonce: a quick retry returns the first message
    ping_role_id: int | None = None
    message_id: int | None = None  # set for edits
    # An earlier attempt may have posted (it was cut short, or its answer was lost) and
    # Discord may not honour the nonce: the sender looks in the channel before posting.
    interrupted: bool = False
    attempted_at: datetime | None = None  # when that earlier attempt began


def delivery_nonce(delivery_id: int) -> str:
    """Stable for the life of a row (Discord accepts up to 25 characters)."""
    return f"paddock-{delivery_id}"


class DeliveryError(Exception):
    """A send or edit failed."""


class TransientSendError(DeliveryError):
    """Worth retrying later: rate limited, Discord unavailable, a timeout.

    ``may_have_posted`` says the message may have been created even so (no answer, a server
    error), so the retry looks in the channel first.
    """

    def __init__(
        self,
        message: str = "",
        *,
        retry_after: float | None = None,
        may_have_posted: bool = False,
    ) -> None:
        super().__init__(message or "Discord did not accept the message this time")
        self.retry_after = retry_after
        self.may_have_posted = may_have_posted


class PermanentSendError(DeliveryError):
    """The server cannot receive posts until a moderator acts; its deliveries stop."""

    reason = "Paused: Paddock cannot post in the news channel."

    def __init__(self, message: str = "") -> None:
        super().__init__(message or self.reason)


class ChannelGoneError(PermanentSendError):
    reason = "Paused: the news channel was deleted. Choose a new news channel to resume."


class MissingPermissionsError(PermanentSendError):
    reason = (
        "Paused: Paddock lacks permission to post in the news channel "
        "(it needs View Channel, Send Messages and Embed Links)."
    )


class MessageGoneError(DeliveryError):
    """The message to edit was deleted; the edit is dropped, the server is fine."""


class DeliverySender(Protocol):
    async def send(self, delivery: Delivery) -> int:
        """Post the story; returns the message id. Must pass ``delivery.nonce`` to Discord,
        and for an ``interrupted`` delivery return the post already in the channel, if any."""
        ...

    async def edit(self, delivery: Delivery, message_id: int) -> None:
        """Update a posted message to the story's current words."""
        ...


class _TokenBucket:
    def __init__(self, capacity: int, period: float, now: float) -> None:
        self.capacity = float(capacity)
        self.rate = capacity / period
        self.tokens = float(capacity)
        self.updated = now

    def _refill(self, now: float) -> None:
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now

    def wait(self, now: float) -> float:
        self._refill(now)
        # A hair of tolerance: refilling for exactly the computed wait can land a rounding
        # error short of a whole token, which would otherwise mean a second, tiny sleep.
        return 0.0 if self.tokens >= 1 - 1e-9 else (1 - self.tokens) / self.rate

    def take(self) -> None:
        self.tokens -= 1

    def give_back(self) -> None:
        self.tokens = min(self.capacity, self.tokens + 1)

    def idle(self, now: float) -> bool:
        self._refill(now)
        return self.tokens >= self.capacity


class DeliveryPacer:
    """Token buckets below Discord's limits, so posting never leans on 429 answers.

    Discord allows about 5 messages per 5 seconds in a channel and 50 requests per second
    for a bot; the defaults match, with both buckets starting full so a quiet channel posts
    its first few stories at once. A channel's bucket is never waited for: a channel that
    has used its share is served again next round, so a busy channel holds up nobody.
    """

    def __init__(
        self,
        *,
        per_channel: tuple[int, float] = (5, 5.0),
        overall: tuple[int, float] = (50, 1.0),
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._per_channel = per_channel
        self._clock = clock
        self._sleep = sleep
        self._overall = _TokenBucket(*overall, clock())
        self._channels: dict[int, _TokenBucket] = {}

    @property
    def channel_burst(self) -> int:
        """The most posts one channel may make at once."""
        return self._per_channel[0]

    def try_take(self, channel_id: int) -> bool:
        """Take one of ``channel_id``'s posts if it has one now; False if it must wait."""
        now = self._clock()
        bucket = self._channels.get(channel_id)
        if bucket is None:
            self._forget_idle(now)
            bucket = self._channels[channel_id] = _TokenBucket(*self._per_channel, now)
        if bucket.wait(now) > 0:
            return False
        bucket.take()
        return True

    def give_back(self, channel_id: int) -> None:
        """Return a post taken with ``try_take`` but not made."""
        bucket = self._channels.get(channel_id)
        if bucket is not None:
            bucket.give_back()

    async def wait_overall(self) -> None:
        """Wait until one more request fits within the bot's overall limit."""
        while (wait := self._overall.wait(self._clock())) > 0:
            await self._sleep(wait)
        self._overall.take()

    def _forget_idle(self, now: float) -> None:
        # A full bucket is the same as no bucket; dropping them keeps memory flat.
        if len(self._channels) >= 1024:
            for channel_id in [c for c, b in self._channels.items() if b.idle(now)]:
                del self._channels[channel_id]


@dataclass(slots=True)
class WorkerReport:
    sent: list[int] = field(default_factory=list)  # delivery ids
    edited: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    paused_guilds: dict[int, str] = field(default_factory=dict)
    # Channels that had used their share of posts with more due: served next round.
    paced: list[int] = field(default_factory=list)
    # Channels whose lane was still at work when the round ended (a slow answer, or
    # discord.py waiting for the channel's rate limit to reset): it reports later.
    busy: list[int] = field(default_factory=list)

    @property
    def idle(self) -> bool:
        return not (
            self.sent or self.edited or self.retrying or self.failed or self.paced or self.busy
        )


def worker_name() -> str:
    """Names this process in the rows it claims (host, process id, and a random part)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class DeliveryWorker:
    """Sends due outbox rows fairly: every channel with something due gets a lane each round.

    A lane sends its channel's rows in order, as many as the channel's pacing allows right
    now, claiming each row in the database first (see ``claim_next``) so that several
    workers, in one process or many, never send one row twice. A round waits for its lanes
    at most ``round_budget`` seconds: a lane still busy (a slow answer, discord.py waiting
    out a short rate limit) carries on alone, its channel skipped until it finishes, and
    reports into the round in which it ends. A long rate limit becomes a retry scheduled
    for that channel.
    """

    def __init__(
        self,
        db: Database,
        sender: DeliverySender,
        *,
        pacer: DeliveryPacer | None = None,
        channels_per_round: int = 5000,
        # Lanes sending at once: a lane can sit in discord.py's wait for its channel's rate
        # limit to reset, so allow as many as the overall limit lets through in a second.
        channels_at_once: int = 50,
        max_attempts: int = 8,
        retry_base: float = 5.0,
        retry_cap: float = 900.0,
        lease: timedelta = timedelta(minutes=2),
        round_budget: float = 1.0,
        name: str | None = None,
        clock: Clock | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self._db = db
        self._sender = sender
        self._pacer = pacer or DeliveryPacer()
        self._channels_per_round = channels_per_round
        self._channels_at_once = asyncio.Semaphore(channels_at_once)
        self._max_attempts = max_attempts
        self._retry_base = retry_base
        self._retry_cap = retry_cap
        self._lease = lease
        self._round_budget = round_budget
        self.name = name or worker_name()
        self._clock = clock or (lambda: datetime.now(UTC))
        self._rng = rng or random.Random()
        self._round = asyncio.Lock()
        self._lanes: dict[int, asyncio.Task[None]] = {}
        self._report = WorkerReport()
        self._crashes: list[BaseException] = []

    async def run_once(self) -> WorkerReport:
        """Start a lane for every channel with something due; the Discord side calls this
        on a loop. Raises what killed a lane, if anything did (the worker is then stopped)."""
        async with self._round:
            await skip_paused_guilds(self._db)
            channels = await channels_due(
                self._db.reader, _instant(_utc(self._clock)), self._channels_per_round
            )
            for channel_id in channels:
                if channel_id not in self._lanes:
                    lane = asyncio.create_task(self._run_lane(channel_id))
                    self._lanes[channel_id] = lane
                    lane.add_done_callback(functools.partial(self._lane_ended, channel_id))
            if self._lanes:
                await asyncio.wait(list(self._lanes.values()), timeout=self._round_budget)
            if self._crashes:
                crashes, self._crashes = self._crashes, []
                await self.stop()
                raise BaseExceptionGroup("a delivery lane died", crashes)
            # Everything lanes did since the last round returned, carried-over lanes included.
            report, self._report = self._report, WorkerReport()
            report.busy = list(self._lanes)
            return report

    async def stop(self) -> None:
        """Cancel the lanes still running; each gives its claim back on the way out."""
        lanes = list(self._lanes.values())
        for lane in lanes:
            lane.cancel()
        await asyncio.gather(*lanes, return_exceptions=True)

    def _lane_ended(self, channel_id: int, lane: asyncio.Task[None]) -> None:
        self._lanes.pop(channel_id, None)
        if lane.cancelled() or (error := lane.exception()) is None:
            return
        if isinstance(error, Exception):
            # A failure outside the send (the database busy, say) ends this lane only: its
            # row keeps the claim until the lease runs out, then is taken over (and looked
            # for in the channel) like any interruption.
            log.error("delivery to channel %d stopped", channel_id, exc_info=error)
        else:
            self._crashes.append(error)

    async def _run_lane(self, channel_id: int) -> None:
        async with self._channels_at_once:
            for _ in range(self._pacer.channel_burst):
                if not self._pacer.try_take(channel_id):
                    self._report.paced.append(channel_id)
                    return
                now = _utc(self._clock)
                item = await claim_next(
                    self._db,
                    channel_id,
                    owner=self.name,
                    now=_instant(now),
                    lease_until=_instant(now + self._lease),
                )
                if item is None:
                    self._pacer.give_back(channel_id)
                    return
                await self._pacer.wait_overall()
                try:
                    carry_on = await self._deliver(item)
                except asyncio.CancelledError:
                    await asyncio.shield(release_claim(self._db, item.id, self.name))
                    raise
                if not carry_on:
                    return

    async def _deliver(self, item: DueDelivery) -> bool:
        """Send or edit one claimed row; False when this channel should stop for this round."""
        article = item.article
        if article is None:
            await mark_failed(self._db, item.id, item.kind, "the story no longer exists")
            self._report.failed.append(item.id)
            return True
        delivery = Delivery(
            id=item.id,
            kind=item.kind,
            guild_id=item.guild_id,
            channel_id=item.channel_id,
            article=article,
            nonce=delivery_nonce(item.id),
            ping_role_id=item.ping_role_id,
            message_id=item.message_id,
            interrupted=item.interrupted,
            attempted_at=datetime.fromisoformat(item.attempted_at) if item.attempted_at else None,
        )
        try:
            if item.kind == "send":
                message_id = await self._sender.send(delivery)
                if await mark_sent(self._db, item.id, message_id, owner=self.name):
                    self._report.sent.append(item.id)
                else:
                    log.warning("delivery %d was taken over while it was being sent", item.id)
            else:
                assert item.message_id is not None
                await self._sender.edit(delivery, item.message_id)
                await mark_edited(self._db, item.id)
                self._report.edited.append(item.id)
            return True
        except TransientSendError as exc:
            return await self._retry(item, str(exc), exc.retry_after, exc.may_have_posted)
        except MessageGoneError:
            await mark_failed(self._db, item.id, item.kind, "the posted message was deleted")
            self._report.failed.append(item.id)
            return True
        except PermanentSendError as exc:
            # Moderators read what to do about it; Discord's own words go to the log.
            log.warning("pausing deliveries to guild %d: %s (%s)", item.guild_id, exc.reason, exc)
            self._report.paused_guilds[item.guild_id] = exc.reason
            await pause_for_failure(self._db, item.guild_id, exc.reason)
            return False
        except Exception as exc:
            # A bug in the sender must not lose the story: retry it like any hiccup, and
            # as it may have posted first, look before posting again.
            log.exception("delivery %d to channel %d failed", item.id, item.channel_id)
            return await self._retry(item, f"unexpected error: {exc}", None, True)

    async def _retry(
        self, item: DueDelivery, error: str, retry_after: float | None, may_have_posted: bool
    ) -> bool:
        if item.attempts + 1 >= self._max_attempts:
            reason = f"failed after {item.attempts + 1} attempts: {error}"
            await mark_failed(self._db, item.id, item.kind, reason)
            self._report.failed.append(item.id)
            return True
        if retry_after is not None:
            delay = retry_after
        else:
            ceiling = min(self._retry_cap, self._retry_base * 2**item.attempts)
            delay = ceiling / 2 + self._rng.uniform(0, ceiling / 2)
        next_attempt = _instant(_utc(self._clock) + timedelta(seconds=delay))
        await schedule_retry(
            self._db,
            item.id,
            item.kind,
            next_attempt_at=next_attempt,
            error=error,
            may_have_posted=may_have_posted,
        )
        self._report.retrying.append(item.id)
        return False
