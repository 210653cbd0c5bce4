"""Interactions as a user would cause them, and what the bot answered.

``InteractionFactory`` builds INTERACTION_CREATE payloads with every field discord.py reads
(a missing one kills the client's gateway task), resolving command ids and option types from
what the bot synced. ``InteractionHandle`` collects the bot's answers: the callback, follow-ups
and edits of the original response, each stamped with the time since dispatch.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from emulator.models import JSON, Channel, Guild, Member, Message, Role, User
from emulator.state import EmulatorState

ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024
# What Discord's client lets a person type into a string option that declares no max_length.
MAX_STRING_OPTION_LENGTH = 6000
# Integer options carry JSON numbers that JavaScript clients read exactly: 53 bits.
MAX_SAFE_INTEGER = 2**53 - 1
SUBCOMMAND, SUBCOMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER = 3, 4, 5, 6, 7, 8, 9, 10
SELECT_TYPES = {3, 5, 6, 7, 8}


class OptionRejected(ValueError):
    """Discord refused an option value before sending the interaction, as its client does
    for a value outside the limits the command registered: the bot never sees it."""


class InteractionType:
    APPLICATION_COMMAND = 2
    MESSAGE_COMPONENT = 3
    AUTOCOMPLETE = 4
    MODAL_SUBMIT = 5


class CallbackType:
    CHANNEL_MESSAGE = 4
    DEFERRED_CHANNEL_MESSAGE = 5
    DEFERRED_UPDATE_MESSAGE = 6
    UPDATE_MESSAGE = 7
    AUTOCOMPLETE_RESULT = 8
    MODAL = 9


@dataclass(frozen=True)
class InteractionResponse:
    """One request the bot made about this interaction.

    ``kind`` is ``callback``, ``followup``, ``edit_original``, ``get_original``,
    ``delete_original``, ``edit_message``, ``get_message`` or ``delete_message``.
    """

    kind: str
    body: Any
    after: float
    message_id: int | None = None


class InteractionHandle:
    """A dispatched interaction; await its answers with ``response()`` or ``wait_for()``."""

    def __init__(self, payload: JSON, state: EmulatorState, dispatched_at: float) -> None:
        self.payload = payload
        self.id = int(payload["id"])
        self.token: str = payload["token"]
        self.type: int = payload["type"]
        self.dispatched_at = dispatched_at
        self.responses: list[InteractionResponse] = []
        self.rejections: list[str] = []
        self.original_message_id: int | None = None
        self.followup_ids: list[int] = []
        self._state = state
        self._changed = asyncio.Event()

    # --- recording (called by the REST layer) --------------------------------------------------

    def record(self, kind: str, body: Any, after: float, message_id: int | None = None) -> None:
        self.responses.append(InteractionResponse(kind, body, after, message_id))
        self._notify()

    def reject(self, reason: str) -> None:
        self.rejections.append(reason)
        self._notify()

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    # --- reading -------------------------------------------------------------------------------

    @property
    def callback(self) -> JSON | None:
        """The accepted callback body (``{"type": ..., "data": ...}``), once it arrived."""
        for response in self.responses:
            if response.kind == "callback":
                body: JSON = response.body  # the route accepts only a JSON object
                return body
        return None

    @property
    def callback_type(self) -> int | None:
        callback = self.callback
        return None if callback is None else int(callback["type"])

    @property
    def callback_delay(self) -> float | None:
        """Seconds from dispatch to the callback; Discord allows 3."""
        for response in self.responses:
            if response.kind == "callback":
                return response.after
        return None

    @property
    def acknowledged(self) -> bool:
        return self.callback is not None

    @property
    def choices(self) -> list[JSON]:
        """Autocomplete choices of a type 8 callback."""
        callback = self.callback
        if callback is None or callback["type"] != CallbackType.AUTOCOMPLETE_RESULT:
            raise AssertionError(f"no autocomplete result; callback was {callback!r}")
        return list((callback.get("data") or {}).get("choices") or [])

    @property
    def modal(self) -> JSON | None:
        callback = self.callback
        if callback is None or callback["type"] != CallbackType.MODAL:
            return None
        modal: JSON = callback["data"]
        return modal

    @property
    def original(self) -> Message | None:
        """The current state of the original response (or of the message a button was on)."""
        if self.original_message_id is None:
            return None
        return self._state.messages.get(self.original_message_id)

    @property
    def followups(self) -> list[Message]:
        return [self._state.messages[mid] for mid in self.followup_ids]

    async def wait_for(
        self, predicate: Callable[[InteractionHandle], bool], within: float = 5.0
    ) -> None:
        async with asyncio.timeout(within):
            while not predicate(self):
                await self._changed.wait()

    async def response(self, within: float = 5.0) -> JSON:
        """The callback body, waiting for it; fails if the bot answered too late or twice."""
        await self.wait_for(lambda h: h.acknowledged or bool(h.rejections), within)
        if self.callback is None:
            raise AssertionError(f"interaction {self.id} was rejected: {self.rejections}")
        return self.callback

    async def followup_messages(self, count: int = 1, within: float = 5.0) -> list[Message]:
        await self.wait_for(lambda h: len(h.followup_ids) >= count, within)
        return self.followups

    async def edited_original(self, within: float = 5.0) -> Message:
        """The original response after the bot's next ``PATCH @original``."""
        seen = sum(1 for r in self.responses if r.kind == "edit_original")
        await self.wait_for(
            lambda h: sum(1 for r in h.responses if r.kind == "edit_original") > seen, within
        )
        original = self.original
        assert original is not None
        return original

    def __repr__(self) -> str:
        return f"<InteractionHandle id={self.id} type={self.type} callback={self.callback_type}>"


