"""``paddock run``: the bot on Discord."""

from __future__ import annotations

import argparse
import sys

from bot.settings import Settings

NO_TOKEN = (
    "paddock: DISCORD_TOKEN is not set, so Paddock cannot log in to Discord.\n"
    "Put your bot token in .env (see .env.example for every setting)."
)


def register(subparsers: argparse._SubParsersAction) -> None:
    run = subparsers.add_parser("run", help="run the bot on Discord (needs DISCORD_TOKEN)")
    run.add_argument(
        "--console-without-token",
        action="store_true",
        help="start the offline console instead when no token is set",
    )
    run.set_defaults(handler=run_bot)


async def run_bot(args: argparse.Namespace, settings: Settings) -> int:
    if not settings.discord_token:
        print(NO_TOKEN, file=sys.stderr)
        return 2
    print("paddock: the Discord connection is not available in this version yet.", file=sys.stderr)
    return 2
