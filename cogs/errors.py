"""One place that turns command errors into friendly replies and logs the rest."""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.errors import UserFacingError
from bot.people.service import NoSuchPerson
from cogs._render import echo, safe

log = logging.getLogger(__name__)

UNEXPECTED = "Something went wrong on Paddock's side. It has been logged; please try again."


def message_for(error: app_commands.AppCommandError) -> str | None:
    """The reply for errors users can act on; None for bugs, which are logged instead."""
    original = getattr(error, "original", None)
    if isinstance(original, NoSuchPerson):
        typed = echo(original.query)
        hint = " or ".join(safe(name) for name in original.suggestions[:2])
        return f"No one matches '{typed}'" + (f" — did you mean {hint}?" if hint else ".")
    if isinstance(original, UserFacingError):
        return str(original)
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command only works inside a server."
    if isinstance(error, app_commands.MissingPermissions):
        return "Only members with the **Manage Server** permission can change Paddock's settings."
    if isinstance(error, app_commands.BotMissingPermissions):
        missing = ", ".join(p.replace("_", " ") for p in error.missing_permissions)
        return f"I need these permissions here first: {missing}."
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down a little: try again in {error.retry_after:.0f} s."
    if isinstance(error, app_commands.TransformerError):
        return f"I couldn't understand '{echo(str(error.value))}'."
    if isinstance(error, app_commands.CheckFailure):
        return "You can't use this command here."
    return None


class ErrorHandler(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot
        self._previous = bot.tree.on_error
        bot.tree.error(self.on_app_command_error)

    async def cog_unload(self) -> None:
        self.bot.tree.error(self._previous)

    async def on_app_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        text = message_for(error)
        if text is None:
            command = interaction.command.qualified_name if interaction.command else "?"
            log.error(
                "/%s failed (guild %s, channel %s, user %s)",
                command,
                interaction.guild_id,
                interaction.channel_id,
                interaction.user.id,
                exc_info=error,
            )
            text = UNEXPECTED
        await reply_ephemeral(interaction, text)


async def reply_ephemeral(interaction: discord.Interaction, text: str) -> None:
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True)
        else:
            await interaction.response.send_message(text, ephemeral=True)
    except discord.HTTPException:
        log.warning("could not tell the user about an error", exc_info=True)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(ErrorHandler(bot))
