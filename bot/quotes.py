"""Direct quotations in an article and who said them.

Three passes over the text:

1. Quote marks are paired paragraph by paragraph. Marks are read by their surroundings
   rather than their glyph, because scraped pages mix straight and curly marks freely; an
   opening mark inside an open quotation closes it (paragraph breaks collapsed into one
   line), and a quotation may stay open at a paragraph's end (it continues in the next).
2. The text outside quotations (the "frame") is scanned in order for the names of people
   and teams, which teach the article's short forms of names. Who else may be speaking
   there (he/she, descriptors such as "the Finn" or "the Mercedes boss", teams and
   spokespeople, which are never a person) is worked out a sentence at a time, only for
   the sentences attribution looks at.
3. Each quotation takes its speaker from the nearest cue: a speech verb after it ("," he
   said), before it (Russell said: ...), or the frame sentence around a partial quotation;
   a quotation without a cue continues the previous speaker or the paragraph before it.
   Anything uncertain is dropped: a missed quote costs less than a misattributed one.

Import runs this on every story, so the patterns are built for the regex engine's fast
paths (alternatives factored by prefix, a plain character first) and work is cached per
article and, in the speaker index, across articles.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.quote_speakers import BOSS_HEADS, DRIVER_HEADS, NATION_NOUNS, LocalNames, SpeakerIndex

MIN_WORDS = 4

_DOUBLE_MARKS = '"“”„‟«»'
_SINGLE_MARKS = "'‘’‚‛"
# Quote marks, less the apostrophes inside words ("don’t", "Ferrari's"), which are most of
# them: those are never quote marks, and the pattern skips them in C.
_MARKS = re.compile(
    f"[{_DOUBLE_MARKS}{_SINGLE_MARKS}]"
    f"(?:(?<=[{_DOUBLE_MARKS}])|(?![^\\W_])|(?<![^\\W_][{_SINGLE_MARKS}]))"
)
_STUB_MARKS = _DOUBLE_MARKS + "‘"
_OPEN_GLYPHS = "“„‟«‘‚‛"
_CLOSE_GLYPHS = "”»’"
_LEFT_EDGE = "([{—–-/\u00a0"
_RIGHT_EDGE = ".,;:!?)]}—–-…/"
_BLANK = "§"

_WORD = re.compile(r"[\w'’]+")
_PERSONAL = re.compile(
    r"\b(?:I|I'm|I’m|I've|I’ve|I'd|I’d|I'll|I’ll|me|my|mine|myself|we|us|our|"
    r"ours|ourselves|you|your|yours)\b",
    re.IGNORECASE,
)
# Where one sentence ends and the next begins: after the stop (and a closing mark), the
# space before a capital or an opening mark; or a stop and closing mark at the very end.
# Group 1 or 2 is the break itself; the stop comes first so that the regex engine can skip
# ahead to it.
_SENTENCE_END = re.compile(r"[.!?…](?:([\"”’']?\s+)(?=[A-Z§\"“‘(])|[\"”’'](\s*)$)")


def _alternation(words: Iterable[str]) -> str:
    """A regex alternative for any of ``words``, factored by shared prefixes: the regex
    engine tries alternatives one by one, so "s(?:aid|ays)" is far cheaper than
    "said|says", and a pattern whose branches open with letters lets it skip to them."""
    tree: dict[str, dict] = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        branches = [re.escape(char) + emit(node[char]) for char in sorted(node) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" not in node:
            return body
        return (body if len(branches) == 1 and len(body) == 1 else f"(?:{body})") + "?"

    return "(?:" + emit(tree) + ")"


def _speech_verbs() -> re.Pattern[str]:
    regular = [
        "add",
        "admit",
        "insist",
        "reveal",
        "post",
        "tweet",
        "deny",
        "reflect",
        "joke",
        "reply",
        "continue",
        "conclude",
        "state",
        "respond",
        "answer",
        "recall",
        "predict",
        "smile",
        "laugh",
        "claim",
        "comment",
        "note",
        "observe",
        "argue",
        "warn",
        "suggest",
        "emphasise",
        "emphasize",
        "stress",
        "acknowledge",
        "concede",
        "confess",
        "declare",
        "announce",
        "remark",
        "muse",
        "quip",
        "elaborate",
        "summarise",
        "summarize",
        "assert",
        "maintain",
        "protest",
        "complain",
        "lament",
        "retort",
        "urge",
        "vow",
        "promise",
        "confirm",
        "exclaim",
        "shout",
        "radio",
        "agree",
        "opine",
        "reckon",
        "explain",
        "describe",
        "insist",
        "mention",
        "tease",
        "hint",
        "caution",
        "cry",
        "yell",
        "whisper",
        "sigh",
        "beam",
        "grin",
        "chuckle",
        "boast",
        "brag",
        "blast",
        "slam",
        "hail",
        "praise",
        "clarify",
        "detail",
        "outline",
        "message",
        "pen",
        "ask",
        "wonder",
        "point",
        "counter",
        "admit",
        "joke",
        "acknowledge",
        "highlight",
        "underline",
        "recount",
        "relay",
        "accept",
        "begin",
    ]
    forms: set[str] = set()
    for verb in regular:
        stem = verb[:-1] if verb.endswith("e") else verb
        forms.update({verb + "s", stem + "ed", stem + "ing"})
        if verb.endswith(("sh", "ch", "x", "ss")):
            forms.add(verb + "es")
        if verb.endswith("y") and verb not in {"relay"}:
            forms.update({verb[:-1] + "ies", verb[:-1] + "ied"})
    for verb in ("admit", "quip", "pen", "counter"):
        forms.update({verb + verb[-1] + "ed", verb + verb[-1] + "ing"})
    irregular = [
        "say",
        "says",
        "said",
        "saying",
        "tell",
        "tells",
        "told",
        "telling",
        "write",
        "writes",
        "wrote",
        "writing",
        "written",
        "speak",
        "speaks",
        "spoke",
        "speaking",
        "began",
        "begins",
        "read",
        "reads",
        "beginning",
        "add",
        "explain",
        "admit",
        "insist",
        "reveal",
    ]
    forms.update(irregular)
    phrases = [
        r"pointed out",
        r"points out",
        r"pointing out",
        r"went on",
        r"goes on",
        r"going on",
        r"hit back",
        r"hits back",
        r"fired back",
        r"fires back",
        r"summed up",
        r"sums up",
        r"spoke out",
        r"opened up",
        r"opens up",
        r"chimed in",
    ]
    return re.compile(r"\b" + _alternation([*phrases, *forms]) + r"\b(?![\-’'])")


_SPEECH = _speech_verbs()
# "is said to be": a report, not a cue.
_NOT_SPEECH_AFTER = re.compile(r"\s+to\s+be\b")
# "read" is speech only when a text does the reading ("the statement read: ..."); someone who
# reads something aloud names it next.
_READ_ALOUD = re.compile(r"\s+[A-Za-z]")
# Speakers that are not one person: a team's statement, an unnamed spokesperson.
_GROUP_NOUNS = frozenset(
    {
        "spokesperson",
        "spokesman",
        "spokeswoman",
        "representative",
        "source",
        "sources",
        "insider",
        "insiders",
        "statement",
        "letter",
        "release",
        "team",
        "squad",
        "outfit",
        "stewards",
        "organisers",
        "organizers",
        "officials",
        "body",
        "federation",
        "fia",
        "manufacturer",
        "company",
        "club",
        "promoter",
    }
)
_PHRASE_WORDS = re.compile(r"([\w\-]+)([ \u00a0]+)?")
_TRANSPARENT = re.compile(
    r"^(?:['’]s?)?\s*(?:\([^)]*\)\s*)?(?:,[^,§]{1,160},\s*)?"
    r"(?:(?:has|had|have|was|is|were|also|then|later|again|once|just|even|would|will|could|"
    r"might|may|never|not|only|further|already|still|now|too|this|last|on|today|yesterday|"
    r"tonight|week|weekend|year|season|monday|tuesday|wednesday|thursday|friday|saturday|"
    r"sunday|morning|evening|afternoon|night|\w+ly)\s+)*$",
    re.IGNORECASE,
)
# What may stand before the speaker in '"...", <cue>': a few words of description, no clause.
_CUE_OPENING = re.compile(
    r"(?!.*\b(?:while|and|but|as|when|which|who|because|although|if|after|before)\b)"
    r"(?:[\w\-’'.]+\s+){0,5}",
    re.IGNORECASE,
)
_LOOSE_GAP = re.compile(r"^\s*(?:[a-z][\w\-]*\s+){0,3}$")
_INVERTED_GAP = re.compile(r"^\s+(?:[\w\-’']+\s+){0,4}$")
# Words that introduce a title or a name rather than speech; read from the last 40
# characters before a quotation, which hold any of them with its article.
_TITLE_CONTEXT = re.compile(
    r"(?:called|dubbed|named|titled|entitled|so-called|nicknamed|known as|the term|the phrase|"
    r"the word|the words|podcast|programme|program|show|series|book|film|documentary|song|"
    r"slogan|hashtag|campaign|banner|sign|signs|headline|headlines|label|labelled|branded)"
    r"\s*(?:the|a|an|as|of|his|her|their|its)?\s*$",
    re.IGNORECASE,
)
_SMALL_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "and",
        "or",
        "in",
        "on",
        "at",
        "to",
        "for",
        "with",
        "by",
        "from",
        "vs",
        "de",
        "da",
        "di",
        "van",
        "von",
    ]
)
_SUBJECT_BEFORE = frozenset(
    [
        "and",
        "but",
        "while",
        "as",
        "so",
        "that",
        "when",
        "although",
        "though",
        "because",
        "since",
        "after",
        "before",
        "if",
        "then",
        "also",
        "however",
        "meanwhile",
        "now",
        "yet",
        "where",
        "whereas",
        "until",
        "once",
        "whilst",
    ]
)
_RELATION = re.compile(
    r"\b(?:his|her|their)\s+(?:[\w\-]+\s+){0,2}?(?:team[- ]?mate|teammate|squadmate|"
    r"team-mate|father|mother|son|daughter|uncle|brother|sister|wife|manager|boss|rival|"
    r"partner|engineer)\s*$",
    re.IGNORECASE,
)
# Page furniture: photo credits, cookie notices, links to other pages, numbered comments.
# What must open the line is matched apart from what may stand anywhere in it: one search
# with "^" inside an alternation tries every position of every line.
_CLUTTER_OPENING = re.compile(
    r"\s*(?:(?:also read|read also|read more|related|advertisement|subscribe|sign up|"
    r"latest episode|click here|watch|more:|view the latest|check out|follow us|"
    r"you may also like)\b|\d+\.\s|[•·])",
    re.IGNORECASE,
)
_CLUTTER_INSIDE = re.compile(
    r"photo by|getty images|images?:|source:|©|pic\.twitter\.com|\bcookies?\b|\bpictured\b|"
    r"picture:|credit:|copyright|all rights reserved",
    re.IGNORECASE,
)
# Every line _CLUTTER_INSIDE matches holds one of these, and substring tests are far cheaper
# than the pattern.
_CLUTTER_HINTS = (
    "©",
    "photo by",
    "getty images",
    "image",
    "source:",
    "pic.twitter.com",
    "cookie",
    "pictured",
    "picture:",
    "credit:",
    "copyright",
    "all rights reserved",
)
# Bracketed credits and a driver card ("Lewis Hamilton (GBR)"); both patterns open with a
# plain character so the regex engine can skip ahead to it.
_CLUTTER_BRACKETED = re.compile(r"\((?i:photo|@\w+\)|l to r\))")
_DRIVER_CARD = re.compile(r"[A-Z](?<![\w][A-Z])[a-z]+ \([A-Z]{3}\)")
_NEXT_CAPITAL = re.compile(r"\s+[A-ZÀ-Þ]")
_SHORT_TAIL = re.compile(r"(?:\s+[\w\-’']+){0,4}\s*[.!?…]?\s*")
_CUE_LEAD = re.compile(r"[\s,;.!?…]*")
_CUE_DASH = re.compile(r"\s*[–—-]+\s*")
_TWO_LETTERS = re.compile(r"[A-Za-z]{2}")
# The end of a cue's sentence; the full stop of "Jr.", "Sr." or an initial ("Carlos Sainz
# Jr. said") does not end it. Each branch opens with the stop itself, so the regex engine
# can skip ahead to one; the abbreviations are tested behind a full stop once found (six
# times faster than testing them at every character).
_SENTENCE_STOP = re.compile(
    r"\.(?<!\bJr\.)(?<!\bSr\.)(?<!\b[A-Z]\.)(?=\s|$)|[!?…](?=\s|$)|" + _BLANK
)
_WORDS_AND_BREAKS = re.compile(r"[\w\-’']+|[,:;(—–§]")
_ROLE_WORDS = re.compile(r"[A-Za-z\-]+")
# After "the": a clipped name or nickname ("the Hulk"), when no name follows it.
_THE_NAME = re.compile(r" ([A-Z][a-z]{2,})\b(?![\s\u00a0]+[A-Z])")
_GAP = re.compile(r"\s+")
_QUALIFYING_GAP = re.compile(r"(?:['’]s?)?\s+(?:[\w\-]+\s+){0,3}")
_ENDS_SENTENCE = re.compile(r"[.!?…]['\"”’]?\s*$")
# A year from 1950 to 2049; the digit comes before the boundary test so that the regex
# engine can skip ahead to a 1 or a 2.
_YEAR = re.compile(r"[12](?<!\w[12])(?:9[5-9]|0[0-4])\d\b")


@dataclass(frozen=True, slots=True)
class Quote:
    """One quotation: its words without marks, who said it (a person id, or None when it is a
    team or an unnamed source), where it stands and the words that attributed it."""

    text: str
    speaker_id: str | None
    paragraph: int
    start: int
    end: int
    cue: str


# _Span, _Agent and _Paragraph are made by the dozen for every story, so they are plain
# classes: compiled, a dataclass's generated __init__ still runs as Python bytecode. Made
# plain, the extractor took 0.61 ms a benchmark story against 0.64.
class _Span:
    __slots__ = ("close_at", "end", "open_at", "start")

    def __init__(self, open_at: int, close_at: int | None, start: int, end: int) -> None:
        self.open_at = open_at  # paragraph-relative position of the opening mark
        self.close_at = close_at  # position of the closing mark; None when left open
        self.start = start  # first character of the quoted words
        self.end = end  # just after the last one


class _Agent:
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


class _Paragraph:
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
        self.spans: list[_Span] = []
        self.frame = ""
        self.named: list[_Agent] = []  # people and teams it names
        # Bounds in the frame, once asked for.
        self.sentences: list[tuple[int, int]] | None = None
        # Everyone who may speak, per sentence, once asked for.
        self.agents: list[list[_Agent] | None] = []


# A speaker decision: ("person", id), ("none", None) for teams and unnamed sources, or
# ("unknown", None) when nothing trustworthy was found.
_Who = tuple[str, str | None]
_UNKNOWN: _Who = ("unknown", None)
_NOBODY: _Who = ("none", None)


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def _has_words_enough(text: str, wanted: int) -> bool:
    """``word_count(text) >= wanted``, without counting past ``wanted``."""
    for count, _ in enumerate(_WORD.finditer(text), 1):
        if count >= wanted:
            return True
    return wanted <= 0


def article_year(text: str, published: str | None = None) -> int | None:
    """The season an article speaks of: its date when known, else the latest year it names."""
    if published and published[:4].isdigit():
        return int(published[:4])
    years = [int(y) for y in _YEAR.findall(text)]
    return max(years) if years else None


def extract_quotes(text: str, index: SpeakerIndex, *, year: int | None = None) -> list[Quote]:
    """Every quotation of four or more words in ``text`` with its speaker."""
    return _Article(text, index, year if year is not None else article_year(text)).run()


# ---- pairing marks ---------------------------------------------------------------------------


def _classify(text: str, i: int) -> str:
    """ "open", "close" or "" (an apostrophe) for the mark at ``text[i]``."""
    mark = text[i]
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    left = before.isspace() or before in _LEFT_EDGE or before in _OPEN_GLYPHS or i == 0
    right = after.isspace() or after in _RIGHT_EDGE or after in _CLOSE_GLYPHS or i + 1 == len(text)
    if mark in _SINGLE_MARKS:
        if before.isalnum() and after.isalnum():
            return ""
        if left and (after.isalnum() or after in _OPEN_GLYPHS):
            return "open"
        if right and not left:
            return "close"
        return ""
    if mark == "«" or mark == "„":
        return "open"
    if mark == "»":
        return "close"
    if left and not right:
        return "open"
    if right and not left:
        return "close"
    return "open" if mark in _OPEN_GLYPHS else "close"


def _pair_marks(text: str) -> list[_Span]:
    spans: list[_Span] = []
    top: tuple[str, int] | None = None  # kind ('"' or "'") and position of the open mark
    nested = 0

    def finish(open_at: int, close_at: int | None, end: int) -> None:
        inner_start = open_at + 1
        while inner_start < end and text[inner_start].isspace():
            inner_start += 1
        inner_end = end
        while inner_end > inner_start and text[inner_end - 1].isspace():
            inner_end -= 1
        if inner_end > inner_start:
            spans.append(_Span(open_at, close_at, inner_start, inner_end))

    for match in _MARKS.finditer(text):
        i = match.start()
        role = _classify(text, i)
        if not role:
            continue
        kind = '"' if text[i] in _DOUBLE_MARKS else "'"
        if kind == '"':
            if role == "open":
                if top is not None and top[0] == '"':
                    finish(top[1], None, i)
                top, nested = ('"', i), 0
            elif top is not None and top[0] == '"':
                finish(top[1], i, i)
                top = None
        elif top is None:
            if role == "open":
                top, nested = ("'", i), 0
        elif top[0] == '"':
            nested = nested + 1 if role == "open" else max(0, nested - 1)
        elif role == "close":
            finish(top[1], i, i)
            top = None
    if top is not None and (top[0] == '"' or top[1] == 0):
        finish(top[1], None, len(text))
    return spans


# ---- the article -----------------------------------------------------------------------------


class _Article:
    def __init__(self, text: str, index: SpeakerIndex, year: int | None) -> None:
        self.text = text
        self.index = index
        self.local = LocalNames(year)
        self.year = year
        self.paragraphs: list[_Paragraph] = []
        self.mentions: list[tuple[int, str]] = []  # (absolute position, person id) in order
        self.decided: list[tuple[_Paragraph, _Span, _Who, str]] = []
        self.last_speaker: str | None = None
        self.topic: str | None = None
        # Where the article names people, in order, to read the role words before each name
        # ("race director Michael Masi") when a descriptor first needs them.
        self._roles_to_learn: list[tuple[str, int, str]] = []
        self._names_cache: dict[str, set[str]] = {}
        self._era: frozenset[int] | None = None
        self.body: list[_Paragraph] = []  # paragraphs that are not page clutter
        self.place: dict[int, int] = {}  # a paragraph's index -> its position in ``body``

    # -- pass 1: paragraphs, quotations and who is named ---------------------------------------

    def _read(self) -> None:
        offset = 0
        count = 0
        hinted = _has_clutter_hint(self.text)
        for line in self.text.split("\n"):
            if line.strip():
                clutter = _is_clutter(line, hinted)
                para = _Paragraph(count, offset, line, clutter)
                count += 1
                if not clutter:
                    para.spans = _pair_marks(line)
                    para.frame = _blank_spans(line, para.spans)
                    para.named = self._named(para)
                self.paragraphs.append(para)
            offset += len(line) + 1
        for para in self.paragraphs[:3]:
            people = [a for a in para.named if a.kind == "person" and len(a.ids) == 1]
            if people and not para.clutter:
                self.topic = people[0].ids[0]
                break

    def _named(self, para: _Paragraph) -> list[_Agent]:
        """People and teams the paragraph names, read in order for every paragraph: each full
        name teaches the article's short forms of it, and mentions feed descriptors."""
        frame = para.frame
        agents: list[_Agent] = []
        for start, end, kind, ids, possessive in self.index.scan(frame, 0, self.local):
            if kind == "person":
                agents.append(_Agent(start, end, "person", frame, ids, (), possessive))
                if len(ids) == 1:
                    self.mentions.append((para.offset + start, ids[0]))
                    self._roles_to_learn.append((frame, start, ids[0]))
            elif kind == "team":
                agents.append(_Agent(start, end, "team", frame, (), (), possessive))
        return agents

    def _agents_of(self, para: _Paragraph, start: int, end: int) -> list[_Agent]:
        """Everyone who may be speaking in the sentences of ``para`` that meet ``start`` to
        ``end``, in order: names, pronouns, descriptors, groups. Worked out a sentence at a
        time on first need: attribution looks at the sentences around quotations (a cue,
        the subjects before a pronoun), and nothing it looks for spans a full stop."""
        if para.sentences is None:
            para.sentences = _sentence_bounds(para.frame, 0, len(para.frame))
            para.agents = [None] * len(para.sentences)
        found: list[_Agent] = []
        for i, (first, last) in enumerate(para.sentences):
            if first > end:
                break
            if last <= start:
                continue
            agents = para.agents[i]
            if agents is None:
                agents = para.agents[i] = self._agents(para, first, last)
            found += agents
        return found

    def _agents(self, para: _Paragraph, first: int, last: int) -> list[_Agent]:
        frame = para.frame
        agents = [a for a in para.named if first <= a.start < last]
        taken = [(a.start, a.end) for a in agents if a.kind == "person"]
        pronouns: list[_Agent] = []
        described: list[_Agent] = []
        groups: list[_Agent] = []
        the_names: list[re.Match[str]] = []
        # One pass finds every pronoun, determiner and bare group noun in the frame.
        for match in _TRIGGER.finditer(frame, first, last):
            start = match.start()
            if start and _is_word_char(frame[start - 1]):
                continue
            word = match.group()
            if word in _PRONOUNS:
                pronouns.append(_Agent(start, match.end(), "pronoun", frame))
                continue
            if word in _GROUP_WORDS:
                groups.append(_Agent(start, match.end(), "group", frame))
                continue
            if word == "the":
                name = _THE_NAME.match(frame, match.end())
                if name is not None:
                    the_names.append(name)
            gap = _GAP.match(frame, match.end())
            if gap is None or not _HEAD_AHEAD.match(frame, gap.end()):
                continue
            agent = self._described(frame, start, gap.end(), agents, taken)
            if agent is not None:
                described.append(agent)
        agents += pronouns
        agents += described
        agents += groups
        if described:
            spans = [(a.start, a.end) for a in described if a.kind == "descriptor"]
            agents = [
                a
                for a in agents
                if a.kind != "team" or not any(s <= a.start and a.end <= e for s, e in spans)
            ]
        for name in the_names:
            if any(a.start <= name.start(1) < a.end for a in agents):
                continue
            ids = self.index.resolve_surface(name.group(1), self.local)
            if len(ids) == 1:
                agents.append(_Agent(name.start(1) - 4, name.end(), "person", frame, ids))
        if not agents:
            return agents
        agents.sort(key=_start_of)
        if not any(a.kind == "team" for a in agents):
            return agents
        following: list[_Agent | None] = [*agents[1:], None]
        return [
            a for a, b in zip(agents, following, strict=True) if not _qualifies_next(frame, a, b)
        ]

    @staticmethod
    def _described(
        frame: str, start: int, words_at: int, named: list[_Agent], taken: list[tuple[int, int]]
    ) -> _Agent | None:
        """A descriptor ("the Mercedes boss") or a group ("a team spokesperson") opened by the
        determiner at ``start``; None when the phrase only introduces a name."""
        phrase = _noun_phrase(frame, words_at)
        if phrase is None:
            return None
        end, words, head_kind = phrase
        if head_kind == "group":
            return None if frame[start].lower() == "o" else _Agent(start, end, "group", frame)
        if frame[start].lower() != "t" or _NEXT_CAPITAL.match(frame, end):
            # "the Mercedes boss Toto Wolff": the name that follows is the agent.
            return None
        if any(s < end and start < e for s, e in taken):
            return None
        possessive = frame.startswith(("'s", "’s"), end)
        return _Agent(start, end, "descriptor", frame, words=tuple(words), possessive=possessive)

    def _roles(self) -> dict[str, str]:
        """Role words the article has tied to people ("race director" -> Masi), learnt on
        first need: most articles never resolve a descriptor."""
        for frame, position, person_id in self._roles_to_learn:
            found = _ROLE_WORDS.findall(frame, max(0, position - 40), position)
            if not found:
                continue
            last = position
            while last and frame[last - 1].isspace():
                last -= 1
            if frame[last - 1 : last] not in (",", ".", ":", ";"):
                self.local.learn_role([w.lower() for w in found[-2:]], person_id)
        self._roles_to_learn.clear()
        return self.local.roles

    # -- pass 2: speakers ----------------------------------------------------------------------

    def run(self) -> list[Quote]:
        self._read()
        body = self.body = [p for p in self.paragraphs if not p.clutter]
        self.place = {para.index: position for position, para in enumerate(body)}
        for position, para in enumerate(body):
            for k, span in enumerate(para.spans):
                who, cue = self._attribute(body, position, k)
                if who[0] == "person" and who[1] is not None:
                    quote = para.text[span.start : span.end]
                    if cue in ("continuation", "context") and who[1] in self._names_in(quote):
                        who = _UNKNOWN
                    else:
                        self.last_speaker = who[1]
                self.decided.append((para, span, who, cue))
        return self._finish()

    def _finish(self) -> list[Quote]:
        quotes: list[Quote] = []
        known: list[tuple[str, str | None]] | None = None
        for para, span, who, cue in self.decided:
            words = para.text[span.start : span.end]
            if not _has_words_enough(words, MIN_WORDS):
                continue
            if who[0] == "unknown":
                # A headline that repeats a line from the body takes that line's speaker.
                if known is None:
                    known = [
                        (_norm(p.text[s.start : s.end]), w[1])
                        for p, s, w, _ in self.decided
                        if w[0] == "person"
                    ]
                plain = _norm(words)
                echo = {pid for text, pid in known if plain and (plain in text or text in plain)}
                if len(echo) != 1:
                    continue
                who = ("person", echo.pop())
                cue = "repeated"
            if _is_title(words):
                continue
            quotes.append(
                Quote(
                    text=words,
                    speaker_id=who[1],
                    paragraph=para.index,
                    start=para.offset + span.start,
                    end=para.offset + span.end,
                    cue=cue,
                )
            )
        return quotes

    def _attribute(self, body: list[_Paragraph], position: int, k: int) -> tuple[_Who, str]:
        para = body[position]
        span = para.spans[k]
        frame = para.frame
        quote = para.text[span.start : span.end]
        after_end = para.spans[k + 1].open_at if k + 1 < len(para.spans) else len(frame)
        if span.close_at is not None:
            found = self._after_cue(para, span.close_at + 1, after_end, quote)
            if found is not None:
                return found
        before_start = _end_of(para.spans[k - 1]) if k else 0
        before = frame[before_start : span.open_at]
        sentence_start = _last_sentence_start(before) + before_start
        fragment = frame[sentence_start : span.open_at]
        if fragment.strip():
            found = self._before_cue(para, sentence_start, span.open_at, quote, span)
            whole = _last_sentence_start(frame[: span.open_at])
            if (found is None or found[0][0] == "unknown") and whole < sentence_start:
                # A second partial quotation in one sentence: look at the whole sentence.
                found = self._before_cue(para, whole, span.open_at, quote, span) or found
            if found is not None:
                return found
        narrative_end = sentence_start
        if narrative_end > before_start and _has_words(frame[before_start:narrative_end]):
            who = self._narrative(para, before_start, narrative_end, quote)
            if who[0] != "unknown" or k == 0:
                return self._checked(who, quote, para, span, body, position), "context"
        if k:
            return self._previous_in(para, k), "continuation"
        return self._opening(body, position, quote, span)

    def _previous_in(self, para: _Paragraph, k: int) -> _Who:
        for earlier_para, earlier_span, who, _ in reversed(self.decided):
            if earlier_para is para and earlier_span is para.spans[k - 1]:
                return who
        return _UNKNOWN

    def _opening(
        self, body: list[_Paragraph], position: int, quote: str, span: _Span
    ) -> tuple[_Who, str]:
        """A quotation that opens its paragraph with no cue of its own."""
        para = body[position]
        if position == 0:
            return _UNKNOWN, "context"
        previous = body[position - 1]
        gap = self.paragraphs[previous.index + 1 : para.index]
        if previous.spans and self.decided:
            last_para, last_span, who, _ = self.decided[-1]
            if last_para is previous and last_span.close_at is None:
                return who, "continuation"
        if previous.spans and not gap:
            tail = previous.frame[_end_of(previous.spans[-1]) :]
            if not _has_words(tail) or not _SENTENCE_END.search(tail):
                last = next((w for p, _, w, _ in reversed(self.decided) if p is previous), None)
                if last is not None:
                    return last, "continuation"
        if previous.spans and gap:
            last = next((w for p, _, w, _ in reversed(self.decided) if p is previous), None)
            if last is not None and all(g.clutter for g in gap):
                return last, "continuation"
        start = _end_of(previous.spans[-1]) if previous.spans else 0
        who = self._narrative(previous, start, len(previous.frame), quote)
        return self._checked(who, quote, para, span, body, position), "context"

    def _checked(
        self,
        who: _Who,
        quote: str,
        para: _Paragraph,
        span: _Span,
        body: list[_Paragraph],
        position: int,
    ) -> _Who:
        """Context alone is weak evidence: keep it only for words that sound like speech."""
        if who[0] == "unknown":
            return who
        if span.close_at is None:
            following = body[position + 1] if position + 1 < len(body) else None
            continued = following is not None and following.frame.lstrip().startswith(_BLANK)
            if not continued and not _PERSONAL.search(quote) and following is not None:
                return _UNKNOWN
        elif not _PERSONAL.search(quote) and not _has_words_enough(quote, 12):
            return _UNKNOWN
        return who

    # -- cues --------------------------------------------------------------------------------

    def _after_cue(
        self, para: _Paragraph, start: int, end: int, quote: str
    ) -> tuple[_Who, str] | None:
        frame = para.frame
        lead = _CUE_LEAD.match(frame, start, end)
        begin = lead.end() if lead else start
        stop = _first_sentence_end(frame, begin, end)
        dash = _CUE_DASH.match(frame, start, stop)
        if dash:
            agent = self._agent_at(para, dash.end())
            if agent is not None and agent.kind == "person":
                if agent.possessive:
                    return _UNKNOWN, frame[start:stop].strip()
                return self._resolve(para, agent, quote), frame[start:stop].strip()
            return None
        for verb in _SPEECH.finditer(frame, begin, stop):
            if verb.start() - begin > 70:
                break
            if _not_speech(frame, verb):
                continue
            cue = frame[begin : verb.end()].strip()
            if verb.start() == begin:
                agent = self._inverted_subject(para, verb.end(), stop)
                if agent is not None:
                    who = self._resolve(para, agent, quote)
                    return who, frame[begin : agent.end].strip()
                continue
            agent = self._subject_of(para, begin, verb.start(), strict=True)
            if quote.endswith(".") and not _SHORT_TAIL.fullmatch(frame, verb.end(), stop):
                # After a full stop inside the marks, "Vowles said the result was deserved"
                # starts a sentence of its own; only "Vowles said (on Sunday)." is a cue.
                return None
            if agent is not None and _CUE_OPENING.fullmatch(frame[begin : agent.start]):
                return self._resolve(para, agent, quote), cue
            return None
        return None

    def _before_cue(
        self, para: _Paragraph, start: int, end: int, quote: str, span: _Span
    ) -> tuple[_Who, str] | None:
        frame = para.frame
        fragment = frame[start:end].rstrip()
        cue = fragment.strip()
        verbs = [v for v in _SPEECH.finditer(frame, start, end) if not _not_speech(frame, v)]
        if fragment.endswith(":"):
            for verb in reversed(verbs):
                agent = self._subject_of(para, start, verb.start())
                if agent is not None:
                    return self._resolve(para, agent, quote), cue
            agent = self._first_subject(para, start, end)
            if agent is not None:
                return self._resolve(para, agent, quote), cue
            return None
        if _TITLE_CONTEXT.search(fragment[-40:]):
            return _UNKNOWN, cue
        for verb in reversed(verbs):
            agent = self._subject_of(para, start, verb.start())
            if agent is not None:
                return self._resolve(para, agent, quote), cue
        if fragment.endswith(","):
            return None
        # A partial quotation inside a sentence belongs to the sentence's subject.
        agent = self._first_subject(para, start, end)
        if agent is None:
            people = [
                a
                for a in self._agents_of(para, start, end)
                if start <= a.start and a.end <= end and a.kind in ("person", "descriptor")
            ]
            agent = people[-1] if people else None
        if agent is None:
            return _UNKNOWN, cue
        return self._resolve(para, agent, quote), cue

    def _narrative(self, para: _Paragraph, start: int, end: int, quote: str) -> _Who:
        """The speaker a stretch of narrative sets up for the quotation that follows it."""
        frame = para.frame
        best: _Agent | None = None
        for verb in _SPEECH.finditer(frame, start, end):
            if _not_speech(frame, verb):
                continue
            sentence = _sentence_start(frame, verb.start(), start)
            agent = self._subject_of(para, sentence, verb.start())
            if agent is None and frame[verb.start() : verb.end()].endswith("ing"):
                agent = self._first_subject(para, sentence, verb.start())
            if agent is not None:
                best = agent
        if best is not None:
            return self._resolve(para, best, quote)
        if self.last_speaker is not None and any(
            a.kind == "person" and self.last_speaker in a.ids
            for a in self._agents_of(para, start, end)
            if start <= a.start < end
        ):
            return ("person", self.last_speaker)
        agent = self._first_subject(para, start, end)
        if agent is None:
            return _UNKNOWN
        return self._resolve(para, agent, quote)

    # -- finding and resolving subjects --------------------------------------------------------

    def _agent_at(self, para: _Paragraph, position: int) -> _Agent | None:
        return next(
            (a for a in self._agents_of(para, position, position) if a.start == position), None
        )

    def _subject_of(
        self, para: _Paragraph, start: int, verb: int, strict: bool = False
    ) -> _Agent | None:
        frame = para.frame
        for agent in reversed(self._agents_of(para, start, verb)):
            if agent.end > verb or agent.start < start:
                continue
            gap = frame[agent.end : verb]
            if _TRANSPARENT.match(gap):
                return agent
            if not strict and _LOOSE_GAP.match(gap) and agent.subject:
                return agent
            return None
        return None

    def _inverted_subject(self, para: _Paragraph, verb_end: int, stop: int) -> _Agent | None:
        for agent in self._agents_of(para, verb_end, stop):
            if agent.start < verb_end:
                continue
            if agent.start >= stop:
                return None
            if _INVERTED_GAP.match(" " + para.frame[verb_end : agent.start]):
                return agent
            return None
        return None

    def _first_subject(self, para: _Paragraph, start: int, end: int) -> _Agent | None:
        """The first subject that can be a person; failing that, the first team or group."""
        subjects = [
            a
            for a in self._agents_of(para, start, end)
            if start <= a.start and a.end <= end and a.subject
        ]
        people = [a for a in subjects if a.kind in ("person", "pronoun", "descriptor")]
        if people:
            return people[0]
        return subjects[0] if subjects else None

    def _resolve(self, para: _Paragraph, agent: _Agent, quote: str) -> _Who:
        position = para.offset + agent.start
        if agent.kind in ("team", "group"):
            return _NOBODY
        if agent.kind == "person":
            if len(agent.ids) == 1:
                return ("person", agent.ids[0])
            if self.last_speaker in agent.ids:
                return ("person", self.last_speaker)
            recent = [pid for _, pid in self._known_before(position) if pid in agent.ids]
            return ("person", recent[-1]) if recent else ("person", agent.ids[0])
        if agent.kind == "pronoun":
            return self._pronoun(para, agent.start, quote)
        if agent.kind == "descriptor":
            return self._descriptor(list(agent.words), position, quote)
        return _UNKNOWN

    def _known_before(self, position: int) -> list[tuple[int, str]]:
        return [(p, pid) for p, pid in self.mentions if p < position]

    def _descriptor(self, words: list[str], position: int, quote: str) -> _Who:
        head = words[-1] if words else ""
        roles = self._roles()
        for size in (2, 1):
            role = " ".join(words[-size:])
            person = roles.get(role)
            if (
                person is not None
                and self.index.descriptor_fits(person, words, self.year, self._seasons())
                is not False
            ):
                return ("person", person)
        if head in roles and len(words) == 1:
            return ("person", roles[head])
        known = [pid for _, pid in self._known_before(position)]
        order = list(dict.fromkeys(reversed(known)))
        seasons = self._seasons()
        fitting = [
            pid for pid in order if self.index.descriptor_fits(pid, words, self.year, seasons)
        ]
        in_quote = self._names_in(quote)
        fitting = [pid for pid in fitting if pid not in in_quote]
        if self.last_speaker in fitting:
            return ("person", self.last_speaker)
        if fitting:
            return ("person", fitting[0])
        everyone = [
            pid for pid in self.index.candidates_for(words, self.year) if pid not in in_quote
        ]
        if len(everyone) == 1:
            return ("person", everyone[0])
        return _UNKNOWN

    def _seasons(self) -> frozenset[int]:
        """For an undated article, the seasons in which everyone it names was active: what
        it may be about, to check ages against."""
        if self.year is not None:
            return frozenset()
        if self._era is None:
            era: set[int] | None = None
            for person_id in dict.fromkeys(pid for _, pid in self.mentions):
                active = {s.season for s in self.index.people[person_id].roles}
                era = active if era is None else (era & active or era)
            self._era = frozenset(era or ())
        return self._era

    def _names_in(self, quote: str) -> set[str]:
        """People a quotation names without doubt (it speaks of them, so it is not theirs)."""
        names = self._names_cache.get(quote)
        if names is None:
            names = self._names_cache[quote] = {
                ids[0]
                for _, _, kind, ids, _ in self.index.scan(quote, 0, self.local)
                if kind == "person" and len(ids) == 1
            }
        return names

    def _pronoun(self, para: _Paragraph, position: int, quote: str) -> _Who:
        """He/she: the subject of the nearest sentences, the last speaker, the article's
        subject, weighed together; never someone the quotation names in the third person."""
        scores: dict[str, float] = {}
        excluded = self._names_in(quote)
        sentences: list[tuple[_Paragraph, int, int]] = []
        body = self.body
        at = self.place[para.index]
        end = position
        for back in range(3):
            if at - back < 0:
                break
            current = body[at - back]
            stop = end if back == 0 else len(current.frame)
            bounds = _sentence_bounds(current.frame, 0, stop)
            for s, e in reversed(bounds):
                sentences.append((current, s, e))
            if len(sentences) >= 5:
                break
        weights = (4.0, 3.0, 1.5, 0.75, 0.5, 0.5, 0.5)
        for distance, (sentence_para, s, e) in enumerate(sentences[:7]):
            if _BLANK in sentence_para.frame[s:e]:
                # A cue sentence: its speaker already counts as the last speaker.
                continue
            inside = [
                a for a in self._agents_of(sentence_para, s, e) if s <= a.start and a.end <= e
            ]
            first = True
            if not any(a.subject for a in inside):
                # No clear subject ("it was Russell who..."): the first person named stands in.
                named = next((a for a in inside if a.kind == "person" and not a.possessive), None)
                if named is not None:
                    named.stands_as_subject = True
            for agent in inside:
                ids = self._agent_people(sentence_para, agent)
                if not ids:
                    if agent.subject and agent.kind in ("team", "group"):
                        first = False
                    continue
                if agent.subject and first and not agent.possessive:
                    weight = weights[distance]
                    first = False
                else:
                    weight = weights[distance] / 3
                for pid in ids:
                    scores[pid] = scores.get(pid, 0.0) + weight / len(ids)
        if self.last_speaker is not None:
            scores[self.last_speaker] = scores.get(self.last_speaker, 0.0) + 2.5
        if self.topic is not None and self.topic != self.last_speaker:
            scores[self.topic] = scores.get(self.topic, 0.0) + 0.5
        ranked = sorted(
            ((score, pid) for pid, score in scores.items() if pid not in excluded), reverse=True
        )
        if not ranked or ranked[0][0] < 1.0:
            return _UNKNOWN
        if len(ranked) > 1 and ranked[0][0] - ranked[1][0] < 0.25:
            return _UNKNOWN
        return ("person", ranked[0][1])

    def _agent_people(self, para: _Paragraph, agent: _Agent) -> tuple[str, ...]:
        if agent.kind == "person":
            if len(agent.ids) > 1 and self.last_speaker in agent.ids:
                return (self.last_speaker,)
            return agent.ids[:1]
        if agent.kind == "descriptor":
            who = self._descriptor(list(agent.words), para.offset + agent.start, "")
            return (who[1],) if who[1] else ()
        return ()


