"""Which people and teams a story names, found once on import rather than on every read.

A person is named by their full name, a nickname of four letters or more, or, for people
active in the last 15 seasons, their surname when the directory gives it to them alone
("Verstappen" is Max, "Schumacher" is nobody in particular). A team is named by any of its
aliases. Words are compared much as the full-text index compares them (case and accents
folded, apostrophes split words), so the stories found here are those a phrase search for
the same names finds.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

from bot.people.directory import Person, normalise_name
from bot.people.resolver import PeopleDirectory
from bot.people.teams import TEAMS

TEAM_PREFIX = "team:"
# Every byte but ASCII letters and digits becomes a space: the word characters of FTS5's
# tokenizer once accents are folded. Non-ASCII characters reach it as "?".
_WORD_BYTES = bytes(
    c if chr(c) in "abcdefghijklmnopqrstuvwxyz0123456789" else 32 for c in range(256)
)
_COMBINING = re.compile(r"[\u0300-\u036f]")
_MIN_ALIAS_CHARS = 4
_SURNAME_SEASONS = 15


def team_subject_id(team_id: str) -> str:
    return f"{TEAM_PREFIX}{team_id}"


def is_person_subject(subject: str) -> bool:
    return not subject.startswith(TEAM_PREFIX)


def tokens(text: str) -> list[str]:
    """Lower-case words without accents ("Hülkenberg’s" -> "hulkenberg", "s").

    Names and stories go through this same function, so they agree on letters it does not
    fold (an "ø" splits a word on both sides). Everything here runs in C: ``fold`` would
    visit each character of a 5,000-character story in Python, and a regular expression
    takes four times as long as the byte table over a story's thousand words.
    """
    plain = text.lower()
    if not plain.isascii():
        plain = _COMBINING.sub("", unicodedata.normalize("NFKD", plain))
    return plain.encode("ascii", "replace").translate(_WORD_BYTES).decode("ascii").split()


class MentionFinder:
    """Phrases (as word tuples) mapped to the subjects they name; build once, scan often."""

    def __init__(self, directory: PeopleDirectory) -> None:
        self._phrases: dict[tuple[str, ...], set[str]] = {}
        for person in directory:
            for phrase in self._person_phrases(directory, person):
                self._add(phrase, person.id)
        for team in TEAMS:
            for alias in team.aliases:
                self._add(alias, team_subject_id(team.id))
        self._single = frozenset(words[0] for words in self._phrases if len(words) == 1)
        # For each first word of a longer name, the second words that may follow it: a story
        # is only read word by word where both are present ("the" is in every story, "the
        # silver arrows" in few).
        self._seconds: dict[str, frozenset[str]] = {}
        for words in self._phrases:
            if len(words) > 1:
                self._seconds[words[0]] = self._seconds.get(words[0], frozenset()) | {words[1]}
        # Beginnings of names of three words or more, to know when to read on.
        self._beginnings = frozenset(
            words[:size] for words in self._phrases for size in range(2, len(words))
        )
        self._longest = max(len(words) for words in self._phrases)
        table = sorted((" ".join(words), sorted(ids)) for words, ids in self._phrases.items())
        self.version = hashlib.sha256(repr(table).encode("utf-8")).hexdigest()[:16]

    @staticmethod
    def _person_phrases(directory: PeopleDirectory, person: Person) -> Iterable[str]:
        yield person.name
        for alias in person.aliases:
            if len(normalise_name(alias).replace(" ", "")) >= _MIN_ALIAS_CHARS:
                yield alias
        # A surname alone only for people in the news lately: "Pace" and "Driver" are
        # 1970s drivers, and far more often plain words.
        recent = (person.last_active or 0) > directory.season - _SURNAME_SEASONS
        surname = person.last_name
        if (
            recent
            and len(normalise_name(surname)) >= _MIN_ALIAS_CHARS
            and directory.resolve_mention(surname) == person.id
        ):
            yield surname

    def _add(self, phrase: str, subject: str) -> None:
        words = tuple(tokens(phrase))
        if words:
            self._phrases.setdefault(words, set()).add(subject)

    def find(self, text: str) -> set[str]:
        """Subjects (person ids, ``team:`` ids) named anywhere in ``text``."""
        words = tokens(text)
        present = set(words)
        found: set[str] = set()
        # Set operations run in C; only the few places a name of three words or more may
        # stand are visited.
        for word in present & self._single:
            found.update(self._phrases[(word,)])
        for start in present & self._seconds.keys():
            if not self._seconds[start].isdisjoint(present):
                self._read_on(words, start, found)
        return found

    def _read_on(self, words: list[str], first: str, found: set[str]) -> None:
        """Names of two words or more that start with ``first`` wherever it stands."""
        i = -1
        while True:
            try:
                i = words.index(first, i + 1)
            except ValueError:
                return
            phrase: tuple[str, ...] = (first,)
            for word in words[i + 1 : i + self._longest]:
                phrase = (*phrase, word)
                ids = self._phrases.get(phrase)
                if ids:
                    found.update(ids)
                if phrase not in self._beginnings:
                    break


def mention_finder(people: Iterable[Person]) -> MentionFinder:
    """A finder over ``people``, independent of what is stored: the directory is built
    without mention counts, so the same people always give the same phrases."""
    return MentionFinder(PeopleDirectory(people))
