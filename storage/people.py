"""The people directory in SQLite: save and merge people, load them back, count mentions;
and the F1DB facts that are not about one person (champions, calendar)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime

import aiosqlite

from bot.news.mentions import mention_finder
from bot.people.directory import (
    F1dbSummary,
    Person,
    Stint,
    builtin_directory_text,
    builtin_fingerprint,
    builtin_summary,
    merge_people,
    parse_builtin_parts,
    unite_stints,
)
from bot.people.f1db import Race
from bot.people.learned import LearnedPerson, Sighting, learned_id
from bot.people.resolver import PeopleDirectory
from storage.database import Database
from storage.mentions import index_unscanned, mention_counts

BUILTIN_SOURCE = "builtin"
F1DB_SOURCE = "f1db"
# Roles stored before roles had a source; whichever source next describes the person
# replaces them.
_LEGACY_SOURCE = "legacy"
_F1DB_REACH_KEY = "f1db_latest_round"
# Changes whenever a learned person is added, edited or forgotten.
_LEARNED_VERSION_KEY = "learned_people_version"


@dataclass(slots=True)
class MergeReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0


async def load_people(conn: aiosqlite.Connection) -> list[Person]:
    """The known people: the built-in list and F1DB, never those learned from the news."""
    aliases: dict[str, list[str]] = {}
    async with conn.execute(
        "SELECT person_id, alias FROM person_aliases ORDER BY person_id, position"
    ) as cursor:
        async for row in cursor:
            aliases.setdefault(row["person_id"], []).append(row["alias"])
    roles: dict[str, list[Stint]] = {}
    async with conn.execute(
        "SELECT person_id, season, role, team, rounds FROM person_roles ORDER BY person_id, season"
    ) as cursor:
        async for row in cursor:
            roles.setdefault(row["person_id"], []).append(
                Stint(row["season"], row["role"], row["team"], row["rounds"])
            )
    numbers: dict[str, list[tuple[int, int]]] = {}
    async with conn.execute(
        "SELECT person_id, season, number FROM person_numbers ORDER BY person_id, season"
    ) as cursor:
        async for row in cursor:
            numbers.setdefault(row["person_id"], []).append((row["season"], row["number"]))
    people: list[Person] = []
    async with conn.execute("SELECT * FROM people WHERE kind = 'known' ORDER BY id") as cursor:
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
                    numbers=tuple(numbers.get(row["id"], ())),
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


async def _write(conn: aiosqlite.Connection, people: Sequence[Person], source: str) -> None:
    """Write people as merged; their roles are those ``source`` gives, replacing what the
    same source (or the legacy rows) said before."""
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
        "DELETE FROM person_roles WHERE person_id = ? AND source IN (?, ?)",
        [(p.id, source, _LEGACY_SOURCE) for p in people],
    )
    await conn.executemany(
        """
        INSERT INTO person_roles (person_id, season, role, team, rounds, source)
        VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (person_id, season, role, team) DO UPDATE SET
            rounds = excluded.rounds, source = excluded.source
        """,
        [(p.id, s.season, s.role, s.team, s.rounds, source) for p in people for s in p.roles],
    )
    await conn.executemany(
        "DELETE FROM person_numbers WHERE person_id = ?", [(p.id,) for p in people]
    )
    await conn.executemany(
        "INSERT INTO person_numbers (person_id, season, number) VALUES (?, ?, ?)",
        [(p.id, season, number) for p in people for season, number in p.numbers],
    )


async def _roles_from_others(conn: aiosqlite.Connection, source: str) -> dict[str, list[Stint]]:
    """Each person's roles that another source wrote, which a load of ``source`` keeps."""
    roles: dict[str, list[Stint]] = {}
    async with conn.execute(
        "SELECT person_id, season, role, team, rounds FROM person_roles WHERE source NOT IN (?, ?)",
        (source, _LEGACY_SOURCE),
    ) as cursor:
        async for row in cursor:
            roles.setdefault(row["person_id"], []).append(
                Stint(row["season"], row["role"], row["team"], row["rounds"])
            )
    return roles


