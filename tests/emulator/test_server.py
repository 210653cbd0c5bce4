"""The emulator's HTTP side on its own: recording, exact headers, faults, validation."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from emulator import DiscordEmulator
from tests.conftest import openapi_spec, shared


@pytest.fixture
async def emulator() -> AsyncIterator[DiscordEmulator]:
    async with DiscordEmulator(spec_path=openapi_spec()) as running:
        yield running


async def test_json_content_type_is_exact(emulator: DiscordEmulator) -> None:
    async with aiohttp.ClientSession() as http, http.get(f"{emulator.base_url}/users/@me") as r:
        assert r.headers["Content-Type"] == "application/json"
        assert (await r.json())["id"] == str(emulator.state.bot_user.id)


async def test_unknown_routes_are_404_and_recorded(emulator: DiscordEmulator) -> None:
    url = f"{emulator.base_url}/guilds/1/bans/2"
    async with aiohttp.ClientSession() as http, http.post(url, json={}) as r:
        assert r.status == 404
    [unhandled] = emulator.unhandled
    assert unhandled.route == "POST /guilds/1/bans/2"
    assert emulator.problems() == ["unhandled request: POST /guilds/1/bans/2"]


async def test_bodies_that_break_the_spec_are_recorded(emulator: DiscordEmulator) -> None:
    shared("data/discord-api-spec/openapi.json", "Discord's OpenAPI description")
    guild = emulator.state.create_guild()
    channel = emulator.state.create_text_channel(guild, "news")
    url = f"{emulator.base_url}/channels/{channel.id}/messages"
    async with aiohttp.ClientSession() as http:
        async with http.post(url, json={"content": "fine", "embeds": [{"title": 5}]}) as r:
            assert r.status == 200
        async with http.post(url, json={"content": "x" * 2001}) as r:
            assert r.status == 400
            assert (await r.json())["code"] == 50035
    assert [v.request.route for v in emulator.violations] == [
        "POST /channels/{channel_id}/messages"
    ]
    assert "embeds/0/title" in emulator.violations[0].message


async def test_injected_429_has_what_discord_py_needs(emulator: DiscordEmulator) -> None:
    emulator.faults.inject("GET /users/@me", 429, retry_after=0.25)
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{emulator.base_url}/users/@me") as r:
            assert r.status == 429
            assert r.headers["Via"]
            assert r.headers["Content-Type"] == "application/json"
            assert await r.json() == {
                "message": "You are being rate limited.",
                "retry_after": 0.25,
                "global": False,
            }
        async with http.get(f"{emulator.base_url}/users/@me") as r:
            assert r.status == 200
    assert [r.fault for r in emulator.requests] == ["injected 429", None]


async def test_an_identify_without_a_payload_is_closed_as_discord_closes_it(
    emulator: DiscordEmulator,
) -> None:
    async with aiohttp.ClientSession() as http, http.ws_connect(emulator.gateway_url) as ws:
        hello = await ws.receive_json()
        assert hello["op"] == 10
        await ws.send_json({"op": 2, "d": None})
        closing = await ws.receive()
        assert closing.type is aiohttp.WSMsgType.CLOSE
        assert closing.data == 4002
    assert emulator.gateway.identifies == []
