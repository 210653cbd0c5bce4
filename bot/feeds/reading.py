"""News feeds: what a feed is, reading RSS and Atom into articles, and adding feeds safely."""

from __future__ import annotations

import calendar
import hashlib
import io
import re
from collections.abc import Container, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

import feedparser
from rapidfuzz import fuzz, process
from rapidfuzz.utils import default_process

from bot.feeds.safe_fetch import FetchError, SafeFetcher, check_url
from bot.news.articles import ParsedArticle, summarise
from bot.news.urls import canonical_url, host_of
from storage.database import Database
from storage.feeds import (
    Feed,
    add_global_feed,
    add_guild_feed,
    count_guild_feeds,
    get_feed,
)

MAX_GUILD_FEEDS = 10
# Below this many characters an entry is a teaser, and the article page is read instead.
SHORT_SUMMARY_CHARS = 600
_BLOCK_TAGS = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr"}
)
_SKIPPED_TAGS = frozenset({"script", "style", "figure", "figcaption", "iframe", "noscript"})
SAME_HEADLINE_SCORE = 90  # rapidfuzz ratio of normalised titles: reworded headlines stay apart
_NUMBERS = re.compile(r"\d+")
# The best few near-identical headlines looked at, in case the best are left out.
_SAME_HEADLINES_SHOWN = 8
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
# An entity declaration in a document's DTD, and the only kind allowed: one character
# reference (``<!ENTITY nbsp "&#160;">``), which cannot grow into anything.
_ENTITY_DECLARATIONS = [
    "<!ENTITY".encode(codec)
    for codec in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
]
_HARMLESS_ENTITY = re.compile(
    rb"<!ENTITY\s+[\w.:-]+\s+(\"&#x?[0-9a-fA-F]+;\"|'&#x?[0-9a-fA-F]+;')\s*>"
)
_ANY_ENTITY = re.compile(rb"<!ENTITY")


class FeedError(Exception):
    """A feed cannot be added or read; the message is meant for the person who asked."""


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One item of a feed, read but not yet stored."""

    key: str  # stable identity within the feed: GUID, else link, else title
    fingerprint: str  # changes when the entry is edited or re-dated
    title: str
    link: str | None
    guid: str | None
    published_at: str | None
    author: str
    tags: tuple[str, ...]
    content: str  # full text when the feed carries it
    summary: str  # the feed's teaser, as text

    @property
    def needs_page(self) -> bool:
        """Only a short teaser in the feed: the story's words are on its page."""
        return bool(self.link) and not self.content and len(self.summary) < SHORT_SUMMARY_CHARS

    def article(self, source: str, page_text: str | None = None) -> ParsedArticle:
        body = max((self.content, page_text or "", self.summary), key=len)
        return ParsedArticle(
            title=self.title,
            body=body,
            author=self.author,
            tags=self.tags,
            url=self.link,
            guid=self.guid,
            source=source,
            published_at=self.published_at,
            summary=self.summary if self.summary and len(self.summary) <= 420 else summarise(body),
        )


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    title: str
    entries: list[FeedEntry]


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self._skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Plain paragraphs from an HTML fragment such as a feed's description."""
    if "<" not in html and "&" not in html:
        return _tidy(html)
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    return _tidy("".join(collector.parts))


def _tidy(text: str) -> str:
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def page_text(html: bytes | str, url: str) -> str | None:
    """The article text of a web page, without menus, adverts and comments."""
    import trafilatura

    text = trafilatura.extract(
        html, url=url, include_comments=False, include_tables=False, favor_precision=True
    )
    if not text:
        return None
    return _BLANK_LINES.sub("\n\n", text.replace("\n", "\n\n")).strip()


class Headlines:
    """Headlines to find a story's copies among (``matching_headline``), grouped by the
    numbers they hold: numbers must agree, so each look-up compares only what could match,
    and a headline's numbers are read once however often it is compared."""

    def __init__(self, candidates: Mapping[int, str] | None = None) -> None:
        self._by_numbers: dict[tuple[str, ...], dict[int, str]] = {}
        for key, title in (candidates or {}).items():
            self.add(key, title)

    def add(self, key: int, title: str) -> None:
        self._by_numbers.setdefault(tuple(_NUMBERS.findall(title)), {})[key] = title

    def match(self, title: str, *, excluding: Container[int] = ()) -> int | None:
        """The key of a headline that is the same as ``title`` but for punctuation, case or
        a word or two, leaving out the keys in ``excluding``."""
        group = self._by_numbers.get(tuple(_NUMBERS.findall(title)))
        if not group:
            return None
        found = process.extract(
            title,
            group,
            scorer=fuzz.ratio,
            processor=default_process,
            score_cutoff=SAME_HEADLINE_SCORE,
            limit=_SAME_HEADLINES_SHOWN,
        )
        return next((key for _, _, key in found if key not in excluding), None)


def matching_headline(title: str, candidates: Mapping[int, str]) -> int | None:
    """The key of a candidate whose headline is the same as ``title`` but for punctuation,
    case or a word or two; numbers must agree, so "FP1 results" never matches "FP2 results".
    """
    return Headlines(candidates).match(title)


def _timestamp(entry: Any) -> str | None:
    for name in ("published_parsed", "updated_parsed", "created_parsed"):
        moment = entry.get(name)
        if moment:
            return datetime.fromtimestamp(calendar.timegm(moment), UTC).isoformat()
    return None


