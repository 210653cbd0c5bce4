"""Every server is a stranger to every other: a feed one server's moderator adds is
untrusted input, and may only ever change what that server sees.

Two servers share one running Paddock: the seeded one ("A", whose moderator adds a hostile
feed) and "B", which only reads the operator's global feeds.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from emulator import Channel, Member
from storage.articles import get_article
from storage.feeds import add_global_feed
from tests.bot.feeds.conftest import FeedServer, Item, hours_ago, rss
from tests.cogs.autopost.conftest import (
    LONG,
    Newsroom,
    add_second_server,
    newsroom,
    second_server,
    story,
    titles,
)

SEND = "POST /channels/{channel_id}/messages"
EDIT = "PATCH /channels/{channel_id}/messages/{message_id}"
HEADLINE = "Hamilton explains his strategy call at Silverstone"
LINK = "https://news.example/hamilton-strategy"
SCAM = "https://free-f1-tickets.example/claim"


@dataclass
class TwoServers:
    room: Newsroom  # server A, the seeded one, whose moderator adds feeds
    other_news: Channel  # server B's news channel
    other_owner: Member

    async def command_in_other(self, path: str, options: dict[str, Any] | None = None) -> Any:
        handle = await self.room.harness.slash(
            path, options, channel=self.other_news, user=self.other_owner
        )
        return await handle.response()

    def other_posts(self) -> list[Any]:
        return self.room.posts(self.other_news)

    async def global_feed(self, path: str, items: list[Item]) -> str:
        url = self.room.feeds.serve(path, rss(items, title="Global wire"))
        await add_global_feed(self.room.bot.db, url)
        return url


@pytest.fixture
async def servers(tmp_path: Path, feed_server: FeedServer) -> AsyncIterator[TwoServers]:
    async with newsroom(tmp_path / "paddock.db", feed_server, configure=add_second_server) as room:
        other = second_server(room.harness)
        two = TwoServers(room, other.news, other.owner)
        reply = await room.command("paddock channel set", {"channel": room.news})
        assert reply["content"].startswith("News will be posted"), reply
        answer = await two.command_in_other("paddock channel set", {"channel": other.news})
        assert answer["data"]["content"].startswith("News will be posted"), answer
        yield two


def _global_story() -> Item:
    return story(1, hours=1, title=HEADLINE, link=LINK, guid=LINK)


async def test_a_servers_feed_cannot_rewrite_a_story_posted_in_another_server(
    servers: TwoServers,
) -> None:
    room = servers.room
    await servers.global_feed("/feeds/global.xml", [_global_story()])
    await room.poll()
    await room.deliver()
    [before] = servers.other_posts()

    # The same link, GUID and a near-identical headline, with a longer body: "the richer
    # copy" that used to replace the stored story and edit its post in every server.
    richer = Item(
        title=HEADLINE + "!",
        link=LINK,
        guid=LINK,
        content=f"<p>Claim your free tickets at {SCAM} now. {LONG} {LONG} {LONG}</p>",
        published=hours_ago(0.5),
    )
    await room.add_feed("/feeds/hostile.xml", [richer])
    await room.poll()
    await room.deliver()

    assert room.harness.emulator.requests_to(EDIT) == []
    [after] = servers.other_posts()
    assert after.embeds == before.embeds and SCAM not in json.dumps(after.embeds)
    stored = await get_article(room.bot.db.reader, 1)
    assert stored is not None and SCAM not in stored.body and stored.guild_id is None
    # Server A already has the story from the global feed: its own copy is not posted again.
    assert titles(room.posts()) == [HEADLINE]


async def test_a_servers_feed_cannot_keep_a_global_story_from_other_servers(
    servers: TwoServers,
) -> None:
    room = servers.room
    # Server A's feed carries the story first...
    await room.add_feed("/feeds/first.xml", [_global_story()])
    await room.poll()
    await room.deliver()
    assert titles(room.posts()) == [HEADLINE]
    assert servers.other_posts() == []

    # ...then the operator's feed brings the same story: every other server still gets it,
    # and server A, which has it already, is not sent it twice.
    await servers.global_feed("/feeds/global.xml", [_global_story()])
    await room.poll()
    await room.deliver()
    assert titles(servers.other_posts()) == [HEADLINE]
    assert titles(room.posts()) == [HEADLINE]
    status = await room.status()
    assert "duplicate: the same story as" in status["Recent stories"]


async def test_a_servers_own_stories_are_never_shown_in_another_server(
    servers: TwoServers,
) -> None:
    room = servers.room
    await servers.global_feed("/feeds/global.xml", [story(1, hours=2, title="Monza: practice")])
    secret = Item(
        title="Lewis Hamilton reveals the private plan",
        link="https://private.example/plan",
        content=(
            "<p>Lewis Hamilton said: \u201cThis private plan is only for one server to read "
            "about today.\u201d</p>"
        ),
        published=datetime(2099, 1, 1, tzinfo=UTC),  # far future: would top /latest forever
    )
    await room.add_feed("/feeds/private.xml", [secret])
    await room.poll()
    await room.deliver()
    assert titles(servers.other_posts()) == ["Monza: practice"]

    in_other = [
        await servers.command_in_other("latest", {"count": 10}),
        await servers.command_in_other("story", {"words": "private plan"}),
        await servers.command_in_other("quote", {"person": "hamilton"}),
        await servers.command_in_other("driver", {"name": "hamilton"}),
    ]
    for reply in in_other:
        shown = json.dumps(reply)
        assert "reveals the private plan" not in shown and "only for one server" not in shown
    latest = json.dumps(in_other[0])
    assert "Monza: practice" in latest

    # Server A sees its own story beside the global one, dated when it was first seen.
    handle = await room.harness.slash("latest", {"count": 10}, user=room.harness.world.fan)
    own = json.dumps(await handle.response())
    assert "Lewis Hamilton reveals the private plan" in own and "Monza: practice" in own
    assert "2099" not in own
    handle = await room.harness.slash("quote", {"person": "hamilton"}, user=room.harness.world.fan)
    assert "only for one server" in json.dumps(await handle.response())
    # A direct message sees the global stories only.
    dm = room.harness.world.fan_dm
    handle = await room.harness.slash("latest", {"count": 10}, channel=dm)
    assert "reveals the private plan" not in json.dumps(await handle.response())


async def test_one_read_of_a_feed_posts_only_a_few_new_stories(servers: TwoServers) -> None:
    room = servers.room
    url = await room.add_feed("/feeds/flood.xml", [story(0, hours=5)])
    await room.poll()
    await room.deliver()
    flood = [story(n, hours=4 - n / 100) for n in range(1, 41)]
    room.feeds.serve("/feeds/flood.xml", rss([*flood, story(0, hours=5)], title="Feed"))
    await room.poll()
    await room.deliver()

    # Story 0 from the first read, then the newest five of the flood; the rest are kept for
    # search and shown as skipped, and nothing of it reaches the other server.
    assert len(room.posts()) == 1 + 5
    assert servers.other_posts() == []
    status = await room.status()
    assert "flood: more than 5 new stories in one read of this feed" in status["Recent stories"]
    assert url in status["Feeds"] or "Feed" in status["Feeds"]