# ---- small text helpers ------------------------------------------------------------------------


_HEADS = frozenset({*BOSS_HEADS, *DRIVER_HEADS, *NATION_NOUNS})
_PRONOUNS = frozenset({"he", "she", "He", "She"})
_DETERMINERS = frozenset({"the", "The", "a", "A", "an", "An", "one", "One"})
# Bodies that speak without a person, named without "the": never a speaker.
_GROUP_WORDS = frozenset(
    {
        "FIA",
        *(
            form
            for word in ("stewards", "officials", "organisers", "insiders", "sources")
            for form in (word, word.capitalize())
        ),
    }
)
_TRIGGER = re.compile(_alternation(_PRONOUNS | _DETERMINERS | _GROUP_WORDS) + r"\b")
# What follows a determiner that may open a descriptor: a head or group noun within four
# words (the last word of "team mate" or "new zealander" stands for the pair).
_AGE_WORD = re.compile(r"\d{1,2}-year-old")
_HEAD_AHEAD = re.compile(
    r"(?:[\w\-]+[ \u00a0]+){0,3}(?i:"
    + _alternation({h.split()[-1] for h in (*_HEADS, *_GROUP_NOUNS)})
    + r"|\d{1,2}-year-old)(?![\w\-])"
)


def _is_word_char(char: str) -> bool:
    """What ``\\w`` matches: a pattern that opens with a plain letter (not ``\\b``) lets the
    regex engine skip ahead to candidate letters, so word starts are checked here."""
    return char.isalnum() or char == "_"


