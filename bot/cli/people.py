"""``paddock resolve`` and ``paddock people import-f1db|list|show``."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from bot.cli.output import fail, print_json
from bot.people.directory import DRIVER, Person
from bot.people.f1db import F1dbError, read_f1db
from bot.people.resolver import PeopleDirectory, Resolution
from bot.settings import Settings
from storage.database import connect
from storage.people import (
    ensure_builtin_people,
    load_directory,
    merge_into_directory,
    store_f1db_facts,
)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    resolve = subparsers.add_parser(
        "resolve", help="find the people a name, nickname, code or car number means"
    )
    resolve.add_argument(
        "queries",
        nargs="*",
        metavar="QUERY",
        help="one query per argument (quote names with spaces); none: read stdin, one per line",
    )
    resolve.add_argument("-n", "--count", type=int, default=5, help="matches per query")
    resolve.add_argument("--json", action="store_true", help="one JSON object per query")
    resolve.set_defaults(handler=run_resolve)

    people = subparsers.add_parser("people", help="the directory of drivers and team bosses")
    actions = people.add_subparsers(dest="people_command", metavar="ACTION", required=True)
    importer = actions.add_parser(
        "import-f1db",
        help="merge drivers, champions and the calendar from an F1DB source tree (src/data)",
    )
    importer.add_argument("directory", type=Path, metavar="DIR")
    importer.add_argument("--json", action="store_true", help="print one JSON object")
    importer.set_defaults(handler=run_import_f1db)

    listing = actions.add_parser("list", help="people active in the latest season")
    listing.add_argument("--all", action="store_true", help="everyone, not just the current")
    listing.add_argument("--json", action="store_true", help="one JSON object per person")
    listing.set_defaults(handler=run_list)

    show = actions.add_parser("show", help="everything known about one person")
    show.add_argument("name", nargs="+", help="a name, nickname, code or number")
    show.add_argument("--json", action="store_true", help="print one JSON object")
    show.set_defaults(handler=run_show)


def resolution_json(resolution: Resolution) -> dict[str, Any]:
    return {
        "query": resolution.query,
        "matches": [
            {"id": m.person.id, "name": m.person.name, "score": m.score} for m in resolution.matches
        ],
        "ambiguous": resolution.ambiguous,
    }


def person_json(person: Person, directory: PeopleDirectory) -> dict[str, Any]:
    return {
        "id": person.id,
        "name": person.name,
        "label": directory.label(person),
        "first_name": person.first_name,
        "last_name": person.last_name,
        "full_name": person.full_name,
        "aliases": list(person.aliases),
        "code": person.code,
        "number": person.number,
        "nationality": person.nationality,
        "country": person.country,
        "gender": person.gender,
        "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else None,
        "last_active": person.last_active,
        "roles": [
            {"role": role, "team": team, "from": first, "to": last}
            for role, team, first, last in person.role_ranges()
        ],
    }


async def run_resolve(args: argparse.Namespace, settings: Settings) -> int:
    queries = list(args.queries) if args.queries else sys.stdin.read().splitlines()
    async with connect(settings.database) as db:
        directory = await load_directory(db)
    limit = max(1, min(args.count, 25))
    for query in queries:
        resolution = directory.resolve(query, limit=limit)
        if args.json:
            print_json(resolution_json(resolution))
            continue
        note = "  (ambiguous)" if resolution.ambiguous else ""
        print(f"{query!r}{note}")
        if not resolution.matches:
            print("    nobody")
        for rank, match in enumerate(resolution.matches, start=1):
            label = directory.label(match.person)
            print(f"  {rank:>2}. {label:<56} {match.score:5.1f}  {match.person.id}")
    return 0


async def run_import_f1db(args: argparse.Namespace, settings: Settings) -> int:
    try:
        found = await asyncio.to_thread(read_f1db, args.directory)
    except F1dbError as exc:
        return fail(str(exc))
    for problem in found.problems:
        print(f"skipped {problem}", file=sys.stderr)
    async with connect(settings.database) as db:
        await ensure_builtin_people(db)
        report = await merge_into_directory(db, found.people, incoming_wins=True)
        await store_f1db_facts(db, found.champions, found.races, found.latest_round)
    if args.json:
        print_json(
            {
                "added": report.added,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "champions": len(found.champions),
                "races": len(found.races),
                "latest_round": list(found.latest_round),
                "problems": found.problems,
            }
        )
    else:
        print(
            f"F1DB: {len(report.added)} added, {len(report.updated)} updated, "
            f"{report.unchanged} unchanged, {len(found.problems)} files skipped; "
            f"{len(found.champions)} champions and {len(found.races)} races, data up to "
            f"{found.latest_round[0]} round {found.latest_round[1]}"
        )
    return 0


async def _directory(settings: Settings) -> PeopleDirectory:
    async with connect(settings.database) as db:
        return await load_directory(db)


async def run_list(args: argparse.Namespace, settings: Settings) -> int:
    directory = await _directory(settings)
    if args.all:
        people = sorted(directory, key=lambda p: (-(p.last_active or 0), p.name))
    else:
        people = directory.default_choices(limit=len(directory))
    for person in people:
        if args.json:
            print_json(person_json(person, directory))
        else:
            print(f"{directory.label(person):<60} {person.id}")
    return 0


async def run_show(args: argparse.Namespace, settings: Settings) -> int:
    directory = await _directory(settings)
    query = " ".join(args.name)
    person = directory.resolve(query, limit=1).best
    if person is None:
        print(f"nobody matches {query!r}", file=sys.stderr)
        return 1
    data = person_json(person, directory)
    if args.json:
        print_json(data)
        return 0
    print(data["label"])
    for key in ("id", "full_name", "nationality", "country", "date_of_birth", "last_active"):
        if data[key]:
            print(f"  {key.replace('_', ' ')}: {data[key]}")
    if person.aliases:
        print(f"  also known as: {', '.join(person.aliases)}")
    for role in data["roles"]:
        years = str(role["from"]) if role["from"] == role["to"] else f"{role['from']}–{role['to']}"
        what = "drove for" if role["role"] == DRIVER else f"{role['role']},"
        print(f"  {years}: {what} {role['team']}")
    return 0
