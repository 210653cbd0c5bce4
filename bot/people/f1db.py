"""Read F1DB's source tree (github.com/f1db/f1db, folder ``src/data``; CC BY 4.0).

Only the files the bot needs are read: ``drivers/``, ``constructors/``, ``countries/``,
``grands-prix/`` and ``circuits/`` for names, and per season ``entrants.yml`` (who drove for
whom, by rounds), ``driver-standings.yml`` (the champion, once the season is over) and
``races/*/race.yml`` (the calendar with UTC session times). A file that cannot be read is
reported by name and skipped, so one bad file does not stop an import.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import yaml

from bot.people.directory import DRIVER, TEST_DRIVER, Person, Stint, round_numbers

# The C loader parses the ~1,000 files several times faster than the pure-Python one.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_ROUNDS = re.compile(r"\d+(?:-\d+)?(?:,\d+(?:-\d+)?)*")
# F1DB's session fields in race.yml, as (field prefix, what fans call the session).
SESSIONS = (
    ("freePractice1", "Practice 1"),
    ("freePractice2", "Practice 2"),
    ("freePractice3", "Practice 3"),
    ("freePractice4", "Practice 4"),
    ("sprintQualifying", "Sprint qualifying"),
    ("sprintRace", "Sprint"),
    ("qualifying", "Qualifying"),
)
RACE = "Race"


class F1dbError(Exception):
    """The folder is not an F1DB source tree."""


@dataclass(frozen=True, slots=True)
class Race:
    """One round of a season's calendar; session times are UTC (date only when F1DB has no
    time, as for most early races)."""

    season: int
    round: int
    grand_prix: str
    circuit: str
    sessions: tuple[tuple[str, str], ...] = ()

    @property
    def race_day(self) -> date | None:
        for name, when in self.sessions:
            if name == RACE:
                return date.fromisoformat(when[:10])
        return None


@dataclass(slots=True)
class F1dbData:
    people: list[Person] = field(default_factory=list)
    # Drivers' champion by season, only for seasons whose every round has been raced.
    champions: dict[int, str] = field(default_factory=dict)
    races: list[Race] = field(default_factory=list)
    # The latest (season, round) with entrants: how far the data reaches.
    latest_round: tuple[int, int] = (0, 0)
    problems: list[str] = field(default_factory=list)


def _load(path: Path, problems: list[str]) -> Any:
    try:
        with path.open("rb") as handle:
            return yaml.load(handle, Loader=_Loader)
    except (OSError, yaml.YAMLError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        problems.append(f"{path}: {reason}")
        return None


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _number(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _utc(day: Any, clock: Any) -> str | None:
    """An ISO UTC timestamp, or the bare date when F1DB gives no time."""
    when = _date(day)
    if when is None:
        return None
    # YAML 1.1 reads an unquoted 13:00 as 780 (minutes, base 60).
    if isinstance(clock, int):
        clock = f"{clock // 60:02d}:{clock % 60:02d}"
    try:
        at = time.fromisoformat(str(clock)) if clock else None
    except ValueError:
        at = None
    if at is None:
        return when.isoformat()
    return datetime.combine(when, at, tzinfo=UTC).isoformat().replace("+00:00", "Z")


def _read_named(folder: Path, problems: list[str]) -> dict[str, dict[str, Any]]:
    records: dict[str, dict[str, Any]] = {}
    for path in sorted(folder.glob("*.yml")):
        data = _load(path, problems)
        if data is None:
            continue
        if not isinstance(data, dict) or "id" not in data:
            problems.append(f"{path}: not an F1DB record (no id)")
            continue
        records[str(data["id"])] = data
    return records


def _season_dirs(seasons_dir: Path) -> list[tuple[int, Path]]:
    return sorted(
        (int(path.name), path)
        for path in seasons_dir.glob("*")
        if path.is_dir() and path.name.isdigit()
    )


def _read_stints(
    seasons: list[tuple[int, Path]], teams: dict[str, str], problems: list[str]
) -> tuple[dict[str, set[Stint]], dict[int, int]]:
    """Each driver's stints, and the last round each season has entrants for."""
    stints: dict[str, set[Stint]] = defaultdict(set)
    last_round: dict[int, int] = {}
    for season, folder in seasons:
        path = folder / "entrants.yml"
        if not path.is_file():
            continue
        entrants = _load(path, problems)
        if entrants is None:
            continue
        if not isinstance(entrants, list):
            problems.append(f"{path}: expected a list of entrants")
            continue
        # A driver may race for one team in two entries (a works and a private car): one
        # stint with the rounds of both.
        rounds: dict[tuple[str, str, str], set[int]] = defaultdict(set)
        classified = _classified_drivers(folder / "driver-standings.yml", problems)
        for entrant in entrants:
            if not isinstance(entrant, dict):
                continue
            constructor = _text(entrant.get("constructorId"))
            team = teams.get(constructor, constructor)
            for driver in entrant.get("drivers") or ():
                if not isinstance(driver, dict) or not driver.get("driverId"):
                    continue
                text = _text(driver.get("rounds")).replace(" ", "")
                # An entry marked as a test driver's, with rounds, by a driver the season's
                # standings classify is a substitute who raced those rounds (Bearman for
                # Ferrari in 2024's second round).
                raced_as_stand_in = bool(text) and driver["driverId"] in classified
                tested = driver.get("testDriver") and not raced_as_stand_in
                role = TEST_DRIVER if tested else DRIVER
                if text and not _ROUNDS.fullmatch(text):
                    problems.append(f"{path}: rounds {text!r} of {driver['driverId']} unreadable")
                    text = ""
                raced = set(round_numbers(text))
                rounds[(str(driver["driverId"]), role, team)].update(raced)
                last_round[season] = max(last_round.get(season, 0), *raced, 0)
        for (driver_id, role, team), raced in rounds.items():
            stints[driver_id].add(Stint(season, role, team, _rounds_text(raced)))
    return stints, last_round


