"""The REST endpoints a discord.py bot calls, under ``/api/v10``.

Route templates use the parameter names of Discord's OpenAPI description, so a recorded
request's template is also the key for validation and for fault injection. Answers follow
Discord's own checks where a bot could get them wrong: permissions, the 2,000-character
content limit, empty messages, nonce idempotency, the 3-second interaction window, one
callback per interaction and 25 autocomplete choices.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from emulator import responses as r
from emulator.interactions import CallbackType, InteractionHandle, InteractionType
from emulator.models import JSON, Attachment, Channel, Message, MessageFlag, Permission
from emulator.responses import (
    DiscordHTTPError,
    check_message_body,
    fail,
    invalid_form_body,
    json_response,
    no_content,
)

if TYPE_CHECKING:
    from emulator.server import DiscordEmulator

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

MAX_CHOICES = 25
TOKEN_LIFETIME = 15 * 60
APP_COMMAND_MESSAGE_TYPE = 20


class RestApi:
    def __init__(self, emulator: DiscordEmulator) -> None:
        self.emulator = emulator
        self.state = emulator.state
        self.verify_key = secrets.token_hex(32)

    def routes(self) -> list[tuple[str, str, Handler]]:
        """(method, template, handler); ``@original`` precedes ``{message_id}`` on purpose."""
        wh = "/webhooks/{webhook_id}/{webhook_token}"
        app = "/applications/{application_id}"
        msg = "/channels/{channel_id}/messages/{message_id}"
        return [
            ("GET", "/users/@me", self.get_me),
            ("GET", "/users/{user_id}", self.get_user),
            ("POST", "/users/@me/channels", self.create_dm),
            ("GET", "/oauth2/applications/@me", self.get_application),
            ("GET", "/gateway", self.get_gateway),
            ("GET", "/gateway/bot", self.get_gateway_bot),
            ("GET", "/channels/{channel_id}", self.get_channel),
            ("GET", "/channels/{channel_id}/messages", self.list_messages),
            ("POST", "/channels/{channel_id}/messages", self.create_message),
            ("POST", "/channels/{channel_id}/typing", self.typing),
            ("GET", msg, self.get_message),
            ("PATCH", msg, self.edit_message),
            ("DELETE", msg, self.delete_message),
            ("PUT", msg + "/reactions/{emoji_name}/@me", self.add_reaction),
            ("DELETE", msg + "/reactions/{emoji_name}/@me", self.remove_reaction),
            ("GET", "/guilds/{guild_id}", self.get_guild),
            ("GET", "/guilds/{guild_id}/channels", self.get_guild_channels),
            ("GET", "/guilds/{guild_id}/roles", self.get_roles),
            ("GET", "/guilds/{guild_id}/members", self.list_members),
            ("GET", "/guilds/{guild_id}/members/{user_id}", self.get_member),
            ("GET", app + "/commands", self.list_commands),
            ("PUT", app + "/commands", self.replace_commands),
            ("POST", app + "/commands", self.upsert_command),
            ("GET", app + "/commands/{command_id}", self.get_command),
            ("PATCH", app + "/commands/{command_id}", self.edit_command),
            ("DELETE", app + "/commands/{command_id}", self.delete_command),
            ("GET", app + "/guilds/{guild_id}/commands", self.list_commands),
            ("PUT", app + "/guilds/{guild_id}/commands", self.replace_commands),
            ("POST", app + "/guilds/{guild_id}/commands", self.upsert_command),
            ("GET", app + "/guilds/{guild_id}/commands/{command_id}", self.get_command),
            ("PATCH", app + "/guilds/{guild_id}/commands/{command_id}", self.edit_command),
            ("DELETE", app + "/guilds/{guild_id}/commands/{command_id}", self.delete_command),
            ("POST", "/interactions/{interaction_id}/{interaction_token}/callback", self.callback),
            ("POST", wh, self.followup),
            ("GET", wh + "/messages/@original", self.get_original),
            ("PATCH", wh + "/messages/@original", self.edit_original),
            ("DELETE", wh + "/messages/@original", self.delete_original),
            ("GET", wh + "/messages/{message_id}", self.get_webhook_message),
            ("PATCH", wh + "/messages/{message_id}", self.edit_webhook_message),
            ("DELETE", wh + "/messages/{message_id}", self.delete_webhook_message),
        ]

    # --- lookups -------------------------------------------------------------------------------

    def _body(self, request: web.Request) -> Any:
        return self.emulator.recorded(request).body

    def _files(self, request: web.Request) -> bool:
        return bool(self.emulator.recorded(request).files)

    def _channel(self, request: web.Request) -> Channel:
        channel = self.state.channels.get(_snowflake(request.match_info["channel_id"]))
        if channel is None:
            raise fail(404, r.UNKNOWN_CHANNEL)
        if channel.guild_id:
            perms = self.state.channel_permissions(channel, self.state.bot_user.id)
            if not perms & Permission.VIEW_CHANNEL:
                raise fail(403, r.MISSING_ACCESS)
        return channel

    def _message(self, request: web.Request, channel: Channel) -> Message:
        message = self.state.messages.get(_snowflake(request.match_info["message_id"]))
        if message is None or message.deleted or message.channel_id != channel.id:
            raise fail(404, r.UNKNOWN_MESSAGE)
        return message

    def _guild_id(self, request: web.Request) -> int:
        guild_id = _snowflake(request.match_info["guild_id"])
        guild = self.state.guilds.get(guild_id)
        if guild is None or self.state.bot_user.id not in guild.members:
            raise fail(404, r.UNKNOWN_GUILD)
        return guild_id

    def _can_mention_everyone(self, channel: Channel) -> bool:
        perms = self.state.channel_permissions(channel, self.state.bot_user.id)
        return bool(perms & Permission.MENTION_EVERYONE)

    def _attachments(self, request: web.Request) -> list[Attachment]:
        return [
            Attachment(self.state.snowflakes.next(), f.filename, len(f.data), f.content_type)
            for f in self.emulator.recorded(request).files
        ]

    def _event_payload(self, message: Message) -> JSON:
        payload = message.to_payload()
        if message.guild_id:
            payload["guild_id"] = str(message.guild_id)
            member = self.state.guilds[message.guild_id].members.get(message.author.id)
            if member is not None:
                payload["member"] = member.to_payload(with_user=False)
        return payload

    async def _announce(self, message: Message, event: str) -> None:
        if message.ephemeral:
            return
        channel = self.state.channels[message.channel_id]
        if event == "MESSAGE_DELETE":
            data: JSON = {"id": str(message.id), "channel_id": str(channel.id)}
            if channel.guild_id:
                data["guild_id"] = str(channel.guild_id)
        else:
            data = self._event_payload(message)
        await self.emulator.gateway.dispatch_message_event(channel, event, data)

    # --- users, application, gateway -------------------------------------------------------

    async def get_me(self, request: web.Request) -> web.Response:
        me = self.state.bot_user.to_payload()
        me.update(verified=True, mfa_enabled=False, locale="en-US", email=None)
        return json_response(me)

    async def get_user(self, request: web.Request) -> web.Response:
        user = self.state.users.get(_snowflake(request.match_info["user_id"]))
        if user is None:
            raise fail(404, r.UNKNOWN_USER)
        return json_response(user.to_payload())

    async def create_dm(self, request: web.Request) -> web.Response:
        body = self._body(request) or {}
        user = self.state.users.get(_snowflake(body.get("recipient_id", 0)))
        if user is None:
            raise fail(404, r.UNKNOWN_USER)
        return json_response(self.state.create_dm_channel(user).to_payload())

    async def get_application(self, request: web.Request) -> web.Response:
        bot = self.state.bot_user
        return json_response(
            {
                "id": str(self.state.application_id),
                "name": bot.username,
                "icon": None,
                "description": "",
                "summary": "",
                "type": None,
                "bot": bot.to_payload(),
                "bot_public": True,
                "bot_require_code_grant": False,
                "owner": self.emulator.application_owner.to_payload(),
                "team": None,
                "verify_key": self.verify_key,
                "flags": 0,
                "rpc_origins": [],
                "tags": [],
                "redirect_uris": [],
                "interactions_endpoint_url": None,
                "approximate_guild_count": len(self.state.guilds),
            }
        )

    async def get_gateway(self, request: web.Request) -> web.Response:
        return json_response({"url": self.emulator.gateway_url})

    async def get_gateway_bot(self, request: web.Request) -> web.Response:
        return json_response(
            {
                "url": self.emulator.gateway_url,
                "shards": self.emulator.shard_count,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 1000,
                    "reset_after": 0,
                    "max_concurrency": 1,
                },
            }
        )

    # --- channels and messages -------------------------------------------------------------

    async def get_channel(self, request: web.Request) -> web.Response:
        return json_response(self._channel(request).to_payload())

    async def typing(self, request: web.Request) -> web.Response:
        self._channel(request)
        return no_content()

    async def list_messages(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        query = request.query
        limit = max(1, min(100, int(query.get("limit", 50))))
        messages = sorted(self.state.messages_in(channel), key=lambda m: m.id, reverse=True)
        if "before" in query:
            messages = [m for m in messages if m.id < int(query["before"])]
        if "after" in query:
            messages = [m for m in messages if m.id > int(query["after"])][-limit:]
        return json_response([m.to_payload(with_nonce=False) for m in messages[:limit]])

    async def create_message(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        if channel.guild_id:
            perms = self.state.channel_permissions(channel, self.state.bot_user.id)
            if not perms & Permission.SEND_MESSAGES:
                raise fail(403, r.MISSING_PERMISSIONS)
        body = self._body(request) or {}
        check_message_body(body, require_content=not self._files(request))
        if body.get("enforce_nonce") and body.get("nonce") is not None:
            existing = self.state.find_by_nonce(channel.id, self.state.bot_user.id, body["nonce"])
            if existing is not None:
                return json_response(existing.to_payload())
        message = self.state.create_message(
            channel,
            self.state.bot_user,
            body,
            can_mention_everyone=self._can_mention_everyone(channel),
            attachments=self._attachments(request),
        )
        await self._announce(message, "MESSAGE_CREATE")
        # A held answer: the message exists, but the bot has not heard so yet.
        await self.emulator.faults.hold_answer(self.emulator.recorded(request))
        return json_response(message.to_payload())

    async def get_message(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        return json_response(self._message(request, channel).to_payload(with_nonce=False))

    async def edit_message(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        message = self._message(request, channel)
        if message.author.id != self.state.bot_user.id:
            raise fail(403, r.CANNOT_EDIT_OTHERS)
        body = self._body(request) or {}
        check_message_body(body, require_content=False)
        self.state.edit_message(
            message, body, can_mention_everyone=self._can_mention_everyone(channel)
        )
        message.attachments += self._attachments(request)
        await self._announce(message, "MESSAGE_UPDATE")
        return json_response(message.to_payload())

    async def delete_message(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        message = self._message(request, channel)
        if message.author.id != self.state.bot_user.id:
            perms = self.state.channel_permissions(channel, self.state.bot_user.id)
            if not perms & Permission.MANAGE_MESSAGES:
                raise fail(403, r.MISSING_PERMISSIONS)
        message.deleted = True
        await self._announce(message, "MESSAGE_DELETE")
        return no_content()

    async def add_reaction(self, request: web.Request) -> web.Response:
        message = self._message(request, self._channel(request))
        emoji = request.match_info["emoji_name"]
        if emoji not in message.reactions:
            message.reactions.append(emoji)
        return no_content()

    async def remove_reaction(self, request: web.Request) -> web.Response:
        message = self._message(request, self._channel(request))
        emoji = request.match_info["emoji_name"]
        if emoji in message.reactions:
            message.reactions.remove(emoji)
        return no_content()

    # --- guilds ----------------------------------------------------------------------------

    async def get_guild(self, request: web.Request) -> web.Response:
        return json_response(self.state.guilds[self._guild_id(request)].to_payload())

    async def get_guild_channels(self, request: web.Request) -> web.Response:
        guild = self.state.guilds[self._guild_id(request)]
        return json_response([c.to_payload() for c in guild.channels.values()])

    async def get_roles(self, request: web.Request) -> web.Response:
        guild = self.state.guilds[self._guild_id(request)]
        return json_response([role.to_payload() for role in guild.roles.values()])

    async def list_members(self, request: web.Request) -> web.Response:
        guild = self.state.guilds[self._guild_id(request)]
        limit = max(1, min(1000, int(request.query.get("limit", 1))))
        after = int(request.query.get("after", 0))
        members = sorted(guild.members.values(), key=lambda m: m.user.id)
        chosen = [m.to_payload() for m in members if m.user.id > after][:limit]
        return json_response(chosen)

    async def get_member(self, request: web.Request) -> web.Response:
        guild = self.state.guilds[self._guild_id(request)]
        member = guild.members.get(_snowflake(request.match_info["user_id"]))
        if member is None:
            raise fail(404, r.UNKNOWN_MEMBER)
        return json_response(member.to_payload())

    # --- application commands ----------------------------------------------------------------

    def _command_scope(self, request: web.Request) -> int | None:
        if _snowflake(request.match_info["application_id"]) != self.state.application_id:
            raise fail(403, r.MISSING_ACCESS)
        if "guild_id" in request.match_info:
            return self._guild_id(request)
        return None

    def _commands(self, request: web.Request) -> dict[tuple[str, int], JSON]:
        guild_id = self._command_scope(request)
        if guild_id is None:
            return self.state.global_commands
        return self.state.guild_commands.setdefault(guild_id, {})

    def _command_key(self, request: web.Request) -> tuple[str, int]:
        command_id = request.match_info["command_id"]
        for key, command in self._commands(request).items():
            if command["id"] == command_id:
                return key
        raise fail(404, r.UNKNOWN_COMMAND)

    async def list_commands(self, request: web.Request) -> web.Response:
        return json_response(list(self._commands(request).values()))

    async def replace_commands(self, request: web.Request) -> web.Response:
        guild_id = self._command_scope(request)
        return json_response(self.state.replace_commands(guild_id, self._body(request) or []))

    async def upsert_command(self, request: web.Request) -> web.Response:
        guild_id = self._command_scope(request)
        command, created = self.state.upsert_command(guild_id, self._body(request))
        return json_response(command, status=201 if created else 200)

    async def get_command(self, request: web.Request) -> web.Response:
        return json_response(self._commands(request)[self._command_key(request)])

    async def edit_command(self, request: web.Request) -> web.Response:
        key = self._command_key(request)
        current = self._commands(request).pop(key)
        body = {**current, **(self._body(request) or {})}
        command, _ = self.state.upsert_command(self._command_scope(request), body)
        return json_response(command)

    async def delete_command(self, request: web.Request) -> web.Response:
        del self._commands(request)[self._command_key(request)]
        return no_content()

    # --- interactions --------------------------------------------------------------------------

    def _elapsed(self, handle: InteractionHandle) -> float:
        return self.emulator.loop_time() - handle.dispatched_at

    def _interaction_channel(self, handle: InteractionHandle) -> Channel:
        return self.state.channels[int(handle.payload["channel"]["id"])]

    def _interaction_metadata(self, handle: InteractionHandle) -> JSON:
        payload = handle.payload
        user = payload["member"]["user"] if "member" in payload else payload["user"]
        metadata: JSON = {
            "id": str(handle.id),
            "type": handle.type,
            "user": user,
            "authorizing_integration_owners": payload["authorizing_integration_owners"],
        }
        if handle.type == InteractionType.APPLICATION_COMMAND:
            metadata["name"] = payload["data"]["name"]
        return metadata

    async def callback(self, request: web.Request) -> web.Response:
        handle = self.emulator.interactions.get(_snowflake(request.match_info["interaction_id"]))
        if handle is None or handle.token != request.match_info["interaction_token"]:
            raise fail(404, r.UNKNOWN_INTERACTION)
        elapsed = self._elapsed(handle)
        if handle.acknowledged:
            handle.reject("a second callback")
            raise fail(400, r.ALREADY_ACKNOWLEDGED)
        if elapsed > self.emulator.interaction_window:
            handle.reject(f"callback after {elapsed:.2f}s")
            raise fail(404, r.UNKNOWN_INTERACTION)
        body = self._body(request) or {}
        callback_type = int(body.get("type", 0))
        data = body.get("data") or {}
        channel = self._interaction_channel(handle)
        message: Message | None = None
        component_message = handle.payload.get("message")
        if callback_type in (CallbackType.CHANNEL_MESSAGE, CallbackType.DEFERRED_CHANNEL_MESSAGE):
            if callback_type == CallbackType.CHANNEL_MESSAGE:
                check_message_body(data, require_content=not self._files(request))
                message_body = data
            else:
                flags = int(data.get("flags") or 0) & MessageFlag.EPHEMERAL
                message_body = {"flags": flags | MessageFlag.LOADING}
            message = self.state.create_message(
                channel,
                self.state.bot_user,
                message_body,
                can_mention_everyone=True,
                attachments=self._attachments(request),
                type=APP_COMMAND_MESSAGE_TYPE
                if handle.type == InteractionType.APPLICATION_COMMAND
                else 0,
                webhook_id=self.state.application_id,
                interaction_metadata=self._interaction_metadata(handle),
            )
            handle.original_message_id = message.id
            await self._announce(message, "MESSAGE_CREATE")
        elif callback_type in (CallbackType.DEFERRED_UPDATE_MESSAGE, CallbackType.UPDATE_MESSAGE):
            if component_message is None:
                handle.reject(f"callback type {callback_type} without a message")
                raise DiscordHTTPError(
                    invalid_form_body("type", "INTERACTION_TYPE", "Invalid response type")
                )
            message = self.state.messages[int(component_message["id"])]
            handle.original_message_id = message.id
            if callback_type == CallbackType.UPDATE_MESSAGE:
                check_message_body(data, require_content=False)
                self.state.edit_message(message, data, can_mention_everyone=True)
                await self._announce(message, "MESSAGE_UPDATE")
        elif callback_type == CallbackType.AUTOCOMPLETE_RESULT:
            if handle.type != InteractionType.AUTOCOMPLETE:
                handle.reject("autocomplete result for a non-autocomplete interaction")
                raise DiscordHTTPError(
                    invalid_form_body("type", "INTERACTION_TYPE", "Invalid response type")
                )
            if len(data.get("choices") or []) > MAX_CHOICES:
                handle.reject("more than 25 autocomplete choices")
                raise DiscordHTTPError(
                    invalid_form_body(
                        "data.choices", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length."
                    )
                )
        elif callback_type != CallbackType.MODAL:
            handle.reject(f"unsupported callback type {callback_type}")
            raise DiscordHTTPError(
                invalid_form_body("type", "INTERACTION_TYPE", "Invalid response type")
            )
        handle.record("callback", body, elapsed, message.id if message else None)
        interaction: JSON = {
            "id": str(handle.id),
            "type": handle.type,
            "response_message_id": str(message.id) if message else None,
            "response_message_loading": callback_type == CallbackType.DEFERRED_CHANNEL_MESSAGE,
            "response_message_ephemeral": bool(message and message.ephemeral),
        }
        resource: JSON = {"type": callback_type}
        if message is not None:
            resource["message"] = message.to_payload()
        return json_response({"interaction": interaction, "resource": resource})

    def _webhook_handle(self, request: web.Request) -> InteractionHandle:
        if _snowflake(request.match_info["webhook_id"]) != self.state.application_id:
            raise fail(404, r.UNKNOWN_WEBHOOK)
        handle = self.emulator.interactions_by_token.get(request.match_info["webhook_token"])
        if handle is None:
            raise fail(404, r.UNKNOWN_WEBHOOK)
        if self._elapsed(handle) > TOKEN_LIFETIME:
            raise fail(401, r.INVALID_WEBHOOK_TOKEN)
        return handle

    def _webhook_message(self, request: web.Request, handle: InteractionHandle) -> Message:
        raw = request.match_info.get("message_id", "@original")
        message_id = handle.original_message_id if raw == "@original" else _snowflake(raw)
        allowed = {handle.original_message_id, *handle.followup_ids}
        message: Message | None = None
        if message_id is not None and message_id in allowed:
            message = self.state.messages.get(message_id)
        if message is None or message.deleted:
            raise fail(404, r.UNKNOWN_MESSAGE)
        return message

    async def followup(self, request: web.Request) -> web.Response:
        handle = self._webhook_handle(request)
        if not handle.acknowledged:
            handle.reject("follow-up before the interaction was acknowledged")
            raise fail(404, r.UNKNOWN_WEBHOOK)
        body = self._body(request) or {}
        check_message_body(body, require_content=not self._files(request))
        original = handle.original
        if original is not None and original.flags & MessageFlag.LOADING:
            # Discord turns the first follow-up after a "thinking" defer into the response.
            self.state.edit_message(original, body, can_mention_everyone=True)
            original.attachments += self._attachments(request)
            message = original
            await self._announce(message, "MESSAGE_UPDATE")
        else:
            message = self.state.create_message(
                self._interaction_channel(handle),
                self.state.bot_user,
                body,
                can_mention_everyone=True,
                attachments=self._attachments(request),
                webhook_id=self.state.application_id,
                interaction_metadata=self._interaction_metadata(handle),
            )
            await self._announce(message, "MESSAGE_CREATE")
        handle.followup_ids.append(message.id)
        handle.record("followup", body, self._elapsed(handle), message.id)
        if request.query.get("wait", "").lower() in ("1", "true"):
            return json_response(message.to_payload())
        return no_content()

    async def get_original(self, request: web.Request) -> web.Response:
        return await self.get_webhook_message(request)

    async def edit_original(self, request: web.Request) -> web.Response:
        return await self._edit_webhook_message(request, "edit_original")

    async def delete_original(self, request: web.Request) -> web.Response:
        return await self._delete_webhook_message(request, "delete_original")

    async def get_webhook_message(self, request: web.Request) -> web.Response:
        handle = self._webhook_handle(request)
        message = self._webhook_message(request, handle)
        kind = "get_original" if "message_id" not in request.match_info else "get_message"
        handle.record(kind, None, self._elapsed(handle), message.id)
        return json_response(message.to_payload())

    async def edit_webhook_message(self, request: web.Request) -> web.Response:
        return await self._edit_webhook_message(request, "edit_message")

    async def delete_webhook_message(self, request: web.Request) -> web.Response:
        return await self._delete_webhook_message(request, "delete_message")

    async def _edit_webhook_message(self, request: web.Request, kind: str) -> web.Response:
        handle = self._webhook_handle(request)
        message = self._webhook_message(request, handle)
        body = self._body(request) or {}
        check_message_body(body, require_content=False)
        self.state.edit_message(message, body, can_mention_everyone=True)
        message.attachments += self._attachments(request)
        handle.record(kind, body, self._elapsed(handle), message.id)
        await self._announce(message, "MESSAGE_UPDATE")
        return json_response(message.to_payload())

    async def _delete_webhook_message(self, request: web.Request, kind: str) -> web.Response:
        handle = self._webhook_handle(request)
        message = self._webhook_message(request, handle)
        message.deleted = True
        handle.record(kind, None, self._elapsed(handle), message.id)
        await self._announce(message, "MESSAGE_DELETE")
        return no_content()


def _snowflake(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1
