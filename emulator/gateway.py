"""The gateway: one websocket per shard, speaking plain-text JSON frames.

HELLO, IDENTIFY → READY + one GUILD_CREATE per guild of the shard, heartbeat ACKs, RESUME with
replay of missed events, REQUEST_GUILD_MEMBERS, and dispatch of events to the shard that owns
a guild (``(guild_id >> 22) % shard_count``; DMs go to shard 0). discord.py asks for zlib
compression but decompresses only binary frames, so text frames need no compression.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from emulator.models import JSON, Channel
from emulator.state import EmulatorState


class Op:
    DISPATCH = 0
    HEARTBEAT = 1
    IDENTIFY = 2
    RESUME = 6
    RECONNECT = 7
    REQUEST_GUILD_MEMBERS = 8
    INVALID_SESSION = 9
    HELLO = 10
    HEARTBEAT_ACK = 11


class Intent:
    GUILDS = 1 << 0
    GUILD_MESSAGES = 1 << 9
    DIRECT_MESSAGES = 1 << 12


_BACKLOG = 2000


@dataclass
class GatewaySession:
    """An identified shard; it outlives its websocket so that the client can RESUME."""

    session_id: str
    shard_id: int
    shard_count: int
    intents: int
    ws: web.WebSocketResponse | None = None
    seq: int = 0
    backlog: deque[tuple[int, str]] = field(default_factory=lambda: deque(maxlen=_BACKLOG))
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @property
    def connected(self) -> bool:
        return self.ws is not None and not self.ws.closed

    def serves(self, guild_id: int) -> bool:
        return (guild_id >> 22) % self.shard_count == self.shard_id

    async def send(self, frame: JSON) -> None:
        text = json.dumps(frame)
        async with self.lock:
            if self.connected:
                assert self.ws is not None
                await self.ws.send_str(text)

    async def dispatch(self, event: str, data: Any) -> None:
        async with self.lock:
            self.seq += 1
            text = json.dumps({"op": Op.DISPATCH, "t": event, "s": self.seq, "d": data})
            self.backlog.append((self.seq, text))
            if self.connected:
                assert self.ws is not None
                await self.ws.send_str(text)


class Gateway:
    def __init__(
        self, state: EmulatorState, *, heartbeat_interval_ms: int = 41_250, token: str | None
    ) -> None:
        self.state = state
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.token = token
        self.url = ""
        self.sessions: dict[str, GatewaySession] = {}
        self.identifies: list[JSON] = []
        self._sockets: set[web.WebSocketResponse] = set()

    # --- the websocket endpoint ---------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._sockets.add(ws)
        session: GatewaySession | None = None
        try:
            hello = {"heartbeat_interval": self.heartbeat_interval_ms, "_trace": ["emulator"]}
            await ws.send_str(json.dumps({"op": Op.HELLO, "d": hello, "s": None, "t": None}))
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                frame = json.loads(msg.data)
                session = await self._on_frame(ws, session, frame) or session
        finally:
            self._sockets.discard(ws)
            if session is not None and session.ws is ws:
                session.ws = None
        return ws

    async def _on_frame(
        self, ws: web.WebSocketResponse, session: GatewaySession | None, frame: JSON
    ) -> GatewaySession | None:
        op, data = frame.get("op"), frame.get("d")
        if op == Op.HEARTBEAT:
            ack = json.dumps({"op": Op.HEARTBEAT_ACK, "d": None, "s": None, "t": None})
            if session is not None:
                async with session.lock:
                    await ws.send_str(ack)
            else:
                await ws.send_str(ack)
            return None
        if op not in (Op.IDENTIFY, Op.RESUME, Op.REQUEST_GUILD_MEMBERS):
            return None
        if not isinstance(data, dict):
            # Discord's answer to a payload it cannot read.
            await ws.close(code=4002, message=b"Error while decoding payload.")
            return None
        if op == Op.IDENTIFY:
            if self.token is not None and data.get("token") != self.token:
                await ws.close(code=4004, message=b"Authentication failed.")
                return None
            return await self._identify(ws, data)
        elif op == Op.RESUME:
            return await self._resume(ws, data)
        elif op == Op.REQUEST_GUILD_MEMBERS and session is not None:
            await self._send_member_chunk(session, data)
        return None

    async def _identify(self, ws: web.WebSocketResponse, data: JSON) -> GatewaySession:
        shard_id, shard_count = data.get("shard") or (0, 1)
        self.identifies.append({k: v for k, v in data.items() if k != "token"})
        session = GatewaySession(
            session_id=secrets.token_hex(16),
            shard_id=shard_id,
            shard_count=shard_count,
            intents=int(data.get("intents") or 0),
            ws=ws,
        )
        self.sessions[session.session_id] = session
        guilds = self.guilds_of(session)
        state = self.state
        ready = {
            "v": 10,
            "user": {**state.bot_user.to_payload(), "verified": True, "mfa_enabled": False},
            "guilds": [{"id": str(g), "unavailable": True} for g in guilds],
            "session_id": session.session_id,
            "session_type": "normal",
            "resume_gateway_url": self.url,
            "shard": [shard_id, shard_count],
            "application": {"id": str(state.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "user_settings": {},
            "_trace": ["emulator"],
        }
        await session.dispatch("READY", ready)
        for guild_id in guilds:
            await session.dispatch("GUILD_CREATE", state.guilds[guild_id].to_gateway_payload())
        return session

    async def _resume(self, ws: web.WebSocketResponse, data: JSON) -> GatewaySession | None:
        session = self.sessions.get(data.get("session_id", ""))
        if session is None or (self.token is not None and data.get("token") != self.token):
            await ws.send_str(json.dumps({"op": Op.INVALID_SESSION, "d": False}))
            return None
        last_seen = int(data.get("seq") or 0)
        async with session.lock:
            session.ws = ws
            for seq, text in session.backlog:
                if seq > last_seen:
                    await ws.send_str(text)
        await session.dispatch("RESUMED", {"_trace": ["emulator"]})
        return session

    async def _send_member_chunk(self, session: GatewaySession, data: JSON) -> None:
        guild = self.state.guilds.get(int(data["guild_id"]))
        if guild is None:
            return
        wanted = {int(u) for u in data.get("user_ids") or ()}
        query = (data.get("query") or "").lower()
        members = [
            m.to_payload()
            for m in guild.members.values()
            if (not wanted or m.user.id in wanted) and m.user.username.lower().startswith(query)
        ]
        limit = int(data.get("limit") or 0)
        if limit:
            members = members[:limit]
        chunk = {
            "guild_id": str(guild.id),
            "members": members,
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [],
        }
        if data.get("nonce"):
            chunk["nonce"] = data["nonce"]
        await session.dispatch("GUILD_MEMBERS_CHUNK", chunk)

    # --- talking to the bot -------------------------------------------------------------------

    def guilds_of(self, session: GatewaySession) -> list[int]:
        """The guilds the bot is in that belong to this shard."""
        bot_id = self.state.bot_user.id
        return [
            gid
            for gid, guild in self.state.guilds.items()
            if bot_id in guild.members and session.serves(gid)
        ]

    def session_for(self, guild_id: int | None) -> GatewaySession | None:
        """The newest connected session that receives events of ``guild_id`` (None: DMs)."""
        for session in reversed(list(self.sessions.values())):
            if not session.connected:
                continue
            if guild_id is None and session.shard_id == 0:
                return session
            if guild_id is not None and session.serves(guild_id):
                return session
        return None

    async def dispatch(self, guild_id: int | None, event: str, data: JSON) -> bool:
        """Send an event to the shard that owns the guild; False when no shard is connected."""
        session = self.session_for(guild_id)
        if session is None:
            return False
        await session.dispatch(event, data)
        return True

    async def dispatch_message_event(self, channel: Channel, event: str, data: JSON) -> None:
        """MESSAGE_* events go only to a session that asked for them with its intents."""
        needed = Intent.GUILD_MESSAGES if channel.guild_id else Intent.DIRECT_MESSAGES
        session = self.session_for(channel.guild_id)
        if session is not None and session.intents & needed:
            await session.dispatch(event, data)

    async def request_reconnect(self, shard_id: int = 0) -> None:
        """Ask a shard to reconnect (op 7), as Discord does before moving a session."""
        for session in self.sessions.values():
            if session.connected and session.shard_id == shard_id:
                await session.send({"op": Op.RECONNECT, "d": None, "s": None, "t": None})

    async def close(self) -> None:
        for ws in list(self._sockets):
            await ws.close(code=1001, message=b"emulator stopping")
