"""A big ``paddock import`` shows on the terminal how far it has got, and writes nothing
extra when its output goes to a file or a pipe."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.cli.articles import ImportProgress
from bot.ingest.bulk import IMPORT_BATCH, ImportReport, import_paths
from storage.database import Database
from tests.conftest import numbered_stories, write_json_lines


async def test_progress_is_told_after_every_batch(db: Database, tmp_path: Path) -> None:
    archive = tmp_path / "stories.jsonl"
    write_json_lines(archive, numbered_stories(2 * IMPORT_BATCH + 5))
    seen: list[tuple[int, int]] = []

    await import_paths(db, [archive], on_batch=lambda r, _: seen.append((r.stories, r.created)))
    again: list[tuple[int, int]] = []
    await import_paths(db, [archive], on_batch=lambda r, _: again.append((r.stories, r.created)))

    full = 2 * IMPORT_BATCH
    assert seen == [(IMPORT_BATCH, IMPORT_BATCH), (full, full), (full + 5, full + 5)]
    # Stories already stored count as read, not as new.
    assert again == [(IMPORT_BATCH, 0), (full, 0), (full + 5, 0)]


def shown_by(progress: ImportProgress) -> Callable[[ImportReport, object], None]:
    return lambda report, _: progress(report)


def read_to_the_end(leader: int) -> bytes:
    """Everything written to a pseudo-terminal whose other end is closed; it may come in
    several reads, and the last one fails rather than returning nothing on Linux."""
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            return shown
        if not chunk:
            return shown
        shown += chunk


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
async def test_a_terminal_sees_a_running_count_then_a_clean_line(
    db: Database, tmp_path: Path
) -> None:
    archive = tmp_path / "stories.jsonl"
    write_json_lines(archive, numbered_stories(2 * IMPORT_BATCH + 5))
    leader, follower = os.openpty()
    try:
        with os.fdopen(follower, "w", encoding="utf-8") as terminal:
            progress = ImportProgress(terminal, every_seconds=0)
            await import_paths(db, [archive], on_batch=shown_by(progress))
            progress.close()
        shown = read_to_the_end(leader).decode("utf-8")
    finally:
        os.close(leader)

    lines = shown.split("\r")
    assert lines[1].startswith(f"{IMPORT_BATCH} stories read, {IMPORT_BATCH} new (")
    assert lines[3].startswith(f"{2 * IMPORT_BATCH + 5} stories read, {2 * IMPORT_BATCH + 5} new")
    assert lines[3].endswith(" a second)")
    # Closing blanks the count out and returns to the start of the line.
    assert lines[-2].strip() == "" and len(lines[-2]) == len(lines[3].rstrip())
    assert lines[-1] == ""


async def test_a_file_or_pipe_sees_nothing_but_the_summary(db: Database, tmp_path: Path) -> None:
    archive = tmp_path / "stories.jsonl"
    write_json_lines(archive, numbered_stories(2 * IMPORT_BATCH + 5))
    log = tmp_path / "stderr.txt"
    with log.open("w", encoding="utf-8") as not_a_terminal:
        progress = ImportProgress(not_a_terminal, every_seconds=0)
        report = await import_paths(db, [archive], on_batch=shown_by(progress))
        progress.close()

    assert report.stories == 2 * IMPORT_BATCH + 5
    assert log.read_text(encoding="utf-8") == ""
