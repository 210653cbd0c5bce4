"""A feed a moderator adds ends up in #f1-news: newest first, once, and edits follow."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.bot.feeds.conftest import FeedServer, rss
from tests.cogs.autopost.conftest import Newsroom, newsroom, story, titles


async def test_first_poll_posts_the_newest_three_and_later_entries_once(room: Newsroom) -> None:
    backlog = [story(n, hours=n + 1) for n in range(8)]
    await room.add_feed("/feeds/main.xml", backlog)

    await room.poll()
    await room.deliver()
    # Oldest of the three first, so the channel reads in publication order.
    assert titles(room.posts()) == [f"Story number {n} from the paddock" for n in (2, 1, 0)]

    fresh = story(100, hours=0.1, title="Norris takes pole in Monza")
    stale = story(101, hours=72, title="A three-day-old interview resurfaces")
    room.feeds.serve("/feeds/main.xml", rss([fresh, stale, *backlog], title="Feed /feeds/main.xml"))
    await room.poll()
    await room.deliver()
    await room.poll()  # the same entries again: nothing new to post
    await room.deliver()

    posted = titles(room.posts())
    assert posted[3:] == ["Norris takes pole in Monza"]
    assert len(posted) == len(set(posted)) == 4

    status = await room.status()
    assert "Feed /feeds/main.xml" in status["Feeds"] and "✅ read " in status["Feeds"]
    assert "4 posted · 0 waiting · 0 failed · 6 skipped" in status["Deliveries"]
    recent = status["Recent stories"]
    assert "✅ Norris takes pole in Monza — posted" in recent
    assert "⏭️ A three-day-old interview resurfaces — too old: published" in recent
    assert "⏭️ Story number 7 from the paddock — too old / backlog" in recent


async def test_a_story_arrives_through_the_running_loops_alone(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    async with newsroom(tmp_path / "paddock.db", feed_server, poll_interval=1) as room:
        room.cog.deliver.change_interval(seconds=0.2)
        await room.command("paddock channel set", {"channel": room.news})
        await room.add_feed("/feeds/main.xml", [story(1, hours=2)])

        emulator = room.harness.emulator
        await emulator.wait_for_requests("POST /channels/{channel_id}/messages", 1, within=10)
        assert titles(room.posts()) == ["Story number 1 from the paddock"]

        later = story(2, hours=0.01, title="Verstappen leads a Red Bull one-two in Suzuka")
        room.feeds.serve(
            "/feeds/main.xml", rss([later, story(1, hours=2)], title="Feed /feeds/main.xml")
        )
        await emulator.wait_for_requests("POST /channels/{channel_id}/messages", 2, within=10)
        await asyncio.sleep(1.5)  # a few more rounds of both loops post nothing again
        assert titles(room.posts()) == [
            "Story number 1 from the paddock",
            "Verstappen leads a Red Bull one-two in Suzuka",
        ]


async def test_two_feeds_carrying_the_same_story_post_it_once(room: Newsroom) -> None:
    await room.add_feed("/feeds/one.xml", [story(1, hours=3)])
    await room.add_feed("/feeds/two.xml", [story(2, hours=3, title="An unrelated story")])
    await room.poll()
    await room.deliver()

    same = "Hamilton says Ferrari found real pace over the winter"
    room.feeds.serve(
        "/feeds/one.xml",
        rss([story(3, hours=0.5, title=same), story(1, hours=3)], title="Feed /feeds/one.xml"),
    )
    room.feeds.serve(
        "/feeds/two.xml",
        rss(
            [
                story(4, hours=0.4, title=same + "!", link="https://other.example/hamilton"),
                story(2, hours=3, title="An unrelated story"),
            ],
            title="Feed /feeds/two.xml",
        ),
    )
    await room.poll()
    await room.deliver()

    posted = titles(room.posts())
    assert sum(1 for title in posted if title.startswith(same)) == 1
    assert len(posted) == 3
    recent = (await room.status())["Recent stories"]
    assert f"✅ {same} — posted · duplicate in 1 other feed skipped" in recent


async def test_an_updated_entry_edits_the_message_already_posted(room: Newsroom) -> None:
    first = story(1, hours=1, guid="race-report-1", title="Leclerc wins in Monaco")
    await room.add_feed("/feeds/main.xml", [first])
    await room.poll()
    await room.deliver()
    [message] = room.posts()

    revised = story(
        1,
        hours=1,
        guid="race-report-1",
        title="Leclerc wins in Monaco after a late safety car",
        content=f"<p>Updated with the stewards' decision. {first.content}</p>",
    )
    room.feeds.serve("/feeds/main.xml", rss([revised], title="Feed /feeds/main.xml"))
    report = await room.poll()
    assert [a.title for a in report.updated] == [revised.title]
    delivered = await room.deliver()

    assert len(delivered.edited) == 1 and not delivered.sent
    assert [m.id for m in room.posts()] == [message.id]
    assert message.embeds[0]["title"] == revised.title
    assert "stewards' decision" in message.embeds[0]["description"]
    emulator = room.harness.emulator
    assert len(emulator.requests_to("POST /channels/{channel_id}/messages")) == 1
    patches = emulator.requests_to("PATCH /channels/{channel_id}/messages/{message_id}")
    assert [r.path.rsplit("/", 1)[1] for r in patches] == [str(message.id)]
