import pytest

from bot.feeds.reading import MAX_GUILD_FEEDS, FeedError, add_feed
from bot.feeds.safe_fetch import AddressPolicy, SafeFetcher
from storage.database import Database
from storage.feeds import (
    add_global_feed,
    feed_statuses,
    guild_feeds,
    remove_guild_feed,
)
from tests.bot.feeds.conftest import FeedServer, Item, rss


async def test_moderators_add_and_remove_their_own_feeds(
    db: Database, feed_server: FeedServer, fetcher: SafeFetcher
) -> None:
    url = feed_server.serve("/feeds/team.xml", rss([Item("Team news", "https://t.example/1")]))
    added = await add_feed(db, fetcher, url + "#latest", guild_id=5)
    assert added.added and added.entries == 1
    assert added.feed.url == url and added.feed.title == "Test Paddock Feed"
    assert not (await add_feed(db, fetcher, url, guild_id=5)).added
    assert [f.url for f in await guild_feeds(db.reader, 5)] == [url]
    assert await guild_feeds(db.reader, 6) == []

    everyone = feed_server.serve("/feeds/global.xml", rss([]))
    await add_global_feed(db, everyone)
    assert [f.url for f in await feed_statuses(db.reader, 5)] == [everyone, url]
    assert [f.url for f in await feed_statuses(db.reader, 6)] == [everyone]
    with pytest.raises(FeedError, match="already reads that feed for every server"):
        await add_feed(db, fetcher, everyone, guild_id=5)

    assert await remove_guild_feed(db, 5, url)
    assert not await remove_guild_feed(db, 5, url)
    assert await guild_feeds(db.reader, 5) == []


async def test_a_server_has_a_feed_limit(
    db: Database, feed_server: FeedServer, fetcher: SafeFetcher
) -> None:
    for n in range(MAX_GUILD_FEEDS):
        await add_feed(db, fetcher, feed_server.serve(f"/feeds/{n}.xml", rss([])), guild_id=5)
    extra = feed_server.serve("/feeds/extra.xml", rss([]))
    with pytest.raises(FeedError, match=f"at most {MAX_GUILD_FEEDS} feeds"):
        await add_feed(db, fetcher, extra, guild_id=5)


async def test_a_private_address_is_refused_with_a_clear_message(db: Database) -> None:
    async with SafeFetcher(AddressPolicy()) as public:
        with pytest.raises(FeedError, match="inside a private network"):
            await add_feed(db, public, "http://192.168.1.20/feed.xml", guild_id=5)
    assert await guild_feeds(db.reader, 5) == []
