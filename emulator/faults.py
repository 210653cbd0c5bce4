"""Injected failures: make a route answer 429, 5xx, 403 or 404 for the next N requests, or
hold back the answer to a request that succeeded (the moment a crash loses it)."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

from aiohttp import web

from emulator.recording import RecordedRequest, RequestMatcher, request_matches
from emulator.responses import discord_error, json_response


def rate_limited_response(
    retry_after: float, *, is_global: bool = False, bucket: str | None = None, limit: int = 1
) -> web.Response:
    """A 429 discord.py will wait out and retry.

    discord.py takes a 429 without a ``Via`` header, or with a non-JSON body, for a Cloudflare
    ban and raises at once; it sleeps for the body's ``retry_after``, not the header's.
    """
    headers = {
        "Via": "1.1 google",
        "Retry-After": str(max(1, round(retry_after))),
        "X-RateLimit-Limit": str(limit),
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": f"{time.time() + retry_after:.3f}",
        "X-RateLimit-Reset-After": f"{retry_after:.3f}",
        "X-RateLimit-Scope": "global" if is_global else "user",
    }
    if bucket is not None:
        headers["X-RateLimit-Bucket"] = bucket
    if is_global:
        headers["X-RateLimit-Global"] = "true"
    body = {
        "message": "You are being rate limited.",
        "retry_after": retry_after,
        "global": is_global,
    }
    return json_response(body, status=429, headers=headers)


def fault_response(status: int, retry_after: float) -> web.Response:
    if status == 429:
        return rate_limited_response(retry_after)
    if status == 403:
        return discord_error(403, 50013, "Missing Permissions")
    if status == 404:
        return discord_error(404, 10003, "Unknown Channel")
    if status >= 500:
        return json_response({"message": "Internal Server Error", "code": 0}, status=status)
    return discord_error(status, 0, "Injected failure")


@dataclass
class FaultRule:
    matcher: RequestMatcher
    status: int
    remaining: int
    retry_after: float

    def matches(self, request: RecordedRequest) -> bool:
        return request_matches(self.matcher, request)


@dataclass
class HeldAnswer:
    """Answers to matching requests wait, after the request has taken effect, until
    ``release`` is set; ``reached`` is set when the first one is held."""

    matcher: RequestMatcher
    remaining: int
    reached: asyncio.Event = field(default_factory=asyncio.Event)
    release: asyncio.Event = field(default_factory=asyncio.Event)


class FaultInjector:
    """Answers matching requests with a failure instead of handling them.

    A rule's matcher is ``"METHOD /template"`` (``"POST /channels/{channel_id}/messages"``),
    ``"METHOD /concrete/path"``, or a predicate on the recorded request. Rules fire in the
    order they were added and each stops after ``times`` hits.
    """

    def __init__(self) -> None:
        self._rules: list[FaultRule] = []
        self._holds: list[HeldAnswer] = []

    def inject(
        self, matcher: RequestMatcher, status: int, *, times: int = 1, retry_after: float = 0.05
    ) -> FaultRule:
        rule = FaultRule(matcher, status, times, retry_after)
        self._rules.append(rule)
        return rule

    def hold(self, matcher: RequestMatcher, *, times: int = 1) -> HeldAnswer:
        """Hold the answers to the next ``times`` matching requests until released."""
        held = HeldAnswer(matcher, times)
        self._holds.append(held)
        return held

    async def hold_answer(self, request: RecordedRequest) -> None:
        """Called by a handler once the request has taken effect, before it answers."""
        for held in self._holds:
            if held.remaining > 0 and request_matches(held.matcher, request):
                held.remaining -= 1
                request.fault = "answer held"
                held.reached.set()
                await held.release.wait()
                return

    def clear(self) -> None:
        self._rules.clear()
        for held in self._holds:
            held.release.set()
        self._holds.clear()

    @property
    def pending(self) -> int:
        return sum(rule.remaining for rule in self._rules)

    def take(self, request: RecordedRequest) -> web.Response | None:
        for rule in self._rules:
            if rule.remaining > 0 and rule.matches(request):
                rule.remaining -= 1
                request.fault = f"injected {rule.status}"
                return fault_response(rule.status, rule.retry_after)
        return None
