"""/quote and /driver: what a person said, and who they are."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.people.directory import Person, describe_rounds, race_seats_by_season
from bot.people.learned import LEARNED_LABEL
from bot.people.service import Profile, StoredQuote, next_quote
from cogs._render import (
    EMBED_COLOUR,
    FIELD_LIMIT,
    clip,
    link,
    notice_embed,
    person_choices,
    quoted,
    safe,
    source_embed,
)
from cogs._views import OwnedView

if TYPE_CHECKING:
    from bot.app import PaddockBot


def story_link(title: str, url: str | None) -> str:
    """A story's title linked to it. An address too long for a field is dropped rather than
    cut, which would break the link."""
    shown = safe(title, 200)
    linked = link(shown, url)
    return linked if len(linked) <= FIELD_LIMIT else shown


def add_latest_quote(embed: discord.Embed, profile: Profile) -> None:
    quote = profile.latest_quote
    if quote:
        embed.add_field(
            name=f"Latest quote · {quote.said_at[:10]}",
            value=quoted(quote.text, FIELD_LIMIT),
            inline=False,
        )


def quote_embed(person: Person, quote: StoredQuote) -> discord.Embed:
    embed = discord.Embed(description=quoted(quote.text, 4096), colour=EMBED_COLOUR)
    stint = person.latest_stint
    team = f" · {stint.team}" if stint and stint.team else ""
    embed.set_author(name=clip(f"{person.name}{team} · {quote.said_at[:10]}", 256))
    embed.add_field(
        name="Source", value=story_link(quote.article_title, quote.article_url), inline=False
    )
    return embed


class QuoteView(OwnedView):
    """'Another' steps through the person's other quotes; 'Source' shows where it was said."""

    def __init__(
        self, owner_id: int, bot: PaddockBot, person: Person, quotes: list[StoredQuote]
    ) -> None:
        super().__init__(owner_id)
        self.bot = bot
        self.person = person
        self.quotes = quotes
        self.current = quotes[0]
        self.another.disabled = len(quotes) < 2

    @discord.ui.button(label="Another", emoji="🔁", style=discord.ButtonStyle.primary)
    async def another(
        self, interaction: discord.Interaction, button: discord.ui.Button[QuoteView]
    ) -> None:
        chosen = next_quote(self.quotes, self.current)
        if chosen is None:
            await interaction.response.send_message("That's every quote I have.", ephemeral=True)
            return
        self.current = chosen
        await interaction.response.edit_message(embed=quote_embed(self.person, chosen), view=self)

    @discord.ui.button(label="Source", emoji="📰", style=discord.ButtonStyle.secondary)
    async def source(
        self, interaction: discord.Interaction, button: discord.ui.Button[QuoteView]
    ) -> None:
        found = await self.bot.people.quote_source(self.bot.db, self.current)
        if found is None:
            await interaction.response.send_message(
                "That story is no longer stored.", ephemeral=True
            )
            return
        embed = source_embed(found.article, found.context)
        await interaction.response.send_message(embed=embed, ephemeral=True)


def learned_embed(person: Person, profile: Profile) -> discord.Embed:
    """The short card of a person learned from the news: what the story said they are and
    where they were first seen."""
    embed = discord.Embed(title=clip(person.name, 256), colour=EMBED_COLOUR)
    embed.description = f"{LEARNED_LABEL.capitalize()}: not in the F1 directory."
    if profile.role:
        embed.add_field(name="Role", value=clip(profile.role, 256))
    if profile.team:
        embed.add_field(name="Team", value=clip(profile.team, 256))
    learned = profile.learned
    if learned is not None and learned.first_seen_title:
        embed.add_field(
            name=f"First seen · {learned.first_seen_at[:10]}",
            value=story_link(learned.first_seen_title, learned.first_seen_url),
            inline=False,
        )
    add_latest_quote(embed, profile)
    return embed


