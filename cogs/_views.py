"""Base view: buttons that only their user can press, with the same error handling."""

from __future__ import annotations

import logging
from typing import Any

import discord

from cogs.errors import UNEXPECTED, reply_ephemeral

log = logging.getLogger(__name__)

# Buttons stop answering after this many idle seconds, and are then taken off the message.
# Discord lets a bot edit its reply for 15 minutes, so this must stay well under that.
VIEW_TIMEOUT = 600.0


class OwnedView(discord.ui.View):
    """Buttons under a reply; only the person who ran the command may press them."""

    def __init__(self, owner_id: int) -> None:
        super().__init__(timeout=VIEW_TIMEOUT)
        self.owner_id = owner_id
        self._reply: discord.Interaction | None = None

    async def send(self, interaction: discord.Interaction, **reply: Any) -> None:
        """Reply to ``interaction`` with these buttons, remembering where they are."""
        await interaction.response.send_message(view=self, **reply)
        self._reply = interaction

    async def on_timeout(self) -> None:
        # Buttons that no longer answer would only fail when pressed: take them away.
        if self._reply is None:
            return
        try:
            await self._reply.edit_original_response(view=None)
        except discord.HTTPException as exc:
            log.debug("could not take expired buttons off a reply: %s", exc)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id == self.owner_id:
            return True
        await interaction.response.send_message(
            "These buttons belong to someone else's command: run it yourself to browse.",
            ephemeral=True,
        )
        return False

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        log.error("button %r failed", getattr(item, "label", item), exc_info=error)
        await reply_ephemeral(interaction, UNEXPECTED)


class PagedView(OwnedView):
    """Previous / Next over a list of pages rendered by ``render(index)``."""

    def __init__(self, owner_id: int, count: int) -> None:
        super().__init__(owner_id)
        self.index = 0
        self.count = count
        self._sync_buttons()

    def _sync_buttons(self) -> None:
        self.previous_page.disabled = self.index <= 0
        self.next_page.disabled = self.index >= self.count - 1

    async def render(self, index: int) -> discord.Embed:
        raise NotImplementedError

    async def _show(self, interaction: discord.Interaction) -> None:
        self._sync_buttons()
        await interaction.response.edit_message(embed=await self.render(self.index), view=self)

    @discord.ui.button(label="Previous", emoji="◀️", style=discord.ButtonStyle.secondary)
    async def previous_page(
        self, interaction: discord.Interaction, button: discord.ui.Button[PagedView]
    ) -> None:
        self.index = max(0, self.index - 1)
        await self._show(interaction)

    @discord.ui.button(label="Next", emoji="▶️", style=discord.ButtonStyle.secondary)
    async def next_page(
        self, interaction: discord.Interaction, button: discord.ui.Button[PagedView]
    ) -> None:
        self.index = min(self.count - 1, self.index + 1)
        await self._show(interaction)
