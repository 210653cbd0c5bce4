"""People learned from the news: someone a stored story quotes whom the directory does not
know ("HRC president Koji Watanabe", "his father Herve").

Quote attribution names them with an id of "news:<name>" (``bot.quotes.speakers``); storing
the quote makes them a learned person with the role and team the story gives them and the
story they were first seen in. They are found by the people commands, always after known
people, and never by a query that matches a known person as well: a learned "Herve Leclerc"
does not answer "leclerc". Quote attribution never reads them, so who said what does not
change with what happens to be stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bot.people.directory import NAME_SUFFIXES, Person, Stint, name_tokens
from bot.people.resolver import Match, PeopleDirectory
from bot.people.teams import resolve_team
from bot.quotes.lexicon import NATION_NOUNS, OTHER_HEADS, ROLE_WORDS

LEARNED_LABEL = "learned from the news"

# What a person is, as the news writes it before or after a name: the last word of a role
# ("director" of "race director", "father"), from the words attribution reads.
_HEADS = sorted({w for w in ROLE_WORDS | OTHER_HEADS if " " not in w}, key=len, reverse=True)
# Words that may stand before the last word of a role ("former race engineer").
_MODIFIERS = (
    "former|race|team|technical|sporting|managing|executive|deputy|lead|chief|test|reserve|"
    "development|vice|general|performance|head|senior|junior|late"
)
_SAME_ROLE = {"dad": "father", "mum": "mother", "advisor": "adviser", "ceo": "CEO"}
_HEAD = r"(?i:" + "|".join(_HEADS) + r")\b"
_ONE_ROLE = rf"(?:(?:{_MODIFIERS})\s+){{0,2}}{_HEAD}"
_ROLE = rf"(?P<role>{_ONE_ROLE}(?:\s+and\s+{_ONE_ROLE})?)"
# A capitalised name of up to four words: a team, a company or a person.
_CAPITALS = r"[A-Z][\w&\-]*(?:\s+[A-Z0-9][\w&\-]*){0,3}"
# "Ferrari chairman John Elkann", "His race engineer, Mattia Spini,".
_BEFORE = re.compile(rf"(?:(?P<team>{_CAPITALS})(?P<owner>['’]s?)?\s+)?{_ROLE}\s*,?\s*$")
# "Dan Towriss, the chief executive of TWG Motorsports,", "Tom Stallard, Oscar Piastri's
# engineer at McLaren,".
_AFTER = re.compile(
    rf"\s*,\s+(?:(?:a|an|the)\s+)?(?P<former>former\s+)?"
    rf"(?:(?P<team>{_CAPITALS})(?P<owner>['’]s?)?\s+)?{_ROLE}"
    rf"(?:\s+(?:of|at|for|with)\s+(?:the\s+)?(?P<at>{_CAPITALS}))?"
)
# "Red Bull's Gianpiero Lambiase": a team's possessive right before the name.
_OWNED_BY = re.compile(rf"(?P<team>{_CAPITALS})['’]s?\s+$")
# Words that open a noun phrase, never a team's name.
_NOT_A_TEAM = frozenset({"his", "her", "their", "its", "our", "my", "your", "the", "a", "an"})
# The sport itself: "F1 pundit" says what, not whom for.
_SPORT = re.compile(r"(?:\s*\b(?:F1|Formula\s+(?:1|One)))+$")
# What ends the sentence before a word, making its capital letter say nothing.
_SENTENCE_END = (".", "!", "?", ":", ";", "-", "–", "—", "“", '"', "‘")
_CONTEXT = 80


@dataclass(frozen=True, slots=True)
class Description:
    """What a story says a learned person is."""

    role: str = ""
    team: str = ""


@dataclass(frozen=True, slots=True)
class Sighting:
    """A person the directory does not know, quoted in a stored story: who the story named
    (its "news:" id and the name as written), what it said they are, and the story."""

    news_id: str
    name: str
    role: str
    team: str
    article_id: int
    seen_at: str


@dataclass(frozen=True, slots=True)
class LearnedPerson:
    """A person learned from the news. ``guild_id`` 0 means a story everyone may see first
    named them; otherwise only that server's own stories have."""

    id: str
    name: str
    role: str
    team: str
    guild_id: int
    first_seen_article: int | None
    first_seen_at: str
    first_seen_title: str = ""
    first_seen_url: str | None = None

    def visible_to(self, viewer: int | None) -> bool:
        return self.guild_id in (0, viewer or 0)

    def as_person(self) -> Person:
        """The person as the directory's lookups take one; the role and team are dated by
        the story they were first seen in."""
        words = self.name.split()
        core = [w for w in words[1:] if not set(name_tokens(w)) <= NAME_SUFFIXES]
        year = self.first_seen_at[:4]
        roles = (
            (Stint(int(year), self.role, self.team),)
            if (self.role or self.team) and year.isdigit()
            else ()
        )
        return Person(
            id=self.id,
            name=self.name,
            first_name=words[0] if len(words) > 1 else "",
            last_name=" ".join(core) if core else self.name,
            roles=roles,
        )

    @property
    def label(self) -> str:
        """An autocomplete line, e.g. "Koji Watanabe (HRC president · learned from the news)"."""
        what = f"{self.team} {self.role}".strip()
        details = f"{what} · {LEARNED_LABEL}" if what else LEARNED_LABEL
        return f"{self.name} ({details})"[:100]


