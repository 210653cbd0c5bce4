"""One Paddock bot in its own process, connected to an emulator another process runs.

    python -m bench.bot_process --database DB --rest URL --gateway URL --token T [--sharded]

It prints one JSON line when the bot is ready ({"ready_seconds": ...}) and runs until its
standard input closes, so the benchmark can read this process's memory as a bot's alone.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time

from bench.shards import ShardedPaddockBot
from bot.app import PaddockBot
from bot.settings import Settings
from cogs._loopback import point_discord_at
from emulator.process import bot_process_arguments, endpoints, run_until_input_closes


async def run(args: argparse.Namespace) -> None:
    point_discord_at(endpoints(args))
    kind = ShardedPaddockBot if args.sharded else PaddockBot
    bot = kind(
        # No feeds: the benchmark measures commands, and there is no network to poll.
        Settings(database=args.database, feeds=()),
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
    await run_until_input_closes(bot, args.token)


def main() -> None:
    parser = bot_process_arguments(__doc__.splitlines()[0])
    parser.add_argument("--sharded", action="store_true")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
