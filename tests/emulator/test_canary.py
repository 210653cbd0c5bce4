"""The two discord.py override points the emulator depends on still exist."""

from __future__ import annotations

import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from cogs._loopback import discord_at


class _Target:
    base_url = "http://127.0.0.1:9/api/v10"
    gateway_url = "ws://127.0.0.1:9/"


def test_override_points_exist_and_are_restored() -> None:
    assert isinstance(Route.BASE, str)
    assert Route.BASE.startswith("https://discord.com/api/v10")
    assert isinstance(DiscordWebSocket.DEFAULT_GATEWAY, yarl.URL)
    before = (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)
    with discord_at(_Target()):
        assert Route("GET", "/users/@me").url == "http://127.0.0.1:9/api/v10/users/@me"
        assert yarl.URL("ws://127.0.0.1:9/") == DiscordWebSocket.DEFAULT_GATEWAY
    assert before == (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)
