"""/latest and /story: the newest stories, and a story found from a few words."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.errors import UserFacingError
from bot.news.articles import Article
from bot.news.stories import (
    MAX_LATEST,
    Subject,
    find_stories,
    latest_stories,
    page_body,
    team_subject,
    words_subject,
)
from bot.people.service import KNOWN_ONLY
from bot.people.teams import suggest_teams
from cogs._render import (
    FIELD_LIMIT,
    add_link_field,
    article_embed,
    clip,
    echo,
    list_embed,
    notice_embed,
    page_embed,
    person_choices,
    quoted,
    safe,
)
from cogs._views import PagedView

if TYPE_CHECKING:
    from bot.app import PaddockBot


class ReaderView(PagedView):
    """The full text of one story, a page at a time, for the reader alone."""

    def __init__(self, owner_id: int, article: Article) -> None:
        self.article = article
        self.pages = page_body(article.body)
        super().__init__(owner_id, len(self.pages))

    async def render(self, index: int) -> discord.Embed:
        return page_embed(self.article, self.pages[index], index + 1, self.count)


class StoryView(PagedView):
    """Steps through the matches for /story, with a button to read the one shown."""

    def __init__(self, owner_id: int, bot: PaddockBot, matches: list[Article]) -> None:
        self.bot = bot
        self.matches = matches
        super().__init__(owner_id, len(matches))

    async def render(self, index: int) -> discord.Embed:
        return await story_embed(self.bot, self.matches[index], index, self.count)

    @discord.ui.button(label="Read more", emoji="📖", style=discord.ButtonStyle.primary)
    async def read_more(
        self, interaction: discord.Interaction, button: discord.ui.Button[StoryView]
    ) -> None:
        reader = ReaderView(interaction.user.id, self.matches[self.index])
        await reader.send(interaction, embed=await reader.render(0), ephemeral=True)


async def story_embed(bot: PaddockBot, article: Article, index: int, count: int) -> discord.Embed:
    embed = article_embed(article, footer=f"Match {index + 1} of {count}")
    details = await bot.people.story_details(bot.db, article)
    if details.people:
        embed.add_field(
            name="People", value=clip(", ".join(details.people), FIELD_LIMIT), inline=False
        )
    if details.key_quote:
        text, speaker = details.key_quote
        embed.add_field(
            name=f"Key quote — {speaker}" if speaker else "Key quote",
            value=quoted(text, FIELD_LIMIT),
            inline=False,
        )
    add_link_field(embed, article)
    return embed


class News(commands.Cog):
    def __init__(self, bot: PaddockBot) -> None:
        self.bot = bot

    async def _subject(self, about: str) -> Subject:
        subject = self.bot.people.subject_for(about) or team_subject(about)
        subject = subject or words_subject(about)
        if subject is None:
            raise UserFacingError(f"'{echo(about)}' has no words to look for.")
        return subject

    @app_commands.command(name="latest", description="The newest F1 stories")
    @app_commands.describe(
        count=f"How many stories (1–{MAX_LATEST}, default 5)",
        about="Only stories about a driver, team boss or team",
    )
    async def latest(
        self,
        interaction: discord.Interaction,
        count: app_commands.Range[int, 1, MAX_LATEST] = 5,
        about: app_commands.Range[str, 1, 100] | None = None,
    ) -> None:
        subject = await self._subject(about) if about else None
        result = await latest_stories(self.bot.db, count, subject, viewer=interaction.guild_id)
        if not result.articles:
            if subject:
                text = f"No stories about {safe(subject.label)} yet."
            else:
                text = "No stories yet: they appear here as the news feeds bring them in."
            await interaction.response.send_message(embed=notice_embed(text), ephemeral=True)
            return
        title = f"Latest on {safe(subject.label)}" if subject else "Latest F1 stories"
        await interaction.response.send_message(embed=list_embed(title, result.articles))

    @latest.autocomplete("about")
    async def latest_about_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        # /latest about reads the stories that name a known person, so only those are offered.
        people = person_choices(self.bot.people.autocomplete(current, limit=20, viewer=KNOWN_ONLY))
        teams = [
            app_commands.Choice(name=team.name, value=team.name)
            for team in suggest_teams(current, limit=25 - len(people))
        ]
        # "mcl" means the team before it means Bruce McLaren; an empty box lists drivers first.
        typed = current.strip().casefold()
        first = [t for t in teams if typed and t.name.casefold().startswith(typed)]
        return first + people + [t for t in teams if t not in first]

    @app_commands.command(name="story", description="Find a story and read it here")
    @app_commands.describe(words="Words from the story, e.g. Imola crash")
    async def story(
        self, interaction: discord.Interaction, words: app_commands.Range[str, 1, 200]
    ) -> None:
        matches = await find_stories(self.bot.db, words, viewer=interaction.guild_id)
        if not matches:
            await interaction.response.send_message(
                embed=notice_embed(
                    f"No story matches '{echo(words)}'. Try fewer or different words."
                ),
                ephemeral=True,
            )
            return
        view = StoryView(interaction.user.id, self.bot, matches)
        await view.send(interaction, embed=await view.render(0))


async def setup(bot: PaddockBot) -> None:
    await bot.add_cog(News(bot))
