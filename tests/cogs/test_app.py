"""Building the bot, the commands it registers, and starting it without a token."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import EXTENSIONS, PaddockBot, create_bot
from bot.cli import main
from bot.settings import Settings
from tests.discord_harness import DiscordHarness


def test_create_bot_builds_without_connecting(tmp_path: Path) -> None:
    database = tmp_path / "paddock.db"

    bot = create_bot(Settings(database=database, feeds=()))

    assert isinstance(bot, PaddockBot)
    assert not bot.is_ready() and not bot.is_closed()
    assert bot.extension_names == EXTENSIONS
    # Nothing is opened until the bot starts: no database file, no connection.
    assert not database.exists()
    with pytest.raises(RuntimeError, match="setup_hook"):
        _ = bot.db
    # Replies never ping unless a send names someone explicitly. (dict(): discord.py types
    # the payload as having every key, but it holds only those that were set.)
    mentions = bot.allowed_mentions
    assert mentions is not None and dict(mentions.to_dict()) == {"parse": []}


async def test_every_command_is_registered_once(paddock: DiscordHarness) -> None:
    names = [name for name, _ in paddock.emulator.state.global_commands]

    assert len(names) == len(set(names))
    assert {"latest", "story", "quote", "driver", "paddock"} <= set(names)


def test_run_without_a_token_explains_how_to_get_going(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)

    code = main(["--db", str(tmp_path / "paddock.db"), "run"])

    err = capsys.readouterr().err
    assert code == 2
    assert "DISCORD_TOKEN" in err
    assert ".env.example" in err
    assert "paddock console" in err
