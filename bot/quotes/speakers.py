"""Who is speaking: the names in an article, resolved to people.

The people directory knows names, nationalities, birth dates and each season's roles; this
module turns those facts into the lookups quote attribution needs: a surname or nickname to
the people it may mean, and people the directory does not know (an engineer, a driver's
father) by the name the news gives them, with an id of "news:<name>". Descriptors ("the
Finn", "the Mercedes boss") are tested in ``descriptors.py``. Everything here is plain
Python so extraction stays fast enough to run on every import.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date

from bot.people.directory import Person, normalise_name
from bot.people.places import VENUES
from bot.quotes.descriptors import Descriptors
from bot.quotes.lexicon import (
    NAME_PARTICLES,
    NATION_NOUNS,
    NOT_NAME_WORDS,
    ROLE_WORDS,
    TEAM_ALIASES,
)

_CAPITALISED = re.compile(
    r"[A-ZÀ-ÖØ-Þ](?:\.|[\w\-]*(?:['’][A-Za-z]+)?)"
    r"(?:[ \u00a0](?:(?:de|van|von|der|den|da|di|le|la|du|dos|del|bin|ben)[ \u00a0])*"
    r"[A-ZÀ-ÖØ-Þ](?:\.|[\w\-]*(?:['’][A-Za-z]+)?))*"
)
_POSSESSIVE = re.compile(r"['’]s?$")
# A word that may be part of a person's name: capitalised, then lower case (an inner capital
# as in "McLaren" or a hyphen as in "Heinz-Harald" allowed), or an initial.
_NAME_WORD = re.compile(r"[A-ZÀ-ÖØ-Þ](?:[a-zß-öø-ÿ'’]+(?:[A-Z\-][a-zß-öø-ÿ'’]+)*|\.)(?:['’]s?)?")
_SENIOR = frozenset({"sr", "senior"})
# Lower-case words inside a surname, as ``_CAPITALISED`` lets them stand.
_PARTICLES = frozenset(
    {"de", "van", "von", "der", "den", "da", "di", "le", "la", "du", "dos", "del", "bin", "ben"}
)
# The id prefix of people the directory does not know.
NEWS = "news:"
# Words before a name that make it the medium spoken to or in, not a person.
_OUTLET_BEFORE = re.compile(
    r"\b(?:told|interview with|speaking to|spoke to|talking to|talked to|in|for|via|on)"
    r"\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_GENERATIONS = frozenset({"jr", "sr", "junior", "senior"})
# Words of nationality ("Briton", "Irish"): they describe a person, they are never a name.
_NATIONALITY = frozenset({*NATION_NOUNS, *NATION_NOUNS.values()})


# One name, or one capitalised word an article may yet teach a meaning for, within a run of
# capitalised words: start and end in the run, whether it is a single word, its folded key,
# what the directory alone says it is, whether it is possessive, what naming its person in
# full teaches the article (``LocalNames.learn``'s arguments), if anything, and, for a
# newcomer the article must bear out, their first and last words as written.
_Plan = tuple[
    int,
    int,
    bool,
    str,
    "tuple[str, tuple[str, ...]] | None",
    bool,
    "tuple[str, str, str, tuple[str, str]] | None",
    "tuple[str, str] | None",
]


_Lesson = tuple[str, str, str, tuple[str, str]]
# A newcomer's plan past its place in the run: as ``_Plan``.
_NewsPlan = tuple[
    bool, str, "tuple[str, tuple[str, ...]]", bool, "_Lesson | None", "tuple[str, str] | None"
]


def _without_generation(name: str) -> list[str]:
    """The words of a name less "Jr." or "Sr."."""
    return [word for word in name.split() if normalise_name(word) not in _GENERATIONS]


def _name_like(word: str) -> bool:
    return bool(_NAME_WORD.fullmatch(word))


# A stretch of text that names a person (or people who share the name) or a team: start,
# end, "person" or "team", the ids, whether it is possessive. A plain tuple: ``scan`` makes
# dozens a story, and a NamedTuple's constructor costs more.
Mention = tuple[int, int, str, tuple[str, ...], bool]


class SpeakerIndex:
    """Lookups over the people directory for attributing quotes; build once, reuse."""

    def __init__(
        self, people: Iterable[Person], prominence: Callable[[str], float] | None = None
    ) -> None:
        self.people: dict[str, Person] = {p.id: p for p in people}
        self._prominence = prominence
        self._names: dict[str, list[str]] = {}
        self._surnames: dict[str, list[str]] = {}
        self._teams: set[str] = set()
        self._surfaces: dict[str, str] = {}
        self._runs: dict[int, dict[str, tuple[_Plan, ...]]] = {}
        # People the directory does not know, named in the news: id -> name as written.
        self._news_names: dict[str, str] = {}
        self._first_keys = {p.id: normalise_name(p.first_name) for p in self.people.values()}
        self._last_keys = {p.id: normalise_name(p.last_name) for p in self.people.values()}
        for person in self.people.values():
            full = {person.name, person.full_name, f"{person.first_name} {person.last_name}"}
            for variant in full:
                key = normalise_name(variant)
                if len(key.split()) >= 2:
                    self._add(self._names, key, person.id)
            for alias in person.aliases:
                key = normalise_name(alias)
                if key:
                    self._add(self._names, key, person.id)
            last = normalise_name(person.last_name or person.name.split()[-1])
            if last:
                self._add(self._surnames, last, person.id)
                # "Sainz" for "Sainz Jr.", "Verstappen" for "Max Emilian Verstappen".
                words = last.split()
                if len(words) > 1 and words[-1] in NAME_PARTICLES:
                    self._add(self._surnames, " ".join(words[:-1]), person.id)
            for stint in person.roles:
                if stint.team:
                    self._teams.add(normalise_name(stint.team))
        self._teams |= {normalise_name(t) for t in TEAM_ALIASES}
        self._teams |= {normalise_name(t) for t in TEAM_ALIASES.values()}
        self.descriptors = Descriptors(self.people, self._teams)
        for ids in (*self._names.values(), *self._surnames.values()):
            ids.sort(key=self._recency, reverse=True)
        # Single words an article can teach a meaning for (LocalNames.learn): people's first
        # and last names and the first and last words of any name of several words as
        # written, which fold to leading or trailing words of its key ("Jean-Eric" to
        # "jean eric"). A capitalised word outside this set that means nobody now never will.
        self._learnable = {*self._first_keys.values(), *self._last_keys.values()}
        self._first_names = {key for key in self._first_keys.values() if key}
        # First name -> (surname, id) of each person, to read a name a scraper glued to the
        # next word ("Fernando Alonsowith") as the person it starts with.
        self._by_first: dict[str, list[tuple[str, str]]] = {}
        for person_id, first in self._first_keys.items():
            last = self._last_keys[person_id]
            if first and last and " " not in last:
                self._by_first.setdefault(first, []).append((last, person_id))
        for key in (*self._names, *self._surnames):
            words = key.split()
            for i in range(1, len(words) + 1):
                self._learnable.add(" ".join(words[:i]))
                self._learnable.add(" ".join(words[-i:]))

    def __reduce__(self) -> tuple[type[SpeakerIndex], tuple[object, ...]]:
        # Spawned workers (macOS, Windows) get the index by pickle. Built again from the
        # people, it pickles the same compiled or not: a compiled class has no __dict__.
        return SpeakerIndex, (list(self.people.values()), self._prominence)

    @staticmethod
    def _add(table: dict[str, list[str]], key: str, person_id: str) -> None:
        ids = table.setdefault(key, [])
        if person_id not in ids:
            ids.append(person_id)

    def _recency(self, person_id: str) -> tuple[float, int]:
        # Namesakes: the better-known one first ("Wolff" is Toto before Susie).
        known = self._prominence(person_id) if self._prominence else 0.0
        return known, self.people[person_id].last_active or 0

    def name(self, person_id: str) -> str:
        person = self.people.get(person_id)
        return person.name if person is not None else self._news_names[person_id]

    def relative(self, person_id: str, first_name: str, *, senior: bool = False) -> str:
        """The id of a relative of ``person_id`` the news names: "Anthony" beside Lewis
        Hamilton is Anthony Hamilton; ``senior`` is the namesake father ("Carlos Sainz
        Sr."). Never the person themselves."""
        person = self.people.get(person_id)
        full = person.name if person is not None else self._news_names[person_id]
        words = _without_generation(full)
        if senior:
            name = " ".join(words) + " Sr."
        else:
            last = person.last_name if person is not None and person.last_name else words[-1]
            name = " ".join([first_name, *_without_generation(last)])
        relative_id = NEWS + normalise_name(name).replace(" ", "-")
        self._news_names.setdefault(relative_id, name)
        return relative_id

    def gender(self, person_id: str) -> str | None:
        """ "male", "female", or None when the directory does not say or know them."""
        person = self.people.get(person_id)
        return person.gender if person is not None else None

    def scan(
        self,
        text: str,
        offset: int,
        local: LocalNames,
        meant: dict[str, str | None] | None = None,
    ) -> list[Mention]:
        """Names of people and teams in ``text`` (positions shifted by ``offset``);
        ``meant`` collects what the article had taught each single word to mean, if
        anything, when it was read."""
        found: list[Mention] = []
        runs = self._runs.get(local.era)
        if runs is None:
            runs = self._runs[local.era] = {}
        taught_first = local.first
        taught_last = local.last
        # Every capitalised word passes through here, a hundred or so per article, so the
        # loop reads each piece's plan as one tuple rather than attribute by attribute.
        for match in _CAPITALISED.finditer(text):
            run = match.group()
            plans = runs.get(run)
            if plans is None:
                plans = runs[run] = self._plans(run, local.era)
            if not plans:
                continue
            at = match.start()
            for start, end, single, key, found_as, possessive, lesson, unsure in plans:
                if single:
                    person = taught_first.get(key) or taught_last.get(key)
                    if meant is not None:
                        meant.setdefault(key, person)
                    if person:
                        found_as = ("person", (person,))
                if found_as is None:
                    continue
                kind, ids = found_as
                if unsure is not None and not local.confirms(unsure, text, at + start):
                    continue
                if (
                    not single
                    and ids
                    and ids[0].startswith(NEWS)
                    and _OUTLET_BEFORE.search(text, max(0, at + start - 24), at + start)
                ):
                    # "told De Telegraaf", "in an interview with Sport Bild": a medium.
                    continue
                stop = at + end
                if (
                    text[stop : stop + 1] == "."
                    and normalise_name(text[stop - 2 : stop]) in _GENERATIONS
                ):
                    stop += 1  # the full stop of "Sr." belongs to the name
                # "Norris' engineer": a bare apostrophe after a name ending in s.
                if (
                    not possessive
                    and text[stop : stop + 1] in ("'", "’")
                    and text[stop - 1] == "s"
                    and text[stop + 1 : stop + 2].isspace()
                ):
                    possessive = True
                    stop += 1
                found.append((offset + at + start, offset + stop, kind, ids, possessive))
                if lesson is not None:
                    local.learn(*lesson, owner=possessive)
        return found

    def _plans(self, run: str, era: int) -> tuple[_Plan, ...]:
        """How a run of capitalised words splits into names, longest first.

        The split never depends on what an article has taught (that only adds single words,
        and a single word is one piece either way), so ``scan`` keeps it per run and era:
        most runs ("The", "Formula One", a team) recur in every article."""
        words = run.replace("\u00a0", " ").split(" ")
        positions = []
        cursor = 0
        for word in words:
            positions.append(cursor)
            cursor += len(word) + 1
        # Each word folded once: a name's key is its words' keys joined, since folding never
        # carries across a space. A possessive word ends a name without its "'s".
        possessives = [bool(_POSSESSIVE.search(word)) and len(word) > 2 for word in words]
        keys = [normalise_name(word) for word in words]
        owner_keys = [
            normalise_name(_POSSESSIVE.sub("", word)) if possessive else key
            for word, possessive, key in zip(words, possessives, keys, strict=True)
        ]
        plans: list[_Plan] = []
        i = 0
        while i < len(words):
            news = self._news_person(words, keys, owner_keys, i, era)
            if news is not None:
                length, plan = news
                plans.append(
                    (positions[i], positions[i + length - 1] + len(words[i + length - 1]), *plan)
                )
                i += length
                continue
            for length in range(min(4, len(words) - i), 0, -1):
                last = i + length - 1
                possessive = possessives[last]
                parts = [*keys[i:last], owner_keys[last]]
                key = " ".join(part for part in parts if part)
                if not key:
                    continue
                found = self._lookup(key, length, era)
                if found is None and (
                    length > 1 or (key not in self._learnable and not _name_like(words[i]))
                ):
                    if length > 1:
                        continue
                    i += 1
                    break
                end = positions[last] + len(words[last])
                lesson = None
                if (
                    length >= 2
                    and found is not None
                    and found[0] == "person"
                    and len(found[1]) == 1
                ):
                    # Naming one person in full teaches the article their short forms.
                    person = found[1][0]
                    said = (parts[0], parts[-1])  # first and last words as written, folded
                    lesson = (
                        person,
                        self._first_keys[person] or said[0],
                        self._last_keys[person] or said[1],
                        said,
                    )
                plans.append((positions[i], end, length == 1, key, found, possessive, lesson, None))
                i += length
                break
            else:
                i += 1
        if len(self._runs[era]) > 50_000:
            self._runs[era].clear()
        return tuple(plans)

    def _news_person(
        self, words: list[str], keys: list[str], owner_keys: list[str], i: int, era: int
    ) -> tuple[int, _NewsPlan] | None:
        """A person the directory does not know, named in full from ``words[i]``: two words
        that read as a name ("Gianpiero Lambiase", "Adam Norris" beside Lando),
        or a known name with a generational suffix ("Carlos Sainz Sr."), a different person.

        Returns the words it takes and the rest of its plan."""
        count = len(words)
        if i + 1 < count and keys[i + 1] in _SENIOR:
            # "Sainz Sr.": the father of the person the surname stands for.
            found = self._lookup(keys[i], 1, era)
            if found is not None and found[0] == "person":
                person_id = self.relative(found[1][0], "", senior=True)
                key = " ".join(keys[i : i + 2])
                return 2, (False, key, ("person", (person_id,)), False, None, None)
        for length in range(min(3, count - i), 1, -1):
            # "Oscar Piastri’s engineer": a known name in the possessive is still known.
            key = " ".join([*keys[i : i + length - 1], owner_keys[i + length - 1]])
            meaning = self._lookup(key, length, era)
            if meaning is not None:
                after = i + length
                suffix = after < count and keys[after] in _SENIOR
                if not suffix or meaning[0] != "person":
                    return None
                return self._news_plan(words[i : after + 1], keys[i : after + 1], (), False)
        particles = 0
        while i + 1 + particles < count and words[i + 1 + particles] in _PARTICLES:
            particles += 1
        last = i + 1 + particles
        if particles and last < count and _name_like(words[i]) and _name_like(words[last]):
            # "Erik van Haren", "Nyck de Vries": lower-case particles join a surname.
            folded = [*keys[i:last], owner_keys[last]]
            if not any(w in NOT_NAME_WORDS or w in self._teams for w in folded):
                possessive = bool(_POSSESSIVE.search(words[last])) and len(words[last]) > 2
                return self._news_plan(words[i : last + 1], folded, folded, possessive)
        if i + 2 < count and self._lookup(" ".join(keys[i + 1 : i + 3]), 2, era):
            # "Sir Lewis Hamilton": a title before a known name.
            return None
        if i + 2 < count and all(_name_like(word) for word in words[i : i + 3]):
            # Three capitalised words the directory does not know: a name of three when it
            # opens with a first name people have ("Juan Manuel Correa"), else the first
            # is a label ("Racing Organization Koji Watanabe").
            folded = [keys[i], keys[i + 1], owner_keys[i + 2]]
            if keys[i] not in self._first_names or any(w in NOT_NAME_WORDS for w in folded):
                return None
            possessive = bool(_POSSESSIVE.search(words[i + 2])) and len(words[i + 2]) > 2
            return self._news_plan(words[i : i + 3], folded, folded, possessive)
        if i + 2 > count:
            return None
        taken = words[i : i + 2]
        if _POSSESSIVE.search(taken[0]) and len(taken[0]) > 2:
            return None
        if not all(_name_like(word) for word in taken):
            return None
        folded = [keys[i], owner_keys[i + 1]]
        if any(word in NOT_NAME_WORDS or word in _NATIONALITY for word in folded):
            return None
        if folded[0] in self._teams or (
            folded[1] in self._teams
            and (folded[0] not in self._first_names or " ".join(folded) in self._teams)
        ):
            # A team's name is no person's, but a first name before it is the team's
            # namesake ("Eddie Jordan", "Peter Sauber").
            return None
        if " ".join(folded) in VENUES:
            return None
        glued = self._glued_name(folded)
        if glued is not None:
            key = " ".join(folded)
            return 2, (False, key, ("person", (glued,)), False, None, None)
        surname_taken = folded[-1] in self._surnames
        possessive = bool(_POSSESSIVE.search(taken[-1])) and len(taken[-1]) > 2
        length, plan = self._news_plan(taken, folded, folded, possessive, surname_taken)
        if folded[0] not in self._first_names and count > 2:
            # The end of a longer run of capitalised words, and no first name the directory
            # has: pairs that are no people ("Free Bet Welcome Offer") look like this, so
            # the article must bear it out (``LocalNames.confirms``).
            plan = (*plan[:5], (taken[0], _POSSESSIVE.sub("", taken[-1])))
        return length, plan

    def _glued_name(self, folded: list[str]) -> str | None:
        """The known person a first name and a surname with a word glued on stand for
        ("fernando alonsowith"): only when one person of that first name fits, and the
        surname alone is no one's."""
        first, written = folded
        if written in self._surnames:
            return None
        fits = [
            person_id
            for last, person_id in self._by_first.get(first, ())
            if written.startswith(last) and 2 <= len(written) - len(last) <= 4 and len(last) >= 4
        ]
        return fits[0] if len(set(fits)) == 1 else None

    def _news_plan(
        self,
        written: list[str],
        folded: list[str],
        teach: list[str] | tuple[()],
        possessive: bool,
        surname_taken: bool = False,
    ) -> tuple[int, _NewsPlan]:
        name = " ".join(
            _POSSESSIVE.sub("", word) if possessive and k == len(written) - 1 else word
            for k, word in enumerate(written)
        )
        key = " ".join(normalise_name(word) for word in name.split())
        person_id = NEWS + key.replace(" ", "-")
        if normalise_name(name.split()[-1]) in _GENERATIONS and not name.endswith("."):
            name += "."
        self._news_names.setdefault(person_id, name)
        lesson = None
        if teach:
            # A surname the directory already gives someone ("Anthony Hamilton" beside
            # Lewis) is not taught: only the first name then stands for the newcomer.
            said = (teach[0], "" if surname_taken else teach[-1])
            lesson = (person_id, said[0], said[1], said)
        return len(written), (False, key, ("person", (person_id,)), possessive, lesson, None)

    def _lookup(self, key: str, length: int, era: int) -> tuple[str, tuple[str, ...]] | None:
        """What a name means in the directory alone; an article's own lessons come first
        (``LocalNames``) and are checked by the caller."""
        if length >= 2:
            if key in self._names:
                return "person", tuple(self._names[key])
            if key in self._teams:
                return "team", ()
            # Surnames of several words: "Ben Sulayem", "Sainz Jr", "de Vries".
            ids = self._surnames.get(key)
        elif key in self._teams:
            return "team", ()
        else:
            ids = self._names.get(key) or self._surnames.get(key)
        if not ids:
            return None
        # A bare surname only means someone active in the article's era; "Hill" in a 2021
        # story is not Graham Hill.
        recent = tuple(i for i in ids if (self.people[i].last_active or 0) >= era - 12)
        return ("person", recent) if recent else None

    def resolve_surface(self, surface: str, local: LocalNames) -> tuple[str, ...]:
        """People a bare name ("the Hulk", "Checo") may stand for, best first."""
        key = self._surface_key(surface)
        if not key:
            return ()
        size = key.count(" ") + 1
        person = (local.first.get(key) or local.last.get(key)) if size == 1 else None
        if person is not None:
            return (person,)
        found = self._lookup(key, size, local.era)
        if found and found[0] == "person":
            return found[1]
        if size == 1 and len(key) >= 4:
            # Nicknames that clip a surname ("the Hulk" for Hulkenberg).
            return tuple(pid for pid in local.known if self._last_keys.get(pid, "").startswith(key))
        return ()

    def descriptor_fits(
        self,
        person_id: str,
        words: list[str],
        year: int | None,
        seasons: frozenset[int] = frozenset(),
    ) -> bool | None:
        """Whether "the <words>" can describe the person (``Descriptors.fits``)."""
        return self.descriptors.fits(person_id, words, year, seasons)

    def candidates_for(self, words: list[str], year: int | None) -> list[str]:
        """Everyone in the directory a descriptor fits (``Descriptors.everyone``)."""
        return self.descriptors.everyone(words, year)

    def _surface_key(self, surface: str) -> str:
        key = self._surfaces.get(surface)
        if key is None:
            if len(self._surfaces) > 50_000:
                self._surfaces.clear()
            key = self._surfaces[surface] = normalise_name(surface)
        return key


class LocalNames:
    """What one article has taught about names: "Ralf" and "Schumacher" mean Ralf Schumacher
    once the article has named him in full, and "race director" means Masi once it has said
    "race director Michael Masi"."""

    def __init__(self, year: int | None, text: str = "") -> None:
        self.year = year
        self.text = text
        self._confirmed: dict[str, bool] = {}
        self.era = year or date.today().year
        self.first: dict[str, str] = {}
        self.last: dict[str, str] = {}
        # Surnames taught only by a possessive ("Mick Schumacher’s uncle"): the person owns
        # something there, they are not the one the article goes on to quote.
        self._owners_last: dict[str, str] = {}
        self.known: list[str] = []
        self.roles: dict[str, str] = {}

    def learn(
        self,
        person_id: str,
        first: str,
        last: str,
        said: tuple[str, str],
        *,
        owner: bool = False,
    ) -> None:
        """The article named ``person_id`` in full: ``first`` and ``last`` are the folded
        names the directory knows, ``said`` the folded first and last words as written;
        ``owner`` when the name stood in the possessive."""
        if person_id not in self.known:
            self.known.append(person_id)
        # The first person named in full keeps a shared surname: an article names its
        # subject first ("Mick Schumacher ... the son of Michael Schumacher ... Schumacher
        # said"), unless it named them only as the owner of someone else.
        if first:
            self.first.setdefault(first, person_id)
            self.first.setdefault(said[0], person_id)
        if last:
            taught = self._owners_last if owner else self.last
            taught.setdefault(last, person_id)
            taught.setdefault(said[1], person_id)

    def meaning(self, key: str) -> str | None:
        """Who a single folded word stands for in this article, as far as it has taught."""
        return self.first.get(key) or self.last.get(key)

    def settle(self) -> None:
        """After the whole article is read: a surname only a possessive taught goes to its
        owner when no one named otherwise shares it."""
        for key, person_id in self._owners_last.items():
            self.last.setdefault(key, person_id)

    def confirms(self, name: tuple[str, str], frame: str, at: int) -> bool:
        """Whether the article bears out a name the directory cannot vouch for: a role
        just before it ("HRC president Koji Watanabe"), or its surname standing alone
        elsewhere ("... Watanabe said"), as the news refers to a person again."""
        before = frame[max(0, at - 40) : at].lower().split()
        if before and (before[-1] in ROLE_WORDS or " ".join(before[-2:]) in ROLE_WORDS):
            return True
        first, surname = name
        known = self._confirmed.get(surname)
        if known is None:
            alone = re.compile(rf"(?<![\w\-]){re.escape(surname)}(?![\w\-])")
            together = re.compile(rf"{re.escape(first)}\s+{re.escape(surname)}(?![\w\-])")
            known = len(alone.findall(self.text)) > len(together.findall(self.text))
            self._confirmed[surname] = known
        return known

    def teach_first(self, first_name: str, person_id: str) -> None:
        """The article introduced ``person_id`` by first name ("his father, Adam")."""
        self.first[normalise_name(first_name)] = person_id
        if person_id not in self.known:
            self.known.append(person_id)

    def learn_role(self, role_words: list[str], person_id: str) -> None:
        for size in (1, 2):
            if len(role_words) >= size:
                phrase = " ".join(role_words[-size:])
                if phrase in ROLE_WORDS:
                    self.roles[phrase] = person_id