def _noun_phrase(frame: str, start: int) -> tuple[int, list[str], str] | None:
    """After a determiner: up to four words ending in a descriptor's head noun ("Mercedes
    boss", "42-year-old Australian") or a group noun ("team", "spokesperson").

    Returns the end position, the folded words and "person" or "group"."""
    words: list[str] = []
    ends: list[int] = []
    position = start
    for _ in range(4):
        match = _PHRASE_WORDS.match(frame, position)
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
        if _AGE_WORD.fullmatch(head) and (size == len(words) or _SPEECH.fullmatch(words[size])):
            # "the 27-year-old said": an age alone describes a person only when no noun
            # follows it ("the 20-year-old car").
            return ends[size - 1], words[:size], "person"
        if head in _GROUP_NOUNS and size <= 3:
            return ends[size - 1], words[:size], "group"
    return None


def _blank_spans(text: str, spans: Iterable[_Span]) -> str:
    pieces: list[str] = []
    done = 0
    for span in spans:
        end = _end_of(span)
        pieces += (text[done : span.open_at], _BLANK * (end - span.open_at))
        done = end
    pieces.append(text[done:])
    return "".join(pieces)


def _end_of(span: _Span) -> int:
    return span.close_at + 1 if span.close_at is not None else span.end


def _is_clutter(line: str, hinted: bool = True) -> bool:
    """Whether ``line`` is page furniture; ``hinted`` False when its article holds none of
    ``_CLUTTER_HINTS`` anywhere (``_has_clutter_hint``)."""
    if _is_stub(line) or _CLUTTER_OPENING.match(line):
        return True
    if "(" in line and (_CLUTTER_BRACKETED.search(line) or _DRIVER_CARD.search(line)):
        return True
    if not hinted:
        return False
    folded = line.lower()
    for hint in _CLUTTER_HINTS:
        if hint in folded:
            return bool(_CLUTTER_INSIDE.search(line))
    return False


