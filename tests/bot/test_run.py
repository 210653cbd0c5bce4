"""`paddock run` with a token: connects, and a SIGTERM closes the bot and the database."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
from pathlib import Path

from bot.cli.bot import run_bot
from bot.emulator import DiscordEmulator
from bot.settings import Settings
from cogs._loopback import point_discord_at, restore_endpoints
from storage.db import connect


async def test_sigterm_closes_the_running_bot_cleanly(tmp_path: Path) -> None:
    emulator = DiscordEmulator(token="run.test.token")
    guild = emulator.state.create_guild("Run Test")
    emulator.state.create_text_channel(guild, "general")
    await emulator.start()
    previous = point_discord_at(emulator)
    database = tmp_path / "paddock.db"
    settings = Settings(database=database, feeds=(), discord_token="run.test.token")
    try:
        runner = asyncio.create_task(
            run_bot(argparse.Namespace(console_without_token=False), settings)
        )
        async with asyncio.timeout(10):
            while not emulator.gateway.identifies:
                assert not runner.done(), runner
                await asyncio.sleep(0.02)
        os.kill(os.getpid(), signal.SIGTERM)
        async with asyncio.timeout(10):
            code = await runner
    finally:
        restore_endpoints(previous)
        await emulator.stop()
    assert code == 0
    assert not emulator.unhandled
    # The database was closed with the bot: it opens again and holds the synced state.
    async with connect(database) as conn, conn.execute("SELECT count(*) FROM bot_state") as cur:
        assert (await cur.fetchone())[0] >= 1
