"""Who a post pings, and which stories a server's filters let through (and why not)."""

from __future__ import annotations

from emulator import Pings
from tests.bot.feeds.conftest import Item, rss
from tests.cogs.autopost.conftest import Newsroom, story, titles

FEED = "/feeds/main.xml"


def serve(room: Newsroom, items: list[Item]) -> None:
    room.feeds.serve(FEED, rss(items, title="Paddock wire"))


async def test_a_post_pings_the_chosen_role_and_nobody_else(room: Newsroom) -> None:
    world = room.harness.world
    fans = world.fans_role
    reply = await room.command("paddock role set", {"role": fans})
    assert reply["content"] == f"New stories will ping <@&{fans.id}>."
    hostile = story(
        2,
        hours=0.5,
        title="@everyone @here leaked pit wall radio",
        content=(
            f"<p>@everyone listen. <@{world.fan.user.id}> and <@&{world.moderator_role.id}> "
            f"were told first. {story(0).content}</p>"
        ),
    )
    await room.add_feed(FEED, [hostile, story(1, hours=1)])
    await room.poll()
    await room.deliver()

    posts = room.posts()
    # Embeds show the title as written, with @ defused by a zero-width space.
    defused = hostile.title.replace("@", "@\u200b")
    assert titles(posts) == ["Story number 1 from the paddock", defused]
    for message in posts:
        assert message.pings == Pings(roles=frozenset({fans.id}))
        assert message.content == f"<@&{fans.id}>"
    assert not posts[1].mention_everyone

    await room.command("paddock role clear")
    serve(room, [story(3, hours=0.1, title="@everyone Alonso signs again"), hostile])
    await room.poll()
    await room.deliver()
    last = room.posts()[-1]
    assert titles([last]) == ["@\u200beveryone Alonso signs again"]
    assert not last.pings.anyone and last.content == ""


async def test_person_team_and_keyword_filters_choose_the_stories(room: Newsroom) -> None:
    await room.add_feed(FEED, [story(0, hours=5, title="Testing begins in Bahrain")])
    await room.poll()
    await room.deliver()
    seen = ["Testing begins in Bahrain"]
    items: list[Item] = [story(0, hours=5, title="Testing begins in Bahrain")]

    async def publish(*new: Item) -> list[str]:
        items[:0] = list(reversed(new))
        serve(room, items)
        await room.poll()
        await room.deliver()
        posted = titles(room.posts())
        fresh, seen[:] = posted[len(seen) :], posted
        return fresh

    added = await room.command("paddock filter add", {"kind": "person", "value": "hamilton"})
    assert added["content"] == "Added the person filter **Lewis Hamilton**."
    about_lewis = "Lewis Hamilton says the new floor works"
    about_max = "Max Verstappen tests a new wing"
    assert await publish(
        story(1, hours=4, title=about_lewis), story(2, hours=4, title=about_max)
    ) == [about_lewis]

    await room.command("paddock filter remove", {"kind": "person", "value": "Lewis Hamilton"})
    await room.command("paddock filter add", {"kind": "team", "value": "ferrari"})
    ferrari = "Ferrari bring an upgrade to Imola"
    mclaren = "McLaren bring an upgrade to Imola too"
    assert await publish(story(3, hours=3, title=ferrari), story(4, hours=3, title=mclaren)) == [
        ferrari
    ]

    await room.command("paddock filter remove", {"kind": "team", "value": "Ferrari"})
    await room.command("paddock filter add", {"kind": "keyword", "value": "pit stop"})
    stop = "Record pit stop for Red Bull"
    quali = "Qualifying report from Canada"
    assert await publish(story(5, hours=2, title=stop), story(6, hours=2, title=quali)) == [stop]

    recent = (await room.status())["Recent stories"]
    assert f"✅ {about_lewis} — posted" in recent
    assert f"⏭️ {about_max} — filtered: mentions none of Lewis Hamilton" in recent
    assert f"⏭️ {mclaren} — filtered: mentions none of the teams Ferrari" in recent
    assert f"⏭️ {quali} — filtered: contains none of the keywords pit stop" in recent
    assert f"✅ {stop} — posted" in recent


async def test_stories_arriving_while_paused_are_skipped_with_the_reason(room: Newsroom) -> None:
    await room.add_feed(FEED, [story(1, hours=2)])
    await room.poll()
    await room.deliver()
    await room.command("paddock pause")
    serve(room, [story(2, hours=1, title="News from a quiet afternoon"), story(1, hours=2)])
    await room.poll()
    await room.deliver()
    await room.command("paddock resume")
    await room.deliver()

    assert titles(room.posts()) == ["Story number 1 from the paddock"]
    status = await room.status()
    assert "⏭️ News from a quiet afternoon — paused" in status["Recent stories"]
