"""The emulator's world as one mutable state: what it holds (``emulator.models``) and the
builders tests seed it with (``state.create_guild(...)``) before or while the bot runs; the
REST and gateway layers read and change it.
"""

from __future__ import annotations

import re
import time

from emulator.models import (
    ALL_PERMISSIONS,
    DEFAULT_BOT_PERMISSIONS,
    DEFAULT_EVERYONE_PERMISSIONS,
    JSON,
    Attachment,
    Channel,
    ChannelType,
    Guild,
    Member,
    Message,
    MessageFlag,
    Overwrite,
    Permission,
    Pings,
    Role,
    SnowflakeFactory,
    User,
    now_iso,
)

_USER_MENTION = re.compile(r"<@!?(\d+)>")
_ROLE_MENTION = re.compile(r"<@&(\d+)>")
_EVERYONE_MENTION = re.compile(r"@(everyone|here)")


class EmulatorState:
    """Everything the emulated Discord knows, keyed by snowflake."""

    def __init__(
        self, *, bot_name: str = "Paddock", nonce_window: float = 300.0, enforce_nonces: bool = True
    ) -> None:
        self.snowflakes = SnowflakeFactory()
        self.users: dict[int, User] = {}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.messages: dict[int, Message] = {}
        self.bot_user = self.create_user(bot_name, bot=True)
        # Bots made since 2019 share their id with their application.
        self.application_id = self.bot_user.id
        self.global_commands: dict[tuple[str, int], JSON] = {}
        self.guild_commands: dict[int, dict[tuple[str, int], JSON]] = {}
        self.nonce_window = nonce_window
        # Discord honours ``enforce_nonce`` for a few minutes at best and not always; tests of
        # exactly-once delivery turn it off so the bot cannot lean on it.
        self.enforce_nonces = enforce_nonces
        self._nonces: dict[tuple[int, int, str], tuple[int, float]] = {}
        self._dm_channels: dict[int, Channel] = {}

    # --- users, guilds, roles, members, channels -------------------------------------------

    def create_user(self, username: str, *, bot: bool = False) -> User:
        user = User(id=self.snowflakes.next(), username=username, bot=bot)
        self.users[user.id] = user
        return user

    def create_guild(
        self,
        name: str = "Test Server",
        *,
        owner: User | None = None,
        bot_permissions: int = DEFAULT_BOT_PERMISSIONS,
        with_bot: bool = True,
    ) -> Guild:
        """A guild with its @everyone role, its owner as a member and, normally, the bot.

        The bot gets a managed role carrying ``bot_permissions``, as an OAuth2 invite creates.
        """
        owner = owner or self.create_user(f"{name} owner")
        guild = Guild(id=self.snowflakes.next(new_millisecond=True), name=name, owner_id=owner.id)
        self.guilds[guild.id] = guild
        self.ensure_everyone_role(guild)
        self.add_member(guild, owner)
        if with_bot:
            bot_role = self.create_role(guild, self.bot_user.username, permissions=bot_permissions)
            bot_role.bot_id = self.bot_user.id
            self.add_member(guild, self.bot_user, roles=[bot_role])
        return guild

    def ensure_everyone_role(self, guild: Guild) -> Role:
        """The @everyone role, whose id is the guild's id."""
        role = guild.roles.get(guild.id)
        if role is None:
            role = Role(
                id=guild.id,
                guild_id=guild.id,
                name="@everyone",
                permissions=DEFAULT_EVERYONE_PERMISSIONS,
            )
            guild.roles[role.id] = role
        return role

    def create_role(
        self,
        guild: Guild,
        name: str,
        *,
        permissions: int = 0,
        mentionable: bool = False,
        color: int = 0,
        hoist: bool = False,
    ) -> Role:
        role = Role(
            id=self.snowflakes.next(),
            guild_id=guild.id,
            name=name,
            permissions=int(permissions),
            position=len(guild.roles),
            color=color,
            hoist=hoist,
            mentionable=mentionable,
        )
        guild.roles[role.id] = role
        return role

    def add_member(
        self,
        guild: Guild,
        user: User,
        *,
        roles: list[Role] | tuple[Role, ...] = (),
        nick: str | None = None,
        permissions: int | None = None,
    ) -> Member:
        """``user`` joins ``guild``; ``permissions`` adds a personal role granting them."""
        granted = list(roles)
        if permissions is not None:
            granted.append(
                self.create_role(guild, f"{user.username} role", permissions=permissions)
            )
        member = Member(user=user, guild_id=guild.id, role_ids=[r.id for r in granted], nick=nick)
        guild.members[user.id] = member
        return member

    def create_channel(
        self,
        guild: Guild,
        name: str,
        *,
        type: ChannelType = ChannelType.GUILD_TEXT,
        topic: str | None = None,
        parent: Channel | None = None,
    ) -> Channel:
        channel = Channel(
            id=self.snowflakes.next(),
            type=type,
            name=name,
            guild_id=guild.id,
            position=len(guild.channels),
            topic=topic,
            parent_id=parent.id if parent else None,
        )
        guild.channels[channel.id] = channel
        self.channels[channel.id] = channel
        return channel

    def create_text_channel(self, guild: Guild, name: str, *, topic: str | None = None) -> Channel:
        return self.create_channel(guild, name, topic=topic)

    def create_dm_channel(self, user: User) -> Channel:
        """The bot's DM channel with ``user`` (one per user, as on Discord)."""
        channel = self._dm_channels.get(user.id)
        if channel is None:
            channel = Channel(
                id=self.snowflakes.next(), type=ChannelType.DM, name=None, recipients=[user]
            )
            self._dm_channels[user.id] = channel
            self.channels[channel.id] = channel
        return channel

    def set_overwrite(
        self, channel: Channel, target: Role | Member | User, *, allow: int = 0, deny: int = 0
    ) -> None:
        is_member = not isinstance(target, Role)
        target_id = target.user.id if isinstance(target, Member) else target.id
        channel.overwrites = [ow for ow in channel.overwrites if ow.target_id != target_id]
        channel.overwrites.append(Overwrite(target_id, is_member, int(allow), int(deny)))

    def guild_of(self, channel: Channel) -> Guild | None:
        return self.guilds.get(channel.guild_id) if channel.guild_id else None

    # --- permissions --------------------------------------------------------------------------

    def base_permissions(self, guild: Guild, user_id: int) -> int:
        if user_id == guild.owner_id:
            return ALL_PERMISSIONS
        member = guild.members.get(user_id)
        if member is None:
            return 0
        perms = self.ensure_everyone_role(guild).permissions
        for role_id in member.role_ids:
            role = guild.roles.get(role_id)
            if role is not None:
                perms |= role.permissions
        if perms & Permission.ADMINISTRATOR:
            return ALL_PERMISSIONS
        return perms

    def channel_permissions(self, channel: Channel, user_id: int) -> int:
        """Discord's overwrite order: @everyone, then roles together, then the member."""
        guild = self.guild_of(channel)
        if guild is None:
            return DEFAULT_EVERYONE_PERMISSIONS
        perms = self.base_permissions(guild, user_id)
        if perms == ALL_PERMISSIONS:
            return perms
        member = guild.members[user_id]
        by_target = {ow.target_id: ow for ow in channel.overwrites}
        if everyone := by_target.get(guild.id):
            perms = (perms & ~everyone.deny) | everyone.allow
        allow = deny = 0
        for role_id in member.role_ids:
            if ow := by_target.get(role_id):
                allow |= ow.allow
                deny |= ow.deny
        perms = (perms & ~deny) | allow
        if (own := by_target.get(user_id)) and own.is_member:
            perms = (perms & ~own.deny) | own.allow
        return perms

    # --- messages -----------------------------------------------------------------------------

    def find_by_nonce(self, channel_id: int, author_id: int, nonce: str | int) -> Message | None:
        """The message already created with this nonce inside the nonce window, if any
        (never, while nonces are not enforced)."""
        if not self.enforce_nonces:
            return None
        found = self._nonces.get((channel_id, author_id, str(nonce)))
        if found is None or time.monotonic() - found[1] > self.nonce_window:
            return None
        message = self.messages.get(found[0])
        return None if message is None or message.deleted else message

    def create_message(
        self,
        channel: Channel,
        author: User,
        body: JSON,
        *,
        can_mention_everyone: bool,
        attachments: list[Attachment] | None = None,
        type: int = 0,
        webhook_id: int | None = None,
        interaction_metadata: JSON | None = None,
    ) -> Message:
        message = Message(
            id=self.snowflakes.next(),
            channel_id=channel.id,
            guild_id=channel.guild_id,
            author=author,
            content=body.get("content") or "",
            embeds=body.get("embeds") or [],
            components=body.get("components") or [],
            attachments=attachments or [],
            flags=int(body.get("flags") or 0),
            tts=bool(body.get("tts")),
            nonce=body.get("nonce"),
            type=type,
            webhook_id=webhook_id,
            application_id=self.application_id if webhook_id else None,
            interaction_metadata=interaction_metadata,
        )
        reference = body.get("message_reference")
        if reference and reference.get("message_id"):
            message.message_reference = {
                "type": 0,
                "message_id": str(reference["message_id"]),
                "channel_id": str(reference.get("channel_id") or channel.id),
            }
            if channel.guild_id:
                message.message_reference["guild_id"] = str(channel.guild_id)
            if message.type == 0:
                message.type = 19
        self.apply_mentions(message, body.get("allowed_mentions"), can_mention_everyone)
        self.messages[message.id] = message
        if message.nonce is not None:
            key = (channel.id, author.id, str(message.nonce))
            self._nonces[key] = (message.id, time.monotonic())
        if not message.ephemeral:
            channel.last_message_id = message.id
        return message

    def edit_message(self, message: Message, body: JSON, *, can_mention_everyone: bool) -> None:
        """Apply a PATCH body: only the keys present change, as on Discord."""
        if "content" in body:
            message.content = body["content"] or ""
        if "embeds" in body:
            message.embeds = body["embeds"] or []
        if "components" in body:
            message.components = body["components"] or []
        if "flags" in body and body["flags"] is not None:
            message.flags = int(body["flags"]) | (message.flags & MessageFlag.EPHEMERAL)
        if "attachments" in body and body["attachments"] is not None:
            kept = {str(a.get("id")) for a in body["attachments"]}
            message.attachments = [a for a in message.attachments if str(a.id) in kept]
        message.flags &= ~MessageFlag.LOADING
        message.edited_timestamp = now_iso()
        message.changed_at = time.monotonic()
        self.apply_mentions(message, body.get("allowed_mentions"), can_mention_everyone)

    def apply_mentions(
        self, message: Message, allowed: JSON | None, can_mention_everyone: bool
    ) -> None:
        """Fill mentions/mention_roles/mention_everyone and ``pings`` as Discord would.

        Without ``allowed_mentions`` Discord parses every mention in the content (and pings
        the author of a replied-to message); with it, only the listed kinds and ids notify.
        @everyone/@here and non-mentionable roles also need Mention Everyone permission.
        """
        if allowed is None:
            parse = {"users", "roles", "everyone"}
            listed_users: set[int] = set()
            listed_roles: set[int] = set()
            replied_user = True
        else:
            parse = set(allowed.get("parse") or ())
            listed_users = {int(u) for u in allowed.get("users") or ()}
            listed_roles = {int(r) for r in allowed.get("roles") or ()}
            replied_user = bool(allowed.get("replied_user", False))
        content = message.content
        guild = self.guilds.get(message.guild_id) if message.guild_id else None

        users: list[User] = []
        for match in _USER_MENTION.finditer(content):
            user_id = int(match.group(1))
            user = self.users.get(user_id)
            pinged = "users" in parse or user_id in listed_users
            if user is not None and pinged and user not in users:
                users.append(user)
        if replied_user and message.message_reference:
            replied = self.messages.get(int(message.message_reference["message_id"]))
            if replied is not None and replied.author not in users:
                users.append(replied.author)

        roles: list[int] = []
        if guild is not None:
            for match in _ROLE_MENTION.finditer(content):
                role = guild.roles.get(int(match.group(1)))
                pinged = "roles" in parse or (role is not None and role.id in listed_roles)
                allowed_role = role is not None and (role.mentionable or can_mention_everyone)
                if role is not None and pinged and allowed_role and role.id not in roles:
                    roles.append(role.id)

        everyone = (
            "everyone" in parse
            and can_mention_everyone
            and _EVERYONE_MENTION.search(content) is not None
        )
        message.mentions = users
        message.mention_roles = roles
        message.mention_everyone = everyone
        message.pings = Pings(
            everyone=everyone, users=frozenset(u.id for u in users), roles=frozenset(roles)
        )

    def messages_in(
        self, channel: Channel | int, *, include_ephemeral: bool = False
    ) -> list[Message]:
        """Live messages of a channel, oldest first."""
        channel_id = channel if isinstance(channel, int) else channel.id
        return [
            m
            for m in self.messages.values()
            if m.channel_id == channel_id
            and not m.deleted
            and (include_ephemeral or not m.ephemeral)
        ]

    # --- application commands -----------------------------------------------------------------

    def _command_table(self, guild_id: int | None) -> dict[tuple[str, int], JSON]:
        if guild_id is None:
            return self.global_commands
        return self.guild_commands.setdefault(guild_id, {})

    def upsert_command(self, guild_id: int | None, body: JSON) -> tuple[JSON, bool]:
        """Store one command; Discord keeps the id of a command with the same name and type."""
        table = self._command_table(guild_id)
        key = (body["name"], int(body.get("type") or 1))
        existing = table.get(key)
        command: JSON = {
            "description": "",
            "options": [],
            "default_member_permissions": None,
            "dm_permission": True,
            "nsfw": False,
            "contexts": None,
            "integration_types": [0],
            **body,
            "id": existing["id"] if existing else str(self.snowflakes.next()),
            "application_id": str(self.application_id),
            "type": key[1],
            "version": str(self.snowflakes.next()),
        }
        if guild_id is not None:
            command["guild_id"] = str(guild_id)
        table[key] = command
        return command, existing is None

    def replace_commands(self, guild_id: int | None, bodies: list[JSON]) -> list[JSON]:
        table = self._command_table(guild_id)
        kept = {(body["name"], int(body.get("type") or 1)) for body in bodies}
        for key in [key for key in table if key not in kept]:
            del table[key]
        return [self.upsert_command(guild_id, body)[0] for body in bodies]

    def find_command(self, name: str, guild_id: int | None, type: int = 1) -> JSON | None:
        """The synced command a user would see in ``guild_id``: guild commands first."""
        if guild_id is not None:
            command = self.guild_commands.get(guild_id, {}).get((name, type))
            if command is not None:
                return command
        return self.global_commands.get((name, type))
