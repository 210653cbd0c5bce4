"""``paddock console``: the real bot against the loopback Discord emulator, at a prompt.

A person types what they would type in Discord (``/quote person:hamilton``), sees the reply
rendered as text, and presses buttons by number (``press 2``). Piped input works the same
way, and ``--json`` prints every reply as one JSON object per line for scripts.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, cast

from bot.app import PaddockBot, create_bot
from bot.settings import DEFAULT_FEEDS, Settings
from cogs._loopback import point_discord_at, restore_endpoints
from emulator import Channel, DiscordEmulator, Message, OptionRejected
from emulator.models import Guild, User

if TYPE_CHECKING:
    from cogs.autopost import AutoPost

log = logging.getLogger(__name__)

DEMO_ARTICLES = Path(__file__).resolve().parent / "data" / "demo_articles.jsonl"
EPHEMERAL = 1 << 6
# Checking a new feed means fetching it: a deferred answer may take as long as the fetch.
DEFERRED_ANSWER_SECONDS = 60.0
HELP = """\
Type a slash command as in Discord, options as name:value:
  /latest count:3            /latest about:norris
  /quote person:hamilton     /quote person:russell about:imola
  /story words:imola crash   /driver name:checo
  /paddock show              /paddock channel set channel:#f1-news
  /paddock filter add kind:person value:verstappen
  /paddock feeds add url:https://example.com/f1/rss
Other commands:
  press N      press button N of the last reply
  complete /quote person:ham    show autocomplete choices for the option being typed
  poll         read every feed now and post what is new (the bot also does this on its own)
  messages     show what Paddock posted in the channels
  help         this text            quit   leave
"""


class ConsoleError(Exception):
    """A console line that cannot be run; the message says what to type instead."""


@dataclass
class Reply:
    """One answer from the bot, flattened for printing or JSON."""

    source: str
    ephemeral: bool = False
    content: str | None = None
    embeds: list[dict[str, Any]] = field(default_factory=list)
    buttons: list[dict[str, Any]] = field(default_factory=list)
    choices: list[dict[str, Any]] = field(default_factory=list)
    channel: str | None = None
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"source": self.source, "ephemeral": self.ephemeral}
        for name in ("content", "channel", "error"):
            if getattr(self, name):
                data[name] = getattr(self, name)
        if self.embeds:
            data["embeds"] = self.embeds
        if self.buttons:
            data["buttons"] = self.buttons
        if self.choices:
            data["choices"] = self.choices
        return data


def _buttons(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for row in components:
        for item in row.get("components", []):
            if item.get("type") == 2:
                found.append(
                    {
                        "number": len(found) + 1,
                        "label": item.get("label") or item.get("emoji", {}).get("name", ""),
                        "custom_id": item.get("custom_id"),
                        "url": item.get("url"),
                        "disabled": bool(item.get("disabled")),
                    }
                )
    return found


def reply_from_message(source: str, body: dict[str, Any], channel: str | None = None) -> Reply:
    return Reply(
        source=source,
        ephemeral=bool(int(body.get("flags") or 0) & EPHEMERAL),
        content=body.get("content") or None,
        embeds=list(body.get("embeds") or []),
        buttons=_buttons(body.get("components") or []),
        channel=channel,
    )


def render_reply(reply: Reply, width: int = 88, names: dict[str, str] | None = None) -> str:
    """A reply as a person would read it in a terminal; ``names`` turns <#id> into #name."""
    text = "\n".join(_reply_lines(reply, width))
    if names:
        text = _MENTION.sub(lambda m: names.get(m.group(0), m.group(0)), text)
    return text


