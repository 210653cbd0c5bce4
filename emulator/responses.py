"""Response helpers that produce the exact headers discord.py expects, and Discord's own
error answers, such as its checks of a message body."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from aiohttp import web

from emulator.models import JSON


def json_response(
    data: Any, *, status: int = 200, headers: Mapping[str, str] | None = None
) -> web.Response:
    """A JSON response whose Content-Type is exactly ``application/json``.

    discord.py decodes a body only for that exact value; aiohttp's ``json_response`` appends
    ``; charset=utf-8``, which makes the client treat JSON as text and crash at login.
    """
    response = web.Response(body=json.dumps(data).encode(), status=status, headers=headers)
    response.headers["Content-Type"] = "application/json"
    return response


def no_content() -> web.Response:
    return web.Response(status=204)


def discord_error(
    status: int, code: int, message: str, *, errors: Mapping[str, Any] | None = None
) -> web.Response:
    body: dict[str, Any] = {"code": code, "message": message}
    if errors:
        body["errors"] = dict(errors)
    return json_response(body, status=status)


def invalid_form_body(field: str, code: str, message: str) -> web.Response:
    """Discord's 400 for a body that fails its checks (error code 50035)."""
    errors = {field: {"_errors": [{"code": code, "message": message}]}}
    return discord_error(400, 50035, "Invalid Form Body", errors=errors)


UNKNOWN_CHANNEL = (10003, "Unknown Channel")
UNKNOWN_GUILD = (10004, "Unknown Guild")
UNKNOWN_MEMBER = (10007, "Unknown Member")
UNKNOWN_MESSAGE = (10008, "Unknown Message")
UNKNOWN_USER = (10013, "Unknown User")
UNKNOWN_WEBHOOK = (10015, "Unknown Webhook")
UNKNOWN_COMMAND = (10063, "Unknown application command")
UNKNOWN_INTERACTION = (10062, "Unknown interaction")
MISSING_ACCESS = (50001, "Missing Access")
MISSING_PERMISSIONS = (50013, "Missing Permissions")
CANNOT_EDIT_OTHERS = (50005, "Cannot edit a message authored by another user")
EMPTY_MESSAGE = (50006, "Cannot send an empty message")
INVALID_WEBHOOK_TOKEN = (50027, "Invalid Webhook Token")
ALREADY_ACKNOWLEDGED = (40060, "Interaction has already been acknowledged.")


def error(status: int, known: tuple[int, str]) -> web.Response:
    return discord_error(status, known[0], known[1])


MAX_CONTENT = 2000
MAX_EMBEDS = 10


class DiscordHTTPError(Exception):
    """Raised inside a handler to answer with a Discord error instead."""

    def __init__(self, response: web.Response) -> None:
        super().__init__(response.status)
        self.response = response


def fail(status: int, known: tuple[int, str]) -> DiscordHTTPError:
    return DiscordHTTPError(error(status, known))


def check_message_body(body: JSON, *, require_content: bool) -> None:
    """Discord's own 400s for message bodies, beyond what the OpenAPI schema says."""
    content = body.get("content") or ""
    if len(content) > MAX_CONTENT:
        raise DiscordHTTPError(
            invalid_form_body(
                "content", "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_CONTENT} or fewer in length."
            )
        )
    if len(body.get("embeds") or []) > MAX_EMBEDS:
        raise DiscordHTTPError(
            invalid_form_body(
                "embeds", "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_EMBEDS} or fewer in length."
            )
        )
    allowed = body.get("allowed_mentions") or {}
    parse = set(allowed.get("parse") or ())
    for kind in ("users", "roles"):
        if kind in parse and allowed.get(kind):
            raise DiscordHTTPError(
                invalid_form_body(
                    "allowed_mentions",
                    "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
                    f'parse:["{kind}"] and {kind}: [ids] are mutually exclusive.',
                )
            )
    substance = ("content", "embeds", "components", "sticker_ids", "poll", "attachments")
    if require_content and not any(body.get(key) for key in substance):
        raise fail(400, EMPTY_MESSAGE)
