"""Many fans at once, and proof that the harness fails a test the bot broke quietly."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import discord
import pytest

from emulator import CallbackType
from tests.cogs.conftest import make_bot
from tests.discord_harness import DiscordHarness, HarnessFailure

COMMANDS: list[tuple[str, dict[str, Any]]] = [
    ("latest", {}),
    ("latest", {"count": 3, "about": "mclaren"}),
    ("story", {"words": "imola"}),
    ("quote", {"person": "russell"}),
    ("driver", {"name": "leclerc"}),
]


async def test_fifty_interactions_at_once_are_all_answered_in_time(
    paddock: DiscordHarness,
) -> None:
    world = paddock.world
    users = [world.owner, world.moderator, world.fan]
    handles = await asyncio.gather(
        *(
            paddock.slash(*COMMANDS[n % len(COMMANDS)], user=users[n % len(users)])
            for n in range(50)
        )
    )
    replies = await asyncio.gather(*(handle.response() for handle in handles))

    assert all(r["type"] == CallbackType.CHANNEL_MESSAGE for r in replies)
    delays = [handle.callback_delay for handle in handles]
    assert all(d is not None and d < 3 for d in delays), max(d or 99 for d in delays)
    # Each got its own answer: fifty messages, every one with a story, quote or profile.
    originals = [handle.original for handle in handles]
    assert len({m.id for m in originals if m is not None}) == 50
    assert all(m is not None and m.embeds for m in originals)


async def test_autocomplete_keeps_up_while_fans_type(paddock: DiscordHarness) -> None:
    typed = ["v", "ve", "ver", "vers", "verst", "ham", "lec", "nor", "pia", "rus"] * 3
    handles = await asyncio.gather(
        *(paddock.autocomplete("quote", {"person": text}, "person") for text in typed)
    )
    await asyncio.gather(*(handle.response() for handle in handles))

    assert all(h.callback_delay is not None and h.callback_delay < 3 for h in handles)
    assert handles[4].choices[0]["value"] == "max-verstappen"


async def test_a_payload_discord_py_cannot_parse_fails_the_test(news_db: Path) -> None:
    harness = DiscordHarness()
    with pytest.raises(HarnessFailure) as failure:
        async with harness.running(make_bot(news_db)):
            payload = harness.emulator.interaction_factory.command(
                "latest", {}, channel=harness.world.general
            )
            del payload["attachment_size_limit"]
            await harness.emulator.dispatch_interaction(payload)
            await asyncio.sleep(0.2)

    assert "connect task died" in str(failure.value)
    assert "attachment_size_limit" in str(failure.value)


async def test_a_request_the_emulator_does_not_serve_fails_the_test(news_db: Path) -> None:
    harness = DiscordHarness()
    with pytest.raises(HarnessFailure) as failure:
        async with harness.running(make_bot(news_db)) as running:
            assert running.client is not None
            with pytest.raises(discord.NotFound):
                await running.client.http.request(
                    discord.http.Route("GET", "/guilds/{guild_id}/audit-logs", guild_id=1)
                )

    assert "unhandled request: GET /guilds/1/audit-logs" in str(failure.value)
