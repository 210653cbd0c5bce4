"""Speed, memory and scale of Paddock, measured: ``python -m bench [--sizes 1000,10000]``.

Grows a synthetic archive to each size (1k, 10k, 100k stories by default), and at each size
times the import, every slash command at the service layer and end to end through the
Discord emulator, and the bot's memory; then starts the bot sharded in thousands of servers.
Prints Markdown tables and writes everything to ``bench/results/latest.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.e2e import run_bot
from bench.report import baseline_table, machine, presence_table, scale_table
from bench.scale import Tier, build_tiers

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_F1DB = ROOT.parent / "shared" / "data" / "f1db"
DEFAULT_OUT = ROOT / "bench" / "results" / "latest.json"


def _sizes(text: str) -> list[int]:
    sizes = sorted({int(part) for part in text.split(",") if part.strip()})
    if not sizes or sizes[0] < 100:
        raise argparse.ArgumentTypeError("sizes are whole numbers of stories, at least 100")
    return sizes


async def presence(database: Path, guilds: int, shards: int) -> dict[str, Any]:
    """The bot sharded in ``guilds`` servers, against the same bot in one server."""
    alone = await run_bot(database, guilds=1, shard_count=shards, sharded=True, commands=False)
    crowd = await run_bot(database, guilds=guilds, shard_count=shards, sharded=True, commands=False)
    if crowd.guilds != guilds:
        raise RuntimeError(f"the bot saw {crowd.guilds} of {guilds} servers at ready")
    return {
        "guilds": guilds,
        "shards": shards,
        "ready_seconds": round(crowd.ready_seconds, 2),
        "rss_mb": round(crowd.rss_mb, 1),
        "baseline_rss_mb": round(alone.rss_mb, 1),
        "mb_per_1000_guilds": round((crowd.rss_mb - alone.rss_mb) / (guilds - 1) * 1000, 2),
    }


async def main(args: argparse.Namespace) -> tuple[dict[str, Any], list[Tier]]:
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="paddock-bench-") as folder:
        database = Path(folder) / "bench.db"

        async def end_to_end(tier: Tier) -> None:
            run = await run_bot(database)
            tier.e2e = run.commands
            tier.bot_rss_mb = run.rss_mb
            tier.bot_ready_s = run.ready_seconds
            print(f"… {tier.size:,} stories measured ({time.perf_counter() - began:.0f} s)")

        tiers = await build_tiers(
            database, args.f1db, args.sizes, seed=args.seed, on_tier=end_to_end
        )
        crowd = await presence(database, args.guilds, args.shards)
    results = {
        "machine": machine(),
        "command": " ".join(["python -m bench", *sys.argv[1:]]),
        "seconds": round(time.perf_counter() - began, 1),
        "tiers": [tier.as_dict() for tier in tiers],
        "presence": crowd,
    }
    return results, tiers


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=_sizes, default=[1000, 10_000, 100_000])
    parser.add_argument("--guilds", type=int, default=5000)
    parser.add_argument("--shards", type=int, default=2)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--f1db", type=Path, default=DEFAULT_F1DB)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    results, tiers = asyncio.run(main(args))
    print()
    print(scale_table(tiers))
    print()
    print(baseline_table(tiers))
    print()
    print(presence_table(results["presence"]))
    print()
    print(json.dumps(results["machine"]))
    print(f"{results['command']} took {results['seconds']:.0f} s")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", "utf-8")
    print(f"written to {args.out}")


if __name__ == "__main__":
    cli()
