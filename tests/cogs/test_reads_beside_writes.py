"""Commands that only read answer while a write is stuck waiting for the database, as when
`paddock import` runs in another process beside the bot."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from bot.app import PaddockBot
from storage.bot_state import set_state
from tests.discord_harness import DiscordHarness


async def test_reads_answer_while_the_writer_waits_for_another_process(
    paddock: DiscordHarness, news_db: Path
) -> None:
    bot = paddock.client
    assert isinstance(bot, PaddockBot)
    # The writer waits as long as the test needs rather than giving up after five seconds.
    async with bot.db.write() as conn:
        await conn.execute("PRAGMA busy_timeout = 600000")
    other_process = sqlite3.connect(news_db, isolation_level=None)
    other_process.execute("BEGIN IMMEDIATE")
    other_process.execute("INSERT INTO bot_state (key, value) VALUES ('import', 'running')")
    # The bot's writer now waits for the lock in its database thread.
    write = asyncio.create_task(set_state(bot.db, "some_key", "value"))
    try:
        await asyncio.sleep(0.1)
        assert not write.done()
        replies = {}
        for command, options in (
            ("paddock show", None),
            ("latest", {"count": 3}),
            ("quote", {"person": "russell"}),
            ("story", {"words": "imola"}),
        ):
            handle = await paddock.slash(command, options, user=paddock.world.owner)
            replies[command] = await handle.response()
        # Every reply came while the write still waited.
        assert not write.done()
        assert all(reply["type"] == 4 for reply in replies.values()), replies
        assert replies["latest"]["data"]["embeds"][0]["title"] == "Latest F1 stories"
    finally:
        other_process.execute("COMMIT")
        other_process.close()
    await write
