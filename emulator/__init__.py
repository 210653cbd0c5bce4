"""A Discord emulator on loopback, so the real discord.py client runs with no network.

Used by the test suite, by ``paddock console`` and by the benchmarks. It speaks JSON over
HTTP and a websocket and never imports discord; ``cogs/_loopback.py`` points discord.py at it.
See docs/discord-offline.md for the facts about discord.py this relies on.
"""

from emulator.faults import FaultInjector
from emulator.interactions import (
    CallbackType,
    InteractionHandle,
    InteractionResponse,
    OptionRejected,
)
from emulator.models import (
    Channel,
    ChannelType,
    Guild,
    Member,
    Message,
    Permission,
    Pings,
    Role,
    User,
)
from emulator.ratelimit import RateLimitConfig
from emulator.recording import RecordedRequest, Violation
from emulator.server import DiscordEmulator
from emulator.state import EmulatorState

__all__ = [
    "CallbackType",
    "Channel",
    "ChannelType",
    "DiscordEmulator",
    "EmulatorState",
    "FaultInjector",
    "Guild",
    "InteractionHandle",
    "InteractionResponse",
    "Member",
    "Message",
    "OptionRejected",
    "Permission",
    "Pings",
    "RateLimitConfig",
    "RecordedRequest",
    "Role",
    "User",
    "Violation",
]
