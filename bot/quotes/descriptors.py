"""What a descriptor says about a person, tested against the people directory's facts.

"the Finn" is Finnish, "the Mercedes boss" ran Mercedes that season, "the seven-time
champion" won seven titles, "the 26-year-old" was born that many years before the story.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import NamedTuple

from bot.people.directory import DRIVER, TEST_DRIVER, Person, fold, normalise_name
from bot.quotes.lexicon import (
    BOSS_HEADS,
    DRIVER_HEADS,
    NATION_NOUNS,
    TEAM_ALIASES,
    TITLE_COUNTS,
    WORLD_CHAMPIONS,
)

_FORMER = frozenset({"former", "ex", "ex-f1", "one-time", "erstwhile"})
_AGE = re.compile(r"^(\d{1,2})-year-old$")
_TIMES = re.compile(r"^(\w+)-times?$")


class _Reading(NamedTuple):
    """A descriptor's claims: nationality, ages, titles won, boss or driver, teams."""

    nation: str | None
    ages: tuple[int, ...]
    titles: tuple[int, ...]
    head: str  # "boss", "driver" or ""
    teams: tuple[str, ...]
    former: bool  # "the former Williams driver": a team or role of any earlier season


_FitKey = tuple[str, tuple[str, ...], int | None, frozenset[int]]


