"""The emulator's data: users, guilds, roles, members, channels and messages, with the JSON
shapes Discord sends for each, and the permission and snowflake rules they follow."""

from __future__ import annotations

import enum
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

DISCORD_EPOCH_MS = 1_420_070_400_000
JSON = dict[str, Any]


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


class SnowflakeFactory:
    """Unique, increasing snowflakes.

    Guild ids each take a fresh millisecond so that consecutive guilds fall on consecutive
    shards (``(guild_id >> 22) % shard_count``), as a bot's guilds do in production.
    """

    def __init__(self) -> None:
        self._ms = 0
        self._seq = 0

    def next(self, *, new_millisecond: bool = False) -> int:
        now = int(time.time() * 1000) - DISCORD_EPOCH_MS
        if now > self._ms:
            self._ms, self._seq = now, 0
        elif new_millisecond or self._seq >= 0xFFF:
            self._ms, self._seq = self._ms + 1, 0
        else:
            self._seq += 1
        return (self._ms << 22) | self._seq


class Permission(enum.IntFlag):
    CREATE_INSTANT_INVITE = 1 << 0
    KICK_MEMBERS = 1 << 1
    BAN_MEMBERS = 1 << 2
    ADMINISTRATOR = 1 << 3
    MANAGE_CHANNELS = 1 << 4
    MANAGE_GUILD = 1 << 5
    ADD_REACTIONS = 1 << 6
    VIEW_CHANNEL = 1 << 10
    SEND_MESSAGES = 1 << 11
    MANAGE_MESSAGES = 1 << 13
    EMBED_LINKS = 1 << 14
    ATTACH_FILES = 1 << 15
    READ_MESSAGE_HISTORY = 1 << 16
    MENTION_EVERYONE = 1 << 17
    USE_EXTERNAL_EMOJIS = 1 << 18
    MANAGE_ROLES = 1 << 28
    MANAGE_WEBHOOKS = 1 << 29
    USE_APPLICATION_COMMANDS = 1 << 31
    SEND_MESSAGES_IN_THREADS = 1 << 38


ALL_PERMISSIONS = (1 << 51) - 1
# Close to what Discord gives @everyone in a new server, including "Mention @everyone": a bot
# that forgets allowed_mentions would really ping everyone, and the tests should see that.
DEFAULT_EVERYONE_PERMISSIONS = int(
    Permission.CREATE_INSTANT_INVITE
    | Permission.ADD_REACTIONS
    | Permission.VIEW_CHANNEL
    | Permission.SEND_MESSAGES
    | Permission.EMBED_LINKS
    | Permission.ATTACH_FILES
    | Permission.READ_MESSAGE_HISTORY
    | Permission.MENTION_EVERYONE
    | Permission.USE_EXTERNAL_EMOJIS
    | Permission.USE_APPLICATION_COMMANDS
    | Permission.SEND_MESSAGES_IN_THREADS
)
DEFAULT_BOT_PERMISSIONS = int(
    Permission.VIEW_CHANNEL
    | Permission.SEND_MESSAGES
    | Permission.EMBED_LINKS
    | Permission.ATTACH_FILES
    | Permission.READ_MESSAGE_HISTORY
    | Permission.ADD_REACTIONS
)


class ChannelType(enum.IntEnum):
    GUILD_TEXT = 0
    DM = 1
    GUILD_CATEGORY = 4
    GUILD_ANNOUNCEMENT = 5


class MessageFlag(enum.IntFlag):
    EPHEMERAL = 1 << 6
    LOADING = 1 << 7


@dataclass
class User:
    id: int
    username: str
    bot: bool = False
    global_name: str | None = None

    def to_payload(self) -> JSON:
        return {
            "id": str(self.id),
            "username": self.username,
            "global_name": self.global_name,
            "discriminator": "0",
            "avatar": None,
            "bot": self.bot,
            "system": False,
            "public_flags": 0,
            "flags": 0,
            "banner": None,
            "accent_color": None,
            "avatar_decoration_data": None,
            "primary_guild": None,
        }


@dataclass
class Role:
    id: int
    guild_id: int
    name: str
    permissions: int = 0
    position: int = 0
    color: int = 0
    hoist: bool = False
    mentionable: bool = False
    bot_id: int | None = None

    def to_payload(self) -> JSON:
        payload: JSON = {
            "id": str(self.id),
            "name": self.name,
            "description": None,
            "color": self.color,
            "colors": {
                "primary_color": self.color,
                "secondary_color": None,
                "tertiary_color": None,
            },
            "hoist": self.hoist,
            "icon": None,
            "unicode_emoji": None,
            "position": self.position,
            "permissions": str(self.permissions),
            "managed": self.bot_id is not None,
            "mentionable": self.mentionable,
            "flags": 0,
        }
        if self.bot_id is not None:
            payload["tags"] = {"bot_id": str(self.bot_id)}
        return payload


@dataclass
class Overwrite:
    target_id: int
    is_member: bool
    allow: int = 0
    deny: int = 0

    def to_payload(self) -> JSON:
        return {
            "id": str(self.target_id),
            "type": 1 if self.is_member else 0,
            "allow": str(self.allow),
            "deny": str(self.deny),
        }


