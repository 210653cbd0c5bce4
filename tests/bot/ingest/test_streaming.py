"""``paddock import`` streams: JSON Lines of any size are read a line at a time, a bad line
is reported by its number while the rest import, and the stories held at once are bounded
by the batch, not by the archive."""

from __future__ import annotations

import gc
import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from bot.cli import main
from bot.ingest import files as importing
from bot.ingest.bulk import (
    IMPORT_BATCH,
    LISTED_FAILURES,
    LOOKAHEAD_BATCHES,
    ImportReport,
    import_paths,
)
from bot.ingest.files import ImportFailure, read_article_file, read_articles
from bot.news.articles import Article, ParsedArticle
from storage.articles import StoreResult, latest_articles
from storage.database import Database
from tests.conftest import numbered_stories, write_json_lines

# Small enough that a test archive is several times over it; the real limit is 10 MB.
LIMIT = 64 * 1024


@pytest.fixture
def small_limit(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(importing, "MAX_FILE_BYTES", LIMIT)
    return LIMIT


def archive_with_a_bad_line(path: Path, stories: int, bad_at: int) -> None:
    """``stories`` good lines, with a line of broken JSON as line number ``bad_at``."""
    lines = [
        json.dumps({"title": f"Story number {n}", "body": f"Words of story {n}.", "url": f"x/{n}"})
        for n in range(stories)
    ]
    lines.insert(bad_at - 1, '{"title": "Cut short", "body": ')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


async def test_a_json_lines_archive_over_the_limit_imports_all_but_its_bad_line(
    db: Database, tmp_path: Path, small_limit: int
) -> None:
    archive = tmp_path / "archive.jsonl"
    archive_with_a_bad_line(archive, stories=3 * IMPORT_BATCH, bad_at=IMPORT_BATCH + 3)
    assert archive.stat().st_size > small_limit

    report = await import_paths(db, [archive])

    assert (report.created, report.failed) == (3 * IMPORT_BATCH, 1)
    [(name, reason)] = report.failures
    assert name == str(archive)
    assert reason.startswith(f"malformed JSON on line {IMPORT_BATCH + 3} (column")
    newest = await latest_articles(db.reader, 3 * IMPORT_BATCH + 1)
    assert {a.title for a in newest} == {f"Story number {n}" for n in range(3 * IMPORT_BATCH)}


def test_lines_that_are_no_story_are_named_and_the_others_read(tmp_path: Path) -> None:
    archive = tmp_path / "mixed.ndjson"
    archive.write_bytes(
        b'\xef\xbb\xbf{"title": "First", "text": "Fine."}\n'
        b"\n"
        b"[1, 2]\n"
        b'{"url": "https://example.com/nothing"}\n'
        b'{"title": "R\xe4ikk\xf6nen", "text": "Latin-1."}\n'
        b'{"title": "Last", "text": "Fine too."}'
    )
    read = list(read_articles(archive))
    assert [item.title for item in read if isinstance(item, ParsedArticle)] == ["First", "Last"]
    assert [str(item) for item in read if isinstance(item, ImportFailure)] == [
        "line 3 is not a JSON object",
        "line 4 has neither a title nor a text",
        "line 5 is not valid UTF-8 text (bad byte at offset 12)",
    ]


def test_a_line_over_the_limit_is_skipped_without_being_held(
    tmp_path: Path, small_limit: int
) -> None:
    archive = tmp_path / "long-line.jsonl"
    huge = json.dumps({"title": "Huge", "text": "word " * small_limit})
    archive.write_text(
        f'{{"title": "Before", "text": "a"}}\n{huge}\n{{"title": "After", "text": "b"}}\n',
        encoding="utf-8",
    )
    read = list(read_articles(archive))
    assert [getattr(item, "title", str(item)) for item in read] == [
        "Before",
        "line 2 is over the 0.0625 MB limit for a story",
        "After",
    ]


def test_single_document_formats_keep_their_limit(tmp_path: Path, small_limit: int) -> None:
    document = tmp_path / "archive.json"
    write_json_lines(document, numbered_stories(2 * IMPORT_BATCH))
    with pytest.raises(ImportFailure, match=r"over the 0\.0625 MB limit; as JSON Lines \(\.jsonl"):
        list(read_articles(document))
    # Read whole, as ``paddock quotes FILE`` does, JSON Lines keeps the limit too.
    lines = document.rename(tmp_path / "archive.jsonl")
    with pytest.raises(ImportFailure, match=r"over the 0\.0625 MB limit$"):
        read_article_file(lines)


def stories_held() -> int:
    """Stories alive in this process, parsed or stored."""
    gc.collect()
    return sum(1 for thing in gc.get_objects() if isinstance(thing, ParsedArticle | Article))


@pytest.mark.parametrize("workers", [0, 2])
async def test_stories_held_at_once_are_bounded_by_the_batch(
    db: Database, tmp_path: Path, workers: int
) -> None:
    archive = tmp_path / "archive.jsonl"
    count = write_json_lines(archive, numbered_stories(12 * IMPORT_BATCH))
    held: list[int] = []
    # Stories other tests' modules keep (their examples) are not this import's.
    before = stories_held()

    def count_held(report: ImportReport, results: Sequence[StoreResult]) -> None:
        held.append(stories_held() - before)

    report = await import_paths(db, [archive], workers=workers, on_batch=count_held)

    assert report.created == count and len(held) == 12
    # The batch being stored (parsed and stored) and the ones handed out ahead: never the
    # archive.
    assert max(held) <= (LOOKAHEAD_BATCHES + 2) * IMPORT_BATCH
    assert stories_held() == before


async def test_the_report_lists_a_hundred_failures_and_counts_the_rest(
    db: Database, tmp_path: Path
) -> None:
    archive = tmp_path / "noisy.jsonl"
    archive.write_text('{"title": "Kept", "text": "Fine."}\n' + "not json\n" * 250, "utf-8")

    report = await import_paths(db, [archive])

    assert (report.created, len(report.failures), report.failed) == (1, LISTED_FAILURES, 250)
    assert report.failures[-1][1].startswith(f"malformed JSON on line {LISTED_FAILURES + 1} ")


def test_cli_names_the_bad_line_and_imports_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], small_limit: int
) -> None:
    archive = tmp_path / "archive.jsonl"
    archive_with_a_bad_line(archive, stories=2 * IMPORT_BATCH, bad_at=7)
    database = tmp_path / "cli.db"

    code = main(["--db", str(database), "import", "--workers", "0", "--json", str(archive)])

    out, err = capsys.readouterr()
    assert code == 1
    told = json.loads(out)
    assert (told["created"], told["updated"], told["unchanged"]) == (2 * IMPORT_BATCH, 0, 0)
    [failure] = told["failed"]
    assert failure["file"] == str(archive)
    assert failure["reason"].startswith("malformed JSON on line 7 (column")
    assert f"skipped {archive}: malformed JSON on line 7 (column" in err
