"""Sharding, DMs and reconnects on the emulated gateway."""

from __future__ import annotations

import asyncio

import discord

from tests.discord_harness import DiscordHarness, client_options, running_bot
from tests.emulator.canary_bot import CanaryBot


class QuickShardedClient(discord.AutoShardedClient):
    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        # discord.py spaces IDENTIFYs 5 s apart to respect Discord's session start limit;
        # the emulator has no such limit.
        return None


async def test_auto_sharded_client_gets_every_guild_on_its_shard() -> None:
    harness = DiscordHarness(shard_count=2)
    extra = [harness.emulator.state.create_guild(f"Team {n}") for n in range(4)]
    client = QuickShardedClient(**client_options())
    async with harness.running(client):
        assert client.shard_count == 2
        assert {g.id for g in client.guilds} == {harness.world.guild.id, *(g.id for g in extra)}
        for guild in client.guilds:
            assert guild.shard_id == (guild.id >> 22) % 2
        assert {tuple(i["shard"]) for i in harness.emulator.gateway.identifies} == {(0, 2), (1, 2)}
        assert {guild.shard_id for guild in client.guilds} == {0, 1}
        assert harness.emulator.requests_to("GET /gateway/bot")


async def test_slash_command_in_a_dm_carries_a_user_not_a_member() -> None:
    async with running_bot(CanaryBot()) as harness:
        handle = await harness.slash("driver", {"name": "Albon"}, channel=harness.world.fan_dm)
        reply = await handle.response()

        assert "member" not in handle.payload and "guild_id" not in handle.payload
        assert handle.payload["user"]["id"] == str(harness.world.fan.user.id)
        assert reply["data"]["content"] == "You picked Albon"


async def test_client_resumes_after_a_reconnect_request() -> None:
    bot = CanaryBot()
    async with running_bot(bot) as harness:
        resumed = asyncio.Event()

        async def on_resumed() -> None:
            resumed.set()

        bot.add_listener(on_resumed)
        await harness.emulator.gateway.request_reconnect(0)
        async with asyncio.timeout(5):
            await resumed.wait()

        handle = await harness.slash("driver", {"name": "Gasly"})
        assert (await handle.response())["data"]["content"] == "You picked Gasly"
        assert len(harness.emulator.gateway.identifies) == 1
