"""One Paddock bot in its own process, connected to an emulator another process runs.

    python -m bench.bot_process --database DB --rest URL --gateway URL --token T [--sharded]

It prints one JSON line when the bot is ready ({"ready_seconds": ...}) and runs until its
standard input closes, so the benchmark can read this process's memory as a bot's alone.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.shards import ShardedPaddockBot
from bot.app import PaddockBot
from bot.settings import Settings
from cogs._loopback import point_discord_at


@dataclass(frozen=True)
class Endpoints:
    base_url: str
    gateway_url: str


async def run(args: argparse.Namespace) -> None:
    point_discord_at(Endpoints(args.rest, args.gateway))
    kind = ShardedPaddockBot if args.sharded else PaddockBot
    bot = kind(
        # No feeds: the benchmark measures commands, and there is no network to poll.
        Settings(database=Path(args.database), feeds=()),
        sync_commands=False,
        guild_ready_timeout=0.05,
        chunk_guilds_at_startup=False,
    )
    began = time.perf_counter()

    async def on_ready() -> None:
        report = {"ready_seconds": time.perf_counter() - began, "guilds": len(bot.guilds)}
        # Every run has a fresh emulator, so the commands are registered every time; the
        # bot's own start-up sync skips it when the tree is unchanged since the last run.
        await bot.tree.sync()
        print(json.dumps(report), flush=True)

    bot.add_listener(on_ready)
    client = asyncio.create_task(bot.start(args.token))
    stdin_closed = asyncio.create_task(asyncio.to_thread(sys.stdin.read))
    done, _ = await asyncio.wait({client, stdin_closed}, return_when=asyncio.FIRST_COMPLETED)
    if client in done:
        client.result()
        return
    await bot.close()
    await client


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--rest", required=True)
    parser.add_argument("--gateway", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--sharded", action="store_true")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
