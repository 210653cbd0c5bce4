"""Who may be speaking: people, pronouns, descriptors, teams and groups in the frame."""

from __future__ import annotations

import operator
import re

from bot.quotes.lexicon import (
    BEFORE_A_NAME,
    BEFORE_A_SUBJECT,
    BOSS_HEADS,
    DRIVER_HEADS,
    GROUP_NOUNS,
    NATION_NOUNS,
    OTHER_HEADS,
    SPEECH,
    alternation,
)
from bot.quotes.marks import Span
from bot.quotes.text import (
    ENDS_SENTENCE,
    PHRASE_WORDS,
    QUALIFYING_GAP,
    SENTENCE_END,
    WORDS_AND_BREAKS,
)

_RELATION = re.compile(
    r"\b(?:his|her|their)\s+(?:[\w\-]+\s+){0,2}?(?:team[- ]?mate|teammate|squadmate|"
    r"team-mate|father|mother|son|daughter|uncle|brother|sister|wife|manager|boss|rival|"
    r"partner|engineer)\s*$",
    re.IGNORECASE,
)


class Agent:
    __slots__ = ("end", "frame", "ids", "kind", "possessive", "stands_as_subject", "start", "words")

    def __init__(
        self,
        start: int,
        end: int,
        kind: str,
        frame: str,
        ids: tuple[str, ...] = (),
        words: tuple[str, ...] = (),
        possessive: bool = False,
    ) -> None:
        self.start = start
        self.end = end
        self.kind = kind  # person, pronoun, descriptor, team, group, other
        # The paragraph's frame, to tell on first need whether it stands as a subject.
        self.frame = frame
        self.ids = ids
        self.words = words
        self.possessive = possessive
        self.stands_as_subject: bool | None = None

    @property
    def subject(self) -> bool:
        if self.stands_as_subject is None:
            self.stands_as_subject = _in_subject_position(self.frame, self)
        return self.stands_as_subject


class Paragraph:
    __slots__ = (
        "agents",
        "clutter",
        "frame",
        "index",
        "named",
        "offset",
        "sentences",
        "spans",
        "text",
    )

    def __init__(self, index: int, offset: int, text: str, clutter: bool) -> None:
        self.index = index
        self.offset = offset
        self.text = text
        self.clutter = clutter
        self.spans: list[Span] = []
        self.frame = ""
        self.named: list[Agent] = []  # people and teams it names
        # Bounds in the frame, once asked for.
        self.sentences: list[tuple[int, int]] | None = None
        # Everyone who may speak, per sentence, once asked for.
        self.agents: list[list[Agent] | None] = []


_HEADS = frozenset({*BOSS_HEADS, *DRIVER_HEADS, *NATION_NOUNS, *OTHER_HEADS})
PRONOUNS = frozenset({"he", "she", "He", "She"})
_DETERMINERS = frozenset({"the", "The", "a", "A", "an", "An", "one", "One", "another", "Another"})
# Bodies that speak without a person, named without "the": never a speaker.
GROUP_WORDS = frozenset(
    {
        "FIA",
        *(
            form
            for word in (
                "stewards",
                "officials",
                "organisers",
                "insiders",
                "sources",
                "someone",
                "somebody",
            )
            for form in (word, word.capitalize())
        ),
    }
)
TRIGGER = re.compile(alternation(PRONOUNS | _DETERMINERS | GROUP_WORDS) + r"\b")
# What follows a determiner that may open a descriptor: a head or group noun within four
# words (the last word of "team mate" or "new zealander" stands for the pair).
_AGE_WORD = re.compile(r"\d{1,2}-year-old")
HEAD_AHEAD = re.compile(
    r"(?:[\w\-]+[ \u00a0]+){0,3}(?i:"
    + alternation({h.split()[-1] for h in (*_HEADS, *GROUP_NOUNS)})
    + r"|\d{1,2}-year-old)(?![\w\-])"
)


def is_word_char(char: str) -> bool:
    """What ``\\w`` matches: a pattern that opens with a plain letter (not ``\\b``) lets the
    regex engine skip ahead to candidate letters, so word starts are checked here."""
    return char.isalnum() or char == "_"


def noun_phrase(frame: str, start: int) -> tuple[int, list[str], str] | None:
    """After a determiner: up to four words ending in a descriptor's head noun ("Mercedes
    boss", "42-year-old Australian") or a group noun ("team", "spokesperson").

    Returns the end position, the folded words and "person" or "group"."""
    words: list[str] = []
    ends: list[int] = []
    position = start
    for _ in range(4):
        match = PHRASE_WORDS.match(frame, position)
        if match is None:
            break
        words.append(match.group(1).lower())
        ends.append(match.end(1))
        position = match.end()
        if match.group(2) is None:
            break
    for size in range(len(words), 0, -1):
        head = words[size - 1]
        pair = " ".join(words[size - 2 : size]) if size >= 2 else ""
        if head in _HEADS or pair in _HEADS:
            if frame[ends[size - 1] : ends[size - 1] + 2] in ("-l", "-o"):
                continue
            return ends[size - 1], words[:size], "person"
        if _AGE_WORD.fullmatch(head) and (size == len(words) or SPEECH.fullmatch(words[size])):
            # "the 27-year-old said": an age alone describes a person only when no noun
            # follows it ("the 20-year-old car").
            return ends[size - 1], words[:size], "person"
        if head in GROUP_NOUNS and size <= 3:
            return ends[size - 1], words[:size], "group"
    return None


_ATTRIBUTIVE = frozenset({*BOSS_HEADS, *DRIVER_HEADS, *NATION_NOUNS})


def _in_subject_position(frame: str, agent: Agent) -> bool:
    before = frame[max(0, agent.start - 80) : agent.start]
    if _RELATION.search(before):
        return False
    words = WORDS_AND_BREAKS.findall(before[-60:])
    while (
        words
        and words[-1].lower() not in BEFORE_A_SUBJECT
        and (
            words[-1][:1].isupper()
            or words[-1].lower() in _ATTRIBUTIVE
            or words[-1].lower() in BEFORE_A_NAME
            or words[-1].endswith("-old")
        )
    ):
        if words[-1][:1].isupper() and SENTENCE_END.search(before[-3:]):
            break
        words.pop()
    if not words:
        return True
    previous = words[-1].lower()
    if previous in BEFORE_A_SUBJECT or previous in {",", ":", ";", "—", "–", "§", "("}:
        return True
    return bool(ENDS_SENTENCE.search(before[-6:])) or agent.start == 0


start_of = operator.attrgetter("start")


def qualifies_next(frame: str, agent: Agent, following: Agent | None) -> bool:
    """A team or a person named only to say whose the next person is: "Ferrari team chief
    Maurizio Arrivabene", "Red Bull's Daniel Ricciardo", "Norris' engineer Will Joseph"."""
    if following is None or following.kind != "person":
        return False
    if agent.kind == "person":
        if not agent.possessive:
            return False
    elif agent.kind != "team":
        return False
    gap = frame[agent.end : following.start]
    return bool(QUALIFYING_GAP.fullmatch(gap)) and "," not in gap
