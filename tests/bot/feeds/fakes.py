"""A stand-in for Discord's message API that behaves like it where delivery depends on it."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.delivery.outbox import Delivery


class Crash(BaseException):
    """The process dying: not an Exception, so nothing in the worker handles it."""


@dataclass
class Message:
    id: int
    channel_id: int
    article_id: int
    title: str
    nonce: str
    edits: int = 0


@dataclass
class FakeDiscord:
    """Implements ``DeliverySender``. Like Discord with ``enforce_nonce``, a second send with
    the same nonce in a channel returns the message already posted instead of a new one."""

    channels: dict[int, list[Message]] = field(default_factory=dict)
    failures: dict[int, list[BaseException]] = field(default_factory=dict)  # next, per channel
    crash_after_posts: int | None = None  # die after posting, before answering
    sends: int = 0
    edits: list[tuple[int, str]] = field(default_factory=list)
    _next_id: int = 1000

    def messages(self, channel_id: int) -> list[Message]:
        return self.channels.get(channel_id, [])

    def titles(self, channel_id: int) -> list[str]:
        return [m.title for m in self.messages(channel_id)]

    def _fail_if_told(self, channel_id: int) -> None:
        queued = self.failures.get(channel_id)
        if queued:
            raise queued.pop(0)

    async def send(self, delivery: Delivery) -> int:
        self.sends += 1
        self._fail_if_told(delivery.channel_id)
        channel = self.channels.setdefault(delivery.channel_id, [])
        for message in channel:
            if message.nonce == delivery.nonce:
                return message.id
        self._next_id += 1
        channel.append(
            Message(
                self._next_id,
                delivery.channel_id,
                delivery.article.id,
                delivery.article.title,
                delivery.nonce,
            )
        )
        posted = sum(len(messages) for messages in self.channels.values())
        if self.crash_after_posts is not None and posted >= self.crash_after_posts:
            self.crash_after_posts = None
            raise Crash()
        return self._next_id

    async def edit(self, delivery: Delivery, message_id: int) -> None:
        self._fail_if_told(delivery.channel_id)
        for message in self.messages(delivery.channel_id):
            if message.id == message_id:
                message.title = delivery.article.title
                message.edits += 1
                self.edits.append((message_id, delivery.article.title))
                return
        raise AssertionError(f"no message {message_id} in channel {delivery.channel_id}")
