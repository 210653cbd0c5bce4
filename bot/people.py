"""People in the paddock: drivers, team bosses and officials, and how their names are written.

A person's roles are kept one row per season (``Stint``), so two sources that describe the
same career in different ranges merge into the same set without overlap.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from importlib import resources
from typing import Any

DRIVER = "driver"
TEST_DRIVER = "test driver"

# Letters that NFKD does not split into a base letter and an accent.
_FOLD = str.maketrans(
    {
        "ø": "o",
        "Ø": "o",
        "ł": "l",
        "Ł": "l",
        "đ": "d",
        "Đ": "d",
        "ß": "ss",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ı": "i",
        "þ": "th",
    }
)
_APOSTROPHES = re.compile(r"['’‘`´]")
_WORD = re.compile(r"[a-z0-9]+")

# Generational suffixes: "Sainz Jr." and "Sainz" are the same person to a fan.
NAME_SUFFIXES = frozenset({"jr", "junior", "sr", "senior", "ii", "iii"})


def fold(text: str) -> str:
    """Lower-case ``text`` and strip accents, so "Pérez" and "perez" compare equal."""
    if text.isascii():
        # Nothing to translate or decompose: most names and words are plain ASCII.
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def name_tokens(text: str) -> list[str]:
    """The words of a name, folded; apostrophes join ("O'Ward" -> "oward"), all else splits."""
    return _WORD.findall(_APOSTROPHES.sub("", fold(text)))


def normalise_name(text: str) -> str:
    return " ".join(name_tokens(text))


@dataclass(frozen=True, slots=True, order=True)
class Stint:
    """One role in one season, e.g. (2024, "team principal", "Mercedes")."""

    season: int
    role: str
    team: str = ""


@dataclass(frozen=True, slots=True)
class Person:
    id: str
    name: str
    first_name: str = ""
    last_name: str = ""
    full_name: str = ""
    aliases: tuple[str, ...] = ()
    code: str | None = None
    number: int | None = None
    nationality: str | None = None
    country: str | None = None
    gender: str | None = None
    date_of_birth: date | None = None
    roles: tuple[Stint, ...] = field(default=())

    @property
    def last_active(self) -> int | None:
        return max((s.season for s in self.roles), default=None)

    def seasons(self, role: str = DRIVER) -> list[int]:
        return sorted({s.season for s in self.roles if s.role == role})

    def roles_in(self, season: int) -> list[Stint]:
        return [s for s in self.roles if s.season == season]

    @property
    def latest_stint(self) -> Stint | None:
        """The person's most recent role, preferring a race seat over other jobs that year."""
        last = self.last_active
        if last is None:
            return None
        current = self.roles_in(last)
        racing = [s for s in current if s.role == DRIVER]
        return (racing or current)[-1]

    def role_ranges(self) -> list[tuple[str, str, int, int]]:
        """Roles as (role, team, first season, last season), consecutive seasons joined."""
        return compress_stints(self.roles)


def compress_stints(stints: Iterable[Stint]) -> list[tuple[str, str, int, int]]:
    ranges: list[tuple[str, str, int, int]] = []
    for stint in sorted(stints, key=lambda s: (s.role, s.team, s.season)):
        if ranges:
            role, team, first, last = ranges[-1]
            if role == stint.role and team == stint.team and stint.season == last + 1:
                ranges[-1] = (role, team, first, stint.season)
                continue
        ranges.append((stint.role, stint.team, stint.season, stint.season))
    ranges.sort(key=lambda r: (r[2], r[3], r[0], r[1]))
    return ranges


def expand_ranges(ranges: Iterable[Iterable[Any]]) -> tuple[Stint, ...]:
    stints: set[Stint] = set()
    for role, team, first, last in ranges:
        stints.update(Stint(season, str(role), str(team)) for season in range(first, last + 1))
    return tuple(sorted(stints))


def merge_people_lists(
    existing: Iterable[Person], incoming: Iterable[Person], *, incoming_wins: bool
) -> list[Person]:
    """Two lists of people as one, same ids merged by ``merge_people``, in first-seen order
    (the people table merges the same way, one database row at a time)."""
    people = {person.id: person for person in existing}
    for person in incoming:
        known = people.get(person.id)
        people[person.id] = (
            merge_people(known, person, incoming_wins=incoming_wins) if known else person
        )
    return list(people.values())


def merge_people(existing: Person, incoming: Person, *, incoming_wins: bool) -> Person:
    """One person from two records of the same id.

    Aliases and roles are always united, so nothing a source adds is lost. For the facts
    (name, code, birth date...) ``incoming_wins`` picks whose non-empty value is kept: the
    F1DB importer is the authority on facts, while the built-in list only fills gaps.
    """
    first, second = (incoming, existing) if incoming_wins else (existing, incoming)
    facts = {
        name: getattr(first, name) or getattr(second, name)
        for name in (
            "name",
            "first_name",
            "last_name",
            "full_name",
            "code",
            "number",
            "nationality",
            "country",
            "gender",
            "date_of_birth",
        )
    }
    aliases = tuple(dict.fromkeys((*existing.aliases, *incoming.aliases)))
    roles = tuple(sorted(set(existing.roles) | set(incoming.roles)))
    return replace(existing, **facts, aliases=aliases, roles=roles)


def person_from_record(record: Mapping[str, Any]) -> Person:
    """A person from the compact built-in record (see ``bot/data/people.json``)."""
    born = record.get("born")
    return Person(
        id=record["id"],
        name=record["name"],
        first_name=record.get("first", ""),
        last_name=record.get("last", ""),
        full_name=record.get("full", ""),
        aliases=tuple(record.get("aliases", ())),
        code=record.get("code"),
        number=record.get("number"),
        nationality=record.get("nationality"),
        country=record.get("country"),
        gender=record.get("gender"),
        date_of_birth=date.fromisoformat(born) if born else None,
        roles=expand_ranges(record.get("roles", ())),
    )


def builtin_directory_text() -> str:
    return resources.files("bot").joinpath("data", "people.json").read_text("utf-8")


def builtin_fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_builtin_directory(text: str) -> list[Person]:
    return [person_from_record(record) for record in json.loads(text)["people"]]
