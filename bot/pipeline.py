"""What happens to every stored story, wired in one place for the CLI, bot and poller."""

from __future__ import annotations

import aiosqlite

from bot.ingest import AfterStore
from bot.quote_service import quote_hook


async def article_hooks(conn: aiosqlite.Connection) -> list[AfterStore]:
    """The steps that run inside the transaction storing each new or edited story."""
    return [await quote_hook(conn)]