class Descriptors:
    """Descriptor tests over the people directory, cached across articles."""

    def __init__(self, people: Mapping[str, Person], teams: set[str]) -> None:
        self.people = people
        self._teams = teams
        self._fitted: dict[
            tuple[str, tuple[str, ...], int | None, frozenset[int]], bool | None
        ] = {}
        self._readings: dict[tuple[str, ...], _Reading] = {}
        self._drives: dict[str, list[int]] = {}
        self._teams_of: dict[str, list[tuple[int, str]]] = {}
        self._everyone: dict[tuple[tuple[str, ...], int | None], list[str]] = {}

    def fits(
        self,
        person_id: str,
        words: list[str],
        year: int | None,
        seasons: frozenset[int] = frozenset(),
    ) -> bool | None:
        """Whether "the <words>" can describe the person: True, False, or None (says nothing).

        ``words`` are the descriptor's folded words without "the", e.g. ["mercedes", "boss"];
        ``seasons``, for an undated article, are the seasons it may be about.
        """
        key = (person_id, tuple(words), year, seasons)
        if key not in self._fitted:
            self._fitted[key] = self._fits_now(person_id, words, year, seasons)
        return self._fitted[key]

    def _fits_now(
        self,
        person_id: str,
        words: list[str],
        year: int | None,
        seasons: frozenset[int] = frozenset(),
    ) -> bool | None:
        person = self.people.get(person_id)
        if person is None:
            # Someone the news named: nothing known to test the words against.
            return None
        # The words are read once for everyone (``candidates_for`` tries the whole
        # directory); each test below is of this person alone, and any that fails is final.
        said = self._reading(words)
        said_something = False
        if said.nation is not None:
            said_something = True
            if not person.nationality or _nation_key(person.nationality) != said.nation:
                return False
        if said.ages and person.date_of_birth:
            born = person.date_of_birth.year
            # A story may look a season ahead ("the 2026 rules"), so its year allows one
            # more birthday; undated, the age must fall in a season it may be about and the
            # person was active.
            active = {stint.season for stint in person.roles}
            when = {year, year - 1} if year else (active & seasons or active)
            if when:
                said_something = True
                for wanted in said.ages:
                    if not any(s - born - 1 <= wanted <= s - born for s in when):
                        return False
        for wanted in said.titles:
            said_something = True
            titles = [y for y, pid in WORLD_CHAMPIONS.items() if pid == person_id]
            if year:
                titles = [y for y in titles if y < year] or titles[:0]
                if not (len(titles) == wanted or len(titles) + 1 == wanted):
                    return False
            elif len(titles) < wanted:
                return False
        if said.head == "boss" and not said.former:
            said_something = True
            if self._is_driver(person_id, year) and not self._has_other_role(person, year):
                return False
        elif said.head == "driver":
            said_something = True
            if not self._driver_seasons(person_id):
                return False
        if said.teams:
            said_something = True
            person_teams = {
                team
                for season, team in self._stint_teams(person_id)
                if not year or season in (year, year - 1) or (said.former and season < year)
            }
            if not any(_team_match(t, pt) for t in said.teams for pt in person_teams):
                return False
        return True if said_something else None

    def _reading(self, words: list[str]) -> _Reading:
        """What a descriptor's words claim, whoever they are tested against."""
        key = tuple(words)
        reading = self._readings.get(key)
        if reading is None:
            text = " ".join(words)
            head = words[-1] if words else ""
            two = " ".join(words[-2:])
            nation = NATION_NOUNS.get(two) or NATION_NOUNS.get(head)
            if nation is None:
                nation = next((NATION_NOUNS[w] for w in words[:-1] if w in NATION_NOUNS), None)
            ages = []
            titles = []
            for word in words:
                age = _AGE.match(word)
                if age:
                    ages.append(int(age.group(1)))
                times = _TIMES.match(word)
                if times and "champion" in text and times.group(1) in TITLE_COUNTS:
                    titles.append(TITLE_COUNTS[times.group(1)])
            if head in BOSS_HEADS or two in BOSS_HEADS:
                kind = "boss"
            elif head in DRIVER_HEADS or two in DRIVER_HEADS:
                kind = "driver"
            else:
                kind = ""
            reading = _Reading(
                nation,
                tuple(ages),
                tuple(titles),
                kind,
                tuple(self._teams_in(words)),
                bool(_FORMER & set(words)),
            )
            self._readings[key] = reading
        return reading

    def _driver_seasons(self, person_id: str) -> list[int]:
        found = self._drives.get(person_id)
        if found is None:
            found = self._drives[person_id] = self.people[person_id].seasons(DRIVER)
        return found

    def _stint_teams(self, person_id: str) -> list[tuple[int, str]]:
        """Each season's team of the person, folded as ``_teams_in`` folds them."""
        found = self._teams_of.get(person_id)
        if found is None:
            found = self._teams_of[person_id] = [
                (stint.season, normalise_name(stint.team))
                for stint in self.people[person_id].roles
                if stint.team
            ]
        return found

    def _teams_in(self, words: list[str]) -> list[str]:
        found = []
        for size in (3, 2, 1):
            for i in range(len(words) - size + 1):
                team = " ".join(words[i : i + size])
                if team in self._teams:
                    found.append(TEAM_ALIASES.get(team, team))
        return found

    def _is_driver(self, person_id: str, year: int | None) -> bool:
        seasons = self._driver_seasons(person_id)
        if not seasons:
            return False
        return year is None or any(abs(s - year) <= 1 for s in seasons)

    @staticmethod
    def _has_other_role(person: Person, year: int | None) -> bool:
        return any(
            s.role not in (DRIVER, TEST_DRIVER) and (year is None or abs(s.season - year) <= 1)
            for s in person.roles
        )

    def everyone(self, words: list[str], year: int | None) -> list[str]:
        """Everyone in the directory a descriptor fits, when it says enough to narrow it."""
        key = (tuple(words), year)
        if key not in self._everyone:
            self._everyone[key] = [
                pid for pid in self.people if self._fits_now(pid, words, year) is True
            ]
        return self._everyone[key]


@functools.lru_cache(maxsize=512)
def _nation_key(nationality: str) -> str:
    key = fold(nationality).strip()
    return NATION_NOUNS.get(key, key)


def _team_match(wanted: str, actual: str) -> bool:
    return actual == wanted or actual.startswith(wanted + " ") or wanted.startswith(actual + " ")
