"""Articles as the rest of Paddock sees them, and the small text helpers they need."""

from __future__ import annotations

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
    """Same words, same hash: case, accents and spacing do not make a story new."""
    plain = f"{title}\n{body}"
    # NFKC leaves ASCII as it is and casefold is lower() there, so most stories skip both
    # full Unicode passes and still hash exactly as they would through them.
    plain = plain.lower() if plain.isascii() else unicodedata.normalize("NFKC", plain).casefold()
    # str.split() splits on the same Unicode whitespace as ``\s+`` and drops the ends,
    # without a regex pass over the whole text.
    return hashlib.sha256(" ".join(plain.split()).encode("utf-8")).hexdigest()


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