_MENTION = re.compile(r"<(?:#|@&|@!?)\d+>")
_LINK = re.compile(r"\[([^\]\n]+)\]\((\S+?)\)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ESCAPED = re.compile(r"\\([*_~|>`\\\[\]()#-])")


def readable(text: str) -> str:
    """Discord markdown as plain terminal text: links as "title (url)", no ** or escapes."""
    text = _LINK.sub(lambda m: f"{m.group(1)} ({m.group(2)})", text)
    text = _BOLD.sub(r"\1", text)
    return _ESCAPED.sub(r"\1", text)


def _reply_lines(reply: Reply, width: int) -> list[str]:
    lines: list[str] = []
    where = f" in #{reply.channel}" if reply.channel else ""
    header = f"── Paddock{where}" + (" (only you can see this)" if reply.ephemeral else "")
    lines.append(header)
    if reply.error:
        lines.append(f"!! {reply.error}")
    if reply.content:
        lines.append(textwrap.fill(readable(reply.content), width, replace_whitespace=False))
    for embed in reply.embeds:
        if author := embed.get("author", {}).get("name"):
            lines.append(f"  {author}")
        if title := embed.get("title"):
            lines.append(f"  ▌ {readable(title)}")
        if url := embed.get("url"):
            lines.append(f"    {url}")
        if description := embed.get("description"):
            for paragraph in readable(description).split("\n"):
                wrapped = textwrap.fill(paragraph, width - 4) if paragraph else ""
                lines.append(textwrap.indent(wrapped, "    ") if wrapped else "")
        for item in embed.get("fields", []):
            lines.append(f"    {item['name']}:")
            for paragraph in readable(item["value"]).split("\n"):
                lines.append(textwrap.indent(textwrap.fill(paragraph, width - 6), "      "))
        if footer := embed.get("footer", {}).get("text"):
            lines.append(f"    — {footer}")
    for choice in reply.choices:
        lines.append(f"  • {choice['name']}  [{choice['value']}]")
    if reply.buttons:
        pressable = [
            f"[{b['number']}] {b['label']}" + (" (off)" if b["disabled"] else "")
            for b in reply.buttons
        ]
        lines.append("  " + "   ".join(pressable) + "   (type: press N)")
    return lines


_OPTION = re.compile(r"(?:^|\s)([a-z_]+):")


def parse_command(
    line: str, known: Callable[[str], dict[str, Any] | None]
) -> tuple[str, dict[str, str], list[dict[str, Any]]]:
    """Split ``/paddock filter add kind:person value:max verstappen`` into the command path,
    its options (values may contain spaces) and the option definitions."""
    text = line.strip().removeprefix("/")
    first_option = _OPTION.search(text)
    head = text[: first_option.start()] if first_option else text
    words = head.split()
    if not words:
        raise ConsoleError("Type a command after the slash, e.g. /latest")
    command = known(words[0])
    if command is None:
        raise ConsoleError(f"There is no /{words[0]} command. Type help for the list.")
    path = [words[0]]
    definitions = command.get("options", [])
    for word in words[1:]:
        sub = next((o for o in definitions if o["name"] == word and o["type"] in (1, 2)), None)
        if sub is None:
            raise ConsoleError(f"/{' '.join(path)} has no subcommand '{word}'.")
        path.append(word)
        definitions = sub.get("options", [])
    if any(o["type"] in (1, 2) for o in definitions):
        names = ", ".join(o["name"] for o in definitions)
        raise ConsoleError(f"/{' '.join(path)} needs one of: {names}")
    options: dict[str, str] = {}
    tail = text[len(head) :]
    marks = list(_OPTION.finditer(tail))
    for index, mark in enumerate(marks):
        end = marks[index + 1].start() if index + 1 < len(marks) else len(tail)
        options[mark.group(1)] = tail[mark.end() : end].strip()
    valid = {o["name"] for o in definitions}
    for name in options:
        if name not in valid:
            hint = ", ".join(sorted(valid)) or "no options"
            raise ConsoleError(f"/{' '.join(path)} has no option '{name}' (it takes {hint}).")
    for definition in definitions:
        if definition.get("required") and definition["name"] not in options:
            raise ConsoleError(f"/{' '.join(path)} needs {definition['name']}:…")
    return " ".join(path), options, definitions


class Console:
    """The bot, the emulator and one server ("Paddock Console") with #general and #f1-news."""

    def __init__(self, settings: Settings) -> None:
        # Offline means offline: the built-in list of real news sites is left out, so only
        # feeds someone chose (PADDOCK_FEEDS, or one added at the console) are read.
        feeds = () if settings.feeds == DEFAULT_FEEDS else settings.feeds
        self.settings = replace(settings, feeds=feeds)
        self.emulator = DiscordEmulator(bot_name="Paddock")
        state = self.emulator.state
        self.you: User = state.create_user("you")
        self.guild: Guild = state.create_guild("Paddock Console", owner=self.you)
        self.general: Channel = state.create_text_channel(self.guild, "general")
        self.news: Channel = state.create_text_channel(self.guild, "f1-news")
        self.bot: PaddockBot | None = None
        self._task: asyncio.Task[None] | None = None
        self._previous: Any = None
        self._last_message: Message | None = None
        self._seen: set[int] = set()

    async def start(self) -> None:
        await self.emulator.start()
        self._previous = point_discord_at(self.emulator)
        self.bot = create_bot(
            self.settings,
            sync_commands=False,
            guild_ready_timeout=0.05,
            chunk_guilds_at_startup=False,
        )
        self._task = asyncio.create_task(self.bot.start("console-token"), name="paddock bot")
        async with asyncio.timeout(30):
            while not self.bot.is_ready():
                if self._task.done():
                    self._task.result()
                    raise RuntimeError("the bot stopped before it was ready")
                await asyncio.sleep(0.02)
        await self.bot.tree.sync()

    async def stop(self) -> None:
        if self.bot is not None:
            await self.bot.close()
        if self._task is not None:
            try:
                async with asyncio.timeout(5):
                    await self._task
            except Exception:  # shutting down either way; the log has the details
                log.debug("bot task ended with an error", exc_info=True)
        if self._previous is not None:
            restore_endpoints(self._previous)
        await self.emulator.stop()

    def _command(self, name: str) -> dict[str, Any] | None:
        return self.emulator.state.find_command(name, None) or self.emulator.state.find_command(
            name, self.guild.id
        )

    def _option_value(self, value: str, definition: dict[str, Any]) -> Any:
        kind = definition["type"]
        state = self.emulator.state
        if kind == 7:  # channel
            name = value.lstrip("#")
            channel = next(
                (c for c in state.channels.values() if c.name == name and c.guild_id), None
            )
            if channel is None:
                raise ConsoleError(f"There is no channel #{name}. Try #general or #f1-news.")
            return channel
        if kind in (8, 9):  # role, mentionable
            name = value.lstrip("@")
            role = next((r for r in self.guild.roles.values() if r.name == name), None)
            if role is None:
                raise ConsoleError(f"There is no role @{name} in the console server.")
            return role
        return value

    async def run_line(self, line: str) -> list[Reply]:
        text = line.strip()
        if not text:
            return []
        if text.startswith("/"):
            return await self._slash(text)
        word, _, rest = text.partition(" ")
        if word == "press":
            return await self._press(rest.strip())
        if word == "complete":
            return await self._complete(rest.strip())
        if word == "messages":
            return self.channel_posts(all_posts=True)
        if word == "poll":
            return [await self.poll()]
        raise ConsoleError(f"I don't know '{word}'. Type help for the commands.")

    async def _slash(self, text: str) -> list[Reply]:
        path, raw, definitions = parse_command(text, self._command)
        by_name = {d["name"]: d for d in definitions}
        options = {name: self._option_value(value, by_name[name]) for name, value in raw.items()}
        try:
            handle = await self.emulator.slash_command(
                path, options, channel=self.general, user=self.you
            )
        except OptionRejected as exc:
            raise ConsoleError(f"Discord would not send that: {exc}.") from None
        except ValueError as exc:
            raise ConsoleError(str(exc)) from None
        return await self._answers(handle, f"/{path}")

    async def _complete(self, text: str) -> list[Reply]:
        path, raw, _ = parse_command(text, self._command)
        if not raw:
            raise ConsoleError("Say which option is being typed, e.g. complete /quote person:ham")
        focused = list(raw)[-1]
        handle = await self.emulator.autocomplete(
            path, raw, focused, channel=self.general, user=self.you
        )
        await handle.response()
        return [Reply(source=f"autocomplete /{path} {focused}", choices=handle.choices)]

    async def _press(self, number: str) -> list[Reply]:
        message = self._last_message
        if message is None:
            raise ConsoleError("There is nothing to press yet: run a command with buttons first.")
        buttons = _buttons(message.components)
        if not number.isdigit() or not 1 <= int(number) <= len(buttons):
            raise ConsoleError(f"Press a button number from 1 to {len(buttons)}.")
        button = buttons[int(number) - 1]
        if button["url"]:
            return [Reply(source="link", content=f"That button opens {button['url']}")]
        if button["disabled"]:
            raise ConsoleError(f"Button {number} ({button['label']}) can't be pressed right now.")
        handle = await self.emulator.press(message, button["custom_id"], user=self.you)
        return await self._answers(handle, f"press {number}")

    async def _answers(self, handle: Any, source: str) -> list[Reply]:
        try:
            callback = await handle.response()
        except TimeoutError:
            return [Reply(source=source, error="Paddock did not answer within 5 seconds.")]
        kind = callback.get("type")
        replies: list[Reply] = []
        if kind in (4, 7):
            replies.append(reply_from_message(source, callback.get("data") or {}))
        elif kind in (5, 6):
            # A deferred answer comes as an edit of the original or as a follow-up; Discord
            # turns the first follow-up after "thinking…" into the original itself.
            try:
                await handle.wait_for(
                    lambda h: any(r.kind in ("edit_original", "followup") for r in h.responses),
                    within=DEFERRED_ANSWER_SECONDS,
                )
            except TimeoutError:
                return [Reply(source=source, error="Paddock did not finish its answer in time.")]
            original = handle.original
            if original is not None and original.id not in handle.followup_ids:
                replies.append(reply_from_message(source, original.to_payload()))
        original = handle.original
        if original is not None and original.components and kind in (4, 5, 7):
            self._last_message = original
        elif kind == 7 and self._last_message is not None:
            self._last_message = self.emulator.state.messages.get(
                self._last_message.id, self._last_message
            )
        for message in handle.followups:
            replies.append(reply_from_message(source, message.to_payload()))
            if message.components:
                self._last_message = message
        return replies

    async def poll(self) -> Reply:
        """One round of the automatic posting loops, now: read every feed, post the news."""
        assert self.bot is not None
        autopost = cast("AutoPost | None", self.bot.get_cog("AutoPost"))
        if autopost is None:
            raise ConsoleError("Automatic posting is not loaded in this bot.")
        polled, delivered = await autopost.poll(every_feed=True)
        failed = "".join(f"\n{r.feed.name}: {r.error}" for r in polled.failed)
        return Reply(
            source="poll",
            content=(
                f"Read {len(polled.reports)} feed(s): {len(polled.created)} new, "
                f"{len(polled.updated)} updated. Posted {len(delivered.sent)}, "
                f"edited {len(delivered.edited)}.{failed}"
            ),
        )

    def names(self) -> dict[str, str]:
        """Mention markup of the console server's channels and roles, as people read it."""
        found = {f"<#{c.id}>": f"#{c.name}" for c in self.emulator.state.channels.values()}
        found.update({f"<@&{r.id}>": f"@{r.name}" for r in self.guild.roles.values()})
        return found

    def channel_posts(self, *, all_posts: bool = False) -> list[Reply]:
        """Messages the bot posted in channels on its own (news deliveries) not shown yet."""
        replies = []
        for channel in (self.news, self.general):
            for message in self.emulator.messages_in(channel):
                if message.interaction_metadata is not None:
                    continue
                if message.id in self._seen and not all_posts:
                    continue
                self._seen.add(message.id)
                replies.append(
                    reply_from_message("post", message.to_payload(), channel=channel.name)
                )
        return replies


async def load_demo_if_empty(settings: Settings, *, ask: Callable[[str], bool]) -> str | None:
    """Offer the bundled demo stories when the database has none; returns what happened."""
    from bot.ingest.bulk import import_paths
    from storage.articles import article_stats
    from storage.database import connect

    async with connect(settings.database, writable=True) as db:
        if (await article_stats(db.reader)).articles:
            return None
        if not ask("The database has no stories yet. Load the demo stories? [Y/n] "):
            return "Starting with an empty database: /latest will say there is no news yet."
        report = await import_paths(db, [DEMO_ARTICLES])
    return f"Loaded {report.created} demo stories into {settings.database}."


def _print_replies(replies: list[Reply], out: TextIO, as_json: bool, names: dict[str, str]) -> None:
    for reply in replies:
        if as_json:
            out.write(json.dumps(reply.to_json(), ensure_ascii=False) + "\n")
        else:
            out.write(render_reply(reply, names=names) + "\n\n")
    out.flush()


async def run_console(
    settings: Settings,
    *,
    source: TextIO = sys.stdin,
    out: TextIO = sys.stdout,
    as_json: bool = False,
    demo: bool | None = None,
) -> int:
    """The read-eval-print loop. Interactive on a terminal, line by line from a pipe."""
    interactive = source.isatty() and not as_json

    def ask(question: str) -> bool:
        if demo is not None:
            return demo
        if not interactive:
            return True
        answer = input(question).strip().lower()
        return answer in ("", "y", "yes")

    if settings.log_level != "DEBUG":
        # Log lines would land in the middle of the replies; /paddock status shows what
        # the feeds and deliveries are doing, and PADDOCK_LOG_LEVEL=DEBUG brings logs back.
        logging.getLogger().setLevel(logging.ERROR)
    note = await load_demo_if_empty(settings, ask=ask)
    if note:
        print(note, file=sys.stderr)
    console = Console(settings)
    await console.start()
    if interactive:
        out.write("Paddock console: the real bot on a pretend Discord server. Type help.\n\n")
    failures = 0
    try:
        while True:
            if interactive:
                line = await asyncio.to_thread(_prompt)
            else:
                line = await asyncio.to_thread(source.readline)
                if not line:
                    break
            if line is None or line.strip() in ("quit", "exit"):
                break
            if line.strip() in ("help", "?"):
                out.write(HELP + "\n")
                continue
            try:
                replies = await console.run_line(line)
            except ConsoleError as exc:
                failures += 1
                replies = [Reply(source=line.strip(), error=str(exc))]
            _print_replies(replies + console.channel_posts(), out, as_json, console.names())
    finally:
        await console.stop()
    return 1 if failures and not interactive else 0


def _prompt() -> str | None:
    try:
        return input("paddock> ")
    except EOFError:
        return None
