"""Cost of filling and draining the delivery outbox for many servers.

Run from the project root: ``python -m bench.bench_delivery [--guilds N] [--stories N]``.
It configures N servers in a temporary database, stores stories through the delivery hook
(one outbox row per server each), then drains the outbox with a sender that answers at once.
The pacer runs on a simulated clock, so the report separates Paddock's own cost (wall time)
from the time Discord's rate limits would add (simulated time).
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.delivery.outbox import Delivery, DeliveryPacer, DeliveryWorker, delivery_hook
from bot.ingest.store import ingest_article
from bot.news.articles import ParsedArticle
from storage.database import connect
from storage.deliveries import delivery_counts
from storage.guilds import set_news_channel


class InstantSender:
    """Answers every send at once, returning the same message for a repeated nonce."""

    def __init__(self) -> None:
        self.messages: dict[str, int] = {}

    async def send(self, delivery: Delivery) -> int:
        return self.messages.setdefault(delivery.nonce, len(self.messages) + 1)

    async def edit(self, delivery: Delivery, message_id: int) -> None:
        return None


class SimulatedClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        await asyncio.sleep(0)


async def run(guilds: int, stories: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        async with connect(Path(folder) / "bench.db") as db:
            for guild_id in range(1, guilds + 1):
                await set_news_channel(db, guild_id, 10_000 + guild_id)
            hook = delivery_hook()
            started = time.perf_counter()
            for n in range(stories):
                story = ParsedArticle(
                    title=f"Benchmark story {n}: the paddock reacts",
                    body=f"Story {n}. " + "The stewards reviewed the incident. " * 40,
                    url=f"https://bench.example/{n}",
                    source="Bench",
                    published_at=datetime.now(UTC).isoformat(),
                )
                await ingest_article(db, story, [hook])
            queued = time.perf_counter() - started

            clock = SimulatedClock()
            worker = DeliveryWorker(
                db,
                InstantSender(),
                pacer=DeliveryPacer(clock=clock, sleep=clock.sleep),
            )
            started = time.perf_counter()
            sent = 0
            while not (report := await worker.run_once()).idle:
                sent += len(report.sent)
                if not report.sent:
                    # Every channel with posts left has used its share: let simulated time
                    # pass as the delivery loop's interval would.
                    await clock.sleep(0.1)
            drained = time.perf_counter() - started
            pending = sum(c.pending for c in await delivery_counts(db.reader))

    rows = guilds * stories
    print(f"servers {guilds}, stories {stories}, outbox rows {rows}")
    print(f"queue   {queued * 1000 / stories:8.1f} ms per story ({rows / queued:,.0f} rows/s)")
    print(f"drain   {drained:8.2f} s wall for {sent} posts ({sent / drained:,.0f} posts/s)")
    print(f"paced   {clock.now:8.2f} s simulated under Discord's limits; {pending} left")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--guilds", type=int, default=500)
    parser.add_argument("--stories", type=int, default=10)
    args = parser.parse_args()
    asyncio.run(run(args.guilds, args.stories))


if __name__ == "__main__":
    main()
