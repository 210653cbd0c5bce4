"""Feeds built to cost: entity expansion (billion laughs) and a gzip bomb, each served on
127.0.0.1 and read the way Paddock reads every feed."""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.feeds.poller import FeedPoller
from bot.feeds.reading import FeedError, add_feed
from bot.feeds.safe_fetch import ResponseTooLargeError, SafeFetcher
from storage.articles import article_stats
from storage.database import Database
from storage.feeds import add_global_feed
from tests.bot.feeds.conftest import LOCAL, FeedServer

ITEM = (
    "<item><title>{title}</title><link>https://news.example/laughs</link>"
    "<description>Nothing to see.</description></item>"
)


def feed_with_dtd(declarations: str, title: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<!DOCTYPE rss [\n{declarations}\n]>\n"
        '<rss version="2.0"><channel><title>Laughs</title><link>https://news.example/</link>'
        f"<description>x</description>{ITEM.format(title=title)}</channel></rss>"
    ).encode()


def billion_laughs() -> bytes:
    lines = ['<!ENTITY lol "lol">']
    lines += [
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">'
        for n in range(1, 10)
    ]
    return feed_with_dtd("\n".join(lines), "&lol9;")


def quadratic_blowup() -> bytes:
    """One 50 kB entity used a thousand times: 50 MB from 53 kB, past expat's own guard."""
    return feed_with_dtd(f'<!ENTITY a "{"x" * 50_000}">', "&a;" * 1000)


@pytest.mark.parametrize("body", [billion_laughs(), quadratic_blowup()], ids=["nested", "wide"])
async def test_an_entity_expansion_feed_is_refused_and_nothing_is_posted(
    db: Database, feed_server: FeedServer, fetcher: SafeFetcher, body: bytes
) -> None:
    url = feed_server.serve("/laughs.xml", body)
    with pytest.raises(FeedError, match=r"declares its own XML entities"):
        await add_feed(db, fetcher, url)

    await add_global_feed(db, url)
    polled = await FeedPoller(db, fetcher).poll_all()
    [report] = polled.reports
    assert report.status == "failed"
    assert report.error is not None and "declares its own XML entities" in report.error
    assert (await article_stats(db.reader)).articles == 0


async def test_a_character_entity_in_the_dtd_is_still_read(
    db: Database, feed_server: FeedServer, fetcher: SafeFetcher
) -> None:
    url = feed_server.serve(
        "/nbsp.xml", feed_with_dtd('<!ENTITY nbsp "&#160;">', "Pole&nbsp;for Norris")
    )
    added = await add_feed(db, fetcher, url)
    assert added.entries == 1
    [report] = (await FeedPoller(db, fetcher).poll_all()).reports
    assert [a.title for a in report.created] == ["Pole for Norris"]


# 1 MiB of zeros deflated after a full flush: the same few bytes every time, so the server
# can stream a bomb of any size without building it.
_COMPRESSOR = zlib.compressobj(9, zlib.DEFLATED, 31)
GZIP_HEADER = _COMPRESSOR.compress(b"")
MEBIBYTE_OF_ZEROS = _COMPRESSOR.compress(b"\0" * (1 << 20)) + _COMPRESSOR.flush(zlib.Z_FULL_FLUSH)
BOMB_MEBIBYTES = 1024 * 1024  # 1 TiB once inflated, about 1 GB on the wire


@pytest.fixture
async def bomb_server() -> AsyncIterator[tuple[str, list[int]]]:
    sent: list[int] = []

    async def bomb(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(
            headers={"Content-Encoding": "gzip", "Content-Type": "application/rss+xml"}
        )
        await response.prepare(request)
        await response.write(GZIP_HEADER)
        try:
            for _ in range(BOMB_MEBIBYTES):
                await response.write(MEBIBYTE_OF_ZEROS)
                sent.append(1)
        except (ConnectionResetError, RuntimeError):
            pass
        return response

    app = web.Application()
    app.router.add_get("/bomb.xml", bomb)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        yield str(server.make_url("/bomb.xml")), sent
    finally:
        await server.close()


async def test_a_gzip_bomb_is_cut_off_once_the_inflated_size_passes_the_cap(
    bomb_server: tuple[str, list[int]],
) -> None:
    url, sent = bomb_server
    async with SafeFetcher(LOCAL, max_bytes=5 * 1024 * 1024) as fetcher:
        with pytest.raises(ResponseTooLargeError, match=r"larger than 5 MB"):
            await fetcher.fetch(url)
    # The download stopped with the bomb barely begun (what the sockets buffer), not after
    # inflating it.
    assert len(sent) < BOMB_MEBIBYTES // 100