@dataclass
class Channel:
    id: int
    type: ChannelType
    name: str | None
    guild_id: int | None = None
    position: int = 0
    topic: str | None = None
    parent_id: int | None = None
    overwrites: list[Overwrite] = field(default_factory=list)
    recipients: list[User] = field(default_factory=list)
    last_message_id: int | None = None

    def to_payload(self) -> JSON:
        last = str(self.last_message_id) if self.last_message_id else None
        if self.type is ChannelType.DM:
            return {
                "id": str(self.id),
                "type": int(self.type),
                "last_message_id": last,
                "recipients": [user.to_payload() for user in self.recipients],
                "flags": 0,
            }
        return {
            "id": str(self.id),
            "type": int(self.type),
            "guild_id": str(self.guild_id),
            "name": self.name,
            "position": self.position,
            "permission_overwrites": [ow.to_payload() for ow in self.overwrites],
            "parent_id": str(self.parent_id) if self.parent_id else None,
            "topic": self.topic,
            "nsfw": False,
            "last_message_id": last,
            "rate_limit_per_user": 0,
            "flags": 0,
        }


@dataclass
class Member:
    user: User
    guild_id: int
    role_ids: list[int] = field(default_factory=list)
    nick: str | None = None
    joined_at: str = field(default_factory=now_iso)

    def to_payload(self, *, with_user: bool = True) -> JSON:
        payload: JSON = {
            "nick": self.nick,
            "avatar": None,
            "banner": None,
            "roles": [str(role_id) for role_id in self.role_ids],
            "joined_at": self.joined_at,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "communication_disabled_until": None,
        }
        if with_user:
            payload["user"] = self.user.to_payload()
        return payload


@dataclass
class Guild:
    id: int
    name: str
    owner_id: int
    roles: dict[int, Role] = field(default_factory=dict)
    channels: dict[int, Channel] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)
    locale: str = "en-US"

    def to_payload(self) -> JSON:
        """The guild object of ``GET /guilds/{id}`` (no channels or members)."""
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(self.owner_id),
            "region": None,
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "roles": [role.to_payload() for role in self.roles.values()],
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "application_id": None,
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "safety_alerts_channel_id": None,
            "vanity_url_code": None,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "premium_progress_bar_enabled": False,
            "preferred_locale": self.locale,
            "nsfw_level": 0,
            "max_members": 500000,
            "max_video_channel_users": 25,
            "max_stage_video_channel_users": 50,
            "approximate_member_count": len(self.members),
            "approximate_presence_count": 0,
        }

    def to_gateway_payload(self) -> JSON:
        """GUILD_CREATE: member_count equals len(members) so the client does not chunk."""
        payload = self.to_payload()
        payload.update(
            joined_at=now_iso(),
            large=False,
            unavailable=False,
            member_count=len(self.members),
            channels=[channel.to_payload() for channel in self.channels.values()],
            members=[member.to_payload() for member in self.members.values()],
            threads=[],
            voice_states=[],
            presences=[],
            stage_instances=[],
            guild_scheduled_events=[],
            soundboard_sounds=[],
        )
        return payload


@dataclass(frozen=True)
class Pings:
    """Who a message actually notified, after allowed_mentions and permissions."""

    everyone: bool = False
    users: frozenset[int] = frozenset()
    roles: frozenset[int] = frozenset()

    @property
    def anyone(self) -> bool:
        return self.everyone or bool(self.users) or bool(self.roles)


@dataclass
class Attachment:
    id: int
    filename: str
    size: int
    content_type: str | None = None
    description: str | None = None

    def to_payload(self, channel_id: int) -> JSON:
        url = f"https://cdn.discordapp.com/attachments/{channel_id}/{self.id}/{self.filename}"
        return {
            "id": str(self.id),
            "filename": self.filename,
            "description": self.description,
            "content_type": self.content_type,
            "size": self.size,
            "url": url,
            "proxy_url": url,
            "flags": 0,
        }


@dataclass
class Message:
    id: int
    channel_id: int
    guild_id: int | None
    author: User
    content: str = ""
    embeds: list[JSON] = field(default_factory=list)
    components: list[JSON] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    flags: int = 0
    tts: bool = False
    nonce: str | int | None = None
    type: int = 0
    timestamp: str = field(default_factory=now_iso)
    edited_timestamp: str | None = None
    mentions: list[User] = field(default_factory=list)
    mention_roles: list[int] = field(default_factory=list)
    mention_everyone: bool = False
    pings: Pings = field(default_factory=Pings)
    webhook_id: int | None = None
    application_id: int | None = None
    interaction_metadata: JSON | None = None
    message_reference: JSON | None = None
    reactions: list[str] = field(default_factory=list)
    deleted: bool = False
    changed_at: float = field(default_factory=time.monotonic)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & MessageFlag.EPHEMERAL)

    def to_payload(self, *, with_nonce: bool = True) -> JSON:
        """The message as Discord sends it; only the answer to its creation (and the
        gateway event) carries the nonce, not a message fetched later."""
        payload: JSON = {
            "id": str(self.id),
            "type": self.type,
            "channel_id": str(self.channel_id),
            "author": self.author.to_payload(),
            "content": self.content,
            "timestamp": self.timestamp,
            "edited_timestamp": self.edited_timestamp,
            "tts": self.tts,
            "mention_everyone": self.mention_everyone,
            "mentions": [user.to_payload() for user in self.mentions],
            "mention_roles": [str(role_id) for role_id in self.mention_roles],
            "mention_channels": [],
            "attachments": [a.to_payload(self.channel_id) for a in self.attachments],
            "embeds": self.embeds,
            "components": self.components,
            "reactions": [],
            "pinned": False,
            "flags": self.flags,
            "stickers": [],
            "sticker_items": [],
        }
        if with_nonce and self.nonce is not None:
            payload["nonce"] = self.nonce
        if self.webhook_id is not None:
            payload["webhook_id"] = str(self.webhook_id)
        if self.application_id is not None:
            payload["application_id"] = str(self.application_id)
        if self.interaction_metadata is not None:
            payload["interaction_metadata"] = self.interaction_metadata
        if self.message_reference is not None:
            payload["message_reference"] = self.message_reference
        return payload
