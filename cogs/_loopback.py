"""Point discord.py at the loopback Discord emulator instead of discord.com.

discord.py has two class-level addresses: ``Route.BASE`` for every REST call (interaction
callbacks and webhook follow-ups included) and ``DiscordWebSocket.DEFAULT_GATEWAY``, which a
plain ``Client`` connects to without asking ``GET /gateway``. Both are process-wide, so
tests restore them when done; the console sets them once for the life of the process.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route


class LoopbackTarget(Protocol):
    @property
    def base_url(self) -> str: ...

    @property
    def gateway_url(self) -> str: ...


@dataclass(frozen=True)
class DiscordEndpoints:
    rest_base: str
    gateway: yarl.URL


def current_endpoints() -> DiscordEndpoints:
    return DiscordEndpoints(Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)


def point_discord_at(target: LoopbackTarget) -> DiscordEndpoints:
    """Send discord.py's REST and gateway traffic to ``target``; returns what was there."""
    previous = current_endpoints()
    Route.BASE = target.base_url
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(target.gateway_url)
    return previous


def restore_endpoints(previous: DiscordEndpoints) -> None:
    Route.BASE = previous.rest_base
    DiscordWebSocket.DEFAULT_GATEWAY = previous.gateway


@contextmanager
def discord_at(target: LoopbackTarget) -> Iterator[None]:
    """``with discord_at(emulator):`` — the overrides hold for the block only."""
    previous = point_discord_at(target)
    try:
        yield
    finally:
        restore_endpoints(previous)
