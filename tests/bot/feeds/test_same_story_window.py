"""The same-story check reads only its few days of stories, whatever the archive's size."""

from __future__ import annotations

from bot.news.articles import ParsedArticle
from storage.articles import store_articles
from storage.database import Database
from storage.feeds import recent_stories, recent_stories_queries

SINCE = "2026-11-28T00:00:00+00:00"
UNTIL = "2026-12-07T00:00:00+00:00"


async def test_the_window_is_read_through_the_date_indexes_never_the_table(
    db: Database,
) -> None:
    for viewer in (None, 42):
        for sql, params in recent_stories_queries(SINCE, UNTIL, viewer):
            plan = [
                row[3]
                for row in await db.reader.execute_fetchall(f"EXPLAIN QUERY PLAN {sql}", params)
            ]
            reads = [step for step in plan if step.startswith(("SCAN", "SEARCH"))]
            assert any("USING INDEX articles_" in step for step in reads), plan
            assert not any(step.startswith("SCAN a") for step in reads), plan
            assert not any("TEMP B-TREE" in step for step in plan), plan


async def test_the_window_holds_the_viewers_stories_and_the_global_ones(
    db: Database,
) -> None:
    stories = [
        ParsedArticle(
            "Old global", "x", url="https://g/old", published_at="2026-11-01T00:00:00+00:00"
        ),
        ParsedArticle(
            "New global", "x", url="https://g/new", published_at="2026-12-01T00:00:00+00:00"
        ),
        ParsedArticle(
            "Mine", "x", url="https://m", published_at="2026-12-01T00:00:00+00:00", guild_id=42
        ),
        ParsedArticle(
            "Theirs", "x", url="https://t", published_at="2026-12-01T00:00:00+00:00", guild_id=7
        ),
    ]
    async with db.write() as conn:
        await store_articles(conn, stories)
    seen_by = {
        viewer: sorted(
            s.title for s in await recent_stories(db.reader, SINCE, UNTIL, viewer=viewer)
        )
        for viewer in (None, 42)
    }
    assert seen_by == {None: ["New global"], 42: ["Mine", "New global"]}
