"""Articles as the rest of Paddock sees them, and the small text helpers they need."""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime

# Abbreviations that end in a full stop without ending a sentence.
_NOT_SENTENCE_ENDS = re.compile(
    r"\b(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|vs|No|Lt|Gen|Prof|[A-Z])\.$",
)
_SENTENCE_BREAK = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’')\]]))\s+(?=[\"“‘'(\[]?[A-Z0-9])")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class ParsedArticle:
    """An article read from a file or a feed, before it is stored."""

    title: str
    body: str
    author: str = ""
    tags: tuple[str, ...] = ()
    url: str | None = None
    guid: str | None = None
    source: str = ""
    published_at: str | None = None
    summary: str = ""
    # The server whose own feed brought it, seen there alone; None: a story for everyone
    # (the operator's feeds and imports).
    guild_id: int | None = None

    @property
    def full_text(self) -> str:
        """Headline and body together: headlines carry quotes too."""
        return article_text(self.title, self.body)


@dataclass(frozen=True, slots=True)
class Article:
    """A stored article."""

    id: int
    title: str
    body: str
    author: str
    tags: tuple[str, ...]
    url: str | None
    guid: str | None
    source: str
    published_at: str | None
    fetched_at: str
    summary: str
    content_hash: str
    updated_at: str | None = None
    guild_id: int | None = None  # as ParsedArticle.guild_id

    @property
    def date(self) -> str:
        """When the story appeared: its published date, else when Paddock first saw it."""
        return self.published_at or self.fetched_at

    @property
    def full_text(self) -> str:
        return article_text(self.title, self.body)


def article_text(title: str, body: str) -> str:
    """Headline and body as one text, without repeating a headline cut from the body."""
    if not body:
        return title
    if title.endswith("…") and body.startswith(title[:-1]):
        return body
    return f"{title}\n\n{body}"


def utc_now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def normalise_timestamp(value: str | datetime | None) -> str | None:
    """An ISO 8601 UTC timestamp for anything date-like, or None when it cannot be read."""
    if value is None:
        return None
    if isinstance(value, datetime):
        moment = value
    else:
        text = str(value).strip()
        if not text:
            return None
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            from email.utils import parsedate_to_datetime

            try:
                moment = parsedate_to_datetime(text)
            except (TypeError, ValueError, IndexError):
                return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def content_hash(title: str, body: str) -> str:
    """Same words, same hash: case, accents and spacing do not make a story new.

    The digest is of ``" ".join(NFKC(f"{title}\\n{body}").casefold().split())`` in UTF-8, and
    is stored, so every way of working it out must give exactly that.
    """
    plain = f"{title}\n{body}"
    words = _folded_words_utf8(plain)
    if words is None:
        words = " ".join(unicodedata.normalize("NFKC", plain).casefold().split()).encode("utf-8")
    return hashlib.sha256(words).hexdigest()


# Casefold is lower() on ASCII, and str.split() splits on the ASCII characters that
# str.isspace() counts (\x1c-\x1f among them): one byte table does both to UTF-8 text.
# Bytes from 0x80 up only ever belong to other characters' encodings and stay as they are.
_FOLD_ASCII_BYTES = bytes(
    byte + 32 if 65 <= byte <= 90 else 32 if byte < 128 and chr(byte).isspace() else byte
    for byte in range(256)
)
_ASCII_BYTES = bytes(range(128))


def _folded_words_utf8(plain: str) -> bytes | None:
    """``content_hash``'s words worked out on UTF-8 bytes, several times cheaper than
    folding the text and splitting it into word objects; None when that cannot be exact.

    It is exact when NFKC leaves the text as it is (checked, not assumed) and every
    character outside ASCII folds to characters that are not whitespace and fold no further
    (``_utf8_folding``). Case folding maps each character on its own, and UTF-8 never
    finds one character's bytes inside another's, so replacing each such character's
    bytes with its fold's folds the text; ASCII whitespace is then the only whitespace.
    """
    if plain.isascii():
        data = plain.encode("ascii")
    elif unicodedata.is_normalized("NFKC", plain):
        data = plain.encode("utf-8")
        for char in set(data.translate(None, _ASCII_BYTES).decode("utf-8")):
            folding = _utf8_folding(char)
            if folding is None:
                return None
            encoded, folded = folding
            if folded != encoded:
                data = data.replace(encoded, folded)
    else:
        return None
    data = data.translate(_FOLD_ASCII_BYTES)
    # Splitting at double spaces leaves a few pieces, not one per word. A piece holds no
    # double space (the split would have found it), so what remains of a longer run sits at
    # a piece's ends, and trimming the pieces leaves single spaces once they are joined.
    pieces = data.split(b"  ")
    if len(pieces) > 1:
        data = b" ".join([kept for piece in pieces if (kept := piece.strip(b" "))])
    return data.strip(b" ")


@functools.lru_cache(maxsize=4096)
def _utf8_folding(char: str) -> tuple[bytes, bytes] | None:
    """A character outside ASCII and its case fold in UTF-8, or None when the fold is or
    holds whitespace, or holds a character that folds again (replacing it would then
    change what an earlier replacement wrote)."""
    folded = char.casefold()
    if any(c.isspace() or c.casefold() != c for c in folded):
        return None
    return char.encode("utf-8"), folded.encode("utf-8")


def paragraphs(body: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph, not broken after "Mr." or an initial."""
    pieces = _SENTENCE_BREAK.split(_SPACE.sub(" ", text).strip())
    sentences: list[str] = []
    for piece in pieces:
        if sentences and _NOT_SENTENCE_ENDS.search(sentences[-1]):
            sentences[-1] = f"{sentences[-1]} {piece}"
        else:
            sentences.append(piece)
    return [s for s in sentences if s]


def summarise(body: str, *, max_sentences: int = 3, max_chars: int = 420) -> str:
    """The story's lead: its first two or three sentences, within ``max_chars``."""
    chosen: list[str] = []
    for paragraph in paragraphs(body):
        for sentence in split_sentences(paragraph):
            if chosen and len(" ".join([*chosen, sentence])) > max_chars:
                return " ".join(chosen)
            chosen.append(sentence)
            if len(chosen) >= max_sentences:
                return " ".join(chosen)
    summary = " ".join(chosen)
    if len(summary) > max_chars:
        summary = summary[: max_chars - 1].rsplit(" ", 1)[0] + "…"
    return summary
