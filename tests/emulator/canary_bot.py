"""A tiny bot that uses each Discord feature the project relies on, for the canary tests."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from tests.discord_harness import client_options

DRIVERS = [
    "Albon", "Alonso", "Antonelli", "Bearman", "Bortoleto", "Colapinto", "Gasly", "Hadjar",
    "Hamilton", "Hulkenberg", "Lawson", "Leclerc", "Norris", "Ocon", "Piastri", "Russell",
    "Sainz", "Stroll", "Tsunoda", "Verstappen", "Doohan", "Bottas", "Perez", "Magnussen",
    "Zhou", "Ricciardo", "Sargeant", "de Vries", "Vettel", "Raikkonen",
]  # fmt: skip


class ConfirmView(discord.ui.View):
    @discord.ui.button(label="Confirm", custom_id="confirm", style=discord.ButtonStyle.success)
    async def confirm(
        self, interaction: discord.Interaction, button: discord.ui.Button[ConfirmView]
    ) -> None:
        await interaction.response.edit_message(content="Confirmed", view=None)


class TipModal(discord.ui.Modal, title="Send a tip"):
    tip: discord.ui.TextInput[TipModal] = discord.ui.TextInput(label="Tip", custom_id="tip")

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"Thanks for: {self.tip.value}", ephemeral=True)


class CanaryBot(commands.Bot):
    def __init__(self, **overrides: object) -> None:
        super().__init__(command_prefix=commands.when_mentioned, **client_options(**overrides))

    async def setup_hook(self) -> None:
        self.tree.add_command(driver)
        self.tree.add_command(slow)
        self.tree.add_command(paddock)
        self.tree.add_command(tip)


@app_commands.command(description="Pick a driver")
@app_commands.describe(name="Driver surname")
async def driver(interaction: discord.Interaction, name: str) -> None:
    await interaction.response.send_message(f"You picked {name}", view=ConfirmView())


@driver.autocomplete("name")
async def driver_autocomplete(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    matches = [d for d in DRIVERS if current.lower() in d.lower()]
    return [app_commands.Choice(name=d, value=d) for d in matches[:25]]


@app_commands.command(description="Think first, answer later")
async def slow(interaction: discord.Interaction) -> None:
    await interaction.response.defer(thinking=True)
    await interaction.followup.send("done")


@app_commands.command(description="Send the newsroom a tip")
async def tip(interaction: discord.Interaction) -> None:
    await interaction.response.send_modal(TipModal())


paddock = app_commands.Group(name="paddock", description="Paddock settings")
channel_group = app_commands.Group(name="channel", description="News channel", parent=paddock)


@channel_group.command(name="set", description="Post news in a channel")
@app_commands.default_permissions(manage_guild=True)
async def channel_set(interaction: discord.Interaction, channel: discord.TextChannel) -> None:
    await interaction.response.send_message(f"News will go to {channel.mention}", ephemeral=True)