async def merge_into_directory(
    db: Database,
    people: Iterable[Person],
    *,
    incoming_wins: bool,
    source: str = F1DB_SOURCE,
) -> MergeReport:
    """Add new people and merge known ids (see ``bot.people.directory.merge_people``), in one
    transaction. A person's roles become what ``source`` says now plus what other sources
    said, so a role the source no longer gives is gone."""
    report = MergeReport()
    changed: list[Person] = []
    to_write: list[Person] = []
    async with db.write() as conn:
        existing = {p.id: p for p in await load_people(conn)}
        kept_roles = await _roles_from_others(conn, source)
        for person in people:
            known = existing.get(person.id)
            if known is None:
                merged = person
                report.added.append(person.id)
            else:
                merged = merge_people(known, person, incoming_wins=incoming_wins)
                roles = unite_stints((*kept_roles.get(person.id, ()), *person.roles))
                merged = replace(merged, roles=roles)
                if merged == known:
                    report.unchanged += 1
                    continue
                report.updated.append(person.id)
            existing[person.id] = merged
            changed.append(merged)
            to_write.append(replace(merged, roles=person.roles))
        await _write(conn, to_write, source)
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


async def ensure_builtin_people(db: Database) -> MergeReport | None:
    """Merge the packaged directory unless this version of it is already in; None if it was.

    Safe to call at every start-up: when nothing changed it costs one small query.
    """
    text = builtin_directory_text()
    fingerprint = builtin_fingerprint(text)
    if await _source_fingerprint(db.reader, BUILTIN_SOURCE) == fingerprint:
        return None
    summary = builtin_summary()
    drivers, extras = parse_builtin_parts(text)
    report = MergeReport()
    # An F1DB import that reaches further into the seasons than the shipped summary keeps
    # its facts; the summary then only adds drivers the database lacks.
    if await f1db_reach(db.reader) > summary.latest_round:
        known = {p.id for p in await load_people(db.reader)}
        drivers = [p for p in drivers if p.id not in known]
    else:
        await store_f1db_facts(db, summary.champions, summary_races(summary), summary.latest_round)
    for people, source, wins in ((drivers, F1DB_SOURCE, True), (extras, BUILTIN_SOURCE, False)):
        part = await merge_into_directory(db, people, incoming_wins=wins, source=source)
        report.added += part.added
        report.updated += [pid for pid in part.updated if pid not in report.added]
        report.unchanged += part.unchanged
    async with db.write() as conn:
        await conn.execute(
            """
            INSERT INTO people_sources (name, fingerprint, loaded_at) VALUES (?, ?, ?)
            ON CONFLICT (name) DO UPDATE SET
                fingerprint = excluded.fingerprint, loaded_at = excluded.loaded_at
            """,
            (BUILTIN_SOURCE, fingerprint, datetime.now(UTC).isoformat(timespec="seconds")),
        )
    return report


async def count_mentions(db: Database, people: Iterable[Person]) -> dict[str, int]:
    """How many stored articles name each person (full name, a nickname, or the surname when
    it is theirs alone), from the mentions index, scanning first any story it is missing."""
    await index_unscanned(db, mention_finder(people))
    return await mention_counts(db.reader)


async def load_directory(db: Database, *, with_mentions: bool = True) -> PeopleDirectory:
    """Everyone in the database (the built-in list merged in first) ready for resolving."""
    await ensure_builtin_people(db)
    people = await load_people(db.reader)
    mentions = await count_mentions(db, people) if with_mentions else {}
    return PeopleDirectory(people, mentions, champions=await world_champions(db.reader))


async def people_version(conn: aiosqlite.Connection) -> str:
    """Changes whenever people are added or edited, so derived indexes know to rebuild."""
    async with conn.execute("SELECT value FROM bot_state WHERE key = 'people_version'") as cursor:
        row = await cursor.fetchone()
    return row[0] if row else "0"


def summary_races(summary: F1dbSummary) -> list[Race]:
    return [Race(*row) for row in summary.calendar]


async def f1db_reach(conn: aiosqlite.Connection) -> tuple[int, int]:
    """The latest (season, round) of the F1DB data stored, (0, 0) before any."""
    async with conn.execute(
        "SELECT value FROM bot_state WHERE key = ?", (_F1DB_REACH_KEY,)
    ) as cursor:
        row = await cursor.fetchone()
    if row is None:
        return (0, 0)
    season, _, number = str(row[0]).partition(":")
    return (int(season), int(number or 0)) if season.isdigit() else (0, 0)