UserLike = User | Member


class InteractionFactory:
    """Builds INTERACTION_CREATE payloads from the emulator state."""

    def __init__(self, state: EmulatorState) -> None:
        self.state = state

    # --- public builders -------------------------------------------------------------------

    def command(
        self,
        path: str,
        options: Mapping[str, Any] | None = None,
        *,
        channel: Channel,
        user: UserLike | None = None,
        locale: str = "en-US",
        enforce_limits: bool = True,
    ) -> JSON:
        """``/name [group] [subcommand]`` with ``options`` as the user filled them in.

        A value outside the limits the command registered raises ``OptionRejected``, as
        Discord's client refuses to send it; ``enforce_limits=False`` sends it anyway, to
        see how the bot copes should one arrive.
        """
        return self._command_like(
            InteractionType.APPLICATION_COMMAND,
            path,
            options or {},
            None,
            channel,
            user,
            locale,
            enforce_limits,
        )

    def autocomplete(
        self,
        path: str,
        options: Mapping[str, Any],
        focused: str,
        *,
        channel: Channel,
        user: UserLike | None = None,
        locale: str = "en-US",
    ) -> JSON:
        """The user is typing in option ``focused``; its value is sent as the typed text."""
        if focused not in options:
            raise ValueError(f"focused option {focused!r} needs a value (the text typed so far)")
        return self._command_like(
            InteractionType.AUTOCOMPLETE, path, options, focused, channel, user, locale, True
        )

    def component(
        self,
        message: Message,
        custom_id: str,
        *,
        user: UserLike | None = None,
        values: list[str] | None = None,
        locale: str = "en-US",
    ) -> JSON:
        """A press on (or a selection in) the component ``custom_id`` of ``message``."""
        component = _find_component(message.components, custom_id)
        if component is None:
            raise ValueError(f"message {message.id} has no component with custom_id {custom_id!r}")
        if component.get("disabled"):
            raise ValueError(f"component {custom_id!r} is disabled; a user cannot use it")
        data: JSON = {"custom_id": custom_id, "component_type": component["type"]}
        if component["type"] in SELECT_TYPES:
            data["values"] = list(values or [])
        channel = self.state.channels[message.channel_id]
        payload = self._base(InteractionType.MESSAGE_COMPONENT, channel, user, locale, data)
        payload["message"] = message.to_payload()
        return payload

    def modal_submit(
        self,
        opener: InteractionHandle,
        values: Mapping[str, str | list[str]],
        *,
        user: UserLike | None = None,
        locale: str = "en-US",
    ) -> JSON:
        """Submitting the modal ``opener`` answered with, mirroring its component layout."""
        modal = opener.modal
        if modal is None:
            raise ValueError(f"interaction {opener.id} was not answered with a modal")
        data = {
            "custom_id": modal["custom_id"],
            "components": [_submitted(c, values) for c in modal.get("components", [])],
        }
        channel = self.state.channels[int(opener.payload["channel"]["id"])]
        if user is None and "member" in opener.payload:
            user = self.state.users[int(opener.payload["member"]["user"]["id"])]
        payload = self._base(InteractionType.MODAL_SUBMIT, channel, user, locale, data)
        if "message" in opener.payload:
            payload["message"] = opener.payload["message"]
        return payload

    # --- internals -----------------------------------------------------------------------------

    def _invoker(self, channel: Channel, user: UserLike | None) -> tuple[Guild | None, User]:
        guild = self.state.guild_of(channel)
        if isinstance(user, Member):
            user = user.user
        if guild is None:
            if user is None:
                user = channel.recipients[0]
            return None, user
        if user is None:
            user = self.state.users[guild.owner_id]
        if user.id not in guild.members:
            raise ValueError(f"{user.username} is not a member of {guild.name}")
        return guild, user

    def _base(
        self,
        type: int,
        channel: Channel,
        user: UserLike | None,
        locale: str,
        data: JSON,
    ) -> JSON:
        guild, invoker = self._invoker(channel, user)
        state = self.state
        channel_payload = channel.to_payload()
        payload: JSON = {
            "id": str(state.snowflakes.next()),
            "application_id": str(state.application_id),
            "type": type,
            "data": data,
            "channel": channel_payload,
            "channel_id": str(channel.id),
            "token": f"emulated-{secrets.token_urlsafe(24)}",
            "version": 1,
            "locale": locale,
            "entitlements": [],
            "entitlement_sku_ids": [],
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
        }
        if guild is None:
            payload["user"] = invoker.to_payload()
            payload["context"] = 1
            payload["authorizing_integration_owners"] = {"0": "0"}
            payload["app_permissions"] = str(state.channel_permissions(channel, state.bot_user.id))
            return payload
        user_permissions = state.channel_permissions(channel, invoker.id)
        channel_payload["permissions"] = str(user_permissions)
        member = guild.members[invoker.id].to_payload()
        member["permissions"] = str(user_permissions)
        payload.update(
            guild_id=str(guild.id),
            guild={"id": str(guild.id), "locale": guild.locale, "features": []},
            guild_locale=guild.locale,
            member=member,
            context=0,
            authorizing_integration_owners={"0": str(guild.id)},
            app_permissions=str(state.channel_permissions(channel, state.bot_user.id)),
        )
        return payload

    def _command_like(
        self,
        type: int,
        path: str,
        options: Mapping[str, Any],
        focused: str | None,
        channel: Channel,
        user: UserLike | None,
        locale: str,
        enforce_limits: bool,
    ) -> JSON:
        name, *nested = path.strip().lstrip("/").split()
        guild = self.state.guild_of(channel)
        command = self.state.find_command(name, guild.id if guild else None)
        if command is None:
            raise LookupError(f"/{name} was not synced (PUT .../commands) for this channel")
        resolved: JSON = {}
        definitions: list[JSON] = command.get("options") or []
        top: list[JSON] = []
        level = top
        for part in nested:
            definition = _option_definition(definitions, part, path)
            if definition["type"] not in (SUBCOMMAND, SUBCOMMAND_GROUP):
                raise ValueError(f"{part!r} in {path!r} is not a subcommand or group")
            entry: JSON = {"name": part, "type": definition["type"], "options": []}
            level.append(entry)
            level = entry["options"]
            definitions = definition.get("options") or []
        if any(d["type"] in (SUBCOMMAND, SUBCOMMAND_GROUP) for d in definitions):
            raise ValueError(f"{path!r} names a group; name a subcommand")
        for definition in definitions:
            if definition.get("required") and definition["name"] not in options:
                raise ValueError(f"{path!r} needs option {definition['name']!r}")
        for option_name, value in options.items():
            definition = _option_definition(definitions, option_name, path)
            option = self._option(
                definition, value, option_name == focused, channel, user, resolved
            )
            if enforce_limits:
                _check_limits(definition, option)
            level.append(option)
        data: JSON = {"id": command["id"], "name": name, "type": 1, "options": top}
        if resolved:
            data["resolved"] = resolved
        if "guild_id" in command:
            data["guild_id"] = command["guild_id"]
        return self._base(type, channel, user, locale, data)

    def _option(
        self,
        definition: JSON,
        value: Any,
        focused: bool,
        channel: Channel,
        user: UserLike | None,
        resolved: JSON,
    ) -> JSON:
        option_type = int(definition["type"])
        option: JSON = {"name": definition["name"], "type": option_type}
        if focused:
            # Autocomplete sends whatever has been typed so far, as text.
            option.update(value=str(value), focused=True)
            return option
        if option_type in (USER, CHANNEL, ROLE, MENTIONABLE):
            option["value"] = self._resolve(option_type, value, channel, user, resolved)
            return option
        try:
            converted = _CONVERTERS[option_type](value)
        except ValueError:
            raise OptionRejected(f"{definition['name']} must be {_KIND[option_type]}") from None
        choices = definition.get("choices")
        if choices and converted not in [c["value"] for c in choices]:
            raise ValueError(f"{converted!r} is not a choice of option {definition['name']!r}")
        option["value"] = converted
        return option

    def _resolve(
        self,
        option_type: int,
        value: Any,
        channel: Channel,
        user: UserLike | None,
        resolved: JSON,
    ) -> str:
        state = self.state
        guild, invoker = self._invoker(channel, user)
        if isinstance(value, Member):
            value = value.user
        target_id = value.id if isinstance(value, User | Role | Channel) else int(value)
        if target_id in state.channels and option_type == CHANNEL:
            target = state.channels[target_id]
            entry = target.to_payload()
            entry["permissions"] = str(state.channel_permissions(target, invoker.id))
            resolved.setdefault("channels", {})[str(target_id)] = entry
        elif guild is not None and target_id in guild.roles and option_type in (ROLE, MENTIONABLE):
            role_payload = guild.roles[target_id].to_payload()
            resolved.setdefault("roles", {})[str(target_id)] = role_payload
        elif target_id in state.users and option_type in (USER, MENTIONABLE):
            resolved.setdefault("users", {})[str(target_id)] = state.users[target_id].to_payload()
            if guild is not None and target_id in guild.members:
                member = guild.members[target_id].to_payload(with_user=False)
                member["permissions"] = str(state.channel_permissions(channel, target_id))
                resolved.setdefault("members", {})[str(target_id)] = member
        else:
            raise ValueError(f"{value!r} cannot fill an option of type {option_type}")
        return str(target_id)


