"""The console shows automatic posts: a moderator's lines in, the feed's story out."""

from __future__ import annotations

import io
import json
from pathlib import Path

from bot.console import run_console
from tests.bot.feeds.conftest import FeedServer, rss
from tests.cogs.autopost.conftest import paddock_settings, story


async def test_a_feed_added_at_the_console_is_posted_after_a_poll(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    url = feed_server.serve(
        "/feeds/main.xml",
        rss([story(1, hours=1, title="Russell tops second practice")], title="Console wire"),
    )
    lines = [
        "/paddock channel set channel:#f1-news",
        f"/paddock feeds add url:{url}",
        "poll",
        "messages",
    ]
    out = io.StringIO()
    code = await run_console(
        paddock_settings(tmp_path / "paddock.db"),
        source=io.StringIO("\n".join(lines) + "\n"),
        out=out,
        as_json=True,
        demo=False,
    )

    replies = [json.loads(line) for line in out.getvalue().splitlines()]
    assert code == 0, replies
    added = next(r for r in replies if r["source"].startswith("/paddock feeds add"))
    assert added["content"].startswith("Added **Console wire** (1 story in it now).")
    polled = next(r for r in replies if r["source"] == "poll")
    assert polled["content"] == "Read 1 feed(s): 1 new, 0 updated. Posted 1, edited 0."
    posts = [r for r in replies if r["source"] == "post"]
    # Printed once as it arrived, and again when asked for with `messages`.
    assert len(posts) == 2
    assert all(p["channel"] == "f1-news" for p in posts)
    assert posts[0]["embeds"][0]["title"] == "Russell tops second practice"


async def test_the_console_prints_posts_for_people_to_read(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    url = feed_server.serve("/feeds/main.xml", rss([story(1, hours=1)], title="Console wire"))
    lines = ["/paddock channel set channel:#f1-news", f"/paddock feeds add url:{url}", "poll"]
    out = io.StringIO()
    await run_console(
        paddock_settings(tmp_path / "paddock.db"),
        source=io.StringIO("\n".join(lines) + "\n"),
        out=out,
        demo=False,
    )

    text = out.getvalue()
    assert "── Paddock in #f1-news" in text
    assert "▌ Story number 1 from the paddock" in text
