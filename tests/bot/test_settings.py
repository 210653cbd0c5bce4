"""Settings: environment first, then .env; a bad value names its variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.settings import DEFAULT_FEEDS, SettingsError, load_settings, settings_from_mapping


def test_defaults_need_nothing() -> None:
    settings = settings_from_mapping({})
    assert settings.discord_token is None
    assert settings.database == Path("paddock.db")
    assert settings.feeds == DEFAULT_FEEDS
    assert settings.log_level == "INFO"
    assert settings.allow_private_feeds is False


def test_values_are_read_and_typed() -> None:
    settings = settings_from_mapping(
        {
            "DISCORD_TOKEN": " abc.def.ghi ",
            "PADDOCK_DB": "/tmp/news.db",
            "PADDOCK_FEEDS": "https://a.example/rss, https://b.example/atom",
            "PADDOCK_LOG_LEVEL": "debug",
            "PADDOCK_DEV_GUILD": "123456789012345678",
            "PADDOCK_POLL_INTERVAL": "120",
            "PADDOCK_ALLOW_PRIVATE_FEEDS": "yes",
        }
    )
    assert settings.discord_token == "abc.def.ghi"
    assert settings.database == Path("/tmp/news.db")
    assert settings.feeds == ("https://a.example/rss", "https://b.example/atom")
    assert settings.log_level == "DEBUG"
    assert settings.dev_guild == 123456789012345678
    assert settings.poll_interval == 120
    assert settings.allow_private_feeds is True


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("PADDOCK_LOG_LEVEL", "loud", "PADDOCK_LOG_LEVEL must be one of"),
        ("PADDOCK_POLL_INTERVAL", "often", "PADDOCK_POLL_INTERVAL must be a whole number"),
        ("PADDOCK_POLL_INTERVAL", "5", "PADDOCK_POLL_INTERVAL must be between 30 and 86400"),
        ("PADDOCK_DEV_GUILD", "my server", "PADDOCK_DEV_GUILD must be a whole number"),
        ("PADDOCK_ALLOW_PRIVATE_FEEDS", "maybe", "PADDOCK_ALLOW_PRIVATE_FEEDS must be 1 or 0"),
        ("PADDOCK_FEEDS", "ftp://x.example/feed", "PADDOCK_FEEDS holds 'ftp://x.example/feed'"),
        ("DISCORD_TOKEN", "Bot abc", "DISCORD_TOKEN must not contain spaces"),
    ],
)
def test_a_bad_value_names_the_variable(name: str, value: str, message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        settings_from_mapping({name: value})


def test_the_token_stays_out_of_logs_and_reprs() -> None:
    settings = settings_from_mapping({"DISCORD_TOKEN": "very.secret.token"})
    assert "very.secret.token" not in repr(settings)


def test_environment_wins_over_the_env_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("PADDOCK_DB=from-file.db\nPADDOCK_POLL_INTERVAL=600\n", "utf-8")
    monkeypatch.delenv("PADDOCK_DB", raising=False)
    monkeypatch.setenv("PADDOCK_POLL_INTERVAL", "90")
    settings = load_settings(env_file)
    assert settings.database == Path("from-file.db")
    assert settings.poll_interval == 90


def test_the_cli_stops_with_the_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PADDOCK_LOG_LEVEL", "chatty")
    assert main(["stats"]) == 2
    assert "PADDOCK_LOG_LEVEL must be one of" in capsys.readouterr().err


def test_run_without_a_token_points_to_the_console(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
    assert main(["--db", str(tmp_path / "x.db"), "run"]) == 2
    err = capsys.readouterr().err
    assert "DISCORD_TOKEN is not set" in err
    assert ".env.example" in err and "paddock console" in err
