"""People as the slash commands need them: resolve what fans type, describe, find quotes."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Final

from bot.errors import UserFacingError
from bot.news.articles import Article
from bot.news.stories import Subject
from bot.people.directory import Person
from bot.people.learned import LearnedPeople, LearnedPerson
from bot.people.resolver import PeopleDirectory
from storage.articles import get_article
from storage.database import Database
from storage.mentions import latest_about
from storage.people import champion_seasons, learned_version, load_directory, load_learned_people
from storage.quotes import StoredQuote, article_quotes, quotes_by_person

__all__ = [
    "KNOWN_ONLY",
    "MAX_QUOTES",
    "KnownOnly",
    "NoSuchPerson",
    "PeopleService",
    "Profile",
    "QuoteSource",
    "StoredQuote",
    "StoryDetails",
    "Viewer",
    "next_quote",
    "people_service",
    "quote_context",
]

MAX_QUOTES = 25


class NoSuchPerson(UserFacingError):
    """Nobody (or nobody clearly) matches; ``suggestions`` are names worth offering."""

    def __init__(self, query: str, suggestions: list[str]) -> None:
        self.query = query
        self.suggestions = suggestions
        hint = f" — did you mean {' or '.join(suggestions[:2])}?" if suggestions else "."
        super().__init__(f"No one matches '{query[:60]}'{hint}")


@dataclass(frozen=True, slots=True)
class StoryDetails:
    people: list[str]
    key_quote: tuple[str, str | None] | None


@dataclass(frozen=True, slots=True)
class Profile:
    person: Person
    team: str | None
    role: str | None
    stories: list[Article]
    latest_quote: StoredQuote | None
    # Seasons the person won the drivers' championship (finished seasons only).
    titles: list[int] = field(default_factory=list)
    # For a person learned from the news: who they are and where they were first seen.
    learned: LearnedPerson | None = None


# Who is asking: a server id, or None for direct messages and the operator. Learned people
# are only found for a viewer (``PeopleService.find``).
Viewer = int | None


class KnownOnly(Enum):
    """No viewer at all: only known people answer, as moderator filters and /latest read
    them, since nobody is asking whose stories may be seen."""

    KNOWN_ONLY = "known people only"


KNOWN_ONLY: Final = KnownOnly.KNOWN_ONLY


@dataclass(frozen=True, slots=True)
class QuoteSource:
    """Where a quote was said: its story, and the paragraph it stands in."""

    article: Article
    context: str


class PeopleService:
    """The people commands' lookups. Known people always come first; people learned from
    the news are found only when the caller says who is asking (``viewer``), since a
    server's own stories teach people no other server may see."""

    def __init__(self, directory: PeopleDirectory, learned: LearnedPeople | None = None) -> None:
        self.directory = directory
        self.learned = learned or LearnedPeople()
        self._learned_version: str | None = None

    async def refresh(self, db: Database) -> None:
        """Take in the people learned from the news since the last call (one small read
        when there are none)."""
        version = await learned_version(db.reader)
        if version != self._learned_version:
            self.learned = LearnedPeople(await load_learned_people(db.reader))
            self._learned_version = version

    def get(self, person_id: str) -> Person | None:
        return self.directory.get(person_id)

    def label(self, person: Person) -> str:
        return self.directory.label(person)

    def autocomplete(
        self, text: str, limit: int = 25, *, viewer: Viewer | KnownOnly = KNOWN_ONLY
    ) -> list[tuple[str, str]]:
        """Choices for what has been typed: known people, then (for a ``viewer``) the
        learned people they may see."""
        choices = self.directory.autocomplete(text[:100], limit)
        if viewer is KNOWN_ONLY or len(choices) >= limit or not text.strip():
            return choices
        learned = [
            (self.learned.people[m.person.id].label, m.person.id)
            for m in self.learned.matches(text[:100], viewer, typing=True)
        ]
        return (choices + learned)[:limit]

    def find(self, query: str, *, viewer: Viewer | KnownOnly = KNOWN_ONLY) -> Person | None:
        """The person a query means: an autocomplete id, or the resolver's confident best.
        With a ``viewer``, a learned person they may see when no known person matches as
        well: a learned "Herve Leclerc" never answers "leclerc"."""
        text = query.strip()
        if not text or len(text) > 100:
            return None
        by_id = self.directory.get(text)
        if by_id is not None:
            return by_id
        if viewer is not KNOWN_ONLY:
            learned_by_id = self.learned.get(text, viewer)
            if learned_by_id is not None:
                return learned_by_id.as_person()
        resolution = self.directory.resolve(text)
        if viewer is not KNOWN_ONLY:
            learned = self._learned_beyond(text, viewer)
            if learned is not None:
                return learned
        if not resolution.matches or resolution.ambiguous:
            return None
        return resolution.matches[0].person

    def _learned_beyond(self, text: str, viewer: Viewer) -> Person | None:
        """The one learned person ``text`` means better than it means any known person."""
        candidates = self.learned.matches(text, viewer)
        if not candidates:
            return None
        best_known = max((m.quality for m in self.directory.matches(text)), default=0.0)
        better = [m for m in candidates if m.quality > best_known]
        if not better:
            return None
        top = better[0]
        if len(better) > 1 and better[1].quality >= top.quality:
            return None
        return top.person

    def resolve_one(self, query: str, *, viewer: Viewer | KnownOnly = KNOWN_ONLY) -> Person:
        """The person meant, or NoSuchPerson naming who might be meant instead."""
        person = self.find(query, viewer=viewer)
        if person is None:
            suggested = self.suggestions(query, viewer=viewer)
            raise NoSuchPerson(query, [p.name for p in suggested])
        return person

    def suggestions(
        self, query: str, limit: int = 3, *, viewer: Viewer | KnownOnly = KNOWN_ONLY
    ) -> list[Person]:
        text = query.strip()[:100]
        if not text:
            return []
        resolution = self.directory.resolve(text, limit=limit)
        if resolution.matches:
            return [m.person for m in resolution.matches]
        choices = self.autocomplete(text, limit, viewer=viewer)
        found = (self._any(pid, viewer) for _, pid in choices)
        return [person for person in found if person is not None]

    def _any(self, person_id: str, viewer: Viewer | KnownOnly) -> Person | None:
        known = self.directory.get(person_id)
        if known is not None or viewer is KNOWN_ONLY:
            return known
        learned = self.learned.get(person_id, viewer)
        return learned.as_person() if learned is not None else None

    def search_phrases(self, person: Person) -> tuple[str, ...]:
        """How stories name the person: full name, plus the surname when it is theirs alone."""
        phrases = [person.name]
        if person.last_name and self.directory.resolve_mention(person.last_name) == person.id:
            phrases.append(person.last_name)
        return tuple(dict.fromkeys(phrases))

    def subject_for(self, query: str) -> Subject | None:
        person = self.find(query, viewer=KNOWN_ONLY)
        if person is None:
            return None
        return Subject("person", person.name, self.search_phrases(person), person.id)

    async def quotes(
        self,
        db: Database,
        person: Person,
        about: str | None = None,
        *,
        viewer: int | None = None,
    ) -> list[StoredQuote]:
        """The person's quotes in the stories ``viewer`` may see (``bot.news.stories``)."""
        return await quotes_by_person(
            db.reader, person.id, about=about, limit=MAX_QUOTES, viewer=viewer
        )

    async def profile(self, db: Database, person: Person, *, viewer: int | None = None) -> Profile:
        conn = db.reader
        learned = self.learned.get(person.id, viewer)
        if learned is not None:
            quotes = await quotes_by_person(conn, person.id, limit=1, viewer=viewer)
            return Profile(
                person=person,
                team=learned.team or None,
                role=learned.role or None,
                stories=[],
                latest_quote=quotes[0] if quotes else None,
                learned=learned,
            )
        stint = person.latest_stint
        stories = await latest_about(conn, person.id, 3, viewer=viewer)
        quotes = await quotes_by_person(conn, person.id, limit=1, viewer=viewer)
        return Profile(
            person=person,
            team=stint.team if stint and stint.team else None,
            role=stint.role if stint else None,
            stories=stories,
            latest_quote=quotes[0] if quotes else None,
            titles=await champion_seasons(conn, person.id),
        )

    async def quote_source(self, db: Database, quote: StoredQuote) -> QuoteSource | None:
        """The story a quote was said in and the paragraph it stands in; None when that
        story is no longer stored."""
        article = await get_article(db.reader, quote.article_id)
        if article is None:
            return None
        return QuoteSource(article, quote_context(article, quote))

    async def story_details(self, db: Database, article: Article) -> StoryDetails:
        """Who a story quotes and names, and its most telling quote."""
        quotes = await article_quotes(db.reader, article.id)
        speakers = [q.person_id for q in quotes if q.person_id]
        named: dict[str, None] = dict.fromkeys(speakers)
        for tag in article.tags:
            person = self.find(tag, viewer=KNOWN_ONLY)
            if person is not None:
                named.setdefault(person.id)
        names = [name for pid in named if (name := self._speaker_name(pid)) is not None]
        key_quote = None
        attributed = [q for q in quotes if q.person_id] or quotes
        if attributed:
            # The longest attributed quote carries the story best; short ones are fragments.
            best = max(attributed, key=lambda q: len(q.text))
            speaker = self._speaker_name(best.person_id) if best.person_id else None
            key_quote = (best.text, speaker)
        return StoryDetails(names[:10], key_quote)

    def _speaker_name(self, person_id: str) -> str | None:
        """A known person's name, or a learned one's: whoever a story shown quotes."""
        known = self.directory.get(person_id)
        if known is not None:
            return known.name
        learned = self.learned.people.get(person_id)
        return learned.name if learned is not None else None


def next_quote(quotes: list[StoredQuote], current: StoredQuote) -> StoredQuote | None:
    """The quote after ``current``, newest first and wrapping round: every press of Another
    shows a different quote, and all of them before any comes back."""
    if len(quotes) < 2:
        return None
    position = next((i for i, q in enumerate(quotes) if q.id == current.id), -1)
    return quotes[(position + 1) % len(quotes)]


def quote_context(article: Article, quote: StoredQuote) -> str:
    """The paragraph(s) a quote stands in, found by its offsets into the headline and body,
    which is the text quotes are extracted from."""
    text = article.full_text
    if not 0 <= quote.start <= quote.end <= len(text):
        return quote.text
    start = text.rfind("\n", 0, quote.start) + 1
    end = text.find("\n", quote.end)
    return text[start : end if end >= 0 else len(text)].strip() or quote.text


async def people_service(db: Database) -> PeopleService:
    service = PeopleService(await load_directory(db))
    await service.refresh(db)
    return service
