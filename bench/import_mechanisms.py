"""What each bulk-import mechanism buys at 100k: ``python -m bench.import_mechanisms``.

Builds a 98,000-story archive once (as ``python -m bench`` does before its 100k sample),
then, round after round, imports the same 2,000 stories into a fresh copy of it with every
mechanism on and with each one switched off in turn, in a new process each time, the order
rotating from round to round so a busy spell on the shared machine hits every variant alike.
Prints each variant's median rate and its ratio to everything on.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

from bench.corpus import CorpusWriter, batches, cast_from
from bench.scale import BULK_BATCH, BULK_LOAD_CACHE_MIB, PIPELINE_BATCH, bulk_load, load_people_into
from bot.mentions import mention_finder
from storage.db import bulk_writes, connect
from storage.people import load_people

ROOT = Path(__file__).resolve().parents[1]
ARCHIVE = 98_000
SAMPLE = 2_000
SEED = 2025
VARIANTS = (
    "all",
    "no-workers",
    "no-freeze",
    "no-nice",
    "no-checkpointer",
    "no-bulk-writes",
    "no-date-order",
    "no-prefetch",
    "workers-only",
)


async def build(archive: Path, f1db: Path) -> None:
    async with connect(archive) as conn:
        await load_people_into(conn, f1db)
        writer = CorpusWriter(cast_from(await load_people(conn)), seed=SEED)
        finder = mention_finder(await load_people(conn))
        async with bulk_writes(conn, BULK_LOAD_CACHE_MIB):
            for batch in batches(writer, 0, ARCHIVE, BULK_BATCH):
                await bulk_load(conn, batch, finder)


@contextlib.asynccontextmanager
async def _no_bulk_writes(conn: object, cache_mib: int = 0) -> AsyncIterator[None]:
    yield


def _switch_off(variant: str) -> int | None:
    """Patches the import for ``variant``; returns the workers to use (None: the default)."""
    from bot import ingest, work_ahead
    from storage import db

    off = {variant.removeprefix("no-")}
    if variant == "workers-only":
        off = {"freeze", "nice", "bulk-writes", "date-order", "prefetch"}
    if "workers" in off:
        return 0
    if "freeze" in off:
        ingest._objects_so_far_frozen = contextlib.nullcontext  # type: ignore[assignment]
    if "nice" in off:
        work_ahead.WORKER_NICENESS = 0
    if "checkpointer" in off:
        db.WalCheckpointer.start = classmethod(lambda cls, database: None)  # type: ignore[assignment]
    if "bulk-writes" in off:
        ingest.bulk_writes = _no_bulk_writes  # type: ignore[assignment]
    if "date-order" in off:
        ingest._in_date_order = lambda batches, window: (list(b) for b in batches)  # type: ignore[assignment]
    if "prefetch" in off:
        ingest._PREFETCH = 0
    return None


async def trial(database: Path, variant: str, back_dated: bool) -> float:
    from bot.ingest import default_workers, ingest_batches
    from bot.pipeline import article_hooks

    workers = _switch_off(variant)
    async with connect(database) as conn:
        writer = CorpusWriter(cast_from(await load_people(conn)), seed=SEED)
        hooks = await article_hooks(conn)
        start = ARCHIVE if not back_dated else ARCHIVE + SAMPLE
        stories = [item.parsed for item in writer.articles(start, SAMPLE, back_dated=back_dated)]
        sample = [stories[i : i + PIPELINE_BATCH] for i in range(0, SAMPLE, PIPELINE_BATCH)]
        began = time.perf_counter()
        async for _ in ingest_batches(
            conn, sample, hooks, workers=default_workers() if workers is None else workers
        ):
            pass
        return SAMPLE / (time.perf_counter() - began)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--work", type=Path, default=Path("/tmp/paddock-mechanisms"))
    parser.add_argument("--f1db", type=Path, default=ROOT.parent / "shared" / "data" / "f1db")
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--back-dated", action="store_true")
    parser.add_argument("--trial", help=argparse.SUPPRESS)
    args = parser.parse_args()
    archive = args.work / "archive.db"
    copy = args.work / "trial.db"
    if args.trial:
        print(json.dumps(asyncio.run(trial(copy, args.trial, args.back_dated))))
        return
    args.work.mkdir(parents=True, exist_ok=True)
    if not archive.exists():
        began = time.perf_counter()
        asyncio.run(build(archive, args.f1db))
        print(f"built {ARCHIVE:,} stories in {time.perf_counter() - began:.0f} s", flush=True)
    variants = args.variants.split(",")
    rates: dict[str, list[float]] = {v: [] for v in variants}
    for round_number in range(args.rounds):
        shift = round_number % len(variants)
        for variant in variants[shift:] + variants[:shift]:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{copy}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(archive, copy)
            command = [sys.executable, "-m", "bench.import_mechanisms", "--trial", variant]
            command += ["--work", str(args.work)] + (["--back-dated"] if args.back_dated else [])
            out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
            rates[variant].append(float(out.strip().splitlines()[-1]))
            print(f"round {round_number + 1} {variant}: {rates[variant][-1]:.0f}/s", flush=True)
    base = statistics.median(rates[variants[0]])
    print(f"\n{'variant':<16} {'median/s':>9} {'ratio':>6}  all rates")
    for variant, found in rates.items():
        median = statistics.median(found)
        listed = ", ".join(f"{r:.0f}" for r in found)
        print(f"{variant:<16} {median:>9.0f} {median / base:>6.2f}  {listed}")


if __name__ == "__main__":
    main()
