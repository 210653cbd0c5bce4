"""The offline console: the newcomer's first run on the demo stories, driven like a script."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from bot.console import readable, run_console
from bot.settings import DEFAULT_FEEDS, Settings


async def console(tmp_path: Path, *lines: str, as_json: bool = True) -> tuple[int, str]:
    out = io.StringIO()
    code = await run_console(
        Settings(database=tmp_path / "paddock.db", feeds=()),
        source=io.StringIO("\n".join(lines) + "\n"),
        out=out,
        as_json=as_json,
    )
    return code, out.getvalue()


def replies(output: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in output.splitlines()]


async def test_a_newcomer_gets_answers_from_the_demo_stories(tmp_path: Path) -> None:
    code, output = await console(
        tmp_path, "/latest count:3", "/quote person:russell", "/story words:imola"
    )
    latest, quote, story = replies(output)
    assert code == 0
    assert latest["embeds"][0]["title"] == "Latest F1 stories"
    assert latest["embeds"][0]["description"].count("demo.paddock.invalid") == 3
    assert quote["embeds"][0]["author"]["name"].startswith("George Russell · Mercedes")
    assert [b["label"] for b in quote["buttons"]] == ["Another", "Source"]
    assert "Imola" in story["embeds"][0]["title"] + story["embeds"][0]["description"]


async def test_buttons_are_pressed_by_number(tmp_path: Path) -> None:
    code, output = await console(tmp_path, "/quote person:russell", "press 1", "press 2")
    first, another, source = replies(output)
    assert code == 0
    assert another["embeds"][0]["description"] != first["embeds"][0]["description"]
    assert source["ephemeral"] is True
    assert source["embeds"][0]["title"] == "Russell upbeat after difficult Imola weekend"


async def test_autocomplete_shows_the_choices(tmp_path: Path) -> None:
    _, output = await console(tmp_path, "complete /quote person:verst")
    [choices] = replies(output)
    assert choices["choices"][0]["value"] == "max-verstappen"
    assert len(choices["choices"]) <= 25


async def test_lines_it_cannot_run_say_what_to_type(tmp_path: Path) -> None:
    code, output = await console(
        tmp_path,
        "/bogus",
        "/quote",
        "/quote person:hamilton colour:red",
        "press 9",
        "hello",
    )
    errors = [reply["error"] for reply in replies(output)]
    assert code == 1
    assert errors == [
        "There is no /bogus command. Type help for the list.",
        "/quote needs person:…",
        "/quote has no option 'colour' (it takes about, person).",
        "There is nothing to press yet: run a command with buttons first.",
        "I don't know 'hello'. Type help for the commands.",
    ]


async def test_replies_read_as_plain_text_in_a_terminal(tmp_path: Path) -> None:
    _, output = await console(tmp_path, "/latest count:1", as_json=False)
    assert "── Paddock" in output
    assert "▌ Latest F1 stories" in output
    assert "](" not in output  # markdown links shown as "title (url)"


def test_markdown_becomes_plain_text() -> None:
    text = r"[McLaren's \*new\* floor](https://example.com/a) is **quick**"
    assert readable(text) == "McLaren's *new* floor (https://example.com/a) is quick"


async def test_values_past_an_options_limits_are_refused_as_discord_refuses_them(
    tmp_path: Path,
) -> None:
    code, output = await console(
        tmp_path, "/latest count:-5", "/driver name:" + "x" * 6000, "/latest count:2"
    )
    negative, overlong, fine = replies(output)
    assert code == 1
    assert negative["error"] == "Discord would not send that: count must be 1 or more."
    assert overlong["error"] == (
        "Discord would not send that: name must be 100 characters or fewer (this one has 6000)."
    )
    assert fine["embeds"][0]["description"].count("demo.paddock.invalid") == 2


async def test_the_offline_console_never_reads_the_real_news_sites(tmp_path: Path) -> None:
    out = io.StringIO()
    code = await run_console(
        Settings(database=tmp_path / "paddock.db", feeds=DEFAULT_FEEDS),
        source=io.StringIO("poll\n/paddock feeds list\n"),
        out=out,
        as_json=True,
    )
    polled, listed = replies(out.getvalue())
    assert code == 0
    assert polled["content"].startswith("Read 0 feed(s): 0 new")
    assert "formula1.com" not in json.dumps(listed)