def _has_clutter_hint(text: str) -> bool:
    """Whether any line of ``text`` may hold a credit or notice: most articles hold none, and
    one pass over the whole text spares every line its dozen substring tests."""
    folded = text.lower()
    return any(hint in folded for hint in _CLUTTER_HINTS)


def _is_stub(line: str) -> bool:
    """Short lines without a sentence in them: section labels, bylines, menu items."""
    stripped = line.strip()
    if len(stripped.split(None, 3)) > 3 or stripped.endswith((".", ":", "!", "?")):
        return False
    return not any(mark in stripped for mark in _STUB_MARKS)


def _not_speech(frame: str, verb: re.Match[str]) -> bool:
    if _NOT_SPEECH_AFTER.match(frame, verb.end()):
        return True
    return verb.group() in ("read", "reads") and bool(_READ_ALOUD.match(frame, verb.end()))


def _has_words(text: str) -> bool:
    return bool(_TWO_LETTERS.search(text))


def _last_sentence_start(text: str) -> int:
    last = 0
    for match in _SENTENCE_END.finditer(text):
        if match.start(1) >= 0:
            last = match.end()
    return last


def _sentence_start(frame: str, position: int, floor: int) -> int:
    return floor + _last_sentence_start(frame[floor:position])


def _first_sentence_end(frame: str, start: int, stop: int) -> int:
    match = _SENTENCE_STOP.search(frame, start, stop)
    return match.start() if match else stop


