"""The ``paddock`` command line: one argparse tree, one module per area.

Each module in ``COMMAND_MODULES`` exposes ``register(subparsers)`` and gives every
subcommand a ``handler``: an async function ``(args, settings) -> int`` (the exit code).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import sys
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from bot.cli.output import fail
from bot.settings import Settings, SettingsError, load_settings
from storage.database import DatabaseError

COMMAND_MODULES: tuple[str, ...] = (
    "bot.cli.articles",
    "bot.cli.bot",
    "bot.cli.feeds",
    "bot.cli.health",
    "bot.cli.people",
    "bot.cli.quotes",
)

# What each subcommand's ``handler`` default is.
Handler = Callable[[argparse.Namespace, Settings], Coroutine[Any, Any, int]]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="paddock",
        description="Formula 1 news, quotes and driver facts for Discord servers.",
    )
    parser.add_argument(
        "--db",
        metavar="PATH",
        help="SQLite database file (default: $PADDOCK_DB, else ./paddock.db)",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "handler", None) is None:
        parser.print_help()
        return 2
    try:
        settings = load_settings()
    except SettingsError as exc:
        return fail(str(exc))
    if args.db:
        settings = settings.with_database(args.db)
    logging.basicConfig(
        level=settings.log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        handler: Handler = args.handler
        return asyncio.run(handler(args, settings))
    except DatabaseError as exc:
        # A corrupt, unwritable or newer database: one line saying which, not a traceback,
        # for every subcommand, so handlers leave it to this one place.
        return fail(str(exc))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # Output piped into `head` and friends: stop quietly like other Unix tools.
        sys.stderr.close()
        return 0


__all__ = ["Settings", "build_parser", "main"]
