"""A real HTTP server on 127.0.0.1 serving feeds and article pages, and feed writers."""

from __future__ import annotations

import asyncio
import gzip
from collections import Counter
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from xml.sax.saxutils import escape

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.feeds.safe_fetch import AddressPolicy, SafeFetcher

LOCAL = AddressPolicy(allow_loopback=True, allow_private=True)


@dataclass(frozen=True, slots=True)
class Item:
    title: str
    link: str
    guid: str | None = None
    description: str = ""
    content: str = ""
    published: datetime | None = None


def hours_ago(hours: float) -> datetime:
    return datetime.now(UTC).replace(microsecond=0) - timedelta(hours=hours)


def rss(items: Iterable[Item], title: str = "Test Paddock Feed") -> bytes:
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">',
        f"<channel><title>{escape(title)}</title><link>https://example.org/</link>",
        "<description>Test feed</description>",
    ]
    for item in items:
        parts.append("<item>")
        parts.append(f"<title>{escape(item.title)}</title><link>{escape(item.link)}</link>")
        if item.guid:
            parts.append(f'<guid isPermaLink="false">{escape(item.guid)}</guid>')
        if item.published:
            parts.append(f"<pubDate>{format_datetime(item.published)}</pubDate>")
        if item.description:
            parts.append(f"<description>{escape(item.description)}</description>")
        if item.content:
            parts.append(f"<content:encoded><![CDATA[{item.content}]]></content:encoded>")
        parts.append("</item>")
    parts.append("</channel></rss>")
    return "\n".join(parts).encode("utf-8")


def atom(items: Iterable[Item], title: str = "Test Atom Feed") -> bytes:
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"<title>{escape(title)}</title><id>urn:test:feed</id>",
        "<updated>2025-01-01T00:00:00Z</updated>",
    ]
    for item in items:
        moment = (item.published or hours_ago(1)).isoformat()
        parts.append("<entry>")
        parts.append(f"<title>{escape(item.title)}</title>")
        parts.append(f'<link href="{escape(item.link)}"/>')
        parts.append(f"<id>{escape(item.guid or item.link)}</id>")
        parts.append(f"<updated>{moment}</updated><published>{moment}</published>")
        if item.description:
            parts.append(f"<summary>{escape(item.description)}</summary>")
        if item.content:
            parts.append(f'<content type="html">{escape(item.content)}</content>')
        parts.append("</entry>")
    parts.append("</feed>")
    return "\n".join(parts).encode("utf-8")


def article_page(title: str, paragraphs: Iterable[str]) -> str:
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html><head><title>{escape(title)}</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/news'>News</a> <a href='/shop'>Shop</a></nav>"
        f"<article><h1>{escape(title)}</h1>{body}</article>"
        "<footer>© Example Motorsport. All rights reserved. Cookie settings.</footer>"
        "</body></html>"
    )


@dataclass
class FeedServer:
    base: str = ""
    documents: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    hits: Counter[str] = field(default_factory=Counter)
    # Paths answered without ETag, as many feeds are: every request gets the whole body.
    without_validators: set[str] = field(default_factory=set)

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def serve(self, path: str, body: bytes | str, content_type: str = "application/rss+xml") -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.documents[path] = (data, content_type)
        return self.url(path)


def _app(state: FeedServer) -> web.Application:
    async def document(request: web.Request) -> web.StreamResponse:
        state.hits[request.path] += 1
        found = state.documents.get(request.path)
        if found is None:
            raise web.HTTPNotFound()
        body, content_type = found
        if request.path in state.without_validators:
            return web.Response(body=body, content_type=content_type)
        etag = f'"{hash(body) & 0xFFFFFFFF:x}"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(body=body, content_type=content_type, headers={"ETag": etag})

    async def gzipped(request: web.Request) -> web.Response:
        state.hits[request.path] += 1
        body, _ = state.documents["/gzip-source"]
        return web.Response(
            body=gzip.compress(body),
            headers={"Content-Encoding": "gzip", "Content-Type": "application/rss+xml"},
        )

    async def huge(request: web.Request) -> web.StreamResponse:
        state.hits[request.path] += 1
        response = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
        await response.prepare(request)
        chunk = b"<!-- padding -->" * 4096
        try:
            for _ in range(1000):  # about 64 MB, far past any cap
                await response.write(chunk)
        except (ConnectionResetError, RuntimeError):
            pass
        return response

    async def huge_declared(request: web.Request) -> web.Response:
        state.hits[request.path] += 1
        return web.Response(body=b"x" * (2 * 1024 * 1024), content_type="application/rss+xml")

    async def slow(request: web.Request) -> web.StreamResponse:
        state.hits[request.path] += 1
        response = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
        await response.prepare(request)
        try:
            for _ in range(100):
                await response.write(b" ")
                await asyncio.sleep(0.2)
        except (ConnectionResetError, RuntimeError):
            pass
        return response

    async def status(request: web.Request) -> web.Response:
        state.hits[request.path] += 1
        code = int(request.match_info["code"])
        headers = {"Retry-After": "120"} if code in (429, 503) else {}
        return web.Response(status=code, text="nope", headers=headers)

    async def redirect(request: web.Request) -> web.Response:
        state.hits[request.path] += 1
        targets = {
            "/redirect/loop": "/redirect/loop",
            "/redirect/ok": "/feeds/main.xml",
            "/redirect/private": "http://10.20.30.40/feed.xml",
            "/redirect/metadata": "http://169.254.169.254/latest/meta-data/",
            "/redirect/localhost": "http://localhost:9/feed.xml",
        }
        raise web.HTTPFound(targets[request.path])

    app = web.Application()
    app.router.add_get("/gzip", gzipped)
    app.router.add_get("/huge", huge)
    app.router.add_get("/huge-declared", huge_declared)
    app.router.add_get("/slow", slow)
    app.router.add_get("/status/{code}", status)
    app.router.add_get("/redirect/{name}", redirect)
    app.router.add_get("/{tail:.*}", document)
    return app


@pytest.fixture
async def feed_server() -> AsyncIterator[FeedServer]:
    state = FeedServer()
    server = TestServer(_app(state), host="127.0.0.1")
    await server.start_server()
    state.base = str(server.make_url("")).rstrip("/")
    try:
        yield state
    finally:
        await server.close()


@pytest.fixture
async def fetcher() -> AsyncIterator[SafeFetcher]:
    async with SafeFetcher(LOCAL, max_bytes=1024 * 1024, total_timeout=3.0) as session:
        yield session
