"""Read people from an F1DB source tree (github.com/f1db/f1db, folder ``src/data``).

Only the files needed for the directory are read: ``drivers/*.yml``, ``constructors/*.yml``,
``countries/*.yml`` and ``seasons/<year>/entrants.yml``. A file that cannot be read is
reported by name and skipped, so one bad file does not stop an import.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from bot.people import DRIVER, TEST_DRIVER, Person, Stint

# The C loader parses the ~1,000 files several times faster than the pure-Python one.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class F1dbError(Exception):
    """The folder is not an F1DB source tree."""


@dataclass(slots=True)
class F1dbPeople:
    people: list[Person] = field(default_factory=list)
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


def _read_stints(
    seasons_dir: Path, teams: dict[str, str], problems: list[str]
) -> dict[str, set[Stint]]:
    stints: dict[str, set[Stint]] = defaultdict(set)
    for path in sorted(seasons_dir.glob("*/entrants.yml")):
        if not path.parent.name.isdigit():
            continue
        season = int(path.parent.name)
        entrants = _load(path, problems)
        if entrants is None:
            continue
        if not isinstance(entrants, list):
            problems.append(f"{path}: expected a list of entrants")
            continue
        for entrant in entrants:
            if not isinstance(entrant, dict):
                continue
            constructor = _text(entrant.get("constructorId"))
            team = teams.get(constructor, constructor)
            for driver in entrant.get("drivers") or ():
                if not isinstance(driver, dict) or not driver.get("driverId"):
                    continue
                role = TEST_DRIVER if driver.get("testDriver") else DRIVER
                stints[str(driver["driverId"])].add(Stint(season, role, team))
    return stints


def read_f1db(directory: Path) -> F1dbPeople:
    """Every F1DB driver as a ``Person`` with teams by season; unreadable files in ``problems``."""
    drivers_dir = directory / "drivers"
    if not directory.is_dir():
        raise F1dbError(f"{directory} is not a folder")
    if not drivers_dir.is_dir():
        raise F1dbError(f"{directory} has no drivers/ folder; point at F1DB's src/data")
    result = F1dbPeople()
    countries = _read_named(directory / "countries", result.problems)
    constructors = _read_named(directory / "constructors", result.problems)
    teams = {key: _text(value.get("name")) or key for key, value in constructors.items()}
    stints = _read_stints(directory / "seasons", teams, result.problems)
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
