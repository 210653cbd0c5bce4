import asyncio
import itertools
import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.delivery.outbox import DeliveryPacer, DeliveryWorker, delivery_hook
from bot.feeds import poller as poller_module
from bot.feeds.poller import FeedPoller, PollRound
from bot.feeds.safe_fetch import SafeFetcher
from storage.articles import latest_articles
from storage.database import Database
from storage.deliveries import delivery_counts, story_outcomes
from storage.feeds import add_global_feed, add_guild_feed, feed_statuses, get_feed
from storage.guilds import set_news_channel
from tests.bot.feeds.conftest import FeedServer, Item, article_page, atom, hours_ago, rss
from tests.bot.feeds.fakes import FakeDiscord

LONG = " ".join(["The stewards reviewed the incident at turn four after the race."] * 12)


def poller(db: Database, fetcher: SafeFetcher, **options: Any) -> FeedPoller:
    return FeedPoller(db, fetcher, hooks=[delivery_hook()], rng=random.Random(7), **options)


def worker(db: Database, sender: FakeDiscord) -> DeliveryWorker:
    return DeliveryWorker(db, sender, pacer=DeliveryPacer(per_channel=(1000, 1.0)), retry_base=0)


def story(n: int, hours: float, **fields: str) -> Item:
    return Item(
        title=fields.get("title", f"Story number {n} from the paddock"),
        link=fields.get("link", f"https://news.example/story-{n}"),
        guid=fields.get("guid"),
        description=fields.get("description", ""),
        content=fields.get("content", f"<p>Story {n}. {LONG}</p>"),
        published=hours_ago(hours),
    )


async def outcomes(db: Database, guild_id: int) -> list[tuple[str, str, str]]:
    found = await story_outcomes(db.reader, guild_id, limit=100)
    return sorted((o.title, o.status, o.reason) for o in found)


async def test_first_poll_posts_only_the_newest_three(
    db: Database, feed_server: FeedServer, fetcher: SafeFetcher
) -> None:
    await set_news_channel(db, 1, 11)
    url = feed_server.serve("/feeds/main.xml", rss([story(n, hours=n - 10) for n in range(10)]))
    await add_global_feed(db, url)
    first = await poller(db, fetcher).poll_due()
    assert len(first.created) == 10
    assert first.reports[0].backlog == 7
    rows = await outcomes(db, 1)
    queued = [title for title, status, _ in rows if status == "pending"]
    assert sorted(queued) == [f"Story number {n} from the paddock" for n in range(3)]
    skipped = {reason for _, status, reason in rows if status == "skipped"}
    assert skipped == {"too old / backlog"}
    assert len(rows) == 10

    feed_server.serve("/feeds/main.xml", rss([story(n, hours=n - 10) for n in range(11)]))
    second = await poller(db, fetcher).poll_all()
    assert [a.title for a in second.created] == ["Story number 10 from the paddock"]
    counts = await delivery_counts(db.reader, 1)
    assert (counts[0].pending, counts[0].skipped) == (4, 7)


async def test_an_unchanged_feed_answers_not_modified(
    db: Database, feed_server: FeedServer, fetcher: SafeFetcher
) -> None:
    url = feed_server.serve("/feeds/main.xml", atom([story(1, hours=1)]))
    await add_global_feed(db, url)
    await poller(db, fetcher).poll_all()
    again = await poller(db, fetcher).poll_all()
    assert again.reports[0].status == "not_modified"
    assert again.created == []
    feed = await get_feed(db.reader, url)
    assert feed is not None and feed.etag and feed.last_success_at


async def test_the_same_bytes_from_a_feed_without_validators_are_not_read_again(
    db: Database, feed_server: FeedServer, fetcher: SafeFetcher
) -> None:
    url = feed_server.serve("/feeds/bare.xml", rss([story(1, hours=1)]))
    feed_server.without_validators.add("/feeds/bare.xml")
    await add_global_feed(db, url)
    first = await poller(db, fetcher).poll_all()
    assert first.reports[0].status == "ok" and len(first.created) == 1
    again = await poller(db, fetcher).poll_all()
    assert again.reports[0].status == "not_modified"
    feed_server.serve("/feeds/bare.xml", rss([story(2, hours=0.5), story(1, hours=1)]))
    changed = await poller(db, fetcher).poll_all()
    assert [a.title for a in changed.created] == ["Story number 2 from the paddock"]
    assert feed_server.hits["/feeds/bare.xml"] == 3


async def test_teaser_entries_are_read_from_their_pages(
    db: Database, feed_server: FeedServer, fetcher: SafeFetcher
) -> None:
    paragraphs = [
        "Oscar Piastri said McLaren had understood the tyre degradation it suffered in Bahrain.",
        "The Australian expects a closer fight with Ferrari at the next round in Jeddah.",
        "Team principal Andrea Stella added that the upgrade package was working as planned.",
    ]
    page = feed_server.serve(
        "/articles/piastri", article_page("Piastri upbeat", paragraphs), "text/html"
    )
    teaser = Item("Piastri upbeat", page, description="Piastri spoke after the race.")
    url = feed_server.serve("/feeds/teasers.xml", rss([teaser]))
    await add_global_feed(db, url)
    result = await poller(db, fetcher).poll_all()
    [article] = result.created
    assert paragraphs[1] in article.body
    assert article.summary == "Piastri spoke after the race."
    assert feed_server.hits["/articles/piastri"] == 1


