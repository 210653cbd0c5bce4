"""Polling feeds: fetch politely, read entries, store new and edited stories once.

A round fetches due feeds concurrently (a few at a time, each under its own deadline), so
one slow or broken feed never holds up the others. Storing is serialised: the check for
"the same story from another site" and the insert must not interleave between feeds.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Literal

import aiosqlite

from bot.articles import Article, ParsedArticle, content_hash
from bot.feeds import (
    FeedEntry,
    FeedError,
    ParsedFeed,
    matching_headline,
    page_text,
    parse_feed,
)
from bot.ingest import AfterStore, ingest_article
from bot.safe_fetch import PAGE_ACCEPT, AddressPolicy, FetchError, SafeFetcher
from bot.settings import Settings
from storage.articles import StoreResult, find_existing
from storage.db import transaction
from storage.feeds import (
    Feed,
    RecentStory,
    active_feeds,
    due_feeds,
    recent_stories,
    record_feed_entry,
    record_poll_failure,
    record_poll_success,
    seed_global_feeds,
    seen_entries,
    story_for_link,
)

log = logging.getLogger(__name__)

BACKLOG_POSTS = 3  # a feed's first poll posts at most this many of its newest stories
SAME_STORY_WINDOW = timedelta(days=3)
MAX_BACKOFF = timedelta(hours=6)
# A round's feeds are stored together (oldest entry first) once all have answered, or this
# many seconds after the round began; a feed slower than that is stored when it answers,
# so one hanging site never holds back the others' news.
ROUND_GRACE_SECONDS = 10.0

Clock = Callable[[], datetime]


def iso(moment: datetime) -> str:
    """The timestamp format every table uses, so text comparison orders them correctly."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


@dataclass(slots=True)
class FeedReport:
    feed: Feed
    status: Literal["ok", "not_modified", "failed"]
    next_poll_at: str
    created: list[Article] = field(default_factory=list)
    updated: list[Article] = field(default_factory=list)
    duplicates: int = 0  # the same story already stored from another feed
    unchanged: int = 0
    backlog: int = 0
    error: str | None = None


@dataclass(slots=True)
class PollRound:
    reports: list[FeedReport] = field(default_factory=list)

    @property
    def created(self) -> list[Article]:
        return [article for report in self.reports for article in report.created]

    @property
    def updated(self) -> list[Article]:
        return [article for report in self.reports for article in report.updated]

    @property
    def failed(self) -> list[FeedReport]:
        return [report for report in self.reports if report.status == "failed"]


@dataclass(frozen=True, slots=True)
class _Prepared:
    entry: FeedEntry
    article: ParsedArticle
    backlog: bool
    known: bool  # the feed showed this entry before: changes to it are edits


@dataclass(slots=True)
class _Read:
    """A feed fetched and its new entries prepared, waiting to be stored."""

    feed: Feed
    started: datetime
    etag: str | None
    last_modified: str | None
    title: str | None
    prepared: list[_Prepared]


