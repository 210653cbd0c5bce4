"""/paddock …: a server's news channel, filters, role ping and pause switch.

Manage Server is required twice over: Discord hides the group from others by default, and
every command checks the member's permissions again when it runs, since server admins can
override the default in their settings.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.delivery.server_settings import (
    Feed,
    ServerSettings,
    ServerStatus,
    StoryOutcome,
)
from bot.delivery.servers import MAX_FILTERS_PER_KIND, FilterKind, GuildConfig, GuildFilter
from bot.errors import UserFacingError
from bot.feeds.reading import FeedError
from bot.people.service import KNOWN_ONLY
from bot.people.teams import TEAMS, resolve_team, suggest_teams
from cogs._render import EMBED_COLOUR, clip, echo, person_choices, safe

if TYPE_CHECKING:
    from bot.app import PaddockBot

_KEYWORD = re.compile(r"^[\w][\w '’&.+-]{0,48}[\w.+]?$")
_KIND_LABEL = {"person": "people", "team": "teams", "keyword": "keywords"}


def _catching_up(missed: int) -> str:
    if not missed:
        return "."
    stories = "story" if missed == 1 else f"{missed} stories"
    return f", starting with the {stories} missed meanwhile."


REQUIRED_CHANNEL_PERMISSIONS = ("view_channel", "send_messages", "embed_links")


def describe_config(config: GuildConfig) -> discord.Embed:
    embed = discord.Embed(title="Paddock in this server", colour=EMBED_COLOUR)
    channel = f"<#{config.news_channel_id}>" if config.news_channel_id else "not set"
    role = f"<@&{config.ping_role_id}>" if config.ping_role_id else "nobody is pinged"
    if config.paused:
        state = "⏸️ paused" + (f" — {safe(config.paused_reason)}" if config.paused_reason else "")
    else:
        state = "▶️ posting" if config.news_channel_id else "waiting for a news channel"
    embed.add_field(name="News channel", value=channel)
    embed.add_field(name="Role ping", value=role)
    embed.add_field(name="State", value=clip(state, 1024))
    for kind in ("person", "team", "keyword"):
        items = config.filters_of(kind)
        value = ", ".join(safe(f.label) for f in items) if items else "any"
        embed.add_field(name=f"Filter: {_KIND_LABEL[kind]}", value=clip(value, 1024), inline=False)
    if not config.news_channel_id:
        embed.set_footer(text="Start with /paddock channel set to choose where news goes.")
    return embed


class Config(commands.Cog):
    paddock = app_commands.Group(
        name="paddock",
        description="Configure Paddock for this server",
        guild_only=True,
        default_permissions=discord.Permissions(manage_guild=True),
    )
    channel = app_commands.Group(name="channel", description="Where news is posted", parent=paddock)
    filter_group = app_commands.Group(
        name="filter", description="Which stories are posted", parent=paddock
    )
    role = app_commands.Group(name="role", description="A role pinged with news", parent=paddock)
    feeds = app_commands.Group(
        name="feeds", description="News feeds read for this server", parent=paddock
    )

    def __init__(self, bot: PaddockBot) -> None:
        self.bot = bot
        self.servers = ServerSettings(bot.db)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.guild_id is None:
            raise app_commands.NoPrivateMessage()
        if not interaction.permissions.manage_guild:
            raise app_commands.MissingPermissions(["manage_guild"])
        return True

    async def _confirm(self, interaction: discord.Interaction, text: str) -> None:
        config = await self.servers.config(_guild_id(interaction))
        await interaction.response.send_message(text, embed=describe_config(config), ephemeral=True)

    @paddock.command(name="show", description="Show this server's Paddock settings")
    async def show(self, interaction: discord.Interaction) -> None:
        config = await self.servers.config(_guild_id(interaction))
        await interaction.response.send_message(embed=describe_config(config), ephemeral=True)

    @channel.command(name="set", description="Post news in this channel")
    @app_commands.describe(channel="A text channel Paddock can post in")
    async def channel_set(
        self, interaction: discord.Interaction, channel: discord.TextChannel
    ) -> None:
        me = channel.guild.me
        history_note = ""
        if me is not None:
            allowed = channel.permissions_for(me)
            missing = [p for p in REQUIRED_CHANNEL_PERMISSIONS if not getattr(allowed, p)]
            if missing:
                names = ", ".join(p.replace("_", " ").title() for p in missing)
                raise UserFacingError(
                    f"I can't post in {channel.mention}: I'm missing {names} there. "
                    "Give me those permissions and try again."
                )
            if not allowed.read_message_history:
                history_note = (
                    " Give me Read Message History there too: after a restart it lets me check "
                    "that a post went out before I send it again."
                )
        missed = await self.servers.set_channel(_guild_id(interaction), channel.id)
        text = f"News will be posted in {channel.mention}.{history_note}"
        if missed is not None:
            text += " Posting has resumed" + _catching_up(missed)
        await self._confirm(interaction, text)

    @channel.command(name="clear", description="Stop posting news in this server")
    async def channel_clear(self, interaction: discord.Interaction) -> None:
        await self.servers.clear_channel(_guild_id(interaction))
        await self._confirm(interaction, "News will no longer be posted in this server.")

    @role.command(name="set", description="Ping a role with every story posted")
    async def role_set(self, interaction: discord.Interaction, role: discord.Role) -> None:
        if role.is_default():
            raise UserFacingError("I won't ping @everyone. Pick a role made for news alerts.")
        if role.managed:
            raise UserFacingError(f"{role.mention} belongs to an integration; pick another role.")
        await self.servers.set_role(_guild_id(interaction), role.id)
        note = ""
        if not role.mentionable:
            note = " It isn't mentionable, so make it mentionable or the ping won't notify anyone."
        await self._confirm(interaction, f"New stories will ping {role.mention}.{note}")

    @role.command(name="clear", description="Stop pinging a role")
    async def role_clear(self, interaction: discord.Interaction) -> None:
        await self.servers.set_role(_guild_id(interaction), None)
        await self._confirm(interaction, "New stories will not ping anyone.")

    @paddock.command(name="pause", description="Stop posting for now (settings are kept)")
    async def pause(self, interaction: discord.Interaction) -> None:
        await self.servers.pause(_guild_id(interaction), by=interaction.user.name)
        await self._confirm(interaction, "Paused. Stories arriving meanwhile won't be posted.")

    @paddock.command(name="resume", description="Start posting again")
    async def resume(self, interaction: discord.Interaction) -> None:
        missed = await self.servers.resume(_guild_id(interaction))
        text = "Resumed: new stories will be posted again."
        if missed is not None:
            text = "Resumed" + _catching_up(missed)
        await self._confirm(interaction, text)

    @filter_group.command(
        name="add", description="Only post stories about these people, teams or words"
    )
    @app_commands.describe(kind="What to filter on", value="A driver, team boss, team or keyword")
    async def filter_add(
        self,
        interaction: discord.Interaction,
        kind: FilterKind,
        value: app_commands.Range[str, 1, 100],
    ) -> None:
        guild_id = _guild_id(interaction)
        item = self._filter_for(kind, value)
        if await self.servers.count_filters(guild_id, kind) >= MAX_FILTERS_PER_KIND:
            raise UserFacingError(
                f"This server already has {MAX_FILTERS_PER_KIND} {_KIND_LABEL[kind]} filters; "
                "remove one first."
            )
        if not await self.servers.add_filter(guild_id, item):
            raise UserFacingError(f"{safe(item.label)} is already a filter here.")
        await self._confirm(interaction, f"Added the {kind} filter **{safe(item.label)}**.")

    @filter_group.command(name="remove", description="Remove a filter")
    async def filter_remove(
        self,
        interaction: discord.Interaction,
        kind: FilterKind,
        value: app_commands.Range[str, 1, 100],
    ) -> None:
        guild_id = _guild_id(interaction)
        config = await self.servers.config(guild_id)
        wanted = value.casefold().strip()
        match = next(
            (
                f
                for f in config.filters_of(kind)
                if wanted in (f.value.casefold(), f.label.casefold())
            ),
            None,
        )
        if match is None:
            try:
                match = self._filter_for(kind, value)
            except UserFacingError:
                match = None
        if match is None or not await self.servers.remove_filter(guild_id, kind, match.value):
            raise UserFacingError(f"There is no {kind} filter '{echo(value)}' in this server.")
        await self._confirm(interaction, f"Removed the {kind} filter **{safe(match.label)}**.")

    @filter_add.autocomplete("value")
    async def filter_add_value_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        kind = getattr(interaction.namespace, "kind", None)
        if kind == "person":
            return person_choices(
                self.bot.people.autocomplete(current, limit=25, viewer=KNOWN_ONLY)
            )
        if kind == "team":
            return [
                app_commands.Choice(name=team.name, value=team.name)
                for team in suggest_teams(current)
            ]
        return []

    @filter_remove.autocomplete("value")
    async def filter_remove_value_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Only the filters this server has, since nothing else can be removed. Autocomplete
        skips ``interaction_check``, so the permission is checked here too."""
        kind = getattr(interaction.namespace, "kind", None)
        if interaction.guild_id is None or kind not in _KIND_LABEL:
            return []
        if not interaction.permissions.manage_guild:
            return []
        config = await self.servers.config(interaction.guild_id)
        typed = current.casefold().strip()
        return [
            app_commands.Choice(name=f.label[:100], value=f.value[:100])
            for f in config.filters_of(kind)
            if typed in f.label.casefold()
        ][:25]

    def _filter_for(self, kind: FilterKind, value: str) -> GuildFilter:
        if kind == "person":
            # A filter names someone every story may speak of: the directory's people alone.
            person = self.bot.people.resolve_one(value, viewer=KNOWN_ONLY)
            return GuildFilter("person", person.id, person.name)
        if kind == "team":
            team = resolve_team(value)
            if team is None:
                names = ", ".join(t.name for t in TEAMS)
                raise UserFacingError(f"No team matches '{echo(value)}'. Teams: {names}.")
            return GuildFilter("team", team.id, team.name)
        keyword = " ".join(value.split()).casefold()
        if not _KEYWORD.match(keyword) or len(keyword) < 2:
            raise UserFacingError(
                "A keyword is 2–50 letters, digits or spaces, e.g. `pit stop` or `Monza`."
            )
        return GuildFilter("keyword", keyword, keyword)

    @feeds.command(name="add", description="Read another news feed (RSS or Atom) for this server")
    @app_commands.describe(url="The feed's address, e.g. https://example.com/f1/rss")
    async def feeds_add(
        self, interaction: discord.Interaction, url: app_commands.Range[str, 1, 500]
    ) -> None:
        # Checking a feed means fetching it, which can outlast Discord's 3-second window.
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            added = await self.servers.add_feed(
                self.bot.fetcher, _guild_id(interaction), url.strip()
            )
        except FeedError as exc:
            await interaction.followup.send(safe(str(exc)), ephemeral=True)
            return
        name = safe(added.feed.name, 100)
        if added.added:
            stories = "1 story" if added.entries == 1 else f"{added.entries} stories"
            text = (
                f"Added **{name}** ({stories} in it now). Its newest stories "
                "will be posted; older ones are skipped so the channel isn't flooded."
            )
        else:
            text = f"This server already reads **{name}**."
        await interaction.followup.send(text, ephemeral=True)

    @feeds.command(name="remove", description="Stop reading a feed added for this server")
    async def feeds_remove(
        self, interaction: discord.Interaction, url: app_commands.Range[str, 1, 500]
    ) -> None:
        guild_id = _guild_id(interaction)
        if not await self.servers.remove_feed(guild_id, url.strip()):
            raise UserFacingError(
                f"This server has no feed '{echo(url, 100)}'. /paddock feeds list shows them."
            )
        await interaction.response.send_message(
            f"Removed the feed {echo(url, 100)}.", ephemeral=True
        )

    @feeds_remove.autocomplete("url")
    async def feeds_remove_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None or not interaction.permissions.manage_guild:
            return []
        typed = current.casefold()
        return [
            app_commands.Choice(name=clip(f"{feed.name} — {feed.url}", 100), value=feed.url[:100])
            for feed in await self.servers.own_feeds(interaction.guild_id)
            if typed in feed.url.casefold() or typed in feed.name.casefold()
        ][:25]

    @feeds.command(name="list", description="The feeds Paddock reads for this server")
    async def feeds_list(self, interaction: discord.Interaction) -> None:
        feeds = await self.servers.feeds(_guild_id(interaction))
        embed = discord.Embed(title="News feeds", colour=EMBED_COLOUR)
        embed.description = clip("\n".join(feed_line(f) for f in feeds), 4096) or "No feeds."
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @paddock.command(name="status", description="Feeds, deliveries and why stories were posted")
    async def status(self, interaction: discord.Interaction) -> None:
        status = await self.servers.status(_guild_id(interaction))
        await interaction.response.send_message(embed=status_embed(status), ephemeral=True)


