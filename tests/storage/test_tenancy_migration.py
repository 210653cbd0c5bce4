"""A database from before tenancy keeps every story and feed, and servers' stories become
theirs alone."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from storage.articles import get_article, latest_articles
from storage.database import Database
from storage.db import _split_statements, load_migrations
from storage.feeds import active_feeds, guild_feeds, seen_entries

NOW = "2026-12-01T10:00:00+00:00"


def _database_before_tenancy(path: Path) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    for migration in load_migrations()[:10]:
        for statement in _split_statements(migration.sql):
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 10")
    stories = [
        (1, "https://wire.example/a", "Global story", "hash-a"),
        (2, "https://own.example/b", "Only server 5's story", "hash-b"),
        (3, "https://shared.example/c", "A story two servers' feed carried", "hash-c"),
        (4, None, "An imported story", "hash-d"),
    ]
    for story_id, url, title, digest in stories:
        conn.execute(
            "INSERT INTO articles (id, url, title, fetched_at, published_at, content_hash) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (story_id, url, title, NOW, NOW, digest),
        )
        conn.execute(
            "INSERT INTO articles_fts (rowid, title, body) VALUES (?, ?, '')", (story_id, title)
        )
    feeds = [(1, "https://wire.example/rss", 1), (2, "https://own.example/rss", 0)]
    feeds.append((3, "https://shared.example/rss", 0))
    for feed_id, url, is_global in feeds:
        conn.execute(
            "INSERT INTO feeds (id, url, is_global, added_at, primed_at) VALUES (?, ?, ?, ?, ?)",
            (feed_id, url, is_global, NOW, NOW),
        )
    for guild_id, feed_id in ((5, 2), (5, 3), (6, 3)):
        conn.execute(
            "INSERT INTO guild_feeds (guild_id, feed_id, added_at) VALUES (?, ?, ?)",
            (guild_id, feed_id, NOW),
        )
    for feed_id, key, story_id in ((1, "a", 1), (2, "b", 2), (3, "c", 3)):
        conn.execute(
            "INSERT INTO feed_entries (feed_id, entry_key, fingerprint, article_id, backlog, "
            "first_seen_at, last_seen_at) VALUES (?, ?, 'print', ?, 0, ?, ?)",
            (feed_id, key, story_id, NOW, NOW),
        )
    conn.execute(
        "INSERT INTO quotes (article_id, said_at, paragraph, start_offset, end_offset, text) "
        "VALUES (2, ?, 0, 0, 10, 'words said')",
        (NOW,),
    )
    conn.close()


async def test_stories_of_servers_feeds_become_theirs_and_nothing_is_lost(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    _database_before_tenancy(path)
    conn = await Database.open(path)
    try:
        owners = {}
        for story_id in (1, 2, 3, 4):
            article = await get_article(conn.reader, story_id)
            assert article is not None
            owners[story_id] = article.guild_id
        # The shared feed's story goes to the first server that had added it.
        assert owners == {1: None, 2: 5, 3: 5, 4: None}
        [(quotes,)] = await conn.reader.execute_fetchall("SELECT count(*) FROM quotes")
        assert quotes == 1  # rebuilding the stories' table deleted nothing that refers to it
        assert [a.id for a in await latest_articles(conn.reader, 10)] == [4, 1]
        assert {a.id for a in await latest_articles(conn.reader, 10, viewer=6)} == {1, 4}

        assert [f.url for f in await guild_feeds(conn.reader, 5)] == [
            "https://own.example/rss",
            "https://shared.example/rss",
        ]
        [sixes] = await guild_feeds(conn.reader, 6)
        assert sixes.url == "https://shared.example/rss" and sixes.guild_id == 6
        # Server 6's own row has seen what the feed showed, so it posts none of it again.
        assert await seen_entries(conn.reader, sixes.id) == {"c": "print"}
        assert len(await active_feeds(conn.reader)) == 4
        [(problems,)] = await conn.reader.execute_fetchall(
            "SELECT count(*) FROM pragma_foreign_key_check"
        )
        assert problems == 0
    finally:
        await conn.close()
