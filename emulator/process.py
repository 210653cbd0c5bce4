"""A bot in a process of its own, against the emulator another process serves.

The parent starts the child with ``start_bot_process``; the child reads the same command line
with ``bot_process_arguments``, points discord.py at ``endpoints(args)`` and runs its bot
with ``run_until_input_closes``, so the parent stops it by closing the child's standard input.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol

from emulator.server import DiscordEmulator

# The folder that holds the emulator package beside the bot's, so ``python -m`` finds the
# child's module from there.
_ROOT = Path(__file__).resolve().parents[1]


class Client(Protocol):
    """What the child needs of its bot (a discord.py ``Client``)."""

    async def start(self, token: str) -> None: ...

    async def close(self) -> None: ...


@dataclass(frozen=True)
class Endpoints:
    """Where the parent's emulator serves REST and the gateway."""

    base_url: str
    gateway_url: str


async def start_bot_process(
    module: str,
    emulator: DiscordEmulator,
    database: Path,
    token: str,
    *arguments: str,
    stderr: IO[str] | None = None,
) -> asyncio.subprocess.Process:
    """``python -m module`` with the database, ``emulator``'s addresses, the token and the
    child's own ``arguments``; its standard input and output are pipes to this process."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        module,
        "--database",
        str(database),
        "--rest",
        emulator.base_url,
        "--gateway",
        emulator.gateway_url,
        "--token",
        token,
        *arguments,
        cwd=_ROOT,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=stderr,
    )


def bot_process_arguments(description: str) -> argparse.ArgumentParser:
    """The child's command line as ``start_bot_process`` writes it; the child adds its own."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--database", required=True, type=Path)
    parser.add_argument("--rest", required=True)
    parser.add_argument("--gateway", required=True)
    parser.add_argument("--token", required=True)
    return parser


def endpoints(args: argparse.Namespace) -> Endpoints:
    return Endpoints(args.rest, args.gateway)


async def run_until_input_closes(client: Client, token: str) -> bool:
    """Run ``client`` until this process's standard input closes, then close it: True.

    False when the client ended first (raising what ended it, if anything did)."""
    running = asyncio.create_task(client.start(token))
    stdin_closed = asyncio.create_task(asyncio.to_thread(sys.stdin.read))
    done, _ = await asyncio.wait({running, stdin_closed}, return_when=asyncio.FIRST_COMPLETED)
    if running in done:
        running.result()
        return False
    await client.close()
    await running
    return True