_STATUS_ICON = {"sent": "✅", "pending": "⏳", "sending": "⏳", "skipped": "⏭️", "failed": "❌"}


def feed_line(feed: Feed) -> str:
    scope = "all servers" if feed.is_global else "this server"
    if feed.last_error and (feed.last_success_at or "") < (feed.last_error_at or ""):
        health = f"❌ {safe(feed.last_error, 120)} ({feed.failures}× in a row)"
    elif feed.last_success_at:
        health = f"✅ read {feed.last_success_at[:16].replace('T', ' ')} UTC"
    else:
        health = "⏳ not read yet"
    return f"**{safe(feed.name, 80)}** ({scope}) — {health}"


def outcome_reason(outcome: StoryOutcome) -> str:
    """Why a story stands where it does; a post waiting to be retried says what went wrong."""
    if outcome.status in ("pending", "sending") and outcome.last_error:
        return f"retrying: {outcome.last_error}"
    if outcome.feeds > 1:
        others = outcome.feeds - 1
        feeds = "1 other feed" if others == 1 else f"{others} other feeds"
        return f"{outcome.reason} · duplicate in {feeds} skipped"
    return outcome.reason


def status_embed(status: ServerStatus) -> discord.Embed:
    config, feeds, counts, outcomes = status.config, status.feeds, status.counts, status.outcomes
    embed = discord.Embed(title="Paddock status", colour=EMBED_COLOUR)
    if config.paused:
        embed.description = "⏸️ " + safe(config.paused_reason or "Posting is paused.")
    elif not config.news_channel_id:
        embed.description = "No news channel yet: /paddock channel set chooses one."
    else:
        embed.description = f"▶️ Posting in <#{config.news_channel_id}>."
    lines = [feed_line(f) for f in feeds[:10]]
    if len(feeds) > 10:
        lines.append(f"…and {len(feeds) - 10} more (/paddock feeds list)")
    embed.add_field(name="Feeds", value=clip("\n".join(lines) or "No feeds.", 1024), inline=False)
    total = counts[0] if counts else None
    if total is not None:
        embed.add_field(
            name="Deliveries",
            value=(
                f"{total.sent} posted · {total.pending} waiting · {total.failed} failed · "
                f"{total.skipped} skipped"
            ),
            inline=False,
        )
    story_lines = [
        f"{_STATUS_ICON.get(o.status, '•')} {safe(o.title, 70)} — {safe(outcome_reason(o), 90)}"
        for o in outcomes
    ]
    embed.add_field(
        name="Recent stories",
        value=clip("\n".join(story_lines) or "No stories have arrived yet.", 1024),
        inline=False,
    )
    return embed


def _guild_id(interaction: discord.Interaction) -> int:
    if interaction.guild_id is None:
        raise app_commands.NoPrivateMessage()
    return interaction.guild_id


async def setup(bot: PaddockBot) -> None:
    await bot.add_cog(Config(bot))
