"""Quotes for stored stories: extract as each is stored, re-extract everything on demand.

The speaker index is built from the people directory once and shared by every article in a
run; building it costs far more than extracting one article's quotes.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.news.articles import article_text
from bot.quotes import SpeakerIndex, article_year, extract_quotes
from storage.articles import article_ids, get_article
from storage.database import Connection, Database
from storage.people import load_directory
from storage.quotes import NewQuote, replace_article_quotes

# Articles re-extracted per transaction: small enough to keep the write lock short.
_REINDEX_BATCH = 200


@dataclass(frozen=True, slots=True)
class ReindexReport:
    articles: int
    quotes: int


async def load_speaker_index(db: Database) -> SpeakerIndex:
    """The people directory as a speaker index (mention counts left out: attribution must not
    change with what else happens to be stored)."""
    directory = await load_directory(db, with_mentions=False)
    return SpeakerIndex(list(directory), directory.prominence)


def new_quotes(text: str, index: SpeakerIndex, published_at: str | None) -> list[NewQuote]:
    """The quotes of one article's text, ready to store."""
    quotes = extract_quotes(text, index, year=article_year(text, published_at))
    return [NewQuote(q.text, q.speaker_id, q.paragraph, q.start, q.end, q.cue) for q in quotes]


async def store_article_quotes(
    conn: Connection,
    article_id: int,
    text: str,
    index: SpeakerIndex,
    *,
    published_at: str | None = None,
) -> int:
    """Extract the quotes of one stored article and replace whatever it had; inside the
    caller's transaction. Returns how many quotes were stored."""
    return await replace_article_quotes(conn, article_id, new_quotes(text, index, published_at))


async def reindex_quotes(db: Database) -> ReindexReport:
    """Re-extract the quotes of every stored article; running it twice changes nothing."""
    index = await load_speaker_index(db)
    ids = list(await article_ids(db.reader))
    stored = 0
    for first in range(0, len(ids), _REINDEX_BATCH):
        async with db.write() as conn:
            for article_id in ids[first : first + _REINDEX_BATCH]:
                article = await get_article(conn, article_id)
                if article is None:
                    continue
                stored += await store_article_quotes(
                    conn,
                    article.id,
                    article_text(article.title, article.body),
                    index,
                    published_at=article.published_at,
                )
    return ReindexReport(articles=len(ids), quotes=stored)