async def store_f1db_facts(
    db: Database,
    champions: dict[int, str],
    races: Iterable[Race],
    latest_round: tuple[int, int],
) -> None:
    """Replace the champions and the calendar of the seasons given, and record how far
    the data reaches."""
    races = list(races)
    async with db.write() as conn:
        await conn.executemany(
            "INSERT INTO world_champions (season, person_id) VALUES (?, ?) "
            "ON CONFLICT (season) DO UPDATE SET person_id = excluded.person_id",
            sorted(champions.items()),
        )
        await conn.executemany(
            "DELETE FROM races WHERE season = ?", [(s,) for s in {r.season for r in races}]
        )
        await conn.executemany(
            "INSERT INTO races (season, round, grand_prix, circuit, sessions) "
            "VALUES (?, ?, ?, ?, ?)",
            [(r.season, r.round, r.grand_prix, r.circuit, json.dumps(r.sessions)) for r in races],
        )
        await conn.execute(
            "INSERT INTO bot_state (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (_F1DB_REACH_KEY, f"{latest_round[0]}:{latest_round[1]}"),
        )


async def world_champions(conn: aiosqlite.Connection) -> dict[int, str]:
    """The drivers' champion of each finished season."""
    async with conn.execute("SELECT season, person_id FROM world_champions") as cursor:
        return {row[0]: row[1] async for row in cursor}


async def champion_seasons(conn: aiosqlite.Connection, person_id: str) -> list[int]:
    """The seasons the person won the drivers' championship."""
    async with conn.execute(
        "SELECT season FROM world_champions WHERE person_id = ? ORDER BY season", (person_id,)
    ) as cursor:
        return [row[0] async for row in cursor]


async def season_races(conn: aiosqlite.Connection, season: int) -> list[Race]:
    """A season's calendar in round order."""
    async with conn.execute(
        "SELECT season, round, grand_prix, circuit, sessions FROM races WHERE season = ? "
        "ORDER BY round",
        (season,),
    ) as cursor:
        return [
            Race(
                row["season"],
                row["round"],
                row["grand_prix"],
                row["circuit"],
                tuple((name, when) for name, when in json.loads(row["sessions"])),
            )
            async for row in cursor
        ]


async def learn_people(
    conn: aiosqlite.Connection, sightings: Sequence[Sighting]
) -> dict[tuple[int, str], str]:
    """Make the person of each sighting a person learned from the news, or match them to
    the one already learned; inside the caller's transaction. Returns the person's id by
    (article id, "news:" id).

    A story everyone may see makes a person everyone may see (id: the "news:" id), and that
    person takes over the quotes any server had learned them by on its own. A server's own
    story is matched to such a person without changing them, else learns a person of that
    server's own (``bot.people.learned.learned_id``): it is untrusted input for every other
    server. The earliest story names where they were first seen; a role or team is only
    filled in, never replaced.
    """
    owners = {
        row[0]: row[1]
        for row in await conn.execute_fetchall(
            "SELECT id, guild_id FROM articles WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted({s.article_id for s in sightings})),),
        )
    }
    keys = sorted({s.news_id for s in sightings})
    shared = {
        row[0]
        for row in await conn.execute_fetchall(
            "SELECT news_key FROM people WHERE kind = 'learned' AND guild_id = 0 "
            "AND news_key IN (SELECT value FROM json_each(?))",
            (json.dumps(keys),),
        )
    }
    newly_shared = {
        s.news_id for s in sightings if owners.get(s.article_id) == 0 and s.news_id not in shared
    }
    ids: dict[tuple[int, str], str] = {}
    rows: dict[str, list[object]] = {}
    for seen in sorted(sightings, key=lambda s: (s.seen_at, s.article_id)):
        owner = owners.get(seen.article_id)
        if owner is None:
            continue
        if owner != 0 and (seen.news_id in shared or seen.news_id in newly_shared):
            # Matched to the person everyone sees, whom a server's story never changes.
            ids[(seen.article_id, seen.news_id)] = seen.news_id
            continue
        person_id = learned_id(seen.news_id, owner)
        ids[(seen.article_id, seen.news_id)] = person_id
        row = rows.get(person_id)
        if row is None:
            rows[person_id] = [
                person_id,
                seen.name,
                seen.role,
                seen.team,
                owner,
                seen.news_id,
                seen.article_id,
                seen.seen_at,
            ]
        else:
            row[2] = row[2] or seen.role
            row[3] = row[3] or seen.team
    before = conn.total_changes
    await conn.executemany(
        """
        INSERT INTO people (id, name, kind, role, team, guild_id, news_key,
                            first_seen_article, first_seen_at)
        VALUES (?, ?, 'learned', ?, ?, ?, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET
            role = CASE WHEN people.role = '' THEN excluded.role ELSE people.role END,
            team = CASE WHEN people.team = '' THEN excluded.team ELSE people.team END,
            first_seen_article = CASE WHEN excluded.first_seen_at < people.first_seen_at
                THEN excluded.first_seen_article ELSE people.first_seen_article END,
            first_seen_at = min(people.first_seen_at, excluded.first_seen_at)
        WHERE people.kind = 'learned' AND (
            (people.role = '' AND excluded.role != '')
            OR (people.team = '' AND excluded.team != '')
            OR excluded.first_seen_at < people.first_seen_at
        )
        """,
        [tuple(row) for row in rows.values()],
    )
    if newly_shared:
        keys_json = json.dumps(sorted(newly_shared))
        await conn.execute(
            "UPDATE quotes SET person_id = "
            "(SELECT p.news_key FROM people AS p WHERE p.id = quotes.person_id) "
            "WHERE person_id IN (SELECT id FROM people WHERE kind = 'learned' "
            "AND guild_id != 0 AND news_key IN (SELECT value FROM json_each(?)))",
            (keys_json,),
        )
        await conn.execute(
            "DELETE FROM people WHERE kind = 'learned' AND guild_id != 0 "
            "AND news_key IN (SELECT value FROM json_each(?))",
            (keys_json,),
        )
    if conn.total_changes != before:
        await _bump_learned_version(conn)
    return ids


