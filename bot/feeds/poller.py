"""Polling feeds: fetch politely, read entries, store new and edited stories once.

A round fetches due feeds concurrently (a few at a time, each under its own deadline), so
one slow or broken feed never holds up the others. Storing is serialised: the check for
"the same story from another site" and the insert must not interleave between feeds.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import random
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Literal

from bot.feeds.reading import (
    FeedEntry,
    FeedError,
    ParsedFeed,
    page_text,
    parse_feed,
)
from bot.feeds.safe_fetch import PAGE_ACCEPT, AddressPolicy, FetchError, SafeFetcher
from bot.feeds.same_story import RecentStories
from bot.ingest.store import AfterStore, ingest_articles
from bot.news.articles import Article, ParsedArticle, content_hash
from bot.settings import DEFAULT_POSTS_PER_FEED_READ, Settings
from storage.articles import StoreResult, find_existing_many
from storage.database import Connection, Database
from storage.feeds import (
    Feed,
    RecentStory,
    active_feeds,
    due_feeds,
    record_feed_entry,
    record_poll_failure,
    record_poll_success,
    seed_global_feeds,
    seen_entries,
    stories_for_links,
)

log = logging.getLogger(__name__)

BACKLOG_POSTS = 3  # a feed's first poll posts at most this many of its newest stories
HELD_BACK_BACKLOG = "backlog"  # the feed's older stories on its first read
# Feeds of one server read at once, so one server's slow feeds never take every slot.
SERVER_FEEDS_AT_ONCE = 2
MAX_BACKOFF = timedelta(hours=6)
# A round's feeds are stored together (oldest entry first) once all have answered, or this
# many seconds after the round began; a feed slower than that is stored when it answers,
# so one hanging site never holds back the others' news.
ROUND_GRACE_SECONDS = 2.0

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
    backlog: int = 0  # new stories stored but not posted (first read's backlog, or a flood)
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
    held_back: str | None  # why the story is stored but not posted, if it is not
    known: bool  # the feed showed this entry before: changes to it are edits


@dataclass(frozen=True, slots=True)
class _StoredCopies:
    """What is stored under an entry's URL, GUID or words (``FeedPoller._stored_copies``)."""

    own: Article | None  # the feed owner's own story
    everyones: Article | None  # for a server's feed, the global story
    linked: RecentStory | None  # what a visible feed carried under the entry's link


@dataclass(slots=True)
class _Read:
    """A feed fetched and its new entries prepared, waiting to be stored."""

    feed: Feed
    started: datetime
    etag: str | None
    last_modified: str | None
    body_digest: str
    title: str | None
    prepared: list[_Prepared]