def _classified_drivers(path: Path, problems: list[str]) -> frozenset[str]:
    """The drivers a season's standings list: everyone who started a race that season."""
    if not path.is_file():
        return frozenset()
    standings = _load(path, problems)
    if not isinstance(standings, list):
        return frozenset()
    return frozenset(
        str(row["driverId"]) for row in standings if isinstance(row, dict) and row.get("driverId")
    )


def _rounds_text(rounds: set[int]) -> str:
    """{1, 2, 4, 5, 6} as "1-2,4-6"."""
    runs: list[list[int]] = []
    for number in sorted(rounds):
        if runs and number == runs[-1][1] + 1:
            runs[-1][1] = number
        else:
            runs.append([number, number])
    return ",".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


def _read_calendar(
    seasons: list[tuple[int, Path]],
    grands_prix: dict[str, dict[str, Any]],
    circuits: dict[str, dict[str, Any]],
    problems: list[str],
) -> list[Race]:
    races: list[Race] = []
    for season, folder in seasons:
        for path in sorted(folder.glob("races/*/race.yml")):
            record = _load(path, problems)
            if record is None:
                continue
            number = _number(record.get("round")) if isinstance(record, dict) else None
            if number is None:
                problems.append(f"{path}: not an F1DB race (no round)")
                continue
            gp = grands_prix.get(_text(record.get("grandPrixId")), {})
            circuit = circuits.get(_text(record.get("circuitId")), {})
            sessions = [
                (name, when)
                for prefix, name in SESSIONS
                if (when := _utc(record.get(f"{prefix}Date"), record.get(f"{prefix}Time")))
            ]
            race_at = _utc(record.get("date"), record.get("time"))
            if race_at:
                sessions.append((RACE, race_at))
            races.append(
                Race(
                    season=season,
                    round=number,
                    grand_prix=_text(gp.get("fullName")) or _text(record.get("grandPrixId")),
                    circuit=_text(circuit.get("fullName")) or _text(record.get("circuitId")),
                    sessions=tuple(sorted(sessions, key=lambda s: s[1])),
                )
            )
    return sorted(races, key=lambda r: (r.season, r.round))


def _read_champions(
    seasons: list[tuple[int, Path]],
    last_round: dict[int, int],
    races: list[Race],
    problems: list[str],
) -> dict[int, str]:
    """Who led the final standings of each season raced to its last calendar round; the
    current season's standings are only provisional."""
    rounds_in: dict[int, int] = defaultdict(int)
    for race in races:
        rounds_in[race.season] = max(rounds_in[race.season], race.round)
    champions: dict[int, str] = {}
    for season, folder in seasons:
        path = folder / "driver-standings.yml"
        if not path.is_file() or not rounds_in[season]:
            continue
        if last_round.get(season, 0) < rounds_in[season]:
            continue
        standings = _load(path, problems)
        if not isinstance(standings, list):
            continue
        leader = next(
            (
                row
                for row in standings
                if isinstance(row, dict) and _number(row.get("position")) == 1
            ),
            None,
        )
        if leader and leader.get("driverId"):
            champions[season] = str(leader["driverId"])
    return champions


def read_f1db(directory: Path) -> F1dbData:
    """Every F1DB driver as a ``Person`` with teams by season and rounds, the champions and
    the calendar; unreadable files in ``problems``."""
    drivers_dir = directory / "drivers"
    if not directory.is_dir():
        raise F1dbError(f"{directory} is not a folder")
    if not drivers_dir.is_dir():
        raise F1dbError(f"{directory} has no drivers/ folder; point at F1DB's src/data")
    result = F1dbData()
    countries = _read_named(directory / "countries", result.problems)
    constructors = _read_named(directory / "constructors", result.problems)
    teams = {key: _text(value.get("name")) or key for key, value in constructors.items()}
    seasons = _season_dirs(directory / "seasons")
    stints, last_round = _read_stints(seasons, teams, result.problems)
    result.races = _read_calendar(
        seasons,
        _read_named(directory / "grands-prix", result.problems),
        _read_named(directory / "circuits", result.problems),
        result.problems,
    )
    result.champions = _read_champions(seasons, last_round, result.races, result.problems)
    raced = [(season, number) for season, number in last_round.items() if number]
    result.latest_round = max(raced, default=(0, 0))
    for key, record in _read_named(drivers_dir, result.problems).items():
        country = countries.get(_text(record.get("nationalityCountryId")), {})
        name = _text(record.get("name"))
        if not name:
            result.problems.append(f"{drivers_dir / (key + '.yml')}: no name")
            continue
        gender = _text(record.get("gender")).lower()
        result.people.append(
            Person(
                id=key,
                name=name,
                first_name=_text(record.get("firstName")),
                last_name=_text(record.get("lastName")),
                full_name=_text(record.get("fullName")),
                code=_text(record.get("abbreviation")).upper() or None,
                number=_number(record.get("permanentNumber")),
                nationality=_text(country.get("demonym")) or None,
                country=_text(country.get("name")) or None,
                gender=gender or None,
                date_of_birth=_date(record.get("dateOfBirth")),
                roles=tuple(sorted(stints.get(key, ()))),
            )
        )
    return result
