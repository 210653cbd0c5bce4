"""Substring search with LIKE: the naive way to find stories, kept as the benchmark's yardstick
for the FTS5 search in ``storage.articles``. Nothing in the bot calls it."""

from __future__ import annotations

import aiosqlite

from storage.articles import fts_query


async def substring_search(conn: aiosqlite.Connection, words: str, limit: int = 10) -> list[int]:
    """Ids of the newest stories containing every word as a substring of title or body."""
    terms = [term.strip('"') for term in (fts_query(words) or "").split()]
    if not terms:
        return []
    clauses = " AND ".join("(title LIKE ? OR body LIKE ?)" for _ in terms)
    params: list[object] = []
    for term in terms:
        params += [f"%{term}%", f"%{term}%"]
    async with conn.execute(
        f"SELECT id FROM articles WHERE {clauses} "  # noqa: S608 - placeholders only
        "ORDER BY coalesce(published_at, fetched_at) DESC, id DESC LIMIT ?",
        (*params, limit),
    ) as cursor:
        return [row[0] for row in await cursor.fetchall()]
