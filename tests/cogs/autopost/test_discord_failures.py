"""When Discord says no: rate limits and outages are waited out, lost access pauses a server."""

from __future__ import annotations

from emulator import Permission
from storage.feeds import add_guild_feed
from tests.bot.feeds.conftest import rss
from tests.cogs.autopost.conftest import Newsroom, story, titles

FEED = "/feeds/main.xml"
SEND = "POST /channels/{channel_id}/messages"


async def first_story_posted(room: Newsroom) -> None:
    await room.add_feed(FEED, [story(1, hours=2)])
    await room.poll()
    await room.deliver()
    assert len(room.posts()) == 1


def set_send_permission(room: Newsroom, *, allowed: bool) -> None:
    """Take Send Messages in the news channel from the bot, or give it back."""
    state = room.harness.emulator.state
    bot_member = room.harness.world.guild.members[state.bot_user.id]
    if allowed:
        state.set_overwrite(room.news, bot_member)
    else:
        state.set_overwrite(room.news, bot_member, deny=Permission.SEND_MESSAGES)


async def access_restored_and_channel_set_again(room: Newsroom, missed: list[str]) -> None:
    """The bot gets Send Messages back and a moderator sets the news channel again: the
    reply promises the stories the failure held back, and exactly those are posted next."""
    set_send_permission(room, allowed=True)
    reply = await room.command("paddock channel set", {"channel": room.news})
    assert reply["content"].endswith(
        f"Posting has resumed, starting with the {len(missed)} stories missed meanwhile."
    )
    await room.deliver()
    assert titles(room.posts())[1:] == missed


async def publish(room: Newsroom, title: str) -> None:
    link = f"https://news.example/{title.lower().replace(' ', '-')}"
    room.feeds.serve(FEED, rss([story(9, hours=0.1, title=title, link=link), story(1, hours=2)]))
    await room.poll()


async def test_rate_limits_and_server_errors_are_retried_and_post_once(room: Newsroom) -> None:
    faults = room.harness.emulator.faults
    # discord.py waits out both itself: a 502 first (it backs off 1 s), then two 429s.
    faults.inject(SEND, 502, times=1)
    faults.inject(SEND, 429, times=2, retry_after=0.2)
    await room.add_feed(FEED, [story(1, hours=2)])
    await room.poll()
    # The cog's own loops run alongside and may be the round that sends it: what counts is
    # what reached Discord and what the outbox recorded, not which round's report says so.
    await room.deliver()

    assert faults.pending == 0
    [post] = room.posts()
    outcome = (await room.outcomes())["Story number 1 from the paddock"]
    assert (outcome.status, outcome.message_id) == ("sent", post.id)
    sends = room.harness.emulator.requests_to(SEND)
    assert [r.status for r in sends] == [502, 429, 429, 200]
    assert {r.body["nonce"] for r in sends} == {"paddock-1"}
    assert all(r.body["enforce_nonce"] for r in sends)
    assert titles(room.posts()) == ["Story number 1 from the paddock"]


async def test_a_send_that_keeps_failing_is_retried_on_a_later_round(room: Newsroom) -> None:
    faults = room.harness.emulator.faults
    # discord.py does not retry a 503 itself: the outbox keeps the story for a later round.
    faults.inject(SEND, 503, times=1)
    await room.add_feed(FEED, [story(1, hours=2)])
    await room.poll()
    first = await room.cog.worker.run_once()
    assert first.retrying and not first.sent
    recent = (await room.status())["Recent stories"]
    assert "⏳ Story number 1 from the paddock — retrying: 503 Service Unavailable" in recent

    # The retry's time comes (seconds away in production).
    async with room.bot.db.write() as conn:
        await conn.execute("UPDATE deliveries SET next_attempt_at = NULL")
    await room.deliver()
    assert titles(room.posts()) == ["Story number 1 from the paddock"]


async def test_losing_permission_pauses_the_server_until_the_channel_is_set_again(
    room: Newsroom,
) -> None:
    await first_story_posted(room)
    set_send_permission(room, allowed=False)

    await publish(room, "Piastri extends his contract")
    report = await room.deliver()

    assert list(report.paused_guilds) == [room.guild_id]
    assert len(room.posts()) == 1
    status = await room.status()
    assert status["description"].startswith("⏸️ Paused: Paddock lacks permission")
    assert (
        "❌ Piastri extends his contract — Paused: Paddock lacks permission"
        in (status["Recent stories"])
    )
    shown = await room.command("paddock show")
    state_field = {f["name"]: f["value"] for f in shown["embeds"][0]["fields"]}["State"]
    assert state_field.startswith("⏸️ paused — Paused: Paddock lacks permission")

    # Stories arriving while paused are held back too.
    await publish(room, "Alonso signs for another season")
    await room.deliver()
    assert len(room.posts()) == 1

    # Fixed: the story that failed and the one held back are posted, once, and then news
    # flows as before.
    await access_restored_and_channel_set_again(
        room, ["Piastri extends his contract", "Alonso signs for another season"]
    )
    await publish(room, "Sainz scores his first points of the year")
    await room.deliver()
    assert titles(room.posts())[1:] == [
        "Piastri extends his contract",
        "Alonso signs for another season",
        "Sainz scores his first points of the year",
    ]


