import json
from dataclasses import replace
from pathlib import Path

import pytest

from bot.cli import Handler, build_parser
from bot.settings import Settings
from tests.bot.feeds.conftest import FeedServer, Item, hours_ago, rss


async def paddock(settings: Settings, *argv: str) -> int:
    args = build_parser().parse_args(list(argv))
    handler: Handler = args.handler
    return await handler(args, settings)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    # No default feeds: a test must never reach past 127.0.0.1.
    return Settings(database=tmp_path / "paddock.db", feeds=(), allow_private_feeds=True)


async def test_add_list_poll_and_remove(
    settings: Settings, feed_server: FeedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    items = [
        Item("Leclerc wins at Monza", "https://news.example/monza", content="<p>Forza.</p>"),
        Item("Sainz on the podium", "https://news.example/sainz", published=hours_ago(3)),
    ]
    url = feed_server.serve("/feeds/main.xml", rss(items))

    assert await paddock(settings, "feeds", "add", url) == 0
    assert f"Added Test Paddock Feed (2 entries): {url}" in capsys.readouterr().out
    assert await paddock(settings, "feeds", "add", url) == 0
    assert "Already reading" in capsys.readouterr().out

    assert await paddock(settings, "feeds", "poll") == 0
    out = capsys.readouterr().out
    assert "+ Leclerc wins at Monza (Test Paddock Feed)" in out
    assert "1 feeds: 2 new, 0 updated, 0 failed" in out

    assert await paddock(settings, "feeds", "list", "--json") == 0
    [listed] = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert listed["url"] == url and listed["global"] and listed["last_success_at"]

    assert await paddock(settings, "feeds", "remove", url) == 0
    assert await paddock(settings, "feeds", "remove", url) == 1
    assert await paddock(settings, "feeds", "list") == 0
    assert "No feeds" in capsys.readouterr().out


async def test_unreadable_and_private_feeds_are_refused(
    settings: Settings, feed_server: FeedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    page = feed_server.serve("/page.html", "<html><body>Hi</body></html>", "text/html")
    assert await paddock(settings, "feeds", "add", page) == 2
    assert "does not hold an RSS or Atom feed" in capsys.readouterr().err

    url = feed_server.serve("/feeds/main.xml", rss([]))
    public_only = replace(settings, allow_private_feeds=False)
    assert await paddock(public_only, "feeds", "add", url) == 2
    assert "points at the machine Paddock runs on" in capsys.readouterr().err
    assert feed_server.hits["/feeds/main.xml"] == 0


async def test_poll_reports_failing_feeds(
    settings: Settings, feed_server: FeedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    seeded = replace(settings, feeds=(feed_server.url("/status/500"),))
    assert await paddock(seeded, "feeds", "poll", "--json") == 1
    [report] = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert report["status"] == "failed"
    assert report["error"] == "The server answered 500 Internal Server Error."
