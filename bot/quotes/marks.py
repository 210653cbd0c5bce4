"""Quote marks paired paragraph by paragraph.

Marks are read by their surroundings rather than their glyph, because scraped pages mix
straight and curly marks freely; an opening mark inside an open quotation closes it
(paragraph breaks collapsed into one line), and a quotation may stay open at a paragraph's
end (it continues in the next).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Primes (″ ′) stand in for closing marks on some pages.
_DOUBLE_MARKS = '"“”„‟«»″'
_SINGLE_MARKS = "'‘’‚‛′"
# Quote marks, less the apostrophes inside words ("don’t", "Ferrari's"), which are most of
# them: those are never quote marks, and the pattern skips them in C.
_MARKS = re.compile(
    f"[{_DOUBLE_MARKS}{_SINGLE_MARKS}]"
    f"(?:(?<=[{_DOUBLE_MARKS}])|(?![^\\W_])|(?<![^\\W_][{_SINGLE_MARKS}]))"
)
STUB_MARKS = _DOUBLE_MARKS + "‘"
_OPEN_GLYPHS = "“„‟«‘‚‛"
_CLOSE_GLYPHS = "”»’″′"
_LEFT_EDGE = "([{—–-/\u00a0"
_RIGHT_EDGE = ".,;:!?)]}—–-…/"
BLANK = "§"
# Two digits and no more after a single mark: a year cut short ("’96"), not a quotation.
_ELIDED_YEAR = re.compile(r"\d\d(?!\d)(?![’'])")


class Span:
    __slots__ = ("close_at", "end", "open_at", "start")

    def __init__(self, open_at: int, close_at: int | None, start: int, end: int) -> None:
        self.open_at = open_at  # paragraph-relative position of the opening mark
        self.close_at = close_at  # position of the closing mark; None when left open
        self.start = start  # first character of the quoted words
        self.end = end  # just after the last one


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
        if _ELIDED_YEAR.match(text, i + 1):
            return ""  # "the ’96 champion": a year cut short
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


def pair_marks(text: str) -> list[Span]:
    # Two apostrophes ('') stand for a double mark: read as a blank and one mark.
    text = text.replace("''", ' "')
    spans: list[Span] = []
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
            spans.append(Span(open_at, close_at, inner_start, inner_end))

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
    if top is not None and (
        top[0] == '"'
        or top[1] == 0
        or text[: top[1]].rstrip().endswith((":", ","))
        or (
            _whole_sentences(text[top[1] + 1 :])
            and text[: top[1]].rstrip().endswith((".", "!", "?", "…"))
        )
    ):
        # Left open at the paragraph's end: a double mark, or a single one that opens the
        # paragraph, follows a cue ("Sainz said: ‘It was ...") or opens a sentence after
        # another and runs whole sentences to the end (". ‘You are trying ... the car.").
        finish(top[1], None, len(text))
    return spans


def _whole_sentences(rest: str) -> bool:
    """Whether what follows an opening mark reads as a sentence or more: a capital, three
    words at least, and a sentence's end."""
    return (
        rest[:1].isupper()
        and len(rest.split(None, 2)) == 3
        and rest.rstrip().endswith((".", "!", "?", "…"))
    )


def blank_spans(text: str, spans: Iterable[Span]) -> str:
    pieces: list[str] = []
    done = 0
    for span in spans:
        end = end_of(span)
        pieces += (text[done : span.open_at], BLANK * (end - span.open_at))
        done = end
    pieces.append(text[done:])
    return "".join(pieces)


def end_of(span: Span) -> int:
    return span.close_at + 1 if span.close_at is not None else span.end
