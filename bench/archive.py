"""Loading an archive of stories whose quotes are already known, in a few statements per
batch. The import pipeline extracts quotes story by story; this is for filling a database
with a corpus that comes with its quotes (the scale benchmark's synthetic archive)."""

from __future__ import annotations

from collections.abc import Sequence

import aiosqlite

from storage.articles import StoreResult
from storage.quotes import NewQuote, insert_quotes


async def add_known_quotes(
    conn: aiosqlite.Connection, quotes: Sequence[tuple[StoreResult, NewQuote]]
) -> None:
    """Store quotes of newly stored stories; inside the transaction that stored them.

    Speakers must be in the people table: unlike the pipeline, nothing checks them first.
    """
    await insert_quotes(
        conn,
        [
            (
                stored.article.id,
                quote.person_id,
                stored.article.date,
                quote.paragraph,
                quote.start,
                quote.end,
                quote.text,
                quote.cue,
            )
            for stored, quote in quotes
        ],
    )
