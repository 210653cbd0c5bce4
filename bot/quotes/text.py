"""Small readings of plain text: words, sentences, page clutter, years, titles."""

from __future__ import annotations

import re

from bot.quotes.lexicon import CLUTTER_HINTS, GROUP_NOUNS, TITLE_SMALL_WORDS, alternation
from bot.quotes.marks import BLANK, STUB_MARKS

MIN_WORDS = 4

_WORD = re.compile(r"[\w'’]+")
PERSONAL = re.compile(
    r"\b(?:I|I'm|I’m|I've|I’ve|I'd|I’d|I'll|I’ll|me|my|mine|myself|we|us|our|"
    r"ours|ourselves|you|your|yours)\b",
    re.IGNORECASE,
)
# Where one sentence ends and the next begins: after the stop (and a closing mark), the
# space before a capital or an opening mark; or a stop and closing mark at the very end.
# Group 1 or 2 is the break itself; the stop comes first so that the regex engine can skip
# ahead to it.
SENTENCE_END = re.compile(r"[.!?…](?:([\"”’']?\s+)(?=[A-Z§\"“‘(])|[\"”’'](\s*)$)")
# "is said to be": a report, not a cue.
_NOT_SPEECH_AFTER = re.compile(r"\s+to\s+be\b")
# "read" is speech only when a text does the reading ("the statement read: ..."); someone who
# reads something aloud names it next.
# "... and" just before a speech verb: it shares the sentence's subject.
COORDINATED = re.compile(r"\s(?:and|but|before|then)\s+(?:\w+ly\s+)?$")
# The rest of a cue after its speaker: one verb in the past or present tense, then perhaps a
# time ("Russell reviewed on Sunday").
OPEN_CLASS_CUE = re.compile(
    r".*?(\s+(?:(?:also|still|now|then|later|again|[a-z]+ly)\s+)?[a-z]{3,}(?:ed|s))"
    r"(?:\s+(?:on|after|before|in)\s+[\w\s]{1,30})?\s*"
)
_READ_ALOUD = re.compile(r"\s+[A-Za-z]")
# "read a statement": a text read out, so speech after all.
_READ_A_TEXT = re.compile(
    r"\s+(?:an?|the|its|their|his|her)\s+(?:[\w\-]+\s+){0,3}?" + alternation(GROUP_NOUNS) + r"\b",
    re.IGNORECASE,
)
PHRASE_WORDS = re.compile(r"([\w\-]+)([ \u00a0]+)?")
TRANSPARENT = re.compile(
    r"^(?:['’]s?)?\s*(?:\([^)]*\)\s*)?(?:,[^,§]{1,160},\s*)?"
    r"(?:(?:has|had|have|was|is|were|also|then|later|again|once|just|even|would|will|could|"
    r"might|may|never|not|only|further|already|still|now|too|this|last|on|today|yesterday|"
    r"tonight|week|weekend|year|season|monday|tuesday|wednesday|thursday|friday|saturday|"
    r"sunday|morning|evening|afternoon|night|quoted\s+as|\w+ly)\s+)*$",
    re.IGNORECASE,
)
# What may stand before the speaker in '"...", <cue>': a few words of description, no clause.
CUE_OPENING = re.compile(
    r"(?!.*\b(?:while|and|but|as|when|which|who|because|although|if|after|before)\b)"
    r"(?:[\w\-’'.]+\s+){0,5}",
    re.IGNORECASE,
)
LOOSE_GAP = re.compile(r"^\s*(?:[a-z][\w\-]*\s+){0,3}$")
INVERTED_GAP = re.compile(r"^\s+(?:[\w\-’']+\s+){0,4}$")
# Words that introduce a title or a name rather than speech; read from the last 40
# characters before a quotation, which hold any of them with its article.
TITLE_CONTEXT = re.compile(
    r"(?:called|dubbed|named|titled|entitled|so-called|nicknamed|known as|the term|the phrase|"
    r"the word|the words|podcast|programme|program|show|series|book|film|documentary|song|"
    r"slogan|hashtag|campaign|banner|sign|signs|headline|headlines|label|labelled|branded)"
    r"\s*(?:the|a|an|as|of|his|her|their|its)?\s*$",
    re.IGNORECASE,
)
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
# Bracketed credits and a driver card ("Lewis Hamilton (GBR)"); both patterns open with a
# plain character so the regex engine can skip ahead to it.
_QUOTES_SOMEONE = re.compile('[“”"«»„]')
_CLUTTER_BRACKETED = re.compile(r"\((?i:photo|@\w+\)|l to r\))")
_DRIVER_CARD = re.compile(r"[A-Z](?<![\w][A-Z])[a-z]+ \([A-Z]{3}\)")
NEXT_CAPITAL = re.compile(r"\s+[A-ZÀ-Þ]")
SHORT_TAIL = re.compile(r"(?:\s+[\w\-’']+){0,4}\s*[.!?…]?\s*")
CUE_LEAD = re.compile(r"[\s,;.!?…]*")
CUE_DASH = re.compile(r"\s*[–—-]+\s*")
_TWO_LETTERS = re.compile(r"[A-Za-z]{2}")
# The end of a cue's sentence; the full stop of "Jr.", "Sr." or an initial ("Carlos Sainz
# Jr. said") does not end it. Each branch opens with the stop itself, so the regex engine
# can skip ahead to one; the abbreviations are tested behind a full stop once found (six
# times faster than testing them at every character).
_SENTENCE_STOP = re.compile(
    r"\.(?<!\bJr\.)(?<!\bSr\.)(?<!\b[A-Z]\.)(?=\s|$)|[!?…](?=\s|$)|" + BLANK
)
WORDS_AND_BREAKS = re.compile(r"[\w\-’']+|[,:;(—–§]")
LETTER_WORDS = re.compile(r"[A-Za-z\-]+")
# After "the": a clipped name or nickname ("the Hulk"), when no name follows it.
THE_NAME = re.compile(r" ([A-Z][a-z]{2,})\b(?![\s\u00a0]+[A-Z])")
GAP = re.compile(r"\s+")
QUALIFYING_GAP = re.compile(r"(?:['’]s?)?\s+(?:[\w\-]+\s+){0,3}")
ENDS_SENTENCE = re.compile(r"[.!?…]['\"”’]?\s*$")
# A year from 1950 to 2049; the digit comes before the boundary test so that the regex
# engine can skip ahead to a 1 or a 2.
_YEAR = re.compile(r"[12](?<!\w[12])(?:9[5-9]|0[0-4])\d\b")


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def has_words_enough(text: str, wanted: int) -> bool:
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


