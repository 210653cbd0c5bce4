"""The Discord bot: a ``commands.Bot`` that owns the database and loads the cogs."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
from collections.abc import Sequence
from contextlib import AsyncExitStack
from typing import Any

import discord
from discord.ext import commands

from bot.feeds.safe_fetch import AddressPolicy, SafeFetcher
from bot.health import Heartbeat
from bot.settings import Settings
from storage.bot_state import get_state, set_state
from storage.database import Database

log = logging.getLogger(__name__)

EXTENSIONS: tuple[str, ...] = (
    "cogs.errors",
    "cogs.news",
    "cogs.people",
    "cogs.config",
    "cogs.autopost",
)
_SYNC_STATE_KEY = "command_tree_hash"


class PaddockBot(commands.Bot):
    """Paddock on Discord. Slash commands only, so it needs no privileged intents."""

    def __init__(
        self,
        settings: Settings,
        *,
        extensions: Sequence[str] = EXTENSIONS,
        sync_commands: bool = True,
        record_health: bool = False,
        database: Database | None = None,
        **options: Any,
    ) -> None:
        intents = discord.Intents.none()
        intents.guilds = True
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            help_command=None,
            # Nobody is pinged unless a send names them explicitly (delivery role pings).
            allowed_mentions=discord.AllowedMentions.none(),
            **options,
        )
        self.settings = settings
        self.extension_names = tuple(extensions)
        self.sync_on_start = sync_commands
        # Only the bot `paddock run` starts writes the heartbeat `paddock health` reads; the
        # console and `paddock sync` must not pass for it.
        self.heartbeat = Heartbeat()
        self._record_health = record_health
        self._heartbeat_task: asyncio.Task[None] | None = None
        # Opened by the caller (``paddock run`` checks the file before logging in), else in
        # setup_hook.
        self._db: Database | None = database
        self._resources = AsyncExitStack()

    @property
    def db(self) -> Database:
        """The database: ``db.write()`` for changes, ``db.reader`` for commands that only
        read, which never wait behind a write."""
        if self._db is None:
            raise RuntimeError("the database opens in setup_hook, before any command runs")
        return self._db

    async def setup_hook(self) -> None:
        from bot.people.service import people_service

        if self._db is None:
            self._db = await Database.open(self.settings.database)
        self.people = await people_service(self._db)
        policy = AddressPolicy.from_settings(self.settings.allow_private_feeds)
        self.fetcher = await self._resources.enter_async_context(SafeFetcher(policy))
        for extension in self.extension_names:
            await self.load_extension(extension)
        if self.sync_on_start:
            await self.sync_commands(only_if_changed=True)
        if self._record_health:
            self._heartbeat_task = asyncio.create_task(
                self.heartbeat.run(self.db), name="heartbeat"
            )

    async def on_connect(self) -> None:
        self.heartbeat.gateway_connected()

    async def on_resumed(self) -> None:
        self.heartbeat.gateway_connected()

    async def on_disconnect(self) -> None:
        self.heartbeat.gateway_disconnected()

    async def sync_commands(self, *, only_if_changed: bool = False) -> int:
        """Register the slash commands: in the dev guild when set (instant), else globally.

        Global registration is rate limited by Discord, so at start-up it only runs when the
        command tree differs from the one registered last time.
        """
        guild = discord.Object(self.settings.dev_guild) if self.settings.dev_guild else None
        if guild is not None:
            self.tree.copy_global_to(guild=guild)
        payload = [command.to_dict(self.tree) for command in self.tree.get_commands(guild=guild)]
        digest = hashlib.sha256(
            json.dumps([guild and guild.id, payload], sort_keys=True).encode()
        ).hexdigest()
        if only_if_changed and await get_state(self.db.reader, _SYNC_STATE_KEY) == digest:
            log.info("slash commands unchanged since the last sync; not registering again")
            return len(payload)
        synced = await self.tree.sync(guild=guild)
        await set_state(self.db, _SYNC_STATE_KEY, digest)
        where = f"guild {guild.id}" if guild else "all servers (global)"
        log.info("registered %d slash commands for %s", len(synced), where)
        return len(synced)

    async def close(self) -> None:
        await super().close()
        await self._resources.aclose()
        if self._heartbeat_task is not None and self._db is not None:
            self._heartbeat_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._heartbeat_task
            self._heartbeat_task = None
            await self.heartbeat.stopped(self._db)
        if self._db is not None:
            await self._db.close()
            self._db = None


def create_bot(settings: Settings, **options: Any) -> PaddockBot:
    """Build the bot without connecting; ``start(token)`` or the console connects it."""
    return PaddockBot(settings, **options)
