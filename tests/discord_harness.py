"""Running the real discord.py client against the loopback Discord emulator.

    bot = MyBot(**client_options())
    async with running_bot(bot) as harness:
        handle = await harness.slash("latest", {"count": 3})
        reply = await handle.response()

``DiscordHarness`` seeds a guild (``harness.world``), starts the emulator with request-body
validation against Discord's OpenAPI description, points discord.py at it, starts the client
and waits until it is ready (syncing its command tree, if it has one). On exit it closes
the client and stops the emulator, then fails the test if:

- the client's connect task died. discord.py parses gateway events inside its connect loop,
  so a KeyError while parsing (say, an INTERACTION_CREATE without ``attachment_size_limit``)
  ends ``Client.start()`` with that exception (an ``AutoShardedClient`` re-raises it from its
  event queue), and nothing else notices: the test only sees a reply that never comes. The
  harness runs ``start()`` as a task, races readiness against it, and on exit awaits it and
  re-raises what killed it;
- the bot called a route the emulator does not serve;
- a request body broke the API description, or the emulator itself failed;
- discord.py logged an error (an exception in a command, a view or an event handler), which
  it otherwise only prints.

When the test body itself failed, these are attached to its exception as notes instead.
"""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import discord

from cogs._loopback import point_discord_at, restore_endpoints
from emulator import (
    Channel,
    DiscordEmulator,
    Guild,
    InteractionHandle,
    Member,
    Message,
    Permission,
    RateLimitConfig,
    Role,
)
from emulator.interactions import UserLike
from tests.conftest import openapi_spec

TOKEN = "emulated.bot.token"


class HarnessFailure(AssertionError):
    """The bot misbehaved in a way the test body could not see."""


def client_options(**overrides: Any) -> dict[str, Any]:
    """Constructor options for a Client/Bot under test.

    Ready fires ``guild_ready_timeout`` after the last GUILD_CREATE (2 s by default), and
    chunking would wait for member lists; neither is wanted in a test.
    """
    options: dict[str, Any] = {
        "intents": discord.Intents.default(),
        "guild_ready_timeout": 0.05,
        "chunk_guilds_at_startup": False,
    }
    options.update(overrides)
    return options


@dataclass
class World:
    """The seeded server: an owner, a moderator with Manage Server, and a plain fan."""

    guild: Guild
    general: Channel
    news: Channel
    owner: Member
    moderator: Member
    fan: Member
    moderator_role: Role
    fans_role: Role
    fan_dm: Channel


def seed_world(emulator: DiscordEmulator) -> World:
    state = emulator.state
    guild = state.create_guild("Paddock Test Server")
    general = state.create_text_channel(guild, "general")
    news = state.create_text_channel(guild, "f1-news", topic="Formula 1 news")
    moderator_role = state.create_role(
        guild, "Moderators", permissions=Permission.MANAGE_GUILD | Permission.MANAGE_MESSAGES
    )
    fans_role = state.create_role(guild, "F1 Fans", mentionable=True)
    moderator = state.add_member(guild, state.create_user("marshal"), roles=[moderator_role])
    fan = state.add_member(guild, state.create_user("tifosi"), roles=[fans_role])
    return World(
        guild=guild,
        general=general,
        news=news,
        owner=guild.members[guild.owner_id],
        moderator=moderator,
        fan=fan,
        moderator_role=moderator_role,
        fans_role=fans_role,
        fan_dm=state.create_dm_channel(fan.user),
    )


