"""People as the slash commands need them: resolve what fans type, describe, find quotes."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.errors import UserFacingError
from bot.news.articles import Article
from bot.news.stories import Subject
from bot.people.directory import Person
from bot.people.resolver import PeopleDirectory
from storage.articles import get_article
from storage.database import Database
from storage.mentions import latest_about
from storage.people import champion_seasons, load_directory
from storage.quotes import StoredQuote, article_quotes, quotes_by_person

__all__ = [
    "MAX_QUOTES",
    "NoSuchPerson",
    "PeopleService",
    "Profile",
    "QuoteSource",
    "StoredQuote",
    "StoryDetails",
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


@dataclass(frozen=True, slots=True)
class QuoteSource:
    """Where a quote was said: its story, and the paragraph it stands in."""

    article: Article
    context: str


class PeopleService:
    def __init__(self, directory: PeopleDirectory) -> None:
        self.directory = directory

    def get(self, person_id: str) -> Person | None:
        return self.directory.get(person_id)

    def label(self, person: Person) -> str:
        return self.directory.label(person)

    def autocomplete(self, text: str, limit: int = 25) -> list[tuple[str, str]]:
        return self.directory.autocomplete(text[:100], limit)

    def find(self, query: str) -> Person | None:
        """The person a query means: an autocomplete id, or the resolver's confident best."""
        text = query.strip()
        if not text or len(text) > 100:
            return None
        by_id = self.directory.get(text)
        if by_id is not None:
            return by_id
        resolution = self.directory.resolve(text)
        if not resolution.matches or resolution.ambiguous:
            return None
        return resolution.matches[0].person

    def resolve_one(self, query: str) -> Person:
        """The person meant, or NoSuchPerson naming who might be meant instead."""
        person = self.find(query)
        if person is None:
            raise NoSuchPerson(query, [p.name for p in self.suggestions(query)])
        return person

    def suggestions(self, query: str, limit: int = 3) -> list[Person]:
        text = query.strip()[:100]
        if not text:
            return []
        resolution = self.directory.resolve(text, limit=limit)
        if resolution.matches:
            return [m.person for m in resolution.matches]
        found = (self.directory.get(pid) for _, pid in self.directory.autocomplete(text, limit))
        return [person for person in found if person is not None]

    def search_phrases(self, person: Person) -> tuple[str, ...]:
        """How stories name the person: full name, plus the surname when it is theirs alone."""
        phrases = [person.name]
        if person.last_name and self.directory.resolve_mention(person.last_name) == person.id:
            phrases.append(person.last_name)
        return tuple(dict.fromkeys(phrases))

    def subject_for(self, query: str) -> Subject | None:
        person = self.find(query)
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
            person = self.find(tag)
            if person is not None:
                named.setdefault(person.id)
        names = [p.name for pid in named if (p := self.directory.get(pid)) is not None]
        key_quote = None
        attributed = [q for q in quotes if q.person_id] or quotes
        if attributed:
            # The longest attributed quote carries the story best; short ones are fragments.
            best = max(attributed, key=lambda q: len(q.text))
            speaker = self.directory.get(best.person_id) if best.person_id else None
            key_quote = (best.text, speaker.name if speaker else None)
        return StoryDetails(names[:10], key_quote)


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
    return PeopleService(await load_directory(db))