async def learned_speakers(conn: aiosqlite.Connection, article_ids: Sequence[int]) -> list[str]:
    """The learned people the articles' stored quotes are by."""
    rows = await conn.execute_fetchall(
        "SELECT DISTINCT q.person_id FROM quotes AS q JOIN people AS p ON p.id = q.person_id "
        "WHERE p.kind = 'learned' AND q.article_id IN (SELECT value FROM json_each(?))",
        (json.dumps(list(article_ids)),),
    )
    return [row[0] for row in rows]


async def forget_unquoted(conn: aiosqlite.Connection, person_ids: Sequence[str]) -> None:
    """Forget the learned people among ``person_ids`` no stored quote is by any more (a
    story edited or extracted again); inside the caller's transaction."""
    cursor = await conn.execute(
        "DELETE FROM people WHERE kind = 'learned' "
        "AND id IN (SELECT value FROM json_each(?)) "
        "AND NOT EXISTS (SELECT 1 FROM quotes WHERE quotes.person_id = people.id)",
        (json.dumps(list(person_ids)),),
    )
    if cursor.rowcount:
        await _bump_learned_version(conn)


async def _bump_learned_version(conn: aiosqlite.Connection) -> None:
    await conn.execute(
        "INSERT INTO bot_state (key, value) VALUES (?, '1') "
        "ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1",
        (_LEARNED_VERSION_KEY,),
    )


async def learned_version(conn: aiosqlite.Connection) -> str:
    """Changes whenever a learned person is added, edited or forgotten."""
    async with conn.execute(
        "SELECT value FROM bot_state WHERE key = ?", (_LEARNED_VERSION_KEY,)
    ) as cursor:
        row = await cursor.fetchone()
    return str(row[0]) if row else "0"


async def load_learned_people(conn: aiosqlite.Connection) -> list[LearnedPerson]:
    """Every person learned from the news, with the story they were first seen in."""
    rows = await conn.execute_fetchall(
        "SELECT p.id, p.name, p.role, p.team, p.guild_id, p.first_seen_article, "
        "p.first_seen_at, a.title, a.url FROM people AS p "
        "LEFT JOIN articles AS a ON a.id = p.first_seen_article "
        "WHERE p.kind = 'learned' ORDER BY p.id"
    )
    return [
        LearnedPerson(
            id=row["id"],
            name=row["name"],
            role=row["role"],
            team=row["team"],
            guild_id=row["guild_id"],
            first_seen_article=row["first_seen_article"],
            first_seen_at=row["first_seen_at"] or "",
            first_seen_title=row["title"] or "",
            first_seen_url=row["url"],
        )
        for row in rows
    ]