class FeedPoller:
    def __init__(
        self,
        conn: aiosqlite.Connection,
        fetcher: SafeFetcher,
        *,
        interval: int = 300,
        default_feeds: Sequence[str] = (),
        concurrency: int = 4,
        feed_timeout: float = 120.0,
        page_fetches_per_feed: int = 10,
        hooks: Sequence[AfterStore] | None = None,
        clock: Clock | None = None,
        rng: random.Random | None = None,
    ) -> None:
        """``hooks`` replaces the standard outbox step (tests choose their own)."""
        self._conn = conn
        self._fetcher = fetcher
        self._interval = interval
        self._default_feeds = tuple(default_feeds)
        self._seeded = False
        self._limit = asyncio.Semaphore(concurrency)
        self._feed_timeout = feed_timeout
        self._page_fetches = page_fetches_per_feed
        self._hooks = list(hooks) if hooks is not None else None
        self._clock = clock or (lambda: datetime.now(UTC))
        self._rng = rng or random.Random()
        self._store_lock = asyncio.Lock()

    async def poll_due(self) -> PollRound:
        """Poll every feed whose time has come."""
        await self._seed()
        return await self._poll_many(await due_feeds(self._conn, iso(self._clock())))

    async def poll_all(self) -> PollRound:
        """Poll every feed now, whatever its schedule (conditional GET still applies)."""
        await self._seed()
        return await self._poll_many(await active_feeds(self._conn))

    async def _seed(self) -> None:
        if not self._seeded:
            await seed_global_feeds(self._conn, self._default_feeds)
            self._seeded = True

    async def _poll_many(self, feeds: Sequence[Feed]) -> PollRound:
        if not feeds:
            return PollRound()
        hooks = await self._standard_hooks()

        async def limited(feed: Feed) -> FeedReport | _Read:
            async with self._limit:
                return await self._read(feed)

        tasks = [asyncio.ensure_future(limited(feed)) for feed in feeds]
        reports: dict[asyncio.Future[FeedReport | _Read], FeedReport] = {}

        async def store(done: set[asyncio.Future[FeedReport | _Read]]) -> None:
            outcomes = {task: task.result() for task in tasks if task in done}
            reads = [(task, o) for task, o in outcomes.items() if isinstance(o, _Read)]
            stored = await self._store_reads([read for _, read in reads], hooks)
            reports.update({task: report for (task, _), report in zip(reads, stored, strict=True)})
            reports.update({t: o for t, o in outcomes.items() if isinstance(o, FeedReport)})

        try:
            done, pending = await asyncio.wait(tasks, timeout=ROUND_GRACE_SECONDS)
            await store(done)
            while pending:
                done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                await store(done)
        finally:
            for task in tasks:
                task.cancel()
        return PollRound([reports[task] for task in tasks])

    async def _standard_hooks(self) -> list[AfterStore]:
        if self._hooks is not None:
            return self._hooks
        from bot.delivery import delivery_hook
        from bot.ingest import story_people

        return [delivery_hook(find_people=story_people)]

    async def poll_feed(
        self, feed: Feed, *, hooks: Sequence[AfterStore] | None = None
    ) -> FeedReport:
        """Fetch one feed and store what is new; never raises for a bad feed."""
        if hooks is None:
            hooks = await self._standard_hooks()
        read = await self._read(feed)
        if isinstance(read, FeedReport):
            return read
        return (await self._store_reads([read], hooks))[0]

    async def _read(self, feed: Feed) -> FeedReport | _Read:
        """The feed fetched and its new entries prepared; a report when there is nothing to
        store (not modified, or failed, with the failure recorded)."""
        started = self._clock()
        try:
            async with asyncio.timeout(self._feed_timeout):
                fetched = await self._fetcher.fetch(
                    feed.url, etag=feed.etag, last_modified=feed.last_modified
                )
                if fetched.not_modified:
                    return await self._succeeded(
                        FeedReport(feed, "not_modified", ""), fetched.etag, fetched.last_modified
                    )
                # A 5 MB feed takes feedparser a while: parse it off the event loop.
                parsed = await asyncio.to_thread(
                    parse_feed, fetched.body, fetched.url, fetched.content_type
                )
        except TimeoutError:
            return await self._failed(
                feed, f"The feed took longer than {self._feed_timeout:g} seconds.", None
            )
        except FetchError as exc:
            return await self._failed(feed, str(exc), exc.retry_after)
        except FeedError as exc:
            return await self._failed(feed, str(exc), None)
        except Exception:
            log.exception("reading %s failed", feed.url)
            return await self._failed(feed, "Paddock could not read this feed.", None)
        # Article pages share a budget as long as the feed's own: a slow site costs its
        # stories their full text, never the feed its poll.
        pages_until = asyncio.get_running_loop().time() + self._feed_timeout
        try:
            prepared = await self._prepare(feed, parsed, pages_until)
        except Exception:
            log.exception("preparing entries of %s failed", feed.url)
            return await self._failed(feed, "Paddock could not read this feed's stories.", None)
        return _Read(feed, started, fetched.etag, fetched.last_modified, parsed.title, prepared)

    async def _store_reads(
        self, reads: Sequence[_Read], hooks: Sequence[AfterStore]
    ) -> list[FeedReport]:
        """Store the new entries of every feed read in a round, one report per feed.

        Entries from all the feeds go in together, oldest first, so story ids (and the order
        of posts) follow publication order, and when two feeds carry the same story the copy
        published first is the one kept, whichever feed happened to answer sooner.
        """
        reports = [FeedReport(read.feed, "ok", "") for read in reads]

        def oldest_first(place: tuple[int, int]) -> tuple[bool, str, int, int]:
            feed, position = place
            published = reads[feed].prepared[position].article.published_at
            # Undated entries last; a feed lists its newest first, so further down is older.
            return (published is None, published or "", feed, -position)

        places = [(feed, at) for feed, read in enumerate(reads) for at in range(len(read.prepared))]
        queue = sorted(places, key=oldest_first)
        broken: set[int] = set()
        for r, position in queue:
            if r in broken:
                continue
            read = reads[r]
            try:
                async with self._store_lock:
                    await self._store_one(read.feed, read.prepared[position], hooks, reports[r])
            except Exception:
                # The fetch state is left alone, so the next poll reads these entries again.
                log.exception("storing entries of %s failed", read.feed.url)
                broken.add(r)
        done: list[FeedReport] = []
        for r, (read, report) in enumerate(zip(reads, reports, strict=True)):
            if r in broken:
                message = "Paddock could not store this feed's stories."
                done.append(await self._failed(read.feed, message, None))
                continue
            log.info(
                "polled %s in %.1fs: %d new, %d updated",
                read.feed.url,
                (self._clock() - read.started).total_seconds(),
                len(report.created),
                len(report.updated),
            )
            done.append(await self._succeeded(report, read.etag, read.last_modified, read.title))
        return done

    async def _prepare(self, feed: Feed, parsed: ParsedFeed, pages_until: float) -> list[_Prepared]:
        """New and edited entries as articles, reading article pages for teaser-only ones."""
        seen = await seen_entries(self._conn, feed.id)
        first_poll = feed.primed_at is None
        source = parsed.title or feed.name
        prepared: list[_Prepared] = []
        keys: set[str] = set()
        pages_left = self._page_fetches
        for index, entry in enumerate(parsed.entries):
            if entry.key in keys or seen.get(entry.key) == entry.fingerprint:
                continue
            keys.add(entry.key)
            # The backlog is kept for search but never posted, so its pages are not read.
            backlog = first_poll and index >= BACKLOG_POSTS
            text = None
            if entry.needs_page and not backlog and pages_left > 0 and entry.link:
                pages_left -= 1
                text = await self._read_page(entry.link, pages_until)
            prepared.append(
                _Prepared(entry, entry.article(source, text), backlog, entry.key in seen)
            )
        return prepared

    async def _read_page(self, url: str, until: float) -> str | None:
        remaining = until - asyncio.get_running_loop().time()
        if remaining <= 0:
            return None
        try:
            async with asyncio.timeout(remaining):
                page = await self._fetcher.fetch(url, accept=PAGE_ACCEPT)
        except (FetchError, TimeoutError) as exc:
            log.info("article page %s not read: %s", url, exc or "out of time")
            return None
        # trafilatura parses in C but can take a while on a large page: keep the loop free.
        return await asyncio.to_thread(page_text, page.body, page.url)

    async def _store_one(
        self,
        feed: Feed,
        item: _Prepared,
        hooks: Sequence[AfterStore],
        report: FeedReport,
    ) -> None:
        entry = item.entry

        async def note_entry(conn: aiosqlite.Connection, result: StoreResult) -> None:
            # Runs first in the storing transaction, so deliveries can see which feed
            # carried the story and whether it came with the backlog.
            await record_feed_entry(conn, feed.id, entry, result.article.id, backlog=item.backlog)

        article = item.article
        same = await self._same_story(feed, item)
        if same is not None:
            if len(article.body) <= same.body_length or not (same.url or same.guid):
                await self._note_only(feed, item, same.id)
                report.duplicates += 1
                return
            # The richer copy wins: aimed at the stored story, storing it updates that story.
            article = replace(article, url=same.url, guid=same.guid)
        result = await ingest_article(self._conn, article, [note_entry, *hooks])
        if result.created:
            report.created.append(result.article)
            report.backlog += item.backlog
        elif result.updated:
            report.updated.append(result.article)
        else:
            await self._note_only(feed, item, result.article.id)
            report.unchanged += 1

    async def _same_story(self, feed: Feed, item: _Prepared) -> RecentStory | None:
        """The stored story this entry is another copy of, when another source has it.

        An entry this feed showed before is the feed's own story, and new words in it are an
        edit, stored as they are. Otherwise a stored story with the same URL or GUID, or a
        story another source carried under the same link or a near-identical headline in
        the last few days, is the same news: the caller keeps whichever copy is richer.
        """
        article = item.article
        existing = await find_existing(self._conn, article)
        if existing is not None:
            if item.known or existing.content_hash == content_hash(article.title, article.body):
                return None
            return RecentStory(
                existing.id, existing.title, len(existing.body), existing.url, existing.guid
            )
        if article.url and (linked := await story_for_link(self._conn, article.url)):
            return linked
        moment = datetime.fromisoformat(article.published_at) if article.published_at else None
        since = (moment or self._clock()) - SAME_STORY_WINDOW
        # A feed's own stories are never merged by title: one site reuses headline shapes
        # ("Qualifying: Monaco") for different stories.
        candidates = await recent_stories(self._conn, iso(since), other_than_feed=feed.id)
        same_id = matching_headline(article.title, {s.id: s.title for s in candidates})
        return next((s for s in candidates if s.id == same_id), None)

    async def _note_only(self, feed: Feed, item: _Prepared, article_id: int) -> None:
        async with transaction(self._conn):
            await record_feed_entry(
                self._conn, feed.id, item.entry, article_id, backlog=item.backlog
            )

    def _next_poll(self, delay: float) -> str:
        return iso(self._clock() + timedelta(seconds=delay))

    async def _succeeded(
        self,
        report: FeedReport,
        etag: str | None,
        last_modified: str | None,
        title: str | None = None,
    ) -> FeedReport:
        interval = report.feed.interval_seconds or self._interval
        # A little jitter keeps feeds added together from being fetched together forever.
        report.next_poll_at = self._next_poll(interval * self._rng.uniform(1.0, 1.1))
        await record_poll_success(
            self._conn,
            report.feed.id,
            polled_at=iso(self._clock()),
            next_poll_at=report.next_poll_at,
            etag=etag,
            last_modified=last_modified,
            title=title,
        )
        return report

    async def _failed(self, feed: Feed, error: str, retry_after: float | None) -> FeedReport:
        interval = feed.interval_seconds or self._interval
        backoff = min(interval * 2 ** min(feed.failures + 1, 10), MAX_BACKOFF.total_seconds())
        delay = backoff * self._rng.uniform(0.5, 1.0)
        if retry_after is not None:
            delay = max(delay, retry_after)
        next_poll_at = self._next_poll(delay)
        log.warning("feed %s failed (%d in a row): %s", feed.url, feed.failures + 1, error)
        await record_poll_failure(
            self._conn,
            feed.id,
            polled_at=iso(self._clock()),
            next_poll_at=next_poll_at,
            error=error,
        )
        return FeedReport(feed, "failed", next_poll_at, error=error)


@asynccontextmanager
async def open_poller(conn: aiosqlite.Connection, settings: Settings) -> AsyncIterator[FeedPoller]:
    """A poller configured from settings, with its HTTP session open for its lifetime."""
    policy = AddressPolicy.from_settings(settings.allow_private_feeds)
    async with SafeFetcher(policy) as fetcher:
        yield FeedPoller(
            conn, fetcher, interval=settings.poll_interval, default_feeds=settings.feeds
        )
