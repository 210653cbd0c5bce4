"""Discord-like rate limits: a per-channel message bucket and a global per-bot limit.

Successful responses carry the ``X-RateLimit-*`` headers discord.py paces itself by, so a
well-behaved client waits before the bucket empties; one that overruns gets a 429 it must
honour. Windows are fixed (they start with the first request), which is close enough to
Discord's behaviour for delivery tests, and short windows keep tests fast.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from aiohttp import web

from emulator.faults import rate_limited_response
from emulator.recording import RecordedRequest

MESSAGE_CREATE_ROUTE = "POST /channels/{channel_id}/messages"
# Discord names buckets by an opaque hash shared by every channel; discord.py keys its own
# buckets by that hash plus the channel id.
MESSAGE_BUCKET = "80c17d2f203122d936070c88c8d10f33"
# Interaction callbacks and webhook follow-ups are not counted against the global limit.
_GLOBAL_EXEMPT_PREFIXES = ("/interactions/", "/webhooks/")


@dataclass(frozen=True)
class RateLimitConfig:
    messages_per_channel: int = 5
    message_window: float = 5.0
    global_requests: int = 50
    global_window: float = 1.0


@dataclass
class _Window:
    started: float
    count: int = 0


class RateLimiter:
    def __init__(
        self, config: RateLimitConfig, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.config = config
        self._clock = clock
        self._global: _Window | None = None
        self._channels: dict[str, _Window] = {}
        self.rejected: list[RecordedRequest] = []

    def _window(self, current: _Window | None, length: float, now: float) -> _Window:
        if current is None or now - current.started >= length:
            return _Window(started=now)
        return current

    def admit(
        self, request: RecordedRequest, channel_id: str | None
    ) -> tuple[web.Response | None, dict[str, str]]:
        """Either a 429 to send instead of handling, or headers to add to the real answer."""
        now = self._clock()
        cfg = self.config
        if not request.template.startswith(_GLOBAL_EXEMPT_PREFIXES):
            self._global = window = self._window(self._global, cfg.global_window, now)
            if window.count >= cfg.global_requests:
                retry_after = window.started + cfg.global_window - now
                self.rejected.append(request)
                request.fault = "global rate limit"
                return rate_limited_response(retry_after, is_global=True), {}
            window.count += 1

        if request.route != MESSAGE_CREATE_ROUTE or channel_id is None:
            return None, {}
        window = self._window(self._channels.get(channel_id), cfg.message_window, now)
        self._channels[channel_id] = window
        reset_after = window.started + cfg.message_window - now
        if window.count >= cfg.messages_per_channel:
            self.rejected.append(request)
            request.fault = "channel rate limit"
            response = rate_limited_response(
                reset_after, bucket=MESSAGE_BUCKET, limit=cfg.messages_per_channel
            )
            return response, {}
        window.count += 1
        headers = {
            "X-RateLimit-Bucket": MESSAGE_BUCKET,
            "X-RateLimit-Limit": str(cfg.messages_per_channel),
            "X-RateLimit-Remaining": str(cfg.messages_per_channel - window.count),
            "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Scope": "user",
        }
        return None, headers
