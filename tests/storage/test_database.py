"""The Database object: its write lock, its reader, opening and closing."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from bot.ingest.store import ingest_article
from bot.news.articles import ParsedArticle
from bot.news.stories import latest_stories
from storage.bot_state import get_state, set_state
from storage.database import Database, DatabaseError
from storage.db import load_migrations


async def test_two_writers_at_once_take_turns_and_both_land(db: Database) -> None:
    steps: list[str] = []
    first_inside = asyncio.Event()

    async def write(name: str, inside: asyncio.Event | None) -> None:
        async with db.write() as conn:
            steps.append(f"{name} begins")
            await conn.execute("INSERT INTO bot_state (key, value) VALUES (?, ?)", (name, name))
            if inside is not None:
                inside.set()
            # Hand the loop to the other writer mid-transaction: it must wait its turn.
            for _ in range(5):
                await asyncio.sleep(0)
            await conn.execute("UPDATE bot_state SET value = value || '!' WHERE key = ?", (name,))
            steps.append(f"{name} ends")

    first = asyncio.create_task(write("first", first_inside))
    await first_inside.wait()
    second = asyncio.create_task(write("second", None))
    await asyncio.gather(first, second)

    assert steps == ["first begins", "first ends", "second begins", "second ends"]
    assert await get_state(db.reader, "first") == "first!"
    assert await get_state(db.reader, "second") == "second!"


async def test_a_failed_write_leaves_nothing_and_the_next_one_lands(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.write() as conn:
            await conn.execute("INSERT INTO bot_state (key, value) VALUES ('half', 'done')")
            raise RuntimeError("the story could not be read")
    await set_state(db, "next", "stored")
    assert await get_state(db.reader, "half") is None
    assert await get_state(db.reader, "next") == "stored"


async def test_the_reader_sees_what_is_committed_while_a_write_is_under_way(
    db: Database,
) -> None:
    await ingest_article(db, ParsedArticle(title="Norris on pole", body="A tidy lap."))
    async with db.write() as conn:
        await conn.execute("INSERT INTO bot_state (key, value) VALUES ('pending', 'yes')")
        # The reader answers during the write, from the last committed state.
        latest = await latest_stories(db, 5)
        assert [a.title for a in latest.articles] == ["Norris on pole"]
        assert await get_state(db.reader, "pending") is None
    assert await get_state(db.reader, "pending") == "yes"


async def test_a_long_read_never_holds_up_a_write(db: Database) -> None:
    await set_state(db, "count", "1")
    reader = db.reader
    # A read transaction left open, as a slow command's query would hold one.
    await reader.execute("BEGIN")
    assert await get_state(reader, "count") == "1"
    await set_state(db, "count", "2")  # commits while the read is still open
    assert await get_state(reader, "count") == "1"  # the read keeps its snapshot
    await reader.execute("COMMIT")
    assert await get_state(db.reader, "count") == "2"


async def test_a_database_from_a_newer_paddock_says_so(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    with sqlite3.connect(path) as raw:
        raw.execute(f"PRAGMA user_version = {len(load_migrations()) + 1}")
    with pytest.raises(DatabaseError) as refused:
        await Database.open(path, writable=True)
    assert str(refused.value) == (
        f"{path} is at schema version {len(load_migrations()) + 1}, newer than this Paddock "
        f"({len(load_migrations())}); upgrade Paddock to use it"
    )


async def test_closing_twice_is_harmless_and_a_closed_database_says_so(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "paddock.db")
    await set_state(db, "kept", "yes")
    await db.close()
    await db.close()
    assert db.closed
    with pytest.raises(DatabaseError, match="is closed"):
        await set_state(db, "lost", "yes")
    async with await Database.open(tmp_path / "paddock.db") as again:
        assert await get_state(again.reader, "kept") == "yes"


async def test_an_in_memory_database_reads_what_it_wrote() -> None:
    async with await Database.open(":memory:") as db:
        await set_state(db, "here", "yes")
        assert await get_state(db.reader, "here") == "yes"
