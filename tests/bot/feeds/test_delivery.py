from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiosqlite
import pytest

from bot.delivery.outbox import (
    ChannelGoneError,
    DeliveryPacer,
    DeliveryWorker,
    MessageGoneError,
    MissingPermissionsError,
    TransientSendError,
    delivery_hook,
)
from bot.delivery.servers import GuildFilter
from bot.ingest.store import AfterStore, ingest_article
from bot.news.articles import ParsedArticle
from storage.database import Database, connect
from storage.deliveries import StoryOutcome, delivery_counts, story_outcomes
from storage.guilds import add_filter, get_guild_config, set_news_channel, set_paused
from tests.bot.feeds.fakes import Crash, FakeDiscord

NOW = datetime.now(UTC).replace(microsecond=0)
BODY = "Lewis Hamilton said Ferrari had made progress with the car over the winter break."


def article(
    n: int, *, title: str | None = None, source: str = "Example", **fields: str
) -> ParsedArticle:
    return ParsedArticle(
        title=title or f"Paddock story {n}",
        body=fields.pop("body", f"{BODY} Story {n}."),
        url=fields.pop("url", f"https://news.example/{n}"),
        source=source,
        published_at=fields.pop("published_at", NOW.isoformat()),
    )


async def store(db: Database, *articles: ParsedArticle, hook: AfterStore | None = None) -> None:
    for parsed in articles:
        await ingest_article(db, parsed, [hook or delivery_hook()])


async def outcome(db: Database, guild_id: int) -> list[StoryOutcome]:
    return list(reversed(await story_outcomes(db.reader, guild_id, limit=100)))


def fast_worker(db: Database, sender: FakeDiscord, **options: Any) -> DeliveryWorker:
    options.setdefault("retry_base", 0)
    return DeliveryWorker(db, sender, pacer=DeliveryPacer(per_channel=(1000, 1.0)), **options)


async def test_each_server_gets_an_outcome_and_a_reason(db: Database) -> None:
    for guild_id in (1, 2, 3, 4):
        await set_news_channel(db, guild_id, guild_id * 10)
    await set_paused(db, 2, True, "moderator asked")
    await add_filter(db, 3, GuildFilter("keyword", "monaco", "Monaco"))
    await add_filter(db, 4, GuildFilter("team", "ferrari", "Ferrari"))
    await store(db, article(1))
    reasons = {g: [(o.status, o.reason) for o in await outcome(db, g)] for g in (1, 2, 3, 4)}
    assert reasons[1] == [("pending", "queued")]
    assert reasons[2] == [("skipped", "paused")]
    assert reasons[3] == [("skipped", "filtered: contains none of the keywords Monaco")]
    assert reasons[4] == [("pending", "queued")]


async def test_people_filters_use_the_people_finder(db: Database) -> None:
    await set_news_channel(db, 1, 10)
    await add_filter(db, 1, GuildFilter("person", "lewis-hamilton", "Lewis Hamilton"))

    async def hamilton(conn: aiosqlite.Connection, story: object) -> frozenset[str]:
        return frozenset({"lewis-hamilton"})

    await store(db, article(1))
    await store(db, article(2), hook=delivery_hook(hamilton))
    assert [o.status for o in await outcome(db, 1)] == ["skipped", "pending"]


async def test_old_stories_are_not_posted(db: Database) -> None:
    await set_news_channel(db, 1, 10)
    old = (NOW - timedelta(days=5)).isoformat()
    await store(db, article(1, published_at=old))
    [row] = await outcome(db, 1)
    assert (row.status, row.reason) == ("skipped", f"too old: published {old[:10]}")


async def test_another_sites_copy_from_elsewhere_is_a_duplicate(db: Database) -> None:
    await set_news_channel(db, 1, 10)
    first = article(1, title="Hamilton: Ferrari has made real progress", source="Site A")
    copy = article(
        2, title="Hamilton: Ferrari has made real progress!", source="Site B", body="Other words."
    )
    same_site = article(3, title="Hamilton: Ferrari has made real progress?", source="Site A")
    await store(db, first, copy, same_site)
    rows = await outcome(db, 1)
    assert [(o.status, o.reason) for o in rows] == [
        ("pending", "queued"),
        ("skipped", f"duplicate: the same story as #{rows[0].article_id}"),
        ("pending", "queued"),
    ]


async def test_worker_posts_in_order_and_records_message_ids(db: Database) -> None:
    await set_news_channel(db, 1, 10)
    await set_news_channel(db, 2, 20)
    await store(db, *(article(n) for n in range(4)))
    sender = FakeDiscord()
    report = await fast_worker(db, sender).run_once()
    assert len(report.sent) == 8
    expected = [f"Paddock story {n}" for n in range(4)]
    assert sender.titles(10) == expected and sender.titles(20) == expected
    rows = await outcome(db, 1)
    assert [o.status for o in rows] == ["sent"] * 4
    assert [o.message_id for o in rows] == [m.id for m in sender.messages(10)]
    assert {o.reason for o in rows} == {"posted"}
    assert (await fast_worker(db, sender).run_once()).idle


async def test_transient_failures_are_retried(db: Database) -> None:
    await set_news_channel(db, 1, 10)
    await store(db, article(1), article(2))
    sender = FakeDiscord(failures={10: [TransientSendError("503"), RuntimeError("bug")]})
    work = fast_worker(db, sender)
    first = await work.run_once()
    assert first.retrying and not first.sent
    second = await work.run_once()
    assert second.retrying and not second.sent
    third = await work.run_once()
    assert len(third.sent) == 2
    assert sender.titles(10) == ["Paddock story 1", "Paddock story 2"]


