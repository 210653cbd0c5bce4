"""What polling costs as the archive grows: ``python -m bench.bench_polling``.

For each archive size (default 1k and 100k stories, synthetic and dated months back), 50
feeds of 50 entries each are served from another process on 127.0.0.1, and the CPU time of
this process (every thread: the event loop and the database's) is measured for:

- first poll: every feed read for the first time, all 2,500 entries stored; beside it plain
  feedparser parsing the same 50 bodies, the least any reader of these feeds must spend;
- cycle: each feed then shows one new entry, read and stored;
- unchanged, no validators: the same bodies again from a server that sends neither ETag nor
  Last-Modified, so every poll gets the whole body.

Each is measured ``--repeat`` times on new sets of feeds (the stories of earlier sets then
fill the same-story window, as a busy day's would) and the medians are shown. The growth
ratio (100k over 1k) says whether a poll's cost depends on the archive's size.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

import feedparser

from bot.feeds.poller import FeedPoller
from bot.feeds.safe_fetch import AddressPolicy, SafeFetcher
from bot.news.articles import ParsedArticle
from storage.articles import store_articles
from storage.database import Database
from storage.feeds import add_global_feed

DRIVERS = ("Lando Norris", "Max Verstappen", "Charles Leclerc", "George Russell", "Oscar Piastri")
PLACES = ("Monza", "Suzuka", "Interlagos", "Silverstone", "Spa", "Zandvoort")
ARCHIVE_BATCH = 2_000


def _archive(size: int, now: datetime) -> Iterator[list[ParsedArticle]]:
    """Stories dated 30 days to three years back: none falls in a poll's same-story window."""
    rng = random.Random(size)
    batch: list[ParsedArticle] = []
    for n in range(size):
        driver, place = rng.choice(DRIVERS), rng.choice(PLACES)
        published = now - timedelta(days=30 + rng.random() * 1_000)
        batch.append(
            ParsedArticle(
                title=f"{driver} looks back on {place} (archive {n})",
                body=(
                    f"{driver} spoke about {place} in the paddock. "
                    f"“We learned a lot this weekend,” {driver} said after story {n}.\n\n"
                    "The team will study the data before the next round."
                ),
                url=f"https://archive.example/{n}",
                source="Archive",
                published_at=published.isoformat(),
            )
        )
        if len(batch) == ARCHIVE_BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _entry(feed: int, n: int, published: datetime) -> str:
    rng = random.Random(feed * 1_000 + n)
    driver, place = rng.choice(DRIVERS), rng.choice(PLACES)
    paragraphs = [
        f"{driver} reflected on a busy weekend at {place} for feed {feed}, entry {n}.",
        f"“The car felt strong in the long runs and we made the right calls,” {driver} said.",
        "The team will now focus on the next round, where the weather could play a part.",
    ]
    content = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        "<item>"
        f"<title>{escape(f'{driver} on {place}: feed {feed} entry {n}')}</title>"
        f"<link>https://feed{feed}.example/story/{n}</link>"
        f"<guid>https://feed{feed}.example/story/{n}</guid>"
        f"<pubDate>{format_datetime(published)}</pubDate>"
        f"<description>{escape(paragraphs[0])}</description>"
        f"<content:encoded>{escape(content)}</content:encoded>"
        "</item>"
    )


def _feed_body(feed: int, entries: range, now: datetime) -> bytes:
    # Four hours apart: a feed's 50 entries reach eight days back, as a news site's do.
    items = "".join(
        _entry(feed, n, now - timedelta(hours=4 * (entries.stop - n))) for n in reversed(entries)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>Feed {feed}</title><link>https://feed{feed}.example/</link>"
        f"{items}</channel></rss>"
    ).encode()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _Server:
    def __init__(self, folder: Path, *, validators: bool) -> None:
        self.port = _free_port()
        command = [sys.executable, "-m", "bench.static_server", str(folder), str(self.port)]
        if not validators:
            command.append("--no-validators")
        self.process = subprocess.Popen(command)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("the feed server did not start")

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait()