class FeedPoller:
    def __init__(
        self,
        db: Database,
        fetcher: SafeFetcher,
        *,
        interval: int = 300,
        default_feeds: Sequence[str] = (),
        concurrency: int = 4,
        feed_timeout: float = 30.0,
        page_fetches_per_feed: int = 10,
        posts_per_read: int = DEFAULT_POSTS_PER_FEED_READ,
        hooks: Sequence[AfterStore] | None = None,
        clock: Clock | None = None,
        rng: random.Random | None = None,
    ) -> None:
        """``hooks`` replaces the standard outbox step (tests choose their own).

        ``concurrency`` feeds of the operator's are read at once, and as many of servers'
        own, at most ``SERVER_FEEDS_AT_ONCE`` of one server: a server's slow feeds can
        hold up neither the global news nor another server's.
        """
        self._db = db
        self._fetcher = fetcher
        self._interval = interval
        self._default_feeds = tuple(default_feeds)
        self._seeded = False
        self._global_slots = asyncio.Semaphore(concurrency)
        self._server_slots = asyncio.Semaphore(concurrency)
        self._slots_of_server: dict[int, asyncio.Semaphore] = {}
        self._posts_per_read = posts_per_read
        self._feed_timeout = feed_timeout
        self._page_fetches = page_fetches_per_feed
        self._hooks = list(hooks) if hooks is not None else None
        self._clock = clock or (lambda: datetime.now(UTC))
        self._rng = rng or random.Random()
        self._store_lock = asyncio.Lock()

    @classmethod
    def from_settings(cls, db: Database, fetcher: SafeFetcher, settings: Settings) -> FeedPoller:
        return cls(
            db,
            fetcher,
            interval=settings.poll_interval,
            default_feeds=settings.feeds,
            posts_per_read=settings.posts_per_feed_read,
        )

    async def poll_due(self) -> PollRound:
        """Poll every feed whose time has come."""
        await self._seed()
        return await self._poll_many(await due_feeds(self._db.reader, iso(self._clock())))

    async def poll_all(self) -> PollRound:
        """Poll every feed now, whatever its schedule (conditional GET still applies)."""
        await self._seed()
        return await self._poll_many(await active_feeds(self._db.reader))

    async def _seed(self) -> None:
        if not self._seeded:
            await seed_global_feeds(self._db, self._default_feeds)
            self._seeded = True

    async def _poll_many(self, feeds: Sequence[Feed]) -> PollRound:
        if not feeds:
            return PollRound()
        hooks = await self._standard_hooks()

        async def limited(feed: Feed) -> FeedReport | _Read:
            if feed.guild_id is None:
                async with self._global_slots:
                    return await self._read(feed)
            own = self._slots_of_server.setdefault(
                feed.guild_id, asyncio.Semaphore(SERVER_FEEDS_AT_ONCE)
            )
            async with own, self._server_slots:
                return await self._read(feed)

        tasks = [asyncio.ensure_future(limited(feed)) for feed in feeds]
        reports: dict[asyncio.Task[FeedReport | _Read], FeedReport] = {}

        async def store(done: set[asyncio.Task[FeedReport | _Read]]) -> None:
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
            # Servers with no feed waiting keep no semaphore.
            self._slots_of_server = {
                guild: slots for guild, slots in self._slots_of_server.items() if slots.locked()
            }
        return PollRound([reports[task] for task in tasks])

    async def _standard_hooks(self) -> list[AfterStore]:
        if self._hooks is not None:
            return self._hooks
        from bot.delivery.outbox import delivery_hook
        from bot.ingest.store import story_people

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
                # Many feeds send no validators: the same bytes as last time are no news either.
                body_digest = hashlib.sha256(fetched.body).hexdigest()
                if fetched.not_modified or (
                    feed.primed_at is not None and body_digest == feed.body_digest
                ):
                    return await self._succeeded(
                        FeedReport(feed, "not_modified", ""), fetched.etag, fetched.last_modified
                    )
                # A 5 MB feed takes feedparser a while: parse it off the event loop.
                parsed = await asyncio.to_thread(
                    parse_feed, fetched.body, fetched.url, fetched.content_type
                )
        except TimeoutError:
            return await self._failed(
                feed, f"The feed took longer than {_seconds(self._feed_timeout)} to answer.", None
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
        return _Read(
            feed, started, fetched.etag, fetched.last_modified, body_digest, parsed.title, prepared
        )

    async def _store_reads(
        self, reads: Sequence[_Read], hooks: Sequence[AfterStore]
    ) -> list[FeedReport]:
        """Store the new entries of every feed read in a round, one report per feed.

        Each feed's new stories go in as one batch, oldest first, in one transaction with
        their quotes, names and outbox rows. Feeds go in the order of their oldest new
        entry, so story ids (and the order of posts) roughly follow publication, and when
        two feeds carry the same story the copy published first is usually the one kept.
        """
        reports = [FeedReport(read.feed, "ok", "") for read in reads]
        dates = [
            datetime.fromisoformat(item.article.published_at)
            for read in reads
            for item in read.prepared
            if item.article.published_at
        ]
        window = RecentStories(self._db, self._clock(), min(dates, default=None))
        broken: set[int] = set()
        for r in sorted(range(len(reads)), key=lambda r: _oldest(reads[r].prepared)):
            read = reads[r]
            try:
                async with self._store_lock:
                    await self._store_feed(read, hooks, reports[r], window)
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
            done.append(
                await self._succeeded(
                    report, read.etag, read.last_modified, read.title, read.body_digest
                )
            )
        return done

    async def _prepare(self, feed: Feed, parsed: ParsedFeed, pages_until: float) -> list[_Prepared]:
        """New and edited entries as articles of the feed's owner, reading article pages for
        teaser-only ones. A first read posts only the newest ``BACKLOG_POSTS`` entries, a
        later one the newest ``posts_per_read`` new ones: the rest are held back."""
        seen = await seen_entries(self._db.reader, feed.id)
        first_poll = feed.primed_at is None
        source = parsed.title or feed.name
        prepared: list[_Prepared] = []
        keys: set[str] = set()
        pages_left = self._page_fetches
        posts_left = (
            min(BACKLOG_POSTS, self._posts_per_read) if first_poll else self._posts_per_read
        )
        for entry in parsed.entries:
            if entry.key in keys or seen.get(entry.key) == entry.fingerprint:
                continue
            keys.add(entry.key)
            known = entry.key in seen
            held_back = None
            if not known:
                if posts_left > 0:
                    posts_left -= 1
                elif first_poll:
                    held_back = HELD_BACK_BACKLOG
                else:
                    held_back = (
                        f"flood: more than {self._posts_per_read} new stories "
                        "in one read of this feed"
                    )
            # Stories held back are kept for search but never posted, so their pages are
            # not read.
            text = None
            if entry.needs_page and held_back is None and pages_left > 0 and entry.link:
                pages_left -= 1
                text = await self._read_page(entry.link, pages_until)
            article = replace(entry.article(source, text), guild_id=feed.guild_id)
            prepared.append(_Prepared(entry, article, held_back, known))
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

    async def _store_feed(
        self, read: _Read, hooks: Sequence[AfterStore], report: FeedReport, window: RecentStories
    ) -> None:
        """Store one feed's new and edited entries: the copies of stories its owner already
        sees are only noted, the rest stored in one batch."""
        feed = read.feed
        storing: list[tuple[_Prepared, ParsedArticle, str]] = []
        noted: list[tuple[_Prepared, int]] = []
        # A feed lists its newest first: reversed, entries of one date stay oldest first.
        items = sorted(reversed(read.prepared), key=_publication_order)
        # Each entry's words hashed once, for the look-ups and for storing.
        digests = [content_hash(item.article.title, item.article.body) for item in items]
        copies = await self._stored_copies(feed, [item.article for item in items], digests)
        for item, stored, digest in zip(items, copies, digests, strict=True):
            article = item.article
            same = await self._same_story(feed, item, digest, stored, window)
            if same is not None:
                foreign = same.guild_id != feed.guild_id
                if foreign or len(article.body) <= same.body_length or not (same.url or same.guid):
                    # Another owner's story (a server's feed copying a global one) is never
                    # touched: the server already sees it, so this copy is only noted.
                    noted.append((item, same.id))
                    await window.stored(same, feed.id)
                    report.duplicates += 1
                    continue
                # The richer copy wins: aimed at the stored story, storing it updates it.
                article = replace(article, url=same.url, guid=same.guid)
            storing.append((item, article, digest))
        # Stored stories come back by their words; the entry each came from is recorded
        # first in the storing transaction, so deliveries see whether it is held back.
        entries = {digest: item for item, _, digest in storing}

        async def note_entry(conn: Connection, result: StoreResult) -> None:
            item = entries[result.article.content_hash]
            await record_feed_entry(
                conn, feed.id, item.entry, result.article.id, held_back=item.held_back
            )

        results = await ingest_articles(
            self._db,
            [article for _, article, _ in storing],
            [note_entry, *hooks],
            digests=[digest for _, _, digest in storing],
        )
        for (item, _, _), result in zip(storing, results, strict=True):
            await window.stored(_recent(result.article), feed.id)
            if result.created:
                report.created.append(result.article)
                report.backlog += item.held_back is not None
            elif result.updated:
                report.updated.append(result.article)
            else:
                noted.append((item, result.article.id))
                report.unchanged += 1
        if noted:
            async with self._db.write() as conn:
                for item, article_id in noted:
                    await record_feed_entry(
                        conn, feed.id, item.entry, article_id, held_back=item.held_back
                    )

    async def _stored_copies(
        self, feed: Feed, articles: Sequence[ParsedArticle], digests: Sequence[str]
    ) -> list[_StoredCopies]:
        """What is stored under each entry's URL, GUID or words (``digests``): the owner's
        story, the global one (for a server's feed) and what any feed carried under its
        link."""
        own = await find_existing_many(self._db.reader, articles, digests, owner=feed.guild_id)
        everyones: Sequence[Article | None] = [None] * len(articles)
        if feed.guild_id is not None:
            everyones = await find_existing_many(self._db.reader, articles, digests, owner=None)
        links = [article.url for article in articles if article.url]
        linked = await stories_for_links(self._db.reader, links, viewer=feed.guild_id)
        return [
            _StoredCopies(mine, theirs, linked.get(article.url) if article.url else None)
            for article, mine, theirs in zip(articles, own, everyones, strict=True)
        ]

    async def _same_story(
        self,
        feed: Feed,
        item: _Prepared,
        digest: str,
        stored: _StoredCopies,
        window: RecentStories,
    ) -> RecentStory | None:
        """The stored story this entry is another copy of, among those the feed's owner can
        see: its own and, for a server's feed, the global ones.

        An entry this feed showed before is the feed's own story, and new words in it are an
        edit, stored as they are. Otherwise a visible story with the same URL or GUID, or a
        story another source carried under the same link or a near-identical headline in
        the last few days, is the same news: the caller keeps whichever copy is richer when
        both are the owner's, and never touches another owner's.
        """
        article = item.article
        if stored.own is not None:
            same_words = stored.own.content_hash == digest
            return None if item.known or same_words else _recent(stored.own)
        if stored.everyones is not None:
            return _recent(stored.everyones)
        if stored.linked is not None:
            return stored.linked
        moment = datetime.fromisoformat(article.published_at) if article.published_at else None
        return await window.copy_of(article.title, moment, viewer=feed.guild_id, feed_id=feed.id)

    def _next_poll(self, delay: float) -> str:
        return iso(self._clock() + timedelta(seconds=delay))

    async def _succeeded(
        self,
        report: FeedReport,
        etag: str | None,
        last_modified: str | None,
        title: str | None = None,
        body_digest: str | None = None,
    ) -> FeedReport:
        interval = report.feed.interval_seconds or self._interval
        # A little jitter keeps feeds added together from being fetched together forever.
        report.next_poll_at = self._next_poll(interval * self._rng.uniform(1.0, 1.1))
        await record_poll_success(
            self._db,
            report.feed.id,
            polled_at=iso(self._clock()),
            next_poll_at=report.next_poll_at,
            etag=etag,
            last_modified=last_modified,
            title=title,
            body_digest=body_digest,
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
            self._db,
            feed.id,
            polled_at=iso(self._clock()),
            next_poll_at=next_poll_at,
            error=error,
        )
        return FeedReport(feed, "failed", next_poll_at, error=error)


def _seconds(amount: float) -> str:
    return f"{amount:g} second" + ("" if amount == 1 else "s")


def _publication_order(item: _Prepared) -> tuple[bool, str]:
    # Undated entries last, as they take the time they are stored.
    published = item.article.published_at
    return (published is None, published or "")


def _oldest(prepared: Sequence[_Prepared]) -> tuple[bool, str]:
    return min(map(_publication_order, prepared), default=(True, ""))


def _recent(article: Article) -> RecentStory:
    return RecentStory(
        article.id,
        article.title,
        len(article.body),
        article.url,
        article.guid,
        article.guild_id,
    )


@asynccontextmanager
async def open_poller(db: Database, settings: Settings) -> AsyncIterator[FeedPoller]:
    """A poller configured from settings, with its HTTP session open for its lifetime."""
    policy = AddressPolicy.from_settings(settings.allow_private_feeds)
    async with SafeFetcher(policy) as fetcher:
        yield FeedPoller.from_settings(db, fetcher, settings)
