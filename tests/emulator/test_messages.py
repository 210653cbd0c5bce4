"""Channel messages through discord.py: nonces, mentions, injected failures, rate limits."""

from __future__ import annotations

import asyncio

import discord
import pytest

from emulator import RateLimitConfig
from tests.discord_harness import DiscordHarness, running_bot
from tests.emulator.canary_bot import CanaryBot

SEND = "POST /channels/{channel_id}/messages"


def _news(harness: DiscordHarness) -> discord.TextChannel:
    assert harness.client is not None
    channel = harness.client.get_channel(harness.world.news.id)
    assert isinstance(channel, discord.TextChannel)
    return channel


async def test_repeated_nonce_returns_the_first_message() -> None:
    async with running_bot(CanaryBot()) as harness:
        channel = _news(harness)
        first = await channel.send("Lights out", nonce="story-42")
        again = await channel.send("Lights out", nonce="story-42")
        other = await channel.send("Lights out", nonce="story-43")

        assert again.id == first.id
        assert other.id != first.id
        assert len(harness.emulator.messages_in(harness.world.news)) == 2
        assert harness.emulator.requests_to(SEND)[0].body["enforce_nonce"] is True


async def test_with_nonces_not_enforced_a_repeated_nonce_posts_again() -> None:
    async with running_bot(CanaryBot()) as harness:
        harness.emulator.state.enforce_nonces = False  # as Discord, after a while or at times
        channel = _news(harness)
        first = await channel.send("Lights out", nonce="story-42")
        again = await channel.send("Lights out", nonce="story-42")

        assert again.id != first.id
        assert len(harness.emulator.messages_in(harness.world.news)) == 2


async def test_fetched_messages_do_not_carry_their_nonce() -> None:
    async with running_bot(CanaryBot()) as harness:
        channel = _news(harness)
        sent = await channel.send("Lights out", nonce="story-42")
        [fetched] = [m async for m in channel.history(limit=5)]

        assert sent.nonce == "story-42"
        assert fetched.id == sent.id and fetched.nonce is None


async def test_allowed_mentions_none_pings_nobody() -> None:
    async with running_bot(CanaryBot()) as harness:
        channel = _news(harness)
        fans = harness.world.fans_role
        text = f"@everyone <@&{fans.id}> <@{harness.world.fan.user.id}> new story"

        quiet = await channel.send(text, allowed_mentions=discord.AllowedMentions.none())
        loud = await channel.send(text)

        [quiet_record, loud_record] = harness.emulator.messages_in(harness.world.news)
        assert not quiet.mention_everyone
        assert not quiet_record.pings.anyone
        assert loud_record.pings.everyone
        assert loud_record.pings.roles == {fans.id}
        assert loud_record.pings.users == {harness.world.fan.user.id}
        assert loud.mention_everyone


async def test_injected_429_is_waited_out_and_retried() -> None:
    async with running_bot(CanaryBot()) as harness:
        harness.emulator.faults.inject(SEND, 429, times=2, retry_after=0.05)

        message = await _news(harness).send("Safety car deployed")

        assert [r.status for r in harness.emulator.requests_to(SEND)] == [429, 429, 200]
        assert [m.id for m in harness.emulator.messages_in(harness.world.news)] == [message.id]


@pytest.mark.parametrize(
    ("status", "error", "code"),
    [(403, discord.Forbidden, 50013), (404, discord.NotFound, 10003)],
)
async def test_injected_errors_surface_as_discord_exceptions(
    status: int, error: type[discord.HTTPException], code: int
) -> None:
    async with running_bot(CanaryBot()) as harness:
        harness.emulator.faults.inject(SEND, status)

        with pytest.raises(error) as raised:
            await _news(harness).send("Red flag")

        assert raised.value.code == code
        assert harness.emulator.messages_in(harness.world.news) == []


async def test_missing_send_permission_is_forbidden() -> None:
    harness = DiscordHarness()
    state = harness.emulator.state
    state.set_overwrite(
        harness.world.news, harness.world.guild.roles[harness.world.guild.id], deny=1 << 11
    )
    async with harness.running(CanaryBot()):
        with pytest.raises(discord.Forbidden):
            await _news(harness).send("Blocked")


async def test_rate_limiter_paces_discord_py_without_losing_messages() -> None:
    window = 0.3
    limits = RateLimitConfig(messages_per_channel=5, message_window=window)
    async with running_bot(CanaryBot(), rate_limits=limits) as harness:
        channel = _news(harness)
        loop = asyncio.get_running_loop()
        started = loop.time()

        await asyncio.gather(*(channel.send(f"Lap {lap}") for lap in range(12)))

        elapsed = loop.time() - started
        sends = harness.emulator.requests_to(SEND)
        rejected = [r for r in sends if r.status == 429]
        delivered = harness.emulator.messages_in(harness.world.news)
        assert sorted(m.content for m in delivered) == sorted(f"Lap {lap}" for lap in range(12))
        # 12 messages at 5 per window need two resets; discord.py reads the bucket headers
        # and waits them out, so nothing is refused.
        assert elapsed >= 2 * window
        assert rejected == []
        assert len(sends) == 12


async def test_global_limit_429s_are_retried_by_discord_py() -> None:
    limits = RateLimitConfig(message_window=0.2, global_requests=4, global_window=0.2)
    async with running_bot(CanaryBot(), rate_limits=limits) as harness:
        assert harness.client is not None
        general = harness.client.get_channel(harness.world.general.id)
        assert isinstance(general, discord.TextChannel)
        channels = [_news(harness), general]

        await asyncio.gather(*(channels[i % 2].send(f"Sector {i}") for i in range(10)))

        rejected = [r for r in harness.emulator.requests_to(SEND) if r.status == 429]
        assert rejected, "ten requests against a limit of four per window must hit it"
        assert all(r.fault == "global rate limit" for r in rejected)
        delivered = harness.emulator.messages_in(harness.world.news)
        delivered += harness.emulator.messages_in(harness.world.general)
        assert len(delivered) == 10