def _entry(raw: Any, feed_url: str) -> FeedEntry | None:
    title = html_to_text(raw.get("title", "")).replace("\n", " ")
    link_text = raw.get("link") or ""
    link = canonical_url(link_text) if link_text.startswith(("http://", "https://")) else None
    raw_guid = (raw.get("id") or "").strip()
    guid: str | None = None
    if raw_guid:
        # GUIDs are only unique within a feed; a bare "12345" is named after its feed's host
        # so two sites' item 12345 never merge.
        is_url = raw_guid.startswith(("http://", "https://"))
        guid = canonical_url(raw_guid) if is_url else f"{host_of(feed_url)}#{raw_guid}"
    if not title:
        return None
    contents = [c.get("value", "") for c in raw.get("content", []) if c.get("value")]
    content = max((html_to_text(c) for c in contents), key=len, default="")
    summary = html_to_text(raw.get("summary", ""))
    if summary == content:
        content_text, summary_text = content, summarise(content)
    else:
        content_text, summary_text = content, summary
    published_at = _timestamp(raw)
    fingerprint = hashlib.sha256(
        "\x1f".join((title, link or "", content_text, summary_text, published_at or "")).encode()
    ).hexdigest()
    return FeedEntry(
        key=guid or link or f"title:{title.casefold()}",
        fingerprint=fingerprint,
        title=title,
        link=link,
        guid=guid,
        published_at=published_at,
        author=(raw.get("author") or "").strip(),
        tags=tuple(
            t.get("term", "").strip() for t in raw.get("tags", []) if t.get("term", "").strip()
        ),
        content=content_text,
        summary=summary_text,
    )


def parse_feed(body: bytes, url: str, content_type: str = "") -> ParsedFeed:
    """Entries of an RSS 0.9x/1.0/2.0 or Atom document, newest first.

    feedparser is given the bytes already fetched, wrapped in a stream: handed a string it
    would treat it as a URL or file name and fetch it itself, past every safety check.
    """
    if not body.strip():
        raise FeedError("The feed is empty: the server sent no content.")
    _refuse_entity_declarations(body)
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(io.BytesIO(body), response_headers=headers)
    if parsed.get("bozo") and not parsed.entries and not parsed.feed.get("title"):
        problem = parsed.get("bozo_exception")
        detail = f" ({problem})" if problem else ""
        raise FeedError(f"That address does not hold an RSS or Atom feed{detail}.")
    if not parsed.get("version") and not parsed.entries:
        raise FeedError("That address does not hold an RSS or Atom feed.")
    entries = [entry for raw in parsed.entries if (entry := _entry(raw, url)) is not None]
    # Feeds list newest first by custom, not by rule; sort so "newest 3" means what it says.
    entries.sort(key=lambda e: e.published_at or "", reverse=True)
    title = html_to_text(parsed.feed.get("title", "")).replace("\n", " ")
    return ParsedFeed(title=title, entries=entries)


def _refuse_entity_declarations(body: bytes) -> None:
    """Refuse a feed that declares its own XML entities, before any parser expands them.

    Entities nested ten deep ("billion laughs") or one long entity used a thousand times
    turn a few kilobytes into gigabytes; feedparser's fallback parser then posts the
    unexpanded ``&lol9;`` as a title. Feeds have no use for them, so only single-character
    ones, which cannot grow, are let through.
    """
    if not any(declaration in body for declaration in _ENTITY_DECLARATIONS):
        return
    harmless = len(_HARMLESS_ENTITY.findall(body))
    if harmless == len(_ANY_ENTITY.findall(body)) and harmless:
        return
    raise FeedError(
        "That feed declares its own XML entities (<!ENTITY ...>), which can make a small "
        "feed expand to gigabytes; Paddock does not read such feeds."
    )


@dataclass(frozen=True, slots=True)
class AddedFeed:
    feed: Feed
    added: bool  # False when it was already there
    entries: int


async def check_feed(fetcher: SafeFetcher, url: str) -> tuple[str, ParsedFeed]:
    """The canonical URL and contents of a feed someone wants to add, or FeedError."""
    try:
        target = str(check_url(url, fetcher.policy))
        result = await fetcher.fetch(target)
    except FetchError as exc:
        raise FeedError(str(exc)) from None
    return canonical_url(result.url), parse_feed(result.body, result.url, result.content_type)


async def add_feed(
    db: Database, fetcher: SafeFetcher, url: str, *, guild_id: int | None = None
) -> AddedFeed:
    """Check that ``url`` is a public, readable feed, then add it globally or for one server."""
    conn = db.reader
    if guild_id is not None and await count_guild_feeds(conn, guild_id) >= MAX_GUILD_FEEDS:
        raise FeedError(f"A server can add at most {MAX_GUILD_FEEDS} feeds; remove one first.")
    feed_url, parsed = await check_feed(fetcher, url)
    if guild_id is None:
        added = await add_global_feed(db, feed_url, title=parsed.title)
    else:
        everyones = await get_feed(conn, feed_url)
        if everyones is not None and everyones.active:
            raise FeedError("Paddock already reads that feed for every server.")
        added = await add_guild_feed(db, guild_id, feed_url, title=parsed.title)
    feed = await get_feed(conn, feed_url, guild_id=guild_id)
    assert feed is not None
    return AddedFeed(feed=feed, added=added, entries=len(parsed.entries))
