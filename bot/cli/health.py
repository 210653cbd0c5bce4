"""``paddock health``: is the bot that ``paddock run`` started on this database healthy?

Exit 0 when it is, 1 with a one-line reason when not, for systemd, container health checks
and monitoring scripts.
"""

from __future__ import annotations

import argparse
import json

from bot.health import HEARTBEAT_KEY, HeartbeatRecord, Verdict, judge
from bot.settings import Settings
from storage.bot_state import read_state_only
from storage.database import DatabaseError


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    health = subparsers.add_parser(
        "health", help="exit 0 if the running bot is healthy, else 1 with the reason"
    )
    health.add_argument("--json", action="store_true", help="the verdict as one JSON object")
    health.set_defaults(handler=run_health)


async def check_health(settings: Settings) -> Verdict:
    database = settings.database
    if not database.expanduser().is_file():
        return Verdict(False, "never-started", f"there is no database at {database}")
    try:
        text = await read_state_only(database, HEARTBEAT_KEY)
    except DatabaseError as exc:
        return Verdict(False, "unreadable", str(exc))
    try:
        return judge(HeartbeatRecord.from_json(text) if text is not None else None)
    except (ValueError, TypeError) as exc:
        return Verdict(False, "unreadable", f"the heartbeat in {database} is damaged: {exc}")


async def run_health(args: argparse.Namespace, settings: Settings) -> int:
    verdict = await check_health(settings)
    if args.json:
        print(json.dumps(verdict.to_json()))
    elif verdict.healthy:
        print(verdict.reason)
    else:
        print(f"unhealthy ({verdict.state}): {verdict.reason}")
    return 0 if verdict.healthy else 1