def _sentence_bounds(frame: str, start: int, stop: int) -> list[tuple[int, int]]:
    bounds = []
    begin = start
    for match in _SENTENCE_END.finditer(frame, start, stop):
        bounds.append((begin, match.start(1) if match.start(1) >= 0 else match.start(2)))
        begin = match.end()
    if begin < stop:
        bounds.append((begin, stop))
    return bounds


_ATTRIBUTIVE = frozenset({*BOSS_HEADS, *DRIVER_HEADS, *NATION_NOUNS})


def _in_subject_position(frame: str, agent: _Agent) -> bool:
    before = frame[max(0, agent.start - 80) : agent.start]
    if _RELATION.search(before):
        return False
    words = _WORDS_AND_BREAKS.findall(before[-60:])
    while (
        words
        and words[-1].lower() not in _SUBJECT_BEFORE
        and (
            words[-1][:1].isupper()
            or words[-1].lower() in _ATTRIBUTIVE
            or words[-1].lower()
            in {
                "boss",
                "chief",
                "team",
                "principal",
                "director",
                "managing",
                "owner",
                "test",
                "driver",
                "race",
                "executive",
                "technical",
                "sporting",
                "reserve",
                "advisor",
                "adviser",
                "ceo",
                "motorsport",
                "star",
                "ace",
                "rookie",
                "veteran",
                "champion",
                "world",
                "former",
                "chairman",
                "president",
                "consultant",
                "engineer",
                "the",
                "team-mate",
                "teammate",
            }
            or words[-1].endswith("-old")
        )
    ):
        if words[-1][:1].isupper() and _SENTENCE_END.search(before[-3:]):
            break
        words.pop()
    if not words:
        return True
    previous = words[-1].lower()
    if previous in _SUBJECT_BEFORE or previous in {",", ":", ";", "—", "–", "§", "("}:
        return True
    return bool(_ENDS_SENTENCE.search(before[-6:])) or agent.start == 0


_start_of = operator.attrgetter("start")


def _qualifies_next(frame: str, agent: _Agent, following: _Agent | None) -> bool:
    """A team named only to say whose the next person is: "Ferrari team chief Maurizio
    Arrivabene", "Red Bull's Daniel Ricciardo"."""
    if agent.kind != "team" or following is None or following.kind != "person":
        return False
    gap = frame[agent.end : following.start]
    return bool(_QUALIFYING_GAP.fullmatch(gap)) and "," not in gap


def _is_title(words: str) -> bool:
    tokens = words.split()
    if len(tokens) > 6 or words.strip().endswith((".", "!", "?", ",", ";")):
        return False
    content = [t for t in tokens if t.lower() not in _SMALL_WORDS]
    return bool(content) and all(t[:1].isupper() or t[:1].isdigit() for t in content)


def _norm(text: str) -> str:
    return " ".join(_WORD.findall(text.lower().replace("’", "'")))


__all__ = ["MIN_WORDS", "Quote", "article_year", "extract_quotes", "word_count"]
