"""Paddock as an ``AutoShardedBot``, for the presence benchmark (thousands of servers).

``PaddockBot`` is a ``commands.Bot``; mixing it with ``commands.AutoShardedBot`` keeps its
set-up (database, people, cogs) and takes discord.py's sharding: the shard count comes from
``GET /gateway/bot`` and each shard holds its own gateway connection.
"""

from __future__ import annotations

from discord.ext import commands

from bot.app import PaddockBot


class ShardedPaddockBot(PaddockBot, commands.AutoShardedBot):
    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        # discord.py spaces IDENTIFYs 5 s apart for Discord's session start limit; the
        # emulator has none, and the wait would only measure the sleep.
        return None