@pytest.fixture
def short_round_grace(monkeypatch: pytest.MonkeyPatch) -> None:
    """A round waits this long for its slowest feeds before it stores the others' news."""
    monkeypatch.setattr(poller_module, "ROUND_GRACE_SECONDS", 0.3)


async def stored_while_running(db: Database, round_: asyncio.Task[PollRound]) -> bool:
    """Whether a story is stored while the polling round is still waiting on some feed."""
    for _ in range(30):
        await asyncio.sleep(0.1)
        if await latest_articles(db.reader, 5):
            return not round_.done()
    return False


@pytest.mark.usefixtures("short_round_grace")
async def test_a_slow_feed_does_not_hold_back_the_rounds_news(
    db: Database, feed_server: FeedServer, fetcher: SafeFetcher
) -> None:
    # A round stores its feeds together once all have answered, but never waits long on
    # one that hangs: the fast feed's story is stored while the slow one is still read.
    fast = feed_server.serve("/feeds/fast.xml", rss([story(1, hours=1)]))
    await add_global_feed(db, fast)
    await add_global_feed(db, feed_server.url("/slow"))
    round_ = asyncio.create_task(poller(db, fetcher, feed_timeout=4.0).poll_all())
    assert await stored_while_running(db, round_)
    result = await round_
    by_url = {report.feed.url: report for report in result.reports}
    assert len(by_url[fast].created) == 1
    assert by_url[feed_server.url("/slow")].status == "failed"


@pytest.mark.usefixtures("short_round_grace")
async def test_one_servers_slow_feeds_take_no_slot_from_the_global_news(
    db: Database, feed_server: FeedServer, fetcher: SafeFetcher
) -> None:
    for n in range(2):
        await add_guild_feed(db, 5, feed_server.url(f"/slow?feed={n}"))
    fast = feed_server.serve("/feeds/global.xml", rss([story(1, hours=1)]))
    await add_global_feed(db, fast)
    # One feed at a time of each kind, the server's due first: shared slots would leave the
    # global feed waiting behind the server's hanging ones.
    round_ = asyncio.create_task(poller(db, fetcher, feed_timeout=1.0, concurrency=1).poll_due())
    assert await stored_while_running(db, round_)
    result = await round_
    assert [a.title for a in result.created] == ["Story number 1 from the paddock"]
    assert len(result.failed) == 2


async def test_one_bad_feed_never_stalls_the_others(
    db: Database, feed_server: FeedServer, fetcher: SafeFetcher
) -> None:
    good = feed_server.serve("/feeds/good.xml", rss([story(1, hours=1)]))
    not_a_feed = feed_server.serve("/page.html", "<html><body>Hello</body></html>", "text/html")
    empty = feed_server.serve("/feeds/empty.xml", b"")
    urls = [
        good,
        not_a_feed,
        empty,
        feed_server.url("/status/500"),
        feed_server.url("/slow"),
        feed_server.url("/huge"),
        feed_server.url("/redirect/loop"),
    ]
    for url in urls:
        await add_global_feed(db, url)
    result = await poller(db, fetcher, feed_timeout=1.0, concurrency=3).poll_all()
    by_url = {report.feed.url: report for report in result.reports}
    # The hanging feed is cut off at its own time budget, not waited for.
    assert by_url[feed_server.url("/slow")].error == "The feed took longer than 1 second to answer."
    assert by_url[good].status == "ok" and len(by_url[good].created) == 1
    assert len(result.failed) == 6
    assert "RSS or Atom" in (by_url[not_a_feed].error or "")
    assert "empty" in (by_url[empty].error or "")
    statuses = {feed.url: feed for feed in await feed_statuses(db.reader)}
    broken = statuses[feed_server.url("/status/500")]
    assert broken.failures == 1
    assert broken.last_error == "The server answered 500 Internal Server Error."
    assert broken.next_poll_at is not None
    assert broken.next_poll_at > datetime.now(UTC).isoformat()


async def test_failures_back_off_and_retry_after_is_honoured(
    db: Database, feed_server: FeedServer, fetcher: SafeFetcher
) -> None:
    failing = feed_server.url("/status/500")
    limited = feed_server.url("/status/503")
    await add_global_feed(db, failing)
    await add_global_feed(db, limited)
    feeds = poller(db, fetcher, interval=30)
    delays = []
    for _ in range(3):
        before = datetime.now(UTC)
        result = await feeds.poll_all()
        by_url = {report.feed.url: report for report in result.reports}
        delays.append(datetime.fromisoformat(by_url[failing].next_poll_at) - before)
        retry = datetime.fromisoformat(by_url[limited].next_poll_at) - before
        assert retry >= timedelta(seconds=119)
    assert delays[0] <= timedelta(seconds=61)
    assert delays[2] >= timedelta(seconds=119)
    statuses = {feed.url: feed for feed in await feed_statuses(db.reader)}
    assert statuses[failing].failures == 3
    assert await feeds.poll_due() == type(result)()  # nothing is due while backing off


