"""Settings from the environment and an optional ``.env`` file, in one typed object.

Every variable is documented in ``.env.example``. A bad value raises ``SettingsError``
naming the variable, so a typo fails at start-up rather than at the first poll.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from dotenv import dotenv_values

DEFAULT_FEEDS: tuple[str, ...] = (
    "https://www.formula1.com/en/latest/all.xml",
    "https://www.autosport.com/rss/f1/news/",
    "https://www.motorsport.com/rss/f1/news/",
    "https://www.planetf1.com/feed",
    "https://www.racefans.net/feed/",
    "https://www.the-race.com/formula-1/feed/",
)

# New stories one read of a feed may post; the rest are stored and skipped, so no feed can
# flood a channel.
DEFAULT_POSTS_PER_FEED_READ = 5

_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class SettingsError(ValueError):
    """A setting is missing or has a value Paddock cannot use."""


@dataclass(frozen=True, slots=True)
class Settings:
    discord_token: str | None = field(default=None, repr=False)
    database: Path = Path("paddock.db")
    feeds: tuple[str, ...] = DEFAULT_FEEDS
    log_level: str = "INFO"
    dev_guild: int | None = None
    poll_interval: int = 300
    allow_private_feeds: bool = False
    posts_per_feed_read: int = DEFAULT_POSTS_PER_FEED_READ

    def with_database(self, path: str | Path) -> Settings:
        return replace(self, database=Path(path))


def _parse_bool(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise SettingsError(f"{name} must be 1 or 0 (got {raw!r})")


def _parse_int(name: str, raw: str, *, minimum: int, maximum: int) -> int:
    try:
        value = int(raw.strip())
    except ValueError:
        raise SettingsError(f"{name} must be a whole number (got {raw!r})") from None
    if not minimum <= value <= maximum:
        raise SettingsError(f"{name} must be between {minimum} and {maximum} (got {value})")
    return value


def _parse_feeds(name: str, raw: str) -> tuple[str, ...]:
    feeds = tuple(part.strip() for part in raw.replace("\n", ",").split(",") if part.strip())
    for url in feeds:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise SettingsError(f"{name} holds {url!r}, which is not an http(s) URL")
    return feeds


def _parse_token(name: str, raw: str) -> str | None:
    token = raw.strip()
    if not token:
        return None
    if any(ch.isspace() for ch in token):
        raise SettingsError(f"{name} must not contain spaces (paste the bot token alone)")
    return token


def settings_from_mapping(values: Mapping[str, str | None]) -> Settings:
    """Build settings from a mapping of variable names (environment first, then .env)."""

    def get(name: str) -> str | None:
        value = values.get(name)
        return None if value is None else str(value)

    settings = Settings()
    if (raw := get("DISCORD_TOKEN")) is not None:
        settings = replace(settings, discord_token=_parse_token("DISCORD_TOKEN", raw))
    if (raw := get("PADDOCK_DB")) is not None and raw.strip():
        settings = replace(settings, database=Path(raw.strip()).expanduser())
    if (raw := get("PADDOCK_FEEDS")) is not None and raw.strip():
        settings = replace(settings, feeds=_parse_feeds("PADDOCK_FEEDS", raw))
    if (raw := get("PADDOCK_LOG_LEVEL")) is not None and raw.strip():
        level = raw.strip().upper()
        if level not in _LOG_LEVELS:
            raise SettingsError(
                f"PADDOCK_LOG_LEVEL must be one of {', '.join(_LOG_LEVELS)} (got {raw!r})"
            )
        settings = replace(settings, log_level=level)
    if (raw := get("PADDOCK_DEV_GUILD")) is not None and raw.strip():
        guild = _parse_int("PADDOCK_DEV_GUILD", raw, minimum=1, maximum=2**63 - 1)
        settings = replace(settings, dev_guild=guild)
    if (raw := get("PADDOCK_POLL_INTERVAL")) is not None and raw.strip():
        interval = _parse_int("PADDOCK_POLL_INTERVAL", raw, minimum=30, maximum=86_400)
        settings = replace(settings, poll_interval=interval)
    if (raw := get("PADDOCK_POSTS_PER_FEED_READ")) is not None and raw.strip():
        posts = _parse_int("PADDOCK_POSTS_PER_FEED_READ", raw, minimum=1, maximum=100)
        settings = replace(settings, posts_per_feed_read=posts)
    if (raw := get("PADDOCK_ALLOW_PRIVATE_FEEDS")) is not None:
        allow = _parse_bool("PADDOCK_ALLOW_PRIVATE_FEEDS", raw)
        settings = replace(settings, allow_private_feeds=allow)
    return settings


def load_settings(env_file: str | Path = ".env") -> Settings:
    """Settings from ``os.environ``, falling back to ``env_file`` for unset variables."""
    values: dict[str, str | None] = {}
    path = Path(env_file)
    if path.is_file():
        values.update(dotenv_values(path))
    values.update(os.environ)
    return settings_from_mapping(values)