async def _cpu(poller: FeedPoller) -> tuple[float, int]:
    started = time.process_time()
    result = await poller.poll_all()
    failed = [report.error for report in result.failed]
    if failed:
        raise RuntimeError(f"{len(failed)} feeds failed, first: {failed[0]}")
    return time.process_time() - started, len(result.created)


async def measure(
    size: int, feeds: int, entries: int, folder: Path, repeat: int
) -> dict[str, float]:
    """Medians over ``repeat`` sets of new feeds, each read for the first time and then
    once more with one new entry each."""
    now = datetime.now(UTC)
    db = await Database.open(folder / f"archive-{size}.db")
    samples: dict[str, list[float]] = {}
    policy = AddressPolicy(allow_loopback=True)
    try:
        for batch in _archive(size, now):
            async with db.write() as conn:
                await store_articles(conn, batch)
        served = folder / f"feeds-{size}"
        served.mkdir()
        server = _Server(served, validators=True)
        bare = _Server(served, validators=False)
        try:
            for rep in range(repeat):
                numbers = range(rep * 1_000, rep * 1_000 + feeds)
                bodies = {f: _feed_body(f, range(entries), now) for f in numbers}
                for f, body in bodies.items():
                    (served / f"feed{f}.xml").write_bytes(body)
                started = time.process_time()
                for body in bodies.values():
                    feedparser.parse(body)
                samples.setdefault("feedparser_s", []).append(time.process_time() - started)
                async with SafeFetcher(policy) as fetcher:
                    for f in numbers:
                        await add_global_feed(db, server.url(f"feed{f}.xml"))
                    poller = FeedPoller(db, fetcher, concurrency=8)
                    cpu, stored = await _cpu(poller)
                    samples.setdefault("first_poll_s", []).append(cpu)
                    samples.setdefault("first_poll_stored", []).append(stored)
                    for f in numbers:
                        body = _feed_body(f, range(entries + 1), now + timedelta(hours=4))
                        (served / f"feed{f}.xml").write_bytes(body)
                    cpu, stored = await _cpu(poller)
                    samples.setdefault("cycle_s", []).append(cpu)
                    samples.setdefault("cycle_stored", []).append(stored)
                    # The same feeds from a server without validators: read once whole,
                    # then the same bytes again.
                    async with db.write() as conn:
                        await conn.execute(
                            "UPDATE feeds SET etag = NULL, last_modified = NULL, "
                            "url = replace(url, ?, ?) WHERE active = 1",
                            (f":{server.port}/", f":{bare.port}/"),
                        )
                    await _cpu(poller)
                    cpu, _ = await _cpu(poller)
                    samples.setdefault("unchanged_no_validators_s", []).append(cpu)
                    async with db.write() as conn:
                        await conn.execute("UPDATE feeds SET active = 0")
        finally:
            server.stop()
            bare.stop()
    finally:
        await db.close()
    return {name: statistics.median(values) for name, values in samples.items()}


async def run(
    sizes: list[int], feeds: int, entries: int, repeat: int
) -> dict[int, dict[str, float]]:
    results: dict[int, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            results[size] = await measure(size, feeds, entries, Path(tmp), repeat)
            shown = {k: round(v, 3) for k, v in results[size].items()}
            print(f"{size:>7} stories: {json.dumps(shown)}", flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 100_000])
    parser.add_argument("--feeds", type=int, default=50)
    parser.add_argument("--entries", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3, help="sets of feeds; medians shown")
    args = parser.parse_args()
    results = asyncio.run(run(args.sizes, args.feeds, args.entries, args.repeat))
    smallest, largest = results[min(results)], results[max(results)]
    for size, figures in results.items():
        ratio = figures["first_poll_s"] / figures["feedparser_s"]
        print(f"first poll at {size}: {ratio:.2f}x plain feedparser over the same feeds")
    growth = largest["cycle_s"] / smallest["cycle_s"]
    print(f"cycle of one new entry per feed, {max(results)} over {min(results)}: {growth:.2f}x")
    unchanged = largest["unchanged_no_validators_s"]
    print(f"unchanged feeds without validators at {max(results)}: {unchanged:.3f} s CPU")


if __name__ == "__main__":
    main()
