"""What each bulk-import mechanism buys at 100k: ``python -m bench.import_mechanisms``.

Builds a 98,000-story archive once (as ``python -m bench`` does before its 100k sample),
then, round after round, imports the same 2,000 stories into a fresh copy of it as built,
with each mechanism switched off in turn (worker processes; batches handed to them ahead;
the bulk page cache, ``storage.db.bulk_writes``), each in a new process, the
order rotating from round to round so a busy spell on the shared machine hits every variant
alike. Prints each variant's median rate and its ratio to the build as it is.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from bench.corpus import CorpusWriter, batches, cast_from
from bench.scale import (
    BULK_BATCH,
    BULK_LOAD_CACHE_MIB,
    PIPELINE_BATCH,
    bulk_load,
    load_people_into,
    page_cache,
)
from bot.ingest import bulk as bulk_import
from bot.ingest.bulk import default_workers, store_batches
from bot.ingest.store import story_reader
from bot.news.mentions import mention_finder
from storage.database import Database, connect
from storage.people import load_people

ROOT = Path(__file__).resolve().parents[1]
ARCHIVE = 98_000
SAMPLE = 2_000
SEED = 2025
VARIANTS = ("as-built", "no-workers", "no-lookahead", "no-bulk-cache")


async def build(archive: Path, f1db: Path) -> None:
    async with connect(archive) as db:
        await load_people_into(db, f1db)
        writer = CorpusWriter(cast_from(await load_people(db.reader)), seed=SEED)
        finder = mention_finder(await load_people(db.reader))
        async with page_cache(db, BULK_LOAD_CACHE_MIB):
            for batch in batches(writer, 0, ARCHIVE, BULK_BATCH):
                await bulk_load(db, batch, finder)


@asynccontextmanager
async def _as_it_is(db: object, cache_mib: int = 0) -> AsyncIterator[None]:
    yield


async def trial(database: Path, variant: str, back_dated: bool) -> float:
    workers = 0 if variant == "no-workers" else default_workers()
    if variant == "no-lookahead":
        bulk_import.LOOKAHEAD_BATCHES = 0
    if variant == "no-bulk-cache":
        # The database's bulk settings left as they are, for this process only.
        setattr(Database, "bulk_writes", _as_it_is)  # noqa: B010
    async with connect(database) as db:
        writer = CorpusWriter(cast_from(await load_people(db.reader)), seed=SEED)
        reader = await story_reader(db)
        start = ARCHIVE if not back_dated else ARCHIVE + SAMPLE
        stories = [item.parsed for item in writer.articles(start, SAMPLE, back_dated=back_dated)]
        sample = [stories[i : i + PIPELINE_BATCH] for i in range(0, SAMPLE, PIPELINE_BATCH)]
        began = time.perf_counter()
        async for _ in store_batches(db, iter(sample), reader, workers):
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
