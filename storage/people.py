"""The people directory in SQLite: save and merge people, load them back, count mentions."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import aiosqlite

from bot.mentions import mention_finder
from bot.people import (
    Person,
    Stint,
    builtin_directory_text,
    builtin_fingerprint,
    merge_people,
    parse_builtin_directory,
)
from bot.resolver import PeopleDirectory
from storage.db import transaction
from storage.mentions import index_unscanned, mention_counts

BUILTIN_SOURCE = "builtin"


@dataclass(slots=True)
class MergeReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0


async def load_people(conn: aiosqlite.Connection) -> list[Person]:
    aliases: dict[str, list[str]] = {}
    async with conn.execute(
        "SELECT person_id, alias FROM person_aliases ORDER BY person_id, position"
    ) as cursor:
        async for row in cursor:
            aliases.setdefault(row["person_id"], []).append(row["alias"])
    roles: dict[str, list[Stint]] = {}
    async with conn.execute(
        "SELECT person_id, season, role, team FROM person_roles ORDER BY person_id, season"
    ) as cursor:
        async for row in cursor:
            roles.setdefault(row["person_id"], []).append(
                Stint(row["season"], row["role"], row["team"])
            )
    people: list[Person] = []
    async with conn.execute("SELECT * FROM people ORDER BY id") as cursor:
        async for row in cursor:
            born = row["date_of_birth"]
            people.append(
                Person(
                    id=row["id"],
                    name=row["name"],
                    first_name=row["first_name"],
                    last_name=row["last_name"],
                    full_name=row["full_name"],
                    aliases=tuple(aliases.get(row["id"], ())),
                    code=row["code"],
                    number=row["number"],
                    nationality=row["nationality"],
                    country=row["country"],
                    gender=row["gender"],
                    date_of_birth=date.fromisoformat(born) if born else None,
                    roles=tuple(sorted(roles.get(row["id"], ()))),
                )
            )
    return people


def _person_row(person: Person) -> tuple[object, ...]:
    born = person.date_of_birth.isoformat() if person.date_of_birth else None
    return (
        person.id,
        person.name,
        person.first_name,
        person.last_name,
        person.full_name,
        person.code,
        person.number,
        person.nationality,
        person.country,
        person.gender,
        born,
    )


async def _write(conn: aiosqlite.Connection, people: Sequence[Person]) -> None:
    await conn.executemany(
        """
        INSERT INTO people (id, name, first_name, last_name, full_name, code, number,
                            nationality, country, gender, date_of_birth)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET
            name = excluded.name, first_name = excluded.first_name,
            last_name = excluded.last_name, full_name = excluded.full_name,
            code = excluded.code, number = excluded.number,
            nationality = excluded.nationality, country = excluded.country,
            gender = excluded.gender, date_of_birth = excluded.date_of_birth
        """,
        [_person_row(p) for p in people],
    )
    # Merging only ever adds aliases and roles, so existing rows are left as they are.
    await conn.executemany(
        "INSERT OR IGNORE INTO person_aliases (person_id, position, alias) VALUES (?, ?, ?)",
        [(p.id, i, alias) for p in people for i, alias in enumerate(p.aliases)],
    )
    await conn.executemany(
        "INSERT OR IGNORE INTO person_roles (person_id, season, role, team) VALUES (?, ?, ?, ?)",
        [(p.id, s.season, s.role, s.team) for p in people for s in p.roles],
    )


async def merge_into_directory(
    conn: aiosqlite.Connection, people: Iterable[Person], *, incoming_wins: bool
) -> MergeReport:
    """Add new people and merge known ids (see ``bot.people.merge_people``), in one transaction."""
    report = MergeReport()
    changed: list[Person] = []
    async with transaction(conn):
        existing = {p.id: p for p in await load_people(conn)}
        for person in people:
            known = existing.get(person.id)
            if known is None:
                merged = person
                report.added.append(person.id)
            else:
                merged = merge_people(known, person, incoming_wins=incoming_wins)
                if merged == known:
                    report.unchanged += 1
                    continue
                report.updated.append(person.id)
            existing[person.id] = merged
            changed.append(merged)
        await _write(conn, changed)
        if changed:
            await conn.execute(
                "INSERT INTO bot_state (key, value) VALUES ('people_version', '1') "
                "ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
            )
    return report


async def _source_fingerprint(conn: aiosqlite.Connection, name: str) -> str | None:
    async with conn.execute(
        "SELECT fingerprint FROM people_sources WHERE name = ?", (name,)
    ) as cursor:
        row = await cursor.fetchone()
    return row["fingerprint"] if row else None


async def ensure_builtin_people(conn: aiosqlite.Connection) -> MergeReport | None:
    """Merge the packaged directory unless this version of it is already in; None if it was.

    Safe to call at every start-up: when nothing changed it costs one small query.
    """
    text = builtin_directory_text()
    fingerprint = builtin_fingerprint(text)
    if await _source_fingerprint(conn, BUILTIN_SOURCE) == fingerprint:
        return None
    report = await merge_into_directory(conn, parse_builtin_directory(text), incoming_wins=False)
    async with transaction(conn):
        await conn.execute(
            """
            INSERT INTO people_sources (name, fingerprint, loaded_at) VALUES (?, ?, ?)
            ON CONFLICT (name) DO UPDATE SET
                fingerprint = excluded.fingerprint, loaded_at = excluded.loaded_at
            """,
            (BUILTIN_SOURCE, fingerprint, datetime.now(UTC).isoformat(timespec="seconds")),
        )
    return report


async def count_mentions(conn: aiosqlite.Connection, people: Iterable[Person]) -> dict[str, int]:
    """How many stored articles name each person (full name, a nickname, or the surname when
    it is theirs alone), from the mentions index, scanning first any story it is missing."""
    await index_unscanned(conn, mention_finder(people))
    return await mention_counts(conn)


async def load_directory(
    conn: aiosqlite.Connection, *, with_mentions: bool = True
) -> PeopleDirectory:
    """Everyone in the database (the built-in list merged in first) ready for resolving."""
    await ensure_builtin_people(conn)
    people = await load_people(conn)
    mentions = await count_mentions(conn, people) if with_mentions else {}
    return PeopleDirectory(people, mentions)


async def people_version(conn: aiosqlite.Connection) -> str:
    """Changes whenever people are added or edited, so derived indexes know to rebuild."""
    async with conn.execute("SELECT value FROM bot_state WHERE key = 'people_version'") as cursor:
        row = await cursor.fetchone()
    return row[0] if row else "0"
