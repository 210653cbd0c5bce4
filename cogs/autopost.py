"""Automatic posts: poll the feeds, then deliver the outbox to each server's news channel.

The domain decides what goes where (``bot.feeds.poller``, ``bot.delivery.outbox``); this cog
runs the two loops with discord.py's ``tasks`` and turns a delivery into a Discord message.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import TYPE_CHECKING

import discord
from discord.ext import commands, tasks

from bot.delivery.outbox import (
    ChannelGoneError,
    Delivery,
    DeliveryWorker,
    MessageGoneError,
    MissingPermissionsError,
    TransientSendError,
    WorkerReport,
)
from bot.feeds.poller import FeedPoller, PollRound
from cogs._render import article_embed

if TYPE_CHECKING:
    from bot.app import PaddockBot

log = logging.getLogger(__name__)

DELIVERY_INTERVAL_SECONDS = 2.0
# discord.py waits out a 429 inside the request; past this it raises RateLimited instead
# (30 s is the least it accepts), and the worker schedules that channel's retry.
LONGEST_RATE_LIMIT_WAIT = 30.0
# How far back to look for a post an interrupted attempt may have made.
HISTORY_MARGIN = timedelta(minutes=1)
HISTORY_LIMIT = 200


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
    # A server error can come after the message was created; a refusal cannot.
    return TransientSendError(
        str(error), retry_after=retry_after, may_have_posted=error.status >= 500
    )


class DiscordSender:
    """Sends deliveries with discord.py: nonce + enforce_nonce make a quick retry safe, and
    a delivery that may have posted already is looked for in the channel first."""

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
        except discord.RateLimited as exc:
            # Longer than the client would wait (see AutoPost.cog_load): nothing was posted,
            # and the worker retries this channel after Discord's delay.
            raise TransientSendError(str(exc), retry_after=exc.retry_after) from exc
        except discord.HTTPException as exc:
            raise _translate(exc) from exc
        except (OSError, TimeoutError) as exc:
            raise TransientSendError(str(exc), may_have_posted=True) from exc
        return message.id

    async def _already_posted(self, delivery: Delivery, embed: discord.Embed) -> int | None:
        """The bot's own post of this story made since the interrupted attempt, if any.

        Discord forgets nonces after a while, and may not enforce them at all, so the
        channel itself is the record. Reading it needs Read Message History; without it
        the nonce is all there is.
        """
        me = self.bot.user
        # Clocks differ a little; a minute's margin costs only a few more messages read.
        since = (delivery.attempted_at or discord.utils.utcnow()) - HISTORY_MARGIN
        try:
            async for message in self._channel(delivery.channel_id).history(
                limit=HISTORY_LIMIT, after=since
            ):
                if me is not None and message.author.id != me.id:
                    continue
                if message.nonce == delivery.nonce or any(
                    e.url == embed.url and e.title == embed.title for e in message.embeds
                ):
                    return message.id
        except discord.HTTPException:
            log.warning(
                "cannot read channel %d's history (Read Message History?); relying on the nonce",
                delivery.channel_id,
            )
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
        # The round a poll started for what it brought, if one is under way.
        self._delivering: asyncio.Task[None] | None = None

    async def cog_load(self) -> None:
        self.bot.http.max_ratelimit_timeout = LONGEST_RATE_LIMIT_WAIT
        self.poll_feeds.change_interval(seconds=min(60, self.bot.settings.poll_interval))
        self.poll_feeds.start()
        self.deliver.start()

    async def cog_unload(self) -> None:
        self.poll_feeds.cancel()
        self.deliver.cancel()
        if self._delivering is not None:
            self._delivering.cancel()
        await self.worker.stop()

    async def poll(self, *, every_feed: bool = False) -> tuple[PollRound, WorkerReport]:
        """Poll the feeds that are due (or all of them), then post what they brought at once
        instead of at the next delivery round."""
        result = await (self.poller.poll_all() if every_feed else self.poller.poll_due())
        if not (result.created or result.updated):
            return result, WorkerReport()
        return result, await self.worker.run_once()

    @tasks.loop(seconds=60)
    async def poll_feeds(self) -> None:
        """Each round polls only the feeds whose own interval (or backoff) is up, and starts
        a delivery round for what they bring without waiting for it: no channel's trouble
        holds up polling."""
        try:
            result = await self.poller.poll_due()
        except Exception:
            log.exception("feed polling round failed; trying again next round")
            return
        self.bot.heartbeat.poll_finished()
        if result.created:
            log.info("feeds brought %d new stories", len(result.created))
        if (result.created or result.updated) and (
            self._delivering is None or self._delivering.done()
        ):
            self._delivering = asyncio.create_task(self._deliver_round())

    @poll_feeds.before_loop
    async def _before_polling(self) -> None:
        await self.bot.wait_until_ready()

    @tasks.loop(seconds=DELIVERY_INTERVAL_SECONDS)
    async def deliver(self) -> None:
        await self._deliver_round()

    async def _deliver_round(self) -> None:
        try:
            report = await self.worker.run_once()
        except Exception:
            log.exception("delivery round failed; the outbox keeps the stories for next round")
            return
        if not report.idle:
            log.info(
                "deliveries: %d sent, %d edited, %d retrying, %d failed, %d channels paced",
                len(report.sent),
                len(report.edited),
                len(report.retrying),
                len(report.failed),
                len(report.paced),
            )

    @deliver.before_loop
    async def _before_delivering(self) -> None:
        await self.bot.wait_until_ready()


async def setup(bot: PaddockBot) -> None:
    await bot.add_cog(AutoPost(bot))
