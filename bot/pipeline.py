"""What happens to every stored story, wired in one place for the CLI, bot and poller."""

from __future__ import annotations

import weakref

import aiosqlite

from bot.articles import Article
from bot.delivery import delivery_hook
from bot.ingest import AfterStore
from bot.mention_service import mention_step
from bot.mentions import mention_finder
from bot.quote_service import quote_step
from bot.quotes import SpeakerIndex
from storage.mentions import people_named_in
from storage.people import ensure_builtin_people, load_directory, people_version

# Building the hooks means indexing every person's names (a tenth of a second or more), so
# they are kept per connection until the people directory changes.
_built: weakref.WeakKeyDictionary[aiosqlite.Connection, tuple[str, list[AfterStore]]] = (
    weakref.WeakKeyDictionary()
)


async def article_hooks(conn: aiosqlite.Connection) -> list[AfterStore]:
    """Steps inside the transaction storing each new or edited story: its quotes, and the
    people and teams it names."""
    await ensure_builtin_people(conn)
    version = await people_version(conn)
    cached = _built.get(conn)
    if cached is not None and cached[0] == version:
        return list(cached[1])
    # One read of the people table serves both steps' name indexes.
    directory = await load_directory(conn, with_mentions=False)
    people = list(directory)
    hooks: list[AfterStore] = [
        quote_step(SpeakerIndex(people, directory.prominence)),
        mention_step(mention_finder(people)),
    ]
    _built[conn] = (version, hooks)
    return list(hooks)


async def story_people(conn: aiosqlite.Connection, article: Article) -> frozenset[str]:
    return await people_named_in(conn, article.id)


async def feed_hooks(conn: aiosqlite.Connection) -> list[AfterStore]:
    """For stories arriving from feeds, also the outbox rows that post them to servers.

    Files imported by hand are archives, not news, so they are never posted.
    """
    return [*await article_hooks(conn), delivery_hook(find_people=story_people)]