@pytest.mark.parametrize("order", list(itertools.permutations("abc")))
async def test_the_same_story_from_two_sites_is_one_story_and_one_post(
    db: Database,
    feed_server: FeedServer,
    fetcher: SafeFetcher,
    order: tuple[str, ...],
) -> None:
    await set_news_channel(db, 1, 11)
    await set_news_channel(db, 2, 22)
    teaser = "<p>Lewis Hamilton says the move was right.</p>"
    copies = {
        "a": Item(
            "Hamilton: Ferrari move 'the right call'",
            "https://first.example/hamilton?utm_source=rss",
            content=teaser,
            published=hours_ago(2),
        ),
        "b": Item(
            "Hamilton: Ferrari move ‘the right call’",
            "https://second.example/f1/hamilton-ferrari",
            content=f"<p>Lewis Hamilton says the move was right. {LONG}</p>",
            published=hours_ago(1),
        ),
        # The first site's story again, in its second feed, shared with a tracking tag.
        "c": Item(
            "Hamilton: Ferrari move 'the right call'",
            "https://first.example/hamilton?fbclid=xyz",
            content=teaser,
            published=hours_ago(2),
        ),
    }
    feeds = poller(db, fetcher)
    for name in order:
        await add_global_feed(db, feed_server.serve(f"/feeds/{name}.xml", rss([copies[name]])))
        feed = await get_feed(db.reader, feed_server.url(f"/feeds/{name}.xml"))
        assert feed is not None
        await feeds.poll_feed(feed)
    [article] = await latest_articles(db.reader, 10)
    assert LONG[:40] in article.body  # the richer copy is the one kept
    for guild_id in (1, 2):
        assert [status for _, status, _ in await outcomes(db, guild_id)] == ["pending"]
    sender = FakeDiscord()
    await worker(db, sender).run_once()
    assert len(sender.messages(11)) == 1 and len(sender.messages(22)) == 1


async def test_an_edited_entry_updates_the_post_and_a_redated_one_changes_nothing(
    db: Database, feed_server: FeedServer, fetcher: SafeFetcher
) -> None:
    await set_news_channel(db, 1, 11)
    item = story(1, hours=3, guid="race-report-1")
    url = feed_server.serve("/feeds/main.xml", rss([item]))
    await add_global_feed(db, url)
    await poller(db, fetcher).poll_all()
    sender = FakeDiscord()
    await worker(db, sender).run_once()
    assert sender.titles(11) == ["Story number 1 from the paddock"]

    redated = story(1, hours=1, guid="race-report-1")
    feed_server.serve("/feeds/main.xml", rss([redated]))
    result = await poller(db, fetcher).poll_all()
    assert (result.created, result.updated) == ([], [])

    edited = story(1, hours=1, guid="race-report-1", title="Story number 1 (updated)")
    feed_server.serve("/feeds/main.xml", rss([edited]))
    result = await poller(db, fetcher).poll_all()
    assert [a.title for a in result.updated] == ["Story number 1 (updated)"]
    assert (await delivery_counts(db.reader, 1))[0].edits_pending == 1
    report = await worker(db, sender).run_once()
    assert report.edited and sender.titles(11) == ["Story number 1 (updated)"]
    assert len(await latest_articles(db.reader, 10)) == 1


async def test_a_server_feed_posts_only_to_that_server(
    db: Database, feed_server: FeedServer, fetcher: SafeFetcher
) -> None:
    await set_news_channel(db, 1, 11)
    await set_news_channel(db, 2, 22)
    url = feed_server.serve("/feeds/local.xml", rss([story(1, hours=1)]))
    assert await add_guild_feed(db, 2, url)
    assert not await add_guild_feed(db, 2, url)
    await poller(db, fetcher).poll_all()
    assert await outcomes(db, 1) == []
    assert [status for _, status, _ in await outcomes(db, 2)] == ["pending"]


async def test_default_feeds_are_seeded_once(
    db: Database, feed_server: FeedServer, fetcher: SafeFetcher
) -> None:
    url = feed_server.serve("/feeds/default.xml", rss([story(1, hours=1)]))
    result = await poller(db, fetcher, default_feeds=[url]).poll_due()
    assert [r.feed.url for r in result.reports] == [url]


async def test_a_slow_article_page_costs_the_text_not_the_feed(
    db: Database, feed_server: FeedServer, fetcher: SafeFetcher
) -> None:
    teaser = Item("Slow page story", feed_server.url("/slow"), description="Only a teaser.")
    url = feed_server.serve("/feeds/teasers.xml", rss([teaser]))
    await add_global_feed(db, url)
    result = await poller(db, fetcher, feed_timeout=0.5).poll_all()
    assert result.reports[0].status == "ok"
    [article] = result.created
    assert article.body == "Only a teaser."
    assert article.source == "Test Paddock Feed"