async def test_retry_after_is_waited_for(db: Database) -> None:
    await set_news_channel(db, 1, 10)
    await store(db, article(1))
    now = [NOW]
    sender = FakeDiscord(failures={10: [TransientSendError("429", retry_after=60)]})
    work = fast_worker(db, sender, clock=lambda: now[0])
    assert (await work.run_once()).retrying
    now[0] = NOW + timedelta(seconds=30)
    assert (await work.run_once()).idle
    now[0] = NOW + timedelta(seconds=61)
    assert (await work.run_once()).sent


async def test_a_delivery_fails_after_its_last_attempt(db: Database) -> None:
    await set_news_channel(db, 1, 10)
    await store(db, article(1))
    sender = FakeDiscord(failures={10: [TransientSendError("down")] * 3})
    work = fast_worker(db, sender, max_attempts=3)
    reports = [await work.run_once() for _ in range(3)]
    assert reports[-1].failed
    [row] = await outcome(db, 1)
    assert (row.status, row.reason) == ("failed", "failed after 3 attempts: down")


@pytest.mark.parametrize(
    ("error", "words"),
    [(ChannelGoneError(), "channel was deleted"), (MissingPermissionsError(), "lacks permission")],
)
async def test_permanent_failures_pause_only_that_server(
    db: Database, error: Exception, words: str
) -> None:
    await set_news_channel(db, 1, 10)
    await set_news_channel(db, 2, 20)
    await store(db, article(1), article(2), article(3))
    sender = FakeDiscord(failures={10: [error]})
    report = await fast_worker(db, sender).run_once()
    assert list(report.paused_guilds) == [1]
    config = await get_guild_config(db.reader, 1)
    assert config.paused and words in (config.paused_reason or "")
    assert {o.status for o in await outcome(db, 1)} == {"failed"}
    assert {o.reason for o in await outcome(db, 1)} == {config.paused_reason}
    assert len(sender.messages(20)) == 3
    await store(db, article(4))
    assert [o.reason for o in await outcome(db, 1)][-1] == "paused"


async def test_paused_servers_skip_what_was_queued(db: Database) -> None:
    await set_news_channel(db, 1, 10)
    await store(db, article(1))
    await set_paused(db, 1, True, "moderator asked")
    assert (await fast_worker(db, FakeDiscord()).run_once()).idle
    [row] = await outcome(db, 1)
    assert (row.status, row.reason) == ("skipped", "paused")


async def test_edited_stories_edit_their_posts(db: Database) -> None:
    await set_news_channel(db, 1, 10)
    await set_news_channel(db, 2, 20)
    await store(db, article(1))
    sender = FakeDiscord()
    await fast_worker(db, sender).run_once()
    await store(db, article(1, title="Paddock story 1, updated"))
    [counts_1, counts_2] = await delivery_counts(db.reader)
    assert counts_1.edits_pending == counts_2.edits_pending == 1
    sender.failures[20] = [MessageGoneError()]
    report = await fast_worker(db, sender).run_once()
    assert report.edited and report.failed
    assert sender.titles(10) == ["Paddock story 1, updated"]
    assert sender.titles(20) == ["Paddock story 1"]
    assert [c.edits_pending for c in await delivery_counts(db.reader)] == [0, 0]


@pytest.mark.parametrize("crash", ["after the post", "before the post"])
async def test_a_crash_mid_batch_loses_nothing_and_posts_nothing_twice(
    tmp_path: Path, crash: str
) -> None:
    channels = (10, 20, 30)
    database = tmp_path / "paddock.db"
    async with connect(database) as db:
        for channel in channels:
            await set_news_channel(db, channel // 10, channel)
        await store(db, *(article(n) for n in range(5)))
        sender = FakeDiscord()
        if crash == "after the post":
            sender.crash_after_posts = 7  # posted, but the message id never reached the database
        else:
            sender.failures[20] = [Crash()]
        with pytest.raises(BaseExceptionGroup) as died:
            await fast_worker(db, sender).run_once()
        assert died.group_contains(Crash)

    async with connect(database) as db:  # the process starts again
        interrupted = [o for g in (1, 2, 3) for o in await outcome(db, g) if o.status == "sending"]
        assert interrupted
        # The dead process's claims hold until their lease runs out; nothing moves before.
        assert (await fast_worker(db, sender).run_once()).sent == []
        later = datetime.now(UTC) + timedelta(minutes=3)
        await fast_worker(db, sender, clock=lambda: later).run_once()
        expected = [f"Paddock story {n}" for n in range(5)]
        for channel in channels:
            assert sender.titles(channel) == expected
        rows = [o for g in (1, 2, 3) for o in await outcome(db, g)]
        assert {o.status for o in rows} == {"sent"}
        posted = {m.id for channel in channels for m in sender.messages(channel)}
        assert {o.message_id for o in rows} == posted


async def test_the_pacer_keeps_within_discord_limits() -> None:
    now = [0.0]
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    pacer = DeliveryPacer(clock=lambda: now[0], sleep=sleep)
    # Five at once, then one a second; a channel out of posts is passed over, not waited for.
    assert [pacer.try_take(10) for _ in range(6)] == [True] * 5 + [False]
    now[0] += 0.5
    assert not pacer.try_take(10)
    now[0] += 0.5
    assert pacer.try_take(10) and not pacer.try_take(10)
    pacer.give_back(10)  # taken but not used
    assert pacer.try_take(10)
    assert waits == []

    now[0] = 100.0
    for _ in range(100):
        await pacer.wait_overall()
    # 100 requests, 50 a second: the first 50 at once, the rest one per 20 ms.
    assert now[0] - 100.0 == pytest.approx(1.0, abs=0.05)
