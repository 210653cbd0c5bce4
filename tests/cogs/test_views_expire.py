"""Buttons that have stopped answering are taken off the reply, not left to fail."""

from __future__ import annotations

import asyncio

import pytest

from cogs import _views
from emulator import Message
from tests.cogs.conftest import answer, button
from tests.discord_harness import DiscordHarness

SHORT_TIMEOUT = 0.5


@pytest.fixture(autouse=True)
def short_view_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_views, "VIEW_TIMEOUT", SHORT_TIMEOUT)


async def buttons_gone(message: Message, within: float = 10.0) -> bool:
    for _ in range(int(within / 0.05)):
        if not message.components:
            return True
        await asyncio.sleep(0.05)
    return False


async def test_quote_buttons_go_when_they_expire(paddock: DiscordHarness) -> None:
    message = await answer(paddock, "quote", {"person": "russell"})
    quote = message.embeds[0]["description"]
    assert button(message, "Another")

    assert await buttons_gone(message)
    # The quote itself stays as it was.
    assert message.embeds[0]["description"] == quote


async def test_story_and_reader_buttons_go_when_they_expire(paddock: DiscordHarness) -> None:
    story = await answer(paddock, "story", {"words": "imola"})
    opened = await paddock.press(story, button(story, "Read more"))
    await opened.response()
    reader = opened.original
    assert reader is not None and reader.ephemeral
    assert button(reader, "Next")

    assert await buttons_gone(story)
    assert await buttons_gone(reader)
    assert story.embeds and reader.embeds
