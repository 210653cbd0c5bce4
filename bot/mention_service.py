"""Mentions for stored stories: found on import, caught up at start-up."""

from __future__ import annotations

import aiosqlite

from bot.ingest import AfterStore
from bot.mentions import mention_finder
from storage.articles import StoreResult
from storage.mentions import index_article_mentions
from storage.people import ensure_builtin_people, load_people


async def mention_hook(conn: aiosqlite.Connection) -> AfterStore:
    """A step for the import pipeline: the people and teams each new or edited story names."""
    await ensure_builtin_people(conn)
    finder = mention_finder(await load_people(conn))

    async def store_mentions(conn: aiosqlite.Connection, result: StoreResult) -> None:
        await index_article_mentions(conn, result.article, finder)

    return store_mentions