def _check_limits(definition: JSON, option: JSON) -> None:
    """Discord's client checks each value against the limits its command registered before
    it sends the interaction."""
    value = option["value"]
    if option.get("focused"):
        return  # what has been typed so far, sent as it stands for suggestions
    if option["type"] == STRING:
        _check_length(definition, value)
    elif option["type"] in (INTEGER, NUMBER):
        _check_range(definition, value)


def _check_length(definition: JSON, text: str) -> None:
    name = definition["name"]
    longest = min(
        definition.get("max_length") or MAX_STRING_OPTION_LENGTH, MAX_STRING_OPTION_LENGTH
    )
    shortest = definition.get("min_length") or 0
    if len(text) > longest:
        raise OptionRejected(
            f"{name} must be {longest} characters or fewer (this one has {len(text)})"
        )
    if len(text) < shortest:
        raise OptionRejected(f"{name} must be at least {shortest} characters long")


def _check_range(definition: JSON, number: float) -> None:
    name = definition["name"]
    if definition["type"] == INTEGER and abs(number) > MAX_SAFE_INTEGER:
        raise OptionRejected(
            f"{name} must be a number between -{MAX_SAFE_INTEGER} and {MAX_SAFE_INTEGER}"
        )
    lowest, highest = definition.get("min_value"), definition.get("max_value")
    if lowest is not None and number < lowest:
        raise OptionRejected(f"{name} must be {lowest:g} or more")
    if highest is not None and number > highest:
        raise OptionRejected(f"{name} must be {highest:g} or less")


