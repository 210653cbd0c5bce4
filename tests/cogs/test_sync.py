"""Slash command registration: the dev server instantly, else globally, and only on change."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.app import PaddockBot, create_bot
from bot.cli.bot import sync_commands
from bot.settings import Settings
from cogs._loopback import point_discord_at, restore_endpoints
from emulator import DiscordEmulator
from tests.discord_harness import DiscordHarness

GUILD_SYNC = "PUT /applications/{application_id}/guilds/{guild_id}/commands"
GLOBAL_SYNC = "PUT /applications/{application_id}/commands"


def syncing_bot(database: Path, dev_guild: int | None = None) -> PaddockBot:
    settings = Settings(database=database, feeds=(), dev_guild=dev_guild)
    return create_bot(settings, guild_ready_timeout=0.05, chunk_guilds_at_startup=False)


async def test_commands_go_to_the_dev_server_when_one_is_set(tmp_path: Path) -> None:
    harness = DiscordHarness()
    guild = harness.world.guild
    bot = syncing_bot(tmp_path / "paddock.db", dev_guild=guild.id)
    async with harness.running(bot, sync_commands=False):
        await harness.emulator.wait_for_requests(GUILD_SYNC, count=1, within=5)
    state = harness.emulator.state
    names = {name for name, _ in state.guild_commands[guild.id]}
    assert {"latest", "quote", "story", "driver", "paddock"} <= names
    assert not harness.emulator.requests_to(GLOBAL_SYNC)


async def test_a_restart_with_the_same_commands_does_not_register_again(tmp_path: Path) -> None:
    database = tmp_path / "paddock.db"
    harness = DiscordHarness()
    async with harness.running(syncing_bot(database), sync_commands=False):
        await harness.emulator.wait_for_requests(GLOBAL_SYNC, count=1, within=5)
    async with harness.running(syncing_bot(database), sync_commands=False):
        pass
    # Discord rate limits global registration; an unchanged tree is not sent twice.
    assert len(harness.emulator.requests_to(GLOBAL_SYNC)) == 1


async def test_paddock_sync_registers_the_commands_without_connecting(tmp_path: Path) -> None:
    emulator = DiscordEmulator(token="sync.test.token")
    guild = emulator.state.create_guild("Sync Test")
    settings = Settings(
        database=tmp_path / "paddock.db",
        feeds=(),
        discord_token="sync.test.token",
        dev_guild=guild.id,
    )
    await emulator.start()
    previous = point_discord_at(emulator)
    try:
        code = await sync_commands(argparse.Namespace(), settings)
    finally:
        restore_endpoints(previous)
        await emulator.stop()
    assert code == 0
    names = {name for name, _ in emulator.state.guild_commands[guild.id]}
    assert {"latest", "quote", "story", "driver", "paddock"} <= names
    assert not emulator.gateway.identifies
    assert not emulator.problems()
