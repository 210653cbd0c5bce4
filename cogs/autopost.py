"""Automatic posts: poll the feeds, then deliver the outbox to each server's news channel.

The domain decides what goes where (``bot.poller``, ``bot.delivery``); this cog runs the two
loops with discord.py's ``tasks`` and turns a delivery into a Discord message.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord.ext import commands, tasks

from bot.delivery import (
    ChannelGoneError,
    Delivery,
    DeliveryWorker,
    MessageGoneError,
    MissingPermissionsError,
    TransientSendError,
    WorkerReport,
)
from bot.poller import FeedPoller, PollRound
from cogs._render import article_embed

if TYPE_CHECKING:
    from bot.app import PaddockBot

log = logging.getLogger(__name__)

DELIVERY_INTERVAL_SECONDS = 2.0


def story_message(delivery: Delivery) -> tuple[str | None, discord.Embed, discord.AllowedMentions]:
    """The post for a story: its embed, and a ping for the server's role and nobody else."""
    embed = article_embed(delivery.article)
    if delivery.ping_role_id is None:
        return None, embed, discord.AllowedMentions.none()
    mentions = discord.AllowedMentions(
        everyone=False, users=False, roles=[discord.Object(delivery.ping_role_id)]
    )
    return f"<@&{delivery.ping_role_id}>", embed, mentions


def _translate(error: discord.HTTPException) -> Exception:
    if isinstance(error, discord.Forbidden):
        return MissingPermissionsError(str(error))
    if isinstance(error, discord.NotFound):
        return ChannelGoneError(str(error))
    retry_after = getattr(error, "retry_after", None)
    return TransientSendError(str(error), retry_after=retry_after)


class DiscordSender:
    """Sends deliveries with discord.py: nonce + enforce_nonce make a retried send safe."""

    def __init__(self, bot: discord.Client) -> None:
        self.bot = bot

    def _channel(self, channel_id: int) -> discord.PartialMessageable:
        return self.bot.get_partial_messageable(channel_id)

    async def send(self, delivery: Delivery) -> int:
        content, embed, mentions = story_message(delivery)
        if delivery.interrupted and (posted := await self._already_posted(delivery, embed)):
            return posted
        try:
            message = await self._channel(delivery.channel_id).send(
                content=content, embed=embed, allowed_mentions=mentions, nonce=delivery.nonce
            )
        except discord.HTTPException as exc:
            raise _translate(exc) from exc
        except (OSError, TimeoutError) as exc:
            raise TransientSendError(str(exc)) from exc
        return message.id

    async def _already_posted(self, delivery: Delivery, embed: discord.Embed) -> int | None:
        """The bot's own recent post of this story, if an interrupted send got through.

        Only asked after a crash mid-send: the nonce covers a quick restart, this covers
        one that came back after Discord stopped remembering the nonce.
        """
        me = self.bot.user
        try:
            async for message in self._channel(delivery.channel_id).history(limit=50):
                if me is not None and message.author.id != me.id:
                    continue
                if any(e.title == embed.title and e.url == embed.url for e in message.embeds):
                    return message.id
        except discord.HTTPException:
            log.info("cannot read channel %d's history; relying on the nonce", delivery.channel_id)
        return None

    async def edit(self, delivery: Delivery, message_id: int) -> None:
        content, embed, mentions = story_message(delivery)
        message = self._channel(delivery.channel_id).get_partial_message(message_id)
        try:
            await message.edit(content=content, embed=embed, allowed_mentions=mentions)
        except discord.NotFound as exc:
            raise MessageGoneError(str(exc)) from exc
        except discord.HTTPException as exc:
            raise _translate(exc) from exc
        except (OSError, TimeoutError) as exc:
            raise TransientSendError(str(exc)) from exc


class AutoPost(commands.Cog):
    def __init__(self, bot: PaddockBot) -> None:
        self.bot = bot
        self.worker = DeliveryWorker(bot.db, DiscordSender(bot))
        self.poller = FeedPoller.from_settings(bot.db, bot.fetcher, bot.settings)

    async def cog_load(self) -> None:
        self.poll_feeds.change_interval(seconds=min(60, self.bot.settings.poll_interval))
        self.poll_feeds.start()
        self.deliver.start()

    async def cog_unload(self) -> None:
        self.poll_feeds.cancel()
        self.deliver.cancel()

    async def poll(self, *, every_feed: bool = False) -> tuple[PollRound, WorkerReport]:
        """Poll the feeds that are due (or all of them), then post what they brought at once
        instead of at the next delivery round."""
        result = await (self.poller.poll_all() if every_feed else self.poller.poll_due())
        if not (result.created or result.updated):
            return result, WorkerReport()
        return result, await self.worker.run_once()

    @tasks.loop(seconds=60)
    async def poll_feeds(self) -> None:
        """Each round polls only the feeds whose own interval (or backoff) is up."""
        try:
            result, _ = await self.poll()
        except Exception:
            log.exception("feed polling round failed; trying again next round")
            return
        self.bot.heartbeat.poll_finished()
        if result.created:
            log.info("feeds brought %d new stories", len(result.created))

    @poll_feeds.before_loop
    async def _before_polling(self) -> None:
        await self.bot.wait_until_ready()

    @tasks.loop(seconds=DELIVERY_INTERVAL_SECONDS)
    async def deliver(self) -> None:
        try:
            report = await self.worker.run_once()
        except Exception:
            log.exception("delivery round failed; the outbox keeps the stories for next round")
            return
        if not report.idle:
            log.info(
                "deliveries: %d sent, %d edited, %d retrying, %d failed",
                len(report.sent),
                len(report.edited),
                len(report.retrying),
                len(report.failed),
            )

    @deliver.before_loop
    async def _before_delivering(self) -> None:
        await self.bot.wait_until_ready()


async def setup(bot: PaddockBot) -> None:
    await bot.add_cog(AutoPost(bot))