def learned_id(news_id: str, guild_id: int) -> str:
    """The id of the person a "news:" speaker becomes: the speaker id itself for everyone's
    stories, and one of its own in each server that alone has named them."""
    return news_id if guild_id == 0 else f"{news_id}@{guild_id}"


def describe(
    text: str, name: str, person_named: Callable[[str], Person | None] = lambda _: None
) -> Description:
    """The role and team ``text`` gives the person called ``name``, from the first place it
    gives one: "<team> <role> <Name>", "<role>, <Name>" or "<Name>, <team> <role> of <team>,".
    A relative named by first name alone ("his father Herve") is found by that name.
    ``person_named`` tells a known person from a team ("Norris' engineer Will Joseph")."""
    words = name.split()
    forms = [name.removesuffix(".")]
    if len(words) > 1 and len(words[0]) >= 3:
        forms.append(words[0])
    owned = ""
    for form in forms:
        for found in re.finditer(rf"(?<![\w\-]){re.escape(form)}(?![\w\-])", text):
            line_start = text.rfind("\n", 0, found.start()) + 1
            line_end = text.find("\n", found.end())
            line_end = len(text) if line_end < 0 else line_end
            before = text[max(line_start, found.start() - _CONTEXT) : found.start()]
            after = text[found.end() : min(line_end, found.end() + _CONTEXT)]
            match = _BEFORE.search(before)
            if match is not None:
                opens = before[: match.start()].rstrip()
                initial = opens.endswith(_SENTENCE_END) or (
                    not opens and found.start() - _CONTEXT <= line_start
                )
                return _description(match, person_named, sentence_start=initial)
            match = _AFTER.match(after)
            if match is not None:
                return _description(match, person_named)
            if not owned:
                team = _OWNED_BY.search(before)
                owned = _team_name(team.group("team"), owner=True) if team else ""
    return Description(team=owned if resolve_team(owned) else "")


def _description(
    match: re.Match[str],
    person_named: Callable[[str], Person | None],
    *,
    sentence_start: bool = False,
) -> Description:
    role = " ".join(_SAME_ROLE.get(w.lower(), w.lower()) for w in match.group("role").split())
    team = _team_name(
        match.group("team") or "",
        owner=bool(match.group("owner")),
        sentence_start=sentence_start and match.start("team") == match.start(),
    )
    person = person_named(team) if team else None
    if person is not None:
        # "Oscar Piastri's engineer": the role is about the driver, the team is his.
        role = f"{role} of {person.name}"
        stint = person.latest_stint
        team = stint.team if stint else ""
    if match.groupdict().get("former") and not role.startswith("former "):
        role = f"former {role}"
    at = match.groupdict().get("at")
    if at:
        team = _team_name(at, owner=True) or team
    return Description(role, team)


def _team_name(written: str, *, owner: bool, sentence_start: bool = False) -> str:
    """A team, company or channel as written ("Sky Sports"), less the words that open a
    phrase ("His", "The") and the sport ("F1 pundit"); a team the bot knows by its usual
    name. A capital that opens a sentence may be an adjective's ("Renowned Formula 1
    journalist"), so there the first word must be a team the bot knows or own the role
    ("Liberty Media's president")."""
    words = _SPORT.sub("", written).split()
    while words and words[0].lower() in _NOT_A_TEAM:
        words.pop(0)
    if (
        sentence_start
        and words
        and not owner
        and resolve_team(" ".join(words)) is None
        and resolve_team(words[0]) is None
    ):
        words.pop(0)
    text = " ".join(words)
    if not text or text.lower() in NATION_NOUNS:
        return ""
    known = resolve_team(text) if len(text) >= 3 else None
    return known.name if known is not None else text


class LearnedPeople:
    """The learned people, looked up by what fans type. Each lookup says who is asking, and
    only people that viewer may see answer it."""

    def __init__(self, people: Iterable[LearnedPerson] = ()) -> None:
        self.people: dict[str, LearnedPerson] = {p.id: p for p in people}
        self._directory = PeopleDirectory(
            [p.as_person() for p in self.people.values()], champions={}
        )

    def get(self, person_id: str, viewer: int | None) -> LearnedPerson | None:
        person = self.people.get(person_id)
        return person if person is not None and person.visible_to(viewer) else None

    def matches(self, query: str, viewer: int | None, *, typing: bool = False) -> list[Match]:
        """The learned people ``viewer`` may see that ``query`` may mean, best first."""
        if not self.people:
            return []
        found = self._directory.matches(query, typing=typing)
        return [m for m in found if self.people[m.person.id].visible_to(viewer)]
