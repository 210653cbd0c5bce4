"""End to end through the Discord emulator: the real bot in a child process, real discord.py.

This process runs the emulator; the bot connects to it over loopback as it would to Discord.
A command's latency is from the emulator sending INTERACTION_CREATE to it receiving the
bot's callback (the emulator's ``callback_delay``), which is what Discord's 3-second limit
counts. The child holds nothing but the bot, so its resident memory is the bot's.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.scale import DRIVERS, LATEST_ABOUT, PARTIALS, QUOTE_ABOUT, QUOTE_PEOPLE, STORY_WORDS
from bench.timing import Latency, latency, rss_mb
from emulator import Channel, DiscordEmulator, InteractionHandle, Member
from emulator.process import start_bot_process

TOKEN = "bench.bot.token"
READY_WITHIN_SECONDS = 300.0
E2E_SAMPLES = 100


@dataclass(slots=True)
class BotRun:
    ready_seconds: float = 0.0
    guilds: int = 0
    rss_mb: float = 0.0
    commands: dict[str, Latency] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Seat:
    """Where the commands are typed: a text channel and a fan in the first server."""

    channel: Channel
    member: Member


async def _start_bot(
    emulator: DiscordEmulator, database: Path, *, sharded: bool
) -> tuple[asyncio.subprocess.Process, dict[str, Any]]:
    sharding = ["--sharded"] if sharded else []
    child = await start_bot_process("bench.bot_process", emulator, database, TOKEN, *sharding)
    assert child.stdout is not None
    async with asyncio.timeout(READY_WITHIN_SECONDS):
        line = await child.stdout.readline()
    if not line:
        raise RuntimeError(f"the bot process ended before it was ready ({await child.wait()})")
    return child, json.loads(line)


async def _stop_bot(child: asyncio.subprocess.Process) -> None:
    assert child.stdin is not None
    child.stdin.close()
    try:
        async with asyncio.timeout(20):
            await child.wait()
    except TimeoutError:
        child.kill()
        await child.wait()


def _seat(emulator: DiscordEmulator, guilds: int) -> Seat:
    state = emulator.state
    first = state.create_guild("Paddock Bench")
    channel = state.create_text_channel(first, "f1-chat")
    member = state.add_member(first, state.create_user("fan"))
    for number in range(1, guilds):
        state.create_guild(f"Server {number}")
    return Seat(channel, member)


async def _time_command(
    emulator: DiscordEmulator,
    send: Callable[[str | None], Awaitable[InteractionHandle]],
    inputs: Sequence[str | None],
    samples: int,
) -> Latency:
    delays: list[float] = []
    for text in inputs:
        # Untimed: the first call of each input warms caches, as a running bot's are.
        await (await send(text)).response()
    for number in range(samples):
        handle = await send(inputs[number % len(inputs)])
        await handle.response()
        if handle.callback_delay is None:
            raise RuntimeError(f"interaction {handle.id} got no callback")
        delays.append(handle.callback_delay * 1000)
    return latency(delays)


async def run_commands(emulator: DiscordEmulator, seat: Seat) -> dict[str, Latency]:
    """Each slash command as a fan types it; the bot answers in the child process."""

    def slash(path: str, build: Callable[[str | None], dict[str, Any]]) -> Any:
        async def send(text: str | None) -> InteractionHandle:
            return await emulator.slash_command(
                path, build(text), channel=seat.channel, user=seat.member
            )

        return send

    def quote_options(text: str | None) -> dict[str, Any]:
        who, _, about = (text or "").partition("|")
        return {"person": who, "about": about} if about else {"person": who}

    async def autocomplete(text: str | None) -> InteractionHandle:
        return await emulator.autocomplete(
            "driver", {"name": text or ""}, "name", channel=seat.channel, user=seat.member
        )

    plan = {
        "latest": (
            slash("latest", lambda t: {"about": t} if t else {}),
            LATEST_ABOUT,
        ),
        "quote": (slash("quote", quote_options), QUOTE_PEOPLE),
        "quote about": (slash("quote", quote_options), QUOTE_ABOUT),
        "story": (slash("story", lambda t: {"words": t}), STORY_WORDS),
        "driver": (slash("driver", lambda t: {"name": t}), DRIVERS),
        "autocomplete": (autocomplete, PARTIALS),
    }
    return {
        name: await _time_command(emulator, send, inputs, E2E_SAMPLES)
        for name, (send, inputs) in plan.items()
    }


async def run_bot(
    database: Path,
    *,
    guilds: int = 1,
    shard_count: int = 1,
    sharded: bool = False,
    commands: bool = True,
) -> BotRun:
    """Start the bot against a fresh emulator with ``guilds`` servers and measure it."""
    emulator = DiscordEmulator(shard_count=shard_count, token=TOKEN)
    seat = _seat(emulator, guilds)
    await emulator.start()
    try:
        child, ready = await _start_bot(emulator, database, sharded=sharded)
        try:
            run = BotRun(ready_seconds=ready["ready_seconds"], guilds=ready["guilds"])
            if commands:
                run.commands = await run_commands(emulator, seat)
            run.rss_mb = rss_mb(child.pid)
        finally:
            await _stop_bot(child)
    finally:
        await emulator.stop()
    problems = emulator.problems()
    if problems:
        raise RuntimeError("the emulator saw problems:\n" + "\n".join(problems))
    return run