def _boolean(value: Any) -> bool:
    """Typed text such as ``true``/``no`` from the console, or a real bool from a test."""
    if isinstance(value, str):
        if value.lower() not in ("true", "false", "yes", "no", "1", "0"):
            raise ValueError(f"{value!r} is not a boolean")
        return value.lower() in ("true", "yes", "1")
    return bool(value)


_CONVERTERS: dict[int, Callable[[Any], Any]] = {
    STRING: str,
    INTEGER: int,
    NUMBER: float,
    BOOLEAN: _boolean,
}
_KIND = {STRING: "text", INTEGER: "a whole number", NUMBER: "a number", BOOLEAN: "true or false"}


def _option_definition(definitions: list[JSON], name: str, path: str) -> JSON:
    for definition in definitions:
        if definition["name"] == name:
            return definition
    known = ", ".join(d["name"] for d in definitions) or "none"
    raise ValueError(f"{path!r} has no option or subcommand {name!r} (known: {known})")


def _find_component(components: list[JSON], custom_id: str) -> JSON | None:
    for component in components:
        if component.get("custom_id") == custom_id:
            return component
        children = list(component.get("components") or [])
        for key in ("component", "accessory"):
            if isinstance(component.get(key), dict):
                children.append(component[key])
        found = _find_component(children, custom_id)
        if found is not None:
            return found
    return None


def _submitted(component: JSON, values: Mapping[str, str | list[str]]) -> JSON:
    """What Discord sends back for one component of a modal the user filled in."""
    if component["type"] == 1:
        return {"type": 1, "components": [_submitted(c, values) for c in component["components"]]}
    if component["type"] == 18:
        return {
            "type": 18,
            "id": component.get("id"),
            "component": _submitted(component["component"], values),
        }
    custom_id = component.get("custom_id")
    entry: JSON = {"type": component["type"], "id": component.get("id")}
    if custom_id is None:
        return entry
    entry["custom_id"] = custom_id
    value = values.get(custom_id, "")
    if component["type"] in SELECT_TYPES:
        entry["values"] = list(value) if isinstance(value, list) else [value]
    else:
        entry["value"] = value if isinstance(value, str) else " ".join(value)
    return entry
