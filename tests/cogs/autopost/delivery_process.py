"""A Paddock in a process of its own, delivering its outbox to an emulator another process runs.

    python -m tests.cogs.autopost.delivery_process --database DB --rest URL --gateway URL
        --token T --lease SECONDS

It runs the real bot (its AutoPost cog, ``DiscordSender`` and discord.py) with a short claim
lease and each channel paced to half the emulator's limit, one post at a time. It prints
``{"ready": true}`` once connected and runs until killed or until its standard input closes;
then it prints ``{"sent": N}``, the posts it recorded itself.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
from datetime import timedelta
from typing import cast

from bot.app import PaddockBot
from bot.delivery.outbox import DeliveryPacer, DeliveryWorker, WorkerReport
from bot.settings import Settings
from cogs._loopback import point_discord_at
from cogs.autopost import AutoPost, DiscordSender
from emulator.process import bot_process_arguments, endpoints, run_until_input_closes

# The emulator the tests run these processes against allows this many posts per second
# in a channel; each process posts one at a time, so that two share the work.
POSTS_PER_CHANNEL_SECOND = 50


class CountingWorker(DeliveryWorker):
    """Counts the posts this process recorded."""

    sent = 0

    async def run_once(self) -> WorkerReport:
        report = await super().run_once()
        self.sent += len(report.sent)
        return report


class DeliveringPaddock(PaddockBot):
    def __init__(self, settings: Settings, lease: float) -> None:
        super().__init__(
            settings, sync_commands=False, guild_ready_timeout=0.05, chunk_guilds_at_startup=False
        )
        self.lease = lease
        self.counting: CountingWorker | None = None

    @property
    def autopost(self) -> AutoPost:
        return cast(AutoPost, self.get_cog("AutoPost"))

    async def setup_hook(self) -> None:
        await super().setup_hook()
        # The loops wait for ready before their first round, so no round uses the old worker.
        self.counting = CountingWorker(
            self.db,
            DiscordSender(self),
            pacer=DeliveryPacer(per_channel=(1, 2 / POSTS_PER_CHANNEL_SECOND)),
            lease=timedelta(seconds=self.lease),
            retry_base=0.2,
        )
        self.autopost.worker = self.counting
        self.autopost.deliver.change_interval(seconds=0.05)


async def run(args: argparse.Namespace) -> None:
    point_discord_at(endpoints(args))
    bot = DeliveringPaddock(Settings(database=args.database, feeds=()), args.lease)

    async def on_ready() -> None:
        print(json.dumps({"ready": True}), flush=True)

    bot.add_listener(on_ready)
    # Closing the bot unloads its cogs, so the count is read from the bot's own reference.
    if await run_until_input_closes(bot, args.token) and bot.counting is not None:
        print(json.dumps({"sent": bot.counting.sent}), flush=True)


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(process)d %(name)s: %(message)s")
    parser = bot_process_arguments(__doc__.splitlines()[0])
    parser.add_argument("--lease", type=float, default=1.0)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
