"""People in the paddock: drivers, team bosses and officials, and how their names are written.

A person's roles are kept one row per season (``Stint``), so two sources that describe the
same career in different ranges merge into the same set without overlap. A driver's stint
also says which rounds of the season he raced for the team, so a mid-season move shows both
teams and the later one as current.

The built-in directory is two files: ``f1db_summary.json``, generated from F1DB by
``scripts/f1db_summary.py`` (drivers, champions, calendar), and the hand-written
``people.json`` with what F1DB lacks (team bosses, nicknames, the numbers raced each season).
"""

from __future__ import annotations

import functools
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


def round_numbers(rounds: str) -> list[int]:
    """ "1-2,4" as [1, 2, 4]; empty for text that is not a list of rounds."""
    numbers: list[int] = []
    for part in rounds.split(","):
        first, _, last = part.partition("-")
        if not first.strip().isdigit() or (last and not last.strip().isdigit()):
            continue
        numbers.extend(range(int(first), int(last or first) + 1))
    return numbers


@dataclass(frozen=True, slots=True, order=True)
class Stint:
    """One role in one season, e.g. (2024, "team principal", "Mercedes"); for a race seat,
    the rounds driven as F1DB writes them ("3-24", "1-2,4-7"), empty when not known."""

    season: int
    role: str
    team: str = ""
    rounds: str = ""

    @property
    def last_round(self) -> int:
        return max(round_numbers(self.rounds), default=0)

    @property
    def first_round(self) -> int:
        return min(round_numbers(self.rounds), default=0)


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
    # Numbers raced by season, (season, number), where they differ from or add to the
    # permanent ``number``: a champion races #1, and numbers changed over a career.
    numbers: tuple[tuple[int, int], ...] = ()

    @property
    def last_active(self) -> int | None:
        return max((s.season for s in self.roles), default=None)

    def seasons(self, role: str = DRIVER) -> list[int]:
        return sorted({s.season for s in self.roles if s.role == role})

    def roles_in(self, season: int) -> list[Stint]:
        return [s for s in self.roles if s.season == season]

    @property
    def latest_stint(self) -> Stint | None:
        """The person's most recent role, preferring a race seat over other jobs that year
        and, after a mid-season move, the seat of the latest round."""
        last = self.last_active
        if last is None:
            return None
        current = self.roles_in(last)
        racing = [s for s in current if s.role == DRIVER]
        return max(racing or current, key=lambda s: (s.last_round, s.first_round))

    @property
    def current_number(self) -> int | None:
        """The number raced in the latest season the directory records one, else the
        permanent number."""
        if self.numbers:
            return max(self.numbers)[1]
        return self.number

    def numbers_used(self) -> list[int]:
        """Every number the person is known by, the current one first."""
        newest_first = [n for _, n in sorted(self.numbers, reverse=True)]
        known = [self.current_number, *newest_first, self.number]
        return [n for n in dict.fromkeys(known) if n is not None]

    def role_ranges(self) -> list[tuple[str, str, int, int]]:
        """Roles as (role, team, first season, last season), consecutive seasons joined."""
        return compress_stints(self.roles)


def describe_rounds(rounds: str) -> str:
    """ "1-11" as "rounds 1–11", "12" as "round 12"; empty when the rounds are not known."""
    numbers = round_numbers(rounds)
    if not numbers:
        return ""
    text = rounds.replace("-", "–").replace(",", ", ")
    return f"round {text}" if len(numbers) == 1 else f"rounds {text}"


def race_seats_by_season(person: Person, seasons: int = 2) -> list[tuple[int, list[Stint]]]:
    """The person's race seats in their last ``seasons`` racing seasons, newest first, each
    season's seats in the order he drove them."""
    racing = sorted({s.season for s in person.roles if s.role == DRIVER}, reverse=True)
    return [
        (
            season,
            sorted(
                (s for s in person.roles_in(season) if s.role == DRIVER),
                key=lambda s: (s.first_round, s.last_round, s.team),
            ),
        )
        for season in racing[:seasons]
    ]


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
    roles = unite_stints((*existing.roles, *incoming.roles))
    numbers = dict(second.numbers) | dict(first.numbers)
    return replace(
        existing, **facts, aliases=aliases, roles=roles, numbers=tuple(sorted(numbers.items()))
    )


def unite_stints(stints: Iterable[Stint]) -> tuple[Stint, ...]:
    """Stints of two sources as one set: a stint that knows its rounds replaces the same
    role in the same season and team without them, and the longest list of rounds wins
    (newer data has raced further into the season)."""
    best: dict[tuple[int, str, str], Stint] = {}
    for stint in stints:
        key = (stint.season, stint.role, stint.team)
        known = best.get(key)
        if known is None or len(round_numbers(stint.rounds)) > len(round_numbers(known.rounds)):
            best[key] = stint
    return tuple(sorted(best.values()))


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
        roles=unite_stints(
            (
                *expand_ranges(record.get("roles", ())),
                *(Stint(*stint) for stint in record.get("stints", ())),
            )
        ),
        numbers=tuple(
            (season, number)
            for first, last, number in record.get("numbers", ())
            for season in range(first, last + 1)
        ),
    )


# JSON text never holds a raw form feed, so it cleanly splits the two files again.
_PART_BREAK = "\n\f\n"


def _data_text(name: str) -> str:
    return resources.files("bot").joinpath("data", name).read_text("utf-8")


def builtin_directory_text() -> str:
    """The built-in directory: the F1DB summary's drivers, then the hand-written file."""
    return _data_text("f1db_summary.json") + _PART_BREAK + _data_text("people.json")


def builtin_fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_builtin_parts(text: str) -> tuple[list[Person], list[Person]]:
    """The F1DB summary's drivers and the hand-written people of ``builtin_directory_text``."""
    summary, _, hand_written = text.partition(_PART_BREAK)
    drivers = [person_from_record(record) for record in json.loads(summary)["drivers"]]
    extras = [person_from_record(record) for record in json.loads(hand_written)["people"]]
    return drivers, extras


def parse_builtin_directory(text: str) -> list[Person]:
    """People from ``builtin_directory_text``: the hand-written records fill in what F1DB
    lacks (nicknames, numbers raced, other roles) and never override its facts."""
    drivers, extras = parse_builtin_parts(text)
    return merge_people_lists(drivers, extras, incoming_wins=False)


@dataclass(frozen=True, slots=True)
class F1dbSummary:
    """The champions and calendar shipped with the bot, generated from F1DB."""

    champions: dict[int, str]
    # (season, round, grand prix, circuit, ((session, UTC time), ...))
    calendar: tuple[tuple[int, int, str, str, tuple[tuple[str, str], ...]], ...]
    latest_round: tuple[int, int]


@functools.cache
def builtin_summary() -> F1dbSummary:
    data = json.loads(_data_text("f1db_summary.json"))
    return F1dbSummary(
        champions={int(season): pid for season, pid in data["champions"].items()},
        calendar=tuple(
            (season, number, gp, circuit, tuple((name, when) for name, when in sessions))
            for season, number, gp, circuit, sessions in data["calendar"]
        ),
        latest_round=(data["latest_round"][0], data["latest_round"][1]),
    )


@functools.cache
def builtin_name_variants() -> tuple[frozenset[str], ...]:
    """Groups of first names fans use for one another ("Oliver", "Ollie", "Olly")."""
    groups = json.loads(_data_text("name_variants.json"))["groups"]
    return tuple(frozenset(normalise_name(name) for name in group) for group in groups)