async def test_a_deleted_news_channel_pauses_and_a_new_channel_resumes(room: Newsroom) -> None:
    await first_story_posted(room)
    state = room.harness.emulator.state
    del state.channels[room.news.id]
    del room.harness.world.guild.channels[room.news.id]

    await publish(room, "Gasly qualifies fifth")
    report = await room.deliver()
    assert list(report.paused_guilds) == [room.guild_id]
    status = await room.status()
    assert status["description"] == (
        "⏸️ Paused: the news channel was deleted. Choose a new news channel to resume."
    )

    general = room.harness.world.general
    reply = await room.command("paddock channel set", {"channel": general})
    assert reply["content"] == (
        f"News will be posted in <#{general.id}>. "
        "Posting has resumed, starting with the story missed meanwhile."
    )
    room.feeds.serve(
        FEED,
        rss([story(10, hours=0.05, title="Ocon moves to Haas"), story(1, hours=2)]),
    )
    await room.poll()
    await room.deliver()
    # The story lost with the old channel comes first, in the new one.
    assert titles(room.posts(general)) == ["Gasly qualifies fifth", "Ocon moves to Haas"]


async def test_resume_after_a_channel_failure_catches_up_on_the_newest_few(
    room: Newsroom,
) -> None:
    await first_story_posted(room)
    set_send_permission(room, allowed=False)
    missed = [f"Missed story {n}" for n in range(1, 6)]
    for hours, title in zip([5, 4, 3, 2, 1], missed, strict=True):
        link = f"https://news.example/missed-{hours}"
        room.feeds.serve(FEED, rss([story(20 + hours, hours=hours, title=title, link=link)]))
        await room.poll()
        await room.deliver()
    assert len(room.posts()) == 1

    # Permission given back on the same channel: /paddock resume posts the newest three,
    # oldest of them first, not a flood of everything missed.
    set_send_permission(room, allowed=True)
    reply = await room.command("paddock resume")
    assert reply["content"] == "Resumed, starting with the 3 stories missed meanwhile."
    await room.deliver()
    await room.deliver()
    assert titles(room.posts())[1:] == missed[2:]
    assert len(room.posts()) == 4


async def test_a_broken_feed_does_not_hold_up_a_working_one(room: Newsroom) -> None:
    await room.add_feed("/feeds/good.xml", [story(1, hours=2)])
    await room.add_feed("/feeds/garbled.xml", [story(2, hours=2, title="A garbled feed's story")])
    # A feed whose server started failing after it was added.
    failing = room.feeds.url("/status/500")
    await add_guild_feed(room.bot.db, room.guild_id, failing, title="Failing wire")
    room.feeds.serve("/feeds/garbled.xml", b"<html><body>Maintenance</body></html>")

    report = await room.poll()
    await room.deliver()

    assert sorted(r.status for r in report.reports) == ["failed", "failed", "ok"]
    assert titles(room.posts()) == ["Story number 1 from the paddock"]
    feeds = (await room.status())["Feeds"]
    lines = {line.split("**")[1]: line for line in feeds.splitlines()}
    assert "✅ read" in lines["Feed /feeds/good.xml"]
    assert "❌" in lines["Feed /feeds/garbled.xml"] and "RSS or Atom" in feeds
    assert "❌" in lines["Failing wire"] and "500" in lines["Failing wire"]


async def test_a_story_skipped_while_a_moderator_paused_is_never_posted_by_a_later_catch_up(
    room: Newsroom,
) -> None:
    await first_story_posted(room)
    await room.command("paddock pause")
    await publish(room, "Skipped while a moderator paused")
    await room.deliver()
    reply = await room.command("paddock resume")
    assert reply["content"] == "Resumed: new stories will be posted again."
    await room.deliver()
    assert len(room.posts()) == 1

    # Later, and unrelated: the bot loses access to the channel for a while.
    set_send_permission(room, allowed=False)
    await publish(room, "Lost to the permission failure")
    await room.deliver()
    await publish(room, "Arrived while the channel was broken")
    await room.deliver()

    # The catch-up brings back what the failure held back, and only that.
    await access_restored_and_channel_set_again(
        room, ["Lost to the permission failure", "Arrived while the channel was broken"]
    )
    skipped = (await room.outcomes())["Skipped while a moderator paused"]
    assert (skipped.status, skipped.reason) == ("skipped", "paused")


async def test_a_second_failure_catches_up_only_on_what_it_held_back(room: Newsroom) -> None:
    await first_story_posted(room)
    set_send_permission(room, allowed=False)
    for n in range(1, 5):
        await publish(room, f"First outage story {n}")
        await room.deliver()
    set_send_permission(room, allowed=True)
    await room.command("paddock resume")
    await room.deliver()
    # The newest three of the first outage; its oldest story stays missed.
    assert titles(room.posts())[1:] == [f"First outage story {n}" for n in (2, 3, 4)]

    set_send_permission(room, allowed=False)
    await publish(room, "Second outage story")
    await room.deliver()
    set_send_permission(room, allowed=True)
    reply = await room.command("paddock resume")
    assert reply["content"] == "Resumed, starting with the story missed meanwhile."
    await room.deliver()
    assert titles(room.posts())[4:] == ["Second outage story"]
