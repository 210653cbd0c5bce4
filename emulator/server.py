"""``DiscordEmulator``: the REST API and the gateway on one loopback port.

Every request is recorded in order; requests to routes the emulator does not know get a 404
and are marked ``unhandled``, so a test can fail on them instead of on a confusing symptom.
Before a request reaches its handler it may be answered by an injected fault, then by the
rate limiter; its JSON body is checked against Discord's OpenAPI description when one was given.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable, Coroutine, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, ParamSpec

from aiohttp import BodyPartReader, web
from aiohttp.typedefs import Handler

from emulator.faults import FaultInjector
from emulator.gateway import Gateway
from emulator.interactions import InteractionFactory, InteractionHandle, UserLike
from emulator.models import Channel, Guild, Message, User
from emulator.ratelimit import RateLimitConfig, RateLimiter
from emulator.recording import (
    RecordedRequest,
    RequestMatcher,
    UploadedFile,
    Violation,
    request_matches,
)
from emulator.responses import DiscordHTTPError, discord_error, json_response
from emulator.rest import RestApi
from emulator.state import EmulatorState
from emulator.validation import OpenAPIValidator

log = logging.getLogger(__name__)

API_PREFIX = "/api/v10"
_UNHANDLED = "unhandled"
_GATEWAY = "gateway"
_HIDDEN_HEADERS = {"authorization"}
# The client registers a View (or Modal) only after it has read the response that showed it;
# no person clicks within 100 ms of seeing one, so presses and submissions wait that long.
HUMAN_REACTION_SECONDS = 0.1

P = ParamSpec("P")


class DiscordEmulator:
    """A Discord served on 127.0.0.1 for the real discord.py client.

    ``spec_path`` turns on request-body validation against Discord's OpenAPI description;
    ``shard_count`` is what ``GET /gateway/bot`` recommends; ``rate_limits`` turns on the
    per-channel and global limiter; ``token``, when set, must match the client's token;
    ``enforce_nonces=False`` makes ``enforce_nonce`` a no-op, as Discord sometimes does.
    """

    def __init__(
        self,
        *,
        spec_path: Path | str | None = None,
        shard_count: int = 1,
        rate_limits: RateLimitConfig | None = None,
        interaction_window: float = 3.0,
        token: str | None = None,
        heartbeat_interval_ms: int = 41_250,
        bot_name: str = "Paddock",
        host: str = "127.0.0.1",
        port: int = 0,
        enforce_nonces: bool = True,
    ) -> None:
        self.state = EmulatorState(bot_name=bot_name, enforce_nonces=enforce_nonces)
        self.application_owner = self.state.create_user(f"{bot_name} developer")
        self.shard_count = shard_count
        self.interaction_window = interaction_window
        self.faults = FaultInjector()
        self.rate_limiter = RateLimiter(rate_limits) if rate_limits else None
        self.validator = OpenAPIValidator(spec_path) if spec_path else None
        self.gateway = Gateway(self.state, heartbeat_interval_ms=heartbeat_interval_ms, token=token)
        self.interaction_factory = InteractionFactory(self.state)
        # A user runs a slash command (options outside the command's registered limits raise
        # ``OptionRejected``, as Discord's client refuses them) or types in an autocompleted
        # option; the factory's builders say what each takes.
        self.slash_command = self._sent_now(self.interaction_factory.command)
        self.autocomplete = self._sent_now(self.interaction_factory.autocomplete)
        self.requests: list[RecordedRequest] = []
        self.violations: list[Violation] = []
        self.errors: list[str] = []
        self.interactions: dict[int, InteractionHandle] = {}
        self.interactions_by_token: dict[str, InteractionHandle] = {}
        self._host = host
        self._port = port
        self._runner: web.AppRunner | None = None
        self._request_seen = asyncio.Event()
        self._in_flight: dict[int, RecordedRequest] = {}

    # --- lifecycle -----------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(middlewares=[self._middleware], client_max_size=64 * 1024 * 1024)
        app.router.add_get("/", self.gateway.handle, name=_GATEWAY)
        rest = RestApi(self)
        for method, template, handler in rest.routes():
            app.router.add_route(method, API_PREFIX + template, handler)
        app.router.add_route("*", "/{tail:.*}", self._unhandled, name=_UNHANDLED)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, self._port)
        await site.start()
        server = site._server
        assert server is not None
        sockets = getattr(server, "sockets", None) or []
        self._port = sockets[0].getsockname()[1]
        self.gateway.url = self.gateway_url

    async def stop(self) -> None:
        if self._runner is None:
            return
        await self.gateway.close()
        await self._runner.cleanup()
        self._runner = None

    async def __aenter__(self) -> DiscordEmulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """What ``discord.http.Route.BASE`` should be."""
        return f"http://{self._host}:{self._port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        """What ``DiscordWebSocket.DEFAULT_GATEWAY`` should be."""
        return f"ws://{self._host}:{self._port}/"

    @staticmethod
    def loop_time() -> float:
        return asyncio.get_running_loop().time()

    # --- the request pipeline -----------------------------------------------------------------

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        route = request.match_info.route
        if route.name == _GATEWAY:
            return await handler(request)
        unhandled = route.name == _UNHANDLED
        path = request.path.removeprefix(API_PREFIX)
        resource = route.resource
        template = path if unhandled or resource is None else resource.canonical
        recorded = RecordedRequest(
            method=request.method,
            path=path,
            template=template.removeprefix(API_PREFIX),
            query=dict(request.query),
            headers={k: v for k, v in request.headers.items() if k.lower() not in _HIDDEN_HEADERS},
            unhandled=unhandled,
            at=self.loop_time(),
        )
        self.requests.append(recorded)
        self._in_flight[id(request)] = recorded
        try:
            response = await self._answer(request, handler, recorded)
        except DiscordHTTPError as exc:
            response = exc.response
        except Exception as exc:
            log.exception("emulator failed on %s", recorded)
            self.errors.append(f"{recorded.route}: {exc!r}")
            response = discord_error(500, 0, "500: Internal Server Error")
        finally:
            del self._in_flight[id(request)]
        recorded.status = response.status
        self._request_seen.set()
        self._request_seen = asyncio.Event()
        return response

    async def _answer(
        self, request: web.Request, handler: Handler, recorded: RecordedRequest
    ) -> web.StreamResponse:
        try:
            recorded.body, recorded.files = await _read_body(request)
        except ValueError:
            return discord_error(400, 50109, "The request body contains invalid JSON.")
        if recorded.unhandled:
            return await handler(request)
        fault = self.faults.take(recorded)
        if fault is not None:
            return fault
        headers: Mapping[str, str] = {}
        if self.rate_limiter is not None:
            limited, headers = self.rate_limiter.admit(
                recorded, request.match_info.get("channel_id")
            )
            if limited is not None:
                return limited
        if self.validator is not None:
            for reason in self.validator.validate(
                recorded.method, recorded.template, recorded.body
            ):
                self.violations.append(Violation(recorded, reason))
        response = await handler(request)
        response.headers.update(headers)
        return response

    def recorded(self, request: web.Request) -> RecordedRequest:
        """The record of a request being handled (its parsed body and files)."""
        return self._in_flight[id(request)]

    async def _unhandled(self, request: web.Request) -> web.Response:
        log.warning("unhandled request %s %s", request.method, request.path)
        return json_response({"message": "404: Not Found", "code": 0}, status=404)

    # --- reading what happened -----------------------------------------------------------------

    @property
    def unhandled(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.unhandled]

    def requests_to(self, matcher: RequestMatcher) -> list[RecordedRequest]:
        """Recorded requests for ``"POST /channels/{channel_id}/messages"`` or a predicate."""
        return [r for r in self.requests if request_matches(matcher, r)]

    async def wait_for_requests(
        self, matcher: RequestMatcher, count: int = 1, within: float = 5.0
    ) -> list[RecordedRequest]:
        """Wait until ``count`` matching requests have been answered."""
        async with asyncio.timeout(within):
            while True:
                done = [r for r in self.requests_to(matcher) if r.status is not None]
                if len(done) >= count:
                    return done
                await self._request_seen.wait()

    def messages_in(
        self, channel: Channel | int, *, include_ephemeral: bool = False
    ) -> list[Message]:
        return self.state.messages_in(channel, include_ephemeral=include_ephemeral)

    def problems(self) -> list[str]:
        """What should fail a test: unhandled routes, spec violations, emulator crashes and
        interaction answers Discord would refuse (late, twice, or before acknowledging)."""
        found = [f"unhandled request: {r.method} {r.path}" for r in self.unhandled]
        found += [f"request body breaks the API description: {v}" for v in self.violations]
        found += [f"emulator error: {e}" for e in self.errors]
        found += [
            f"interaction {handle.id} ({handle.payload['data'].get('name') or handle.type}): "
            f"{reason}"
            for handle in self.interactions.values()
            for reason in handle.rejections
        ]
        return found

    # --- causing interactions ------------------------------------------------------------------

    async def dispatch_interaction(self, payload: dict[str, Any]) -> InteractionHandle:
        handle = InteractionHandle(payload, self.state, self.loop_time())
        self.interactions[handle.id] = handle
        self.interactions_by_token[handle.token] = handle
        guild_id = int(payload["guild_id"]) if "guild_id" in payload else None
        if not await self.gateway.dispatch(guild_id, "INTERACTION_CREATE", payload):
            raise RuntimeError("no connected gateway session receives this interaction")
        return handle

    def _sent_now(
        self, build: Callable[P, dict[str, Any]]
    ) -> Callable[P, Coroutine[Any, Any, InteractionHandle]]:
        """Builds the interaction ``build`` describes and sends it to the bot at once."""

        async def send(*args: P.args, **kwargs: P.kwargs) -> InteractionHandle:
            return await self.dispatch_interaction(build(*args, **kwargs))

        return send

    async def press(
        self,
        message: Message,
        custom_id: str,
        *,
        user: UserLike | None = None,
        values: list[str] | None = None,
    ) -> InteractionHandle:
        """Press a button (or choose ``values`` in a select menu) on ``message``."""
        wait = message.changed_at + HUMAN_REACTION_SECONDS - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        payload = self.interaction_factory.component(message, custom_id, user=user, values=values)
        return await self.dispatch_interaction(payload)

    async def submit_modal(
        self,
        opener: InteractionHandle,
        values: Mapping[str, str | list[str]],
        *,
        user: UserLike | None = None,
    ) -> InteractionHandle:
        if opener.callback_delay is not None:
            shown_at = opener.dispatched_at + opener.callback_delay
            wait = shown_at + HUMAN_REACTION_SECONDS - self.loop_time()
            if wait > 0:
                await asyncio.sleep(wait)
        payload = self.interaction_factory.modal_submit(opener, values, user=user)
        return await self.dispatch_interaction(payload)

    # --- other live events ---------------------------------------------------------------------

    async def user_says(self, channel: Channel, author: User, content: str) -> Message:
        """A person posts in a channel; the bot gets MESSAGE_CREATE if its intents ask."""
        message = self.state.create_message(
            channel, author, {"content": content}, can_mention_everyone=False
        )
        payload = message.to_payload()
        if channel.guild_id:
            payload["guild_id"] = str(channel.guild_id)
            member = self.state.guilds[channel.guild_id].members.get(author.id)
            if member is not None:
                payload["member"] = member.to_payload(with_user=False)
        await self.gateway.dispatch_message_event(channel, "MESSAGE_CREATE", payload)
        return message

    async def join_guild(self, guild: Guild) -> None:
        """The bot is added to ``guild`` while connected: GUILD_CREATE to its shard."""
        bot = self.state.bot_user
        if bot.id not in guild.members:
            self.state.add_member(guild, bot)
        await self.gateway.dispatch(guild.id, "GUILD_CREATE", guild.to_gateway_payload())

    async def leave_guild(self, guild: Guild) -> None:
        """The bot is removed from ``guild``: GUILD_DELETE without ``unavailable``."""
        await self.gateway.dispatch(guild.id, "GUILD_DELETE", {"id": str(guild.id)})
        guild.members.pop(self.state.bot_user.id, None)


async def _read_body(request: web.Request) -> tuple[Any, list[UploadedFile]]:
    """The JSON body, or for multipart the ``payload_json`` part plus the files."""
    if not request.can_read_body:
        return None, []
    if request.content_type == "multipart/form-data":
        body: Any = None
        files: list[UploadedFile] = []
        reader = await request.multipart()
        async for part in reader:
            if not isinstance(part, BodyPartReader):
                continue
            if part.name == "payload_json":
                body = json.loads(await part.text())
            else:
                data = bytes(await part.read())
                files.append(
                    UploadedFile(
                        part.name or "",
                        part.filename or part.name or "file",
                        part.headers.get("Content-Type"),
                        data,
                    )
                )
        return body, files
    raw = await request.read()
    return (json.loads(raw) if raw else None), []