def profile_embed(person: Person, profile: Profile) -> discord.Embed:
    if profile.learned is not None:
        return learned_embed(person, profile)
    embed = discord.Embed(title=clip(person.name, 256), colour=EMBED_COLOUR)
    if profile.team:
        role = "" if profile.role in (None, "driver") else f" ({profile.role})"
        embed.add_field(name="Team", value=clip(f"{profile.team}{role}", FIELD_LIMIT))
    number = person.current_number
    if number is not None:
        permanent = f" (permanent #{person.number})" if person.number not in (None, number) else ""
        embed.add_field(name="Number", value=f"#{number}{permanent}")
    if person.code:
        embed.add_field(name="Code", value=person.code)
    nationality = person.nationality or person.country
    if nationality:
        embed.add_field(name="Nationality", value=clip(nationality, 256))
    if person.date_of_birth:
        embed.add_field(name="Born", value=person.date_of_birth.isoformat())
    if profile.titles:
        count = len(profile.titles)
        label = "World champion" if count == 1 else f"{count}× world champion"
        embed.add_field(name=label, value=clip(", ".join(map(str, profile.titles)), 256))
    seasons = person.seasons()
    if seasons:
        span = f"{seasons[0]}–{seasons[-1]}" if len(seasons) > 1 else str(seasons[0])
        embed.add_field(name="F1 seasons", value=f"{span} ({len(seasons)})")
    seats = [
        f"{season}: "
        + ", ".join(
            f"{seat.team} ({rounds})" if (rounds := describe_rounds(seat.rounds)) else seat.team
            for seat in stints
        )
        for season, stints in race_seats_by_season(person)
    ]
    if seats:
        embed.add_field(name="Teams", value=clip("\n".join(seats), FIELD_LIMIT), inline=False)
    if profile.stories:
        lines: list[str] = []
        for article in profile.stories:
            line = link(safe(article.title, 150), article.url)
            # Whole lines only: a link cut short would show its markdown.
            if len("\n".join([*lines, line])) > FIELD_LIMIT:
                break
            lines.append(line)
        if lines:
            embed.add_field(name="Latest stories", value="\n".join(lines), inline=False)
    add_latest_quote(embed, profile)
    return embed


class People(commands.Cog):
    def __init__(self, bot: PaddockBot) -> None:
        self.bot = bot

    async def person_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        await self.bot.people.refresh(self.bot.db)
        return person_choices(
            self.bot.people.autocomplete(current, limit=25, viewer=interaction.guild_id)
        )

    @app_commands.command(
        name="quote", description="What a driver or team boss said, with the source"
    )
    @app_commands.describe(
        person="A driver, team boss or official", about="Only quotes with these words"
    )
    async def quote(
        self,
        interaction: discord.Interaction,
        person: app_commands.Range[str, 1, 100],
        about: app_commands.Range[str, 1, 100] | None = None,
    ) -> None:
        await self.bot.people.refresh(self.bot.db)
        who = self.bot.people.resolve_one(person, viewer=interaction.guild_id)
        quotes = await self.bot.people.quotes(self.bot.db, who, about, viewer=interaction.guild_id)
        if not quotes:
            await interaction.response.send_message(
                embed=await self._no_quotes(who, about, interaction.guild_id), ephemeral=True
            )
            return
        view = QuoteView(interaction.user.id, self.bot, who, quotes)
        await view.send(interaction, embed=quote_embed(who, quotes[0]))

    async def _no_quotes(self, who: Person, about: str | None, viewer: int | None) -> discord.Embed:
        name = safe(who.name)
        if about:
            text = f"I have no quotes from {name} about '{safe(' '.join(about.split()), 60)}'."
        else:
            text = f"I have no quotes from {name} yet."
        profile = await self.bot.people.profile(self.bot.db, who, viewer=viewer)
        if profile.stories:
            titles = "\n".join(f"• {safe(a.title, 150)}" for a in profile.stories)
            text += f"\n\nTheir latest stories:\n{titles}"
        return notice_embed(text)

    @app_commands.command(name="driver", description="A driver's profile, latest stories and quote")
    @app_commands.describe(name="A driver, team boss or official")
    async def driver(
        self, interaction: discord.Interaction, name: app_commands.Range[str, 1, 100]
    ) -> None:
        await self.bot.people.refresh(self.bot.db)
        who = self.bot.people.resolve_one(name, viewer=interaction.guild_id)
        profile = await self.bot.people.profile(self.bot.db, who, viewer=interaction.guild_id)
        await interaction.response.send_message(embed=profile_embed(who, profile))

    quote.autocomplete("person")(person_autocomplete)
    driver.autocomplete("name")(person_autocomplete)


async def setup(bot: PaddockBot) -> None:
    await bot.add_cog(People(bot))
