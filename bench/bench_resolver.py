"""Resolver latency with the full F1DB directory loaded.

Run from the project root: ``python -m bench.bench_resolver [--f1db DIR] [--rounds N]``.
It imports F1DB into a temporary database, loads the directory once, then times single
``resolve`` and ``autocomplete`` calls over a mix of the query kinds fans type.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bot.people.f1db import read_f1db
from bot.people.resolver import PeopleDirectory
from storage.database import connect
from storage.people import ensure_builtin_people, load_directory, merge_into_directory

DEFAULT_F1DB = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "f1db"
QUERIES = (
    "Lewis Hamilton",
    "hamilton",
    "verstappen max",
    "Kimi Raikkonen",
    "russsell",
    "hulkenberk",
    "ricciardio",
    "verst",
    "checo",
    "the iceman",
    "HAM",
    "bot",
    "#44",
    "63",
    "toto",
    "zak brown",
    "schumacher",
    "Zhou Guanyu",
    "Carlos Sainz Jr.",
    "Mercedes",
    "banana",
    "hello there",
    "<@123456>",
    "'; DROP TABLE--",
    "",
    "x" * 500,
)
PARTIALS = ("", "l", "le", "lew", "ham", "verst", "sch", "to", "ch", "nor", "44", "pia")


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return statistics.median(ordered), p99


def _time(call: Callable[[str], object], inputs: tuple[str, ...], rounds: int) -> list[float]:
    samples: list[float] = []
    for _ in range(rounds):
        for text in inputs:
            start = time.perf_counter()
            call(text)
            samples.append((time.perf_counter() - start) * 1000)
    return samples


async def _directory(f1db: Path, database: Path) -> tuple[PeopleDirectory, float]:
    async with connect(database) as db:
        await ensure_builtin_people(db)
        await merge_into_directory(db, read_f1db(f1db).people, incoming_wins=True)
        start = time.perf_counter()
        directory = await load_directory(db)
        return directory, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--f1db", type=Path, default=DEFAULT_F1DB)
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        directory, load_seconds = asyncio.run(_directory(args.f1db, Path(tmp) / "bench.db"))
    print(f"{len(directory)} people; load_directory took {load_seconds * 1000:.0f} ms")
    for name, call, inputs in (
        ("resolve", directory.resolve, QUERIES),
        ("autocomplete", directory.autocomplete, PARTIALS),
        ("resolve_mention", directory.resolve_mention, QUERIES),
    ):
        p50, p99 = _percentiles(_time(call, inputs, args.rounds))
        print(f"{name:<16} p50 {p50:.3f} ms   p99 {p99:.3f} ms   ({len(inputs)} inputs)")


if __name__ == "__main__":
    main()