def is_clutter(line: str, hinted: bool = True) -> bool:
    """Whether ``line`` is page furniture; ``hinted`` False when its article holds none of
    ``CLUTTER_HINTS`` anywhere (``has_clutter_hint``)."""
    if _is_stub(line) or _CLUTTER_OPENING.match(line):
        return True
    if "(" in line and (_CLUTTER_BRACKETED.search(line) or _DRIVER_CARD.search(line)):
        # A credit or a driver card, unless the line quotes someone: a social post names
        # its author by handle ("Lewis Hamilton (@LewisHamilton) wrote: ...").
        return not _QUOTES_SOMEONE.search(line)
    if not hinted:
        return False
    folded = line.lower()
    for hint in CLUTTER_HINTS:
        if hint in folded:
            return bool(_CLUTTER_INSIDE.search(line))
    return False


def has_clutter_hint(text: str) -> bool:
    """Whether any line of ``text`` may hold a credit or notice: most articles hold none, and
    one pass over the whole text spares every line its dozen substring tests."""
    folded = text.lower()
    return any(hint in folded for hint in CLUTTER_HINTS)


def _is_stub(line: str) -> bool:
    """Short lines without a sentence in them: section labels, bylines, menu items."""
    stripped = line.strip()
    if len(stripped.split(None, 3)) > 3 or stripped.endswith((".", ":", "!", "?")):
        return False
    return not any(mark in stripped for mark in STUB_MARKS)


def not_speech(frame: str, verb: re.Match[str]) -> bool:
    if _NOT_SPEECH_AFTER.match(frame, verb.end()):
        return True
    if verb.group() not in ("read", "reads") or not _READ_ALOUD.match(frame, verb.end()):
        return False
    return not _READ_A_TEXT.match(frame, verb.end())


def has_words(text: str) -> bool:
    return bool(_TWO_LETTERS.search(text))


def last_sentence_start(text: str) -> int:
    last = 0
    for match in SENTENCE_END.finditer(text):
        if match.start(1) >= 0:
            last = match.end()
    return last


def sentence_start(frame: str, position: int, floor: int) -> int:
    return floor + last_sentence_start(frame[floor:position])


def first_sentence_end(frame: str, start: int, stop: int) -> int:
    match = _SENTENCE_STOP.search(frame, start, stop)
    return match.start() if match else stop


def is_question(frame: str, position: int, stop: int) -> bool:
    """Whether the sentence going on at ``position`` ends with a question mark."""
    end = first_sentence_end(frame, position, stop)
    return frame[end : end + 1] == "?"


def sentence_bounds(frame: str, start: int, stop: int) -> list[tuple[int, int]]:
    bounds = []
    begin = start
    for match in SENTENCE_END.finditer(frame, start, stop):
        bounds.append((begin, match.start(1) if match.start(1) >= 0 else match.start(2)))
        begin = match.end()
    if begin < stop:
        bounds.append((begin, stop))
    return bounds


def is_title(words: str) -> bool:
    tokens = words.split()
    if len(tokens) > 6 or words.strip().endswith((".", "!", "?", ",", ";")):
        return False
    content = [t for t in tokens if t.lower() not in TITLE_SMALL_WORDS]
    return bool(content) and all(t[:1].isupper() or t[:1].isdigit() for t in content)


def norm(text: str) -> str:
    return " ".join(_WORD.findall(text.lower().replace("’", "'")))
