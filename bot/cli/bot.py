"""``paddock run``, ``console`` and ``sync``: the bot on Discord or on the offline console."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys

from bot.settings import Settings

log = logging.getLogger(__name__)

NO_TOKEN = (
    "paddock: DISCORD_TOKEN is not set, so Paddock cannot log in to Discord.\n"
    "Put your bot token in .env (every setting is described in .env.example), or try\n"
    "Paddock offline with: paddock console"
)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    run = subparsers.add_parser("run", help="run the bot on Discord (needs DISCORD_TOKEN)")
    run.add_argument(
        "--console-without-token",
        action="store_true",
        help="start the offline console instead when no token is set",
    )
    run.set_defaults(handler=run_bot)

    console = subparsers.add_parser(
        "console", help="try the bot offline: type slash commands, see the replies"
    )
    console.add_argument("--json", action="store_true", help="print each reply as a JSON line")
    demo = console.add_mutually_exclusive_group()
    demo.add_argument(
        "--demo", action="store_true", default=None, help="load the demo stories if empty"
    )
    demo.add_argument(
        "--no-demo", dest="demo", action="store_false", help="never load the demo stories"
    )
    console.set_defaults(handler=run_console_command)

    sync = subparsers.add_parser(
        "sync", help="register the slash commands with Discord now (dev guild when set)"
    )
    sync.set_defaults(handler=sync_commands)


async def run_console_command(args: argparse.Namespace, settings: Settings) -> int:
    from bot.console import run_console

    return await run_console(settings, as_json=args.json, demo=args.demo)


async def run_bot(args: argparse.Namespace, settings: Settings) -> int:
    if not settings.discord_token:
        if args.console_without_token:
            print("No DISCORD_TOKEN set: starting the offline console.", file=sys.stderr)
            return await run_console_command(argparse.Namespace(json=False, demo=None), settings)
        print(NO_TOKEN, file=sys.stderr)
        return 2
    import aiohttp
    import discord

    from bot.app import create_bot
    from storage.database import Database

    # A corrupt, unwritable or newer database stops Paddock here, before it logs in.
    database = await Database.open(settings.database, writable=True)
    bot = create_bot(settings, database=database, record_health=True)
    loop = asyncio.get_running_loop()
    stopping = asyncio.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stopping.set)
    runner = asyncio.create_task(bot.start(settings.discord_token))
    waiter = asyncio.create_task(stopping.wait())
    try:
        done, _ = await asyncio.wait({runner, waiter}, return_when=asyncio.FIRST_COMPLETED)
        if waiter in done:
            log.info("stopping: closing the Discord connection and the database")
        await bot.close()
    finally:
        waiter.cancel()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
    try:
        await runner
    except discord.LoginFailure:
        print(
            "paddock: Discord refused the token in DISCORD_TOKEN. Check it and try again.",
            file=sys.stderr,
        )
        return 2
    except discord.PrivilegedIntentsRequired:
        print("paddock: Discord refused the gateway intents this bot asked for.", file=sys.stderr)
        return 2
    except (aiohttp.ClientError, OSError) as exc:
        print(f"paddock: cannot reach Discord ({exc}). Check the network.", file=sys.stderr)
        return 1
    return 0


async def sync_commands(args: argparse.Namespace, settings: Settings) -> int:
    if not settings.discord_token:
        print(NO_TOKEN, file=sys.stderr)
        return 2
    from bot.app import create_bot

    bot = create_bot(settings, sync_commands=False)
    async with bot:
        # login() runs setup_hook, which opens the database and loads the cogs whose
        # commands are registered; no gateway connection is needed to register them.
        await bot.login(settings.discord_token)
        count = await bot.sync_commands()
    where = f"server {settings.dev_guild}" if settings.dev_guild else "every server (global)"
    print(f"Registered {count} slash commands for {where}.")
    return 0
