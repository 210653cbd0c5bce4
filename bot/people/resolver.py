"""Turn what a fan types ("checo", "verst", "#44", "hulkenberk") into people from the directory.

Everything is looked up in dictionaries built once per directory: whole phrases (names,
reversed names, nicknames), single name words, codes and car numbers. Edit-distance matching
(rapidfuzz) is only a fallback for a word nobody has, and only against the words of people fans
are likely to mean, so a random word does not land on an obscure 1950s entrant.

A candidate's score mixes how well the text matched (80%) with how prominent the person is
today (20%: recent seasons, career length, a seat this season, mentions in stored articles),
which is what breaks ties between namesakes such as Max and Jos Verstappen.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.people.directory import (
    DRIVER,
    NAME_SUFFIXES,
    Person,
    builtin_name_variants,
    builtin_summary,
    name_tokens,
    normalise_name,
)
from bot.people.places import VENUES
from bot.people.teams import TEAMS

# Words that carry no identity in a query ("the iceman").
_FILLER = frozenset({"the"})
# Words that may follow a team's name without changing what is meant ("williams racing").
_TEAM_NOISE = frozenset({"team", "racing", "f1", "formula", "one", "scuderia", "gp", "the"})
# "44", "#44", "no. 1", "No.3", "nr 4", "number 16", "car 81", "n°1".
_NUMBER = re.compile(
    r"(?:(?:car\s*)?(?:#|no\.?|nr\.?|n[°º]|num(?:ber)?\.?|car)\s*)?#?\s*(\d{1,2})", re.IGNORECASE
)
_CODE = re.compile(r"[A-Za-z]{3}")
_MAX_QUERY_CHARS = 80
_MAX_QUERY_WORDS = 6

# How a name word belongs to a person; each has a weight when the word is the whole query
# and when it is part of a longer one ("lewis" alone is weaker than "lewis" in "lewis hamilton").
# Lower kinds win when a word plays several parts for one person.
_LAST, _ALIAS, _FIRST, _NICK_WORD, _OTHER = 0, 1, 2, 3, 4
_WEIGHT_ALONE = (1.0, 1.0, 0.88, 0.8, 0.0)
_WEIGHT_IN_PHRASE = (1.0, 1.0, 1.0, 1.0, 0.9)
# A match must rest on at least one of these: "lewis carl" names nobody in particular.
_ANCHORS = frozenset({_LAST, _ALIAS, _NICK_WORD})
# First names and nickname words alone only find people fans know by them.
_GATED_ALONE = frozenset({_FIRST, _NICK_WORD})

_MATCH_SHARE = 0.8
_MIN_QUALITY = 0.6
_WORDWISE_CEILING = 0.95
_SUFFIX_MISMATCH = 0.9
_AMBIGUOUS_GAP = 0.04
_MENTION_LEAD = 0.15
_PREFIX_TOKENS = 300


@dataclass(frozen=True, slots=True)
class Match:
    person: Person
    score: float
    quality: float


@dataclass(frozen=True, slots=True)
class Resolution:
    query: str
    matches: tuple[Match, ...]
    ambiguous: bool

    @property
    def best(self) -> Person | None:
        return self.matches[0].person if self.matches else None


def _fuzzy_budget(token: str) -> int:
    """Edits tolerated in a word: none in short ones, where one edit makes another name."""
    if len(token) >= 6:
        return 2
    if len(token) >= 4:
        return 1
    return 0


class PeopleDirectory:
    """Every known person with the lookup tables for resolving names; build once, query often."""

    def __init__(
        self,
        people: Iterable[Person],
        mentions: Mapping[str, int] | None = None,
        *,
        season: int | None = None,
        name_variants: Iterable[frozenset[str]] | None = None,
        champions: Mapping[int, str] | None = None,
    ) -> None:
        self._people: dict[str, Person] = {p.id: p for p in people}
        self._champions = set(
            (builtin_summary().champions if champions is None else champions).values()
        )
        self.mentions: dict[str, int] = dict(mentions or {})
        self.season = season or max(
            (p.last_active for p in self._people.values() if p.last_active),
            default=date.today().year,
        )
        self._prominence: dict[str, float] = {}
        self._famous: set[str] = set()
        self._phrases: dict[str, set[str]] = {}
        self._words: dict[str, dict[str, int]] = {}
        self._codes: dict[str, list[str]] = {}
        # Car number -> (last season raced with it, person id), newest first once built.
        self._numbers: dict[int, list[tuple[int, str]]] = {}
        self._variants: dict[str, set[str]] = {}
        for group in builtin_name_variants() if name_variants is None else name_variants:
            for name in group:
                self._variants.setdefault(name, set()).update(group - {name})
        self._teams: set[str] = set()
        self._places: set[str] = set()
        self._short_choices: dict[tuple[str, int], list[tuple[str, str]]] = {}
        self._build()

    # ---- building -----------------------------------------------------------------------

    def _rate(self, person: Person) -> tuple[float, bool]:
        """Prominence in 0..1 and whether fans would know the person by a first name or typo."""
        # Test and development drives are not what makes a name familiar.
        active = [s for s in person.roles if s.role == DRIVER or "driver" not in s.role]
        last = max((s.season for s in active), default=0)
        race = len({s.season for s in active if s.role == DRIVER})
        lead = len({s.season for s in active if s.role != DRIVER})
        mentioned = self.mentions.get(person.id, 0)
        top_mentions = max(self.mentions.values(), default=0)
        recency = max(0.0, 1 - (self.season - last) / 20) if last else 0.0
        career = min(1.0, max(race / 12, lead / 10))
        current = 1.0 if last >= self.season else 0.5 if last == self.season - 1 else 0.0
        buzz = math.log1p(mentioned) / math.log1p(top_mentions) if top_mentions else 0.0
        prominence = (recency + career + 0.4 * current + 0.6 * buzz) / 3.0
        famous = (
            (last >= self.season - 9 and (race > 0 or lead > 0))
            or race >= 6
            or person.id in self._champions
            or lead >= 3
            or mentioned > 0
        )
        return prominence, famous

    def _build(self) -> None:
        for person in self._people.values():
            prominence, famous = self._rate(person)
            self._prominence[person.id] = prominence
            if famous:
                self._famous.add(person.id)
            self._index_person(person)
            if person.code:
                self._codes.setdefault(person.code.lower(), []).append(person.id)
            for number, season in _number_seasons(person).items():
                self._numbers.setdefault(number, []).append((season, person.id))
            for stint in person.roles:
                if stint.role == DRIVER and stint.season > self.season - 10 and stint.team:
                    team = normalise_name(stint.team)
                    self._teams.add(team)
                    self._teams.add(_strip_team_noise(team.split()))
        self._teams.update(normalise_name(alias) for team in TEAMS for alias in team.aliases)
        self._teams.discard("")
        self._places = set(VENUES)
        for person in self._people.values():
            for place in (person.country, person.nationality):
                if place:
                    self._places.add(normalise_name(place))
        newest_first = lambda pid: -(self._people[pid].last_active or 0)  # noqa: E731
        for holders in self._codes.values():
            holders.sort(key=newest_first)
        for users in self._numbers.values():
            users.sort(key=lambda used: (-used[0], used[1]))
        self._vocabulary = sorted(self._words)
        self._labels = {pid: self.label(p) for pid, p in self._people.items()}
        current = [p for p in self._people.values() if (p.last_active or 0) >= self.season]

        def order(p: Person) -> tuple[bool, int, float, str]:
            racing = any(s.role == DRIVER for s in p.roles_in(self.season))
            return (not racing, -self.mentions.get(p.id, 0), -self._prominence[p.id], p.name)

        self._defaults = sorted(current, key=order)
        # Typos are only forgiven for people fans know; see the module docstring.
        self._fuzzy_words = [
            word
            for word, owners in self._words.items()
            if len(word) >= 3 and any(pid in self._famous for pid in owners)
        ]

    def _index_person(self, person: Person) -> None:
        def add_word(word: str, kind: int) -> None:
            owners = self._words.setdefault(word, {})
            owners[person.id] = min(owners.get(person.id, kind), kind)

        def add_phrase(words: list[str]) -> None:
            core = [w for w in words if w not in NAME_SUFFIXES]
            for variant in (words, core):
                if variant:
                    self._phrases.setdefault(" ".join(variant), set()).add(person.id)

        first = name_tokens(person.first_name)
        last = [w for w in name_tokens(person.last_name) if w not in NAME_SUFFIXES]
        for word in last:
            add_word(word, _LAST)
        if len(last) > 1:
            # Fans run particles together: "devries", "bensulayem", "diresta".
            add_word("".join(last), _LAST)
            if first:
                add_phrase([*first, "".join(last)])
        for word in first:
            add_word(word, _FIRST)
            # "Isaac Hadjar", "Olly Bearman": the first names fans write for one another.
            for variant in self._variants.get(word, ()):
                for variant_word in variant.split():
                    add_word(variant_word, _FIRST)
        for word in name_tokens(person.name) + name_tokens(person.full_name):
            if word not in NAME_SUFFIXES:
                add_word(word, _OTHER)
        for alias in person.aliases:
            words = name_tokens(alias)
            add_phrase(words)
            core = [w for w in words if w not in _FILLER and w not in NAME_SUFFIXES]
            if core != words:
                add_phrase(core)
            # "Hulk" is a name on its own; "Danny" of "Danny Ric" only within the phrase.
            for word in core:
                add_word(word, _ALIAS if len(core) == 1 else _NICK_WORD)
        for text in (person.name, person.full_name):
            add_phrase(name_tokens(text))
        if first and last:
            add_phrase(first + last)
            add_phrase(last + first)
        display = name_tokens(person.name)
        if len(display) > 1:
            add_phrase(display[1:] + display[:1])

    # ---- queries ------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._people)

    def __iter__(self) -> Iterator[Person]:
        return iter(self._people.values())

    def get(self, person_id: str) -> Person | None:
        return self._people.get(person_id)

    def prominence(self, person_id: str) -> float:
        return self._prominence.get(person_id, 0.0)

    def is_team(self, text: str) -> bool:
        words = name_tokens(text)
        return bool(words) and (
            " ".join(words) in self._teams or _strip_team_noise(words) in self._teams
        )

    def resolve(self, query: str, limit: int = 5) -> Resolution:
        """People the text may mean, best first; no matches when it names nobody."""
        qualities = self._match(query, prefix_from=4)
        return self._rank(query, qualities, limit)

    def matches(self, query: str, *, typing: bool = False) -> list[Match]:
        """Everyone the text may mean, best first; ``typing`` matches the start of a word
        as autocomplete does."""
        qualities = self._match(query, prefix_from=1 if typing else 4)
        return list(self._rank(query, qualities, len(qualities)).matches)

    def autocomplete(self, text: str, limit: int = 25) -> list[tuple[str, str]]:
        """Up to ``limit`` (label, id) choices for what has been typed so far."""
        if not text.strip():
            return [(self._labels[p.id], p.id) for p in self.default_choices(limit)]
        # One or two letters match hundreds of names; the directory never changes once
        # built, so those answers are worked out once and kept.
        short = len(text.strip()) <= 2
        key = (text.strip().casefold(), limit)
        if short and key in self._short_choices:
            return list(self._short_choices[key])
        qualities = self._match(text, prefix_from=1)
        ranked = self._rank(text, qualities, limit)
        choices = [(self._labels[m.person.id], m.person.id) for m in ranked.matches]
        if short:
            self._short_choices[key] = choices
        return choices

    def default_choices(self, limit: int = 25) -> list[Person]:
        """This season's drivers, then its bosses, most mentioned and most prominent first."""
        return self._defaults[:limit]

    def resolve_mention(self, name: str, context: Iterable[str] = ()) -> str | None:
        """The one person a name in article text refers to ("Hamilton", "Toto Wolff"), or None.

        Only exact names and nicknames count. ``context`` holds ids of people the article
        already names, which settles a bare "Schumacher" in a story about Mick.
        """
        qualities = self._match(name, prefix_from=None, exact_only=True)
        if not qualities:
            return None
        named = set(context)
        for preferred in (named, self._famous):
            narrowed = {pid: q for pid, q in qualities.items() if pid in preferred}
            qualities = narrowed or qualities
        top_quality = max(qualities.values())
        best = [pid for pid, q in qualities.items() if q >= top_quality - 0.05]
        pool = sorted(best, key=self.prominence, reverse=True)
        if len(pool) == 1:
            return pool[0]
        lead = self.prominence(pool[0]) - self.prominence(pool[1])
        return pool[0] if lead >= _MENTION_LEAD else None

    def label(self, person: Person) -> str:
        """A one-line description, e.g. "Lewis Hamilton (HAM, #44, Ferrari)"."""
        stint = person.latest_stint
        details: list[str] = []
        if stint is None or stint.role == DRIVER:
            if person.code:
                details.append(person.code)
            if person.current_number is not None:
                details.append(f"#{person.current_number}")
            if stint and stint.team:
                details.append(stint.team)
        else:
            details.append(f"{stint.team} {stint.role}".strip())
        text = f"{person.name} ({', '.join(details)})" if details else person.name
        return text[:100]

    # ---- matching -----------------------------------------------------------------------

    def _match(
        self, query: str, *, prefix_from: int | None, exact_only: bool = False
    ) -> dict[str, float]:
        """Match quality (0..1) per person id for ``query``."""
        raw = query.strip()
        if not raw or len(raw) > _MAX_QUERY_CHARS or ("<" in raw and ">" in raw):
            return {}
        if not exact_only:
            number = _NUMBER.fullmatch(raw)
            if number:
                return self._by_number(int(number.group(1)))
        words = name_tokens(raw)
        if not words or len(words) > _MAX_QUERY_WORDS or self.is_team(raw):
            return {}
        content = [w for w in words if w not in _FILLER and w not in NAME_SUFFIXES]
        if not content:
            return {}
        found: dict[str, float] = {}
        for phrase in {" ".join(words), " ".join(content)}:
            for pid in self._phrases.get(phrase, ()):
                found[pid] = 1.0
        if not found and " ".join(words) in self._places:
            return {}
        strict = prefix_from is None or prefix_from >= 3
        if strict and len(content) == 1 and len(content[0]) < 3 and not found:
            return {}
        shouting = raw.isupper()
        # While typing, "sch" is the start of a name far more often than a 1950s code.
        if not exact_only and _CODE.fullmatch(raw) and (strict or shouting):
            for pid in self._codes.get(raw.lower(), ()):
                if shouting or pid in self._famous:
                    found[pid] = max(found.get(pid, 0.0), 0.97 if shouting else 0.9)
        alone = len(content) == 1
        weights = _WEIGHT_ALONE if alone else _WEIGHT_IN_PHRASE
        per_word: list[dict[str, tuple[float, int]]] = []
        for position, word in enumerate(content):
            last_word = position == len(content) - 1
            prefix = None if exact_only or prefix_from is None else prefix_from
            if prefix is not None and not last_word:
                prefix = max(prefix, 3)
            best: dict[str, tuple[float, int]] = {}
            for candidate, closeness in self._similar_words(word, prefix, exact_only):
                for pid, kind in self._words[candidate].items():
                    weight = weights[kind]
                    if alone and kind in _GATED_ALONE and pid not in self._famous:
                        weight = 0.0
                    score = closeness * weight
                    if score > best.get(pid, (0.0, kind))[0]:
                        best[pid] = (score, kind)
            if not best:
                per_word = []
                break
            per_word.append(best)
        if per_word:
            shared = set(per_word[0]).intersection(*per_word[1:])
            for pid in shared:
                kinds = [word_matches[pid][1] for word_matches in per_word]
                if not alone and not any(kind in _ANCHORS for kind in kinds):
                    continue
                quality = sum(word_matches[pid][0] for word_matches in per_word) / len(per_word)
                if not alone:
                    # Words matched one by one never equal a whole name or nickname typed out.
                    quality = min(quality, _WORDWISE_CEILING)
                if quality > found.get(pid, 0.0):
                    found[pid] = quality
        suffixes = NAME_SUFFIXES.intersection(words)
        if suffixes:
            # "Piquet Jr" asks for the son: his father matches the rest of the name only.
            for pid in found:
                if not suffixes.intersection(name_tokens(self._people[pid].name)):
                    found[pid] *= _SUFFIX_MISMATCH
        return {pid: q for pid, q in found.items() if q >= _MIN_QUALITY}

    def _similar_words(
        self, word: str, prefix_from: int | None, exact_only: bool
    ) -> list[tuple[str, float]]:
        """Indexed words close to ``word`` with a closeness in 0..1."""
        similar: list[tuple[str, float]] = []
        exact = word in self._words
        if exact:
            similar.append((word, 1.0))
        if exact_only:
            return similar
        if prefix_from is not None and len(word) >= prefix_from:
            start = bisect_left(self._vocabulary, word)
            for candidate in self._vocabulary[start : start + _PREFIX_TOKENS]:
                if not candidate.startswith(word):
                    break
                if candidate != word:
                    similar.append((candidate, 0.65 + 0.3 * len(word) / len(candidate)))
        budget = _fuzzy_budget(word)
        # An exact hit on only obscure people ("ricardo", a 1960s first name) may still be
        # a typo for someone famous ("ricciardo").
        known = exact and any(pid in self._famous for pid in self._words[word])
        if not known and budget:
            for candidate, distance, _ in process.extract(
                word, self._fuzzy_words, scorer=OSA.distance, score_cutoff=budget, limit=None
            ):
                # Two edits only between long words ("ricardo" for "ricciardo").
                if distance == 2 and max(len(word), len(candidate)) < 8:
                    continue
                closeness = 0.88 - 0.12 * (distance - 1) - 0.5 * distance / len(candidate)
                similar.append((candidate, closeness))
        return similar

    def _by_number(self, number: int) -> dict[str, float]:
        """Whoever raced the number most recently first, earlier holders well behind."""
        users = self._numbers.get(number, [])
        return {pid: 1.0 if i == 0 else 0.7 for i, (_, pid) in enumerate(users)}

    def _rank(self, query: str, qualities: Mapping[str, float], limit: int) -> Resolution:
        scored = sorted(
            (
                (_MATCH_SHARE * q + (1 - _MATCH_SHARE) * self._prominence[pid], q, pid)
                for pid, q in qualities.items()
            ),
            key=lambda item: (-item[0], -item[1], item[2]),
        )
        matches = tuple(
            Match(self._people[pid], round(100 * score, 1), q) for score, q, pid in scored[:limit]
        )
        ambiguous = len(scored) > 1 and scored[0][0] - scored[1][0] < _AMBIGUOUS_GAP
        return Resolution(query, matches, ambiguous)


def _number_seasons(person: Person) -> dict[int, int]:
    """Each number the person raced and the last season raced with it. The permanent number
    counts up to the person's last season unless the seasons recorded say it was dropped."""
    used: dict[int, int] = {}
    for season, number in person.numbers:
        used[number] = max(used.get(number, 0), season)
    if person.number is not None and person.number not in used:
        later = max((season for season, _ in person.numbers), default=0)
        last = max((s.season for s in person.roles if s.role == DRIVER), default=0)
        used[person.number] = last if last > later else later
    return used


def _strip_team_noise(words: list[str]) -> str:
    return " ".join(w for w in words if w not in _TEAM_NOISE)