class _ErrorLog(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            text += "\n" + "".join(traceback.format_exception(record.exc_info[1]))
        self.messages.append(f"{record.name}: {text}")


class DiscordHarness:
    def __init__(
        self,
        *,
        validate: bool = True,
        shard_count: int = 1,
        rate_limits: RateLimitConfig | None = None,
        interaction_window: float = 3.0,
    ) -> None:
        self.emulator = DiscordEmulator(
            spec_path=openapi_spec() if validate else None,
            shard_count=shard_count,
            rate_limits=rate_limits,
            interaction_window=interaction_window,
            token=TOKEN,
        )
        self.world = seed_world(self.emulator)
        self.client: discord.Client | None = None

    @asynccontextmanager
    async def running(
        self,
        client: discord.Client,
        *,
        sync_commands: bool = True,
        ready_within: float = 10.0,
        fail_on_logged_errors: bool = True,
    ) -> AsyncIterator[DiscordHarness]:
        errors = _ErrorLog()
        discord_log = logging.getLogger("discord")
        discord_log.addHandler(errors)
        await self.emulator.start()
        previous = point_discord_at(self.emulator)
        self.client = client
        task = asyncio.create_task(client.start(TOKEN), name="discord client")
        try:
            await _until_ready(client, task, ready_within)
            tree = getattr(client, "tree", None)
            if sync_commands and isinstance(tree, discord.app_commands.CommandTree):
                await tree.sync()
            yield self
        except BaseException as exc:
            for problem in await self._shut_down(client, task, previous, errors, discord_log):
                exc.add_note(problem)
            raise
        problems = await self._shut_down(client, task, previous, errors, discord_log)
        if not fail_on_logged_errors:
            problems = [p for p in problems if not p.startswith("discord.py logged")]
        if problems:
            raise HarnessFailure("\n\n".join(problems))

    async def _shut_down(
        self,
        client: discord.Client,
        task: asyncio.Task[None],
        previous: Any,
        errors: _ErrorLog,
        discord_log: logging.Logger,
    ) -> list[str]:
        problems: list[str] = []
        try:
            await client.close()
            try:
                async with asyncio.timeout(5):
                    await task
            except TimeoutError:
                task.cancel()
                problems.append("the discord client did not stop within 5 s of close()")
            except Exception as exc:
                trace = "".join(traceback.format_exception(exc))
                problems.append(f"the discord client's connect task died:\n{trace}")
        finally:
            restore_endpoints(previous)
            await self.emulator.stop()
            discord_log.removeHandler(errors)
        problems += self.emulator.problems()
        problems += [f"discord.py logged an error: {m}" for m in errors.messages]
        return problems

    # --- shortcuts for the seeded world ------------------------------------------------------

    async def slash(
        self,
        path: str,
        options: Mapping[str, Any] | None = None,
        *,
        channel: Channel | None = None,
        user: UserLike | None = None,
        enforce_limits: bool = True,
    ) -> InteractionHandle:
        """Run a slash command, by default as the owner in #general."""
        return await self.emulator.slash_command(
            path,
            options,
            channel=channel or self.world.general,
            user=user,
            enforce_limits=enforce_limits,
        )

    async def autocomplete(
        self,
        path: str,
        options: Mapping[str, Any],
        focused: str,
        *,
        channel: Channel | None = None,
        user: UserLike | None = None,
    ) -> InteractionHandle:
        return await self.emulator.autocomplete(
            path, options, focused, channel=channel or self.world.general, user=user
        )

    async def press(
        self, message: Message, custom_id: str, *, user: UserLike | None = None
    ) -> InteractionHandle:
        return await self.emulator.press(message, custom_id, user=user)


@asynccontextmanager
async def running_bot(
    client: discord.Client, *, sync_commands: bool = True, **harness_options: Any
) -> AsyncIterator[DiscordHarness]:
    """A fresh harness (see ``DiscordHarness`` for options) running ``client``."""
    harness = DiscordHarness(**harness_options)
    async with harness.running(client, sync_commands=sync_commands) as running:
        yield running


async def _until_ready(client: discord.Client, task: asyncio.Task[None], within: float) -> None:
    # wait_until_ready() cannot be awaited before login has set the client up, so poll.
    async with asyncio.timeout(within):
        while not client.is_ready():
            if task.done():
                exc = task.exception()
                raise HarnessFailure(f"the discord client stopped before ready: {exc!r}") from exc
            await asyncio.sleep(0.01)
