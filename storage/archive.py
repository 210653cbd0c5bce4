"""Loading an archive of stories whose quotes are already known, in a few statements per
batch. The import pipeline extracts quotes story by story; this is for filling a database
with a corpus that comes with its quotes (the scale benchmark's synthetic archive)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

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


@asynccontextmanager
async def bulk_cache(conn: aiosqlite.Connection, mib: int) -> AsyncIterator[None]:
    """A larger page cache while loading: each story inserts into indexes ordered by hash,
    URL and subject, so consecutive inserts touch pages all over the file."""
    async with conn.execute("PRAGMA cache_size") as cursor:
        row = await cursor.fetchone()
    before = int(row[0]) if row else -2000
    # PRAGMA takes no bound parameters; both values are integers.
    await conn.execute(f"PRAGMA cache_size = {-int(mib) * 1024}")
    try:
        yield
    finally:
        await conn.execute(f"PRAGMA cache_size = {before}")
