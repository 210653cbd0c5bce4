"""Storing stories: the one path into the database for a feed, the console or a file.

``ingest_articles`` stores a batch of stories and, for each one that is new or edited, runs
its steps in order inside the same transaction, so a crash never leaves a story without
them:

1. its quotes (``StoryReader`` finds them, ``replace_quotes`` writes them);
2. the people and teams it names (found by the same reader, written by ``store_mentions``);
3. whatever the caller adds (``AfterStore``): a feed records the entry it came from and
   fills the outbox that posts it (``bot.delivery.outbox.delivery_hook``).

Finding quotes and names needs only a story's words, never the database, so the bulk
importer (``bot.ingest.bulk``) can do it in other processes and pass the results in.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from bot.news.articles import Article, ParsedArticle, article_text
from bot.news.mentions import MentionFinder, mention_finder
from bot.quotes import SpeakerIndex
from bot.quotes.stored import new_quotes
from storage.articles import StoreResult, store_articles
from storage.database import Connection, Database
from storage.mentions import ArticleMentions, people_named_in, store_mentions
from storage.people import ensure_builtin_people, load_directory, people_version
from storage.quotes import ArticleQuotes, NewQuote, replace_quotes

# A step the caller adds, run for each new or edited story after its quotes and names.
AfterStore = Callable[[Connection, StoreResult], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Findings:
    """What a story's words hold: its quotes, and the people and teams it names."""

    quotes: list[NewQuote]
    named: frozenset[str]


@dataclass(frozen=True, slots=True)
class StoryReader:
    """Finds a story's quotes and the names in it from its words alone.

    Built from the people directory once (``story_reader``); it pickles, so the bulk
    importer's worker processes can run it too.
    """

    speakers: SpeakerIndex
    names: MentionFinder

    def read(self, title: str, body: str, published_at: str | None) -> Findings:
        text = article_text(title, body)
        return Findings(
            new_quotes(text, self.speakers, published_at), frozenset(self.names.find(text))
        )


async def story_reader(db: Database) -> StoryReader:
    """The reader for the people directory as it is now (the built-in one if empty).

    Indexing every person's names takes a tenth of a second or more, so the database keeps
    the reader (``Database.derived``) until the people directory changes.
    """
    await ensure_builtin_people(db)

    async def build() -> StoryReader:
        # Mention counts are left out: attribution must not change with what else is stored.
        directory = await load_directory(db, with_mentions=False)
        people = list(directory)
        return StoryReader(SpeakerIndex(people, directory.prominence), mention_finder(people))

    return await db.derived.get(StoryReader, await people_version(db.reader), build)


async def story_people(conn: Connection, article: Article) -> frozenset[str]:
    """The people and teams a stored story names, as step 2 recorded them."""
    return await people_named_in(conn, article.id)


async def ingest_article(
    db: Database, parsed: ParsedArticle, after_store: Sequence[AfterStore] = ()
) -> StoreResult:
    """Store one story and its steps in one transaction (``ingest_articles``)."""
    return (await ingest_articles(db, [parsed], after_store))[0]


async def ingest_articles(
    db: Database,
    stories: Sequence[ParsedArticle],
    after_store: Sequence[AfterStore] = (),
    *,
    reader: StoryReader | None = None,
    found: Sequence[Findings] | None = None,
    digests: Sequence[str] | None = None,
) -> list[StoreResult]:
    """Store ``stories`` and run the steps for each new or edited one, all in one
    transaction: any failure rolls the whole batch back. Results are in the given order.

    ``found`` and ``digests``, when given, are each story's findings and content hash as
    worked out elsewhere from the same words; ``reader`` defaults to ``story_reader``.
    """
    if reader is None:
        reader = await story_reader(db)
    async with db.write() as conn:
        results = await store_articles(conn, stories, digests)
        changed = [
            (result, _findings(reader, result.article, stories[position], found, position))
            for position, result in enumerate(results)
            if result.created or result.updated
        ]
        if not changed:
            return results
        await _store_quotes(conn, changed)
        await _store_mentions(conn, changed, reader.names.version)
        for result, _ in changed:
            for step in after_store:
                await step(conn, result)
    return results


def _findings(
    reader: StoryReader,
    stored: Article,
    given: ParsedArticle,
    found: Sequence[Findings] | None,
    position: int,
) -> Findings:
    # Findings worked out elsewhere are for the words given; an edit can keep the date
    # stored before, and the year a quote is dated by then differs.
    if found is not None and (stored.title, stored.body, stored.published_at) == (
        given.title,
        given.body,
        given.published_at,
    ):
        return found[position]
    return reader.read(stored.title, stored.body, stored.published_at)


async def _store_quotes(conn: Connection, changed: Sequence[tuple[StoreResult, Findings]]) -> None:
    await replace_quotes(
        conn,
        [
            ArticleQuotes(
                result.article.id, result.article.date, found.quotes, replaces=not result.created
            )
            for result, found in changed
        ],
    )


async def _store_mentions(
    conn: Connection, changed: Sequence[tuple[StoreResult, Findings]], version: str
) -> None:
    await store_mentions(
        conn,
        [
            ArticleMentions(result.article.id, result.article.date, found.named)
            for result, found in changed
        ],
        version,
        new={result.article.id for result, _ in changed if result.created},
    )
