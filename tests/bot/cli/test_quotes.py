"""``paddock quotes`` and ``paddock quote`` as the acceptance scripts and fans use them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from tests.conftest import seed_article


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def engineer_story(tmp_path: Path) -> Path:
    """A story quoting a race engineer the people directory does not know."""
    article = tmp_path / "engineer.txt"
    article.write_text(
        "Verstappen's engineer on the title\n\n"
        "“He has never been calmer in the car than this year,” race engineer "
        "Gianpiero Lambiase said.\n",
        encoding="utf-8",
    )
    return article


def test_quotes_json_prints_one_line_per_file_and_reports_bad_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "cli.db")
    good = tmp_path / "good.txt"
    good.write_text(
        "Russell happy with third\n\n“The car came alive in the second stint,” Russell said.\n",
        encoding="utf-8",
    )
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    code, out, err = run(
        capsys, "--db", db, "quotes", "--json", str(empty), str(good), str(tmp_path / "missing.txt")
    )
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 1
    assert [Path(x["file"]).name for x in lines] == ["empty.txt", "good.txt", "missing.txt"]
    assert lines[0]["quotes"] == [] and "empty" in lines[0]["error"]
    assert lines[2]["quotes"] == [] and lines[2]["error"]
    assert "error" not in lines[1]
    quote = lines[1]["quotes"][0]
    assert quote["text"] == "The car came alive in the second stint,"
    assert quote["speaker"] == {"id": "george-russell", "name": "George Russell"}
    assert quote["paragraph"] == 1 and quote["cue"] == "Russell said"
    assert "skipped" in err and "missing.txt" in err
    code, out, _ = run(capsys, "--db", db, "stats", "--json")
    assert json.loads(out)["articles"] == 0


def test_the_seed_article_gives_russell_seven_quotes_and_hamilton_three(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys,
        "--db",
        str(tmp_path / "cli.db"),
        "quotes",
        "--json",
        str(seed_article()),
    )
    assert code == 0
    speakers = [q["speaker"]["id"] for q in json.loads(out)["quotes"]]
    assert speakers.count("george-russell") == 7
    assert speakers.count("lewis-hamilton") == 3
    assert len(speakers) == 10


def test_import_then_quote_by_person_and_reindex(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "cli.db")
    assert run(capsys, "--db", db, "import", str(seed_article()))[0] == 0
    code, out, _ = run(capsys, "--db", db, "quotes", "--reindex", "--json")
    assert code == 0 and json.loads(out)["quotes"] == 10
    code, out, _ = run(capsys, "--db", db, "quotes", "--reindex", "--json")
    assert json.loads(out)["quotes"] == 10
    code, out, _ = run(capsys, "--db", db, "quote", "russell", "--about", "Valtteri", "--json")
    assert code == 0
    found = [json.loads(line) for line in out.splitlines()]
    assert [q["speaker"]["id"] for q in found] == ["george-russell"]
    assert found[0]["text"].startswith("I apologise to Valtteri")
    code, out, _ = run(capsys, "--db", db, "quote", "Lewis", "Hamilton")
    assert code == 0 and "Strength comes from vulnerability" in out
    code, out, err = run(capsys, "--db", db, "quote", "zzzzqqq")
    assert code == 2 and "nobody" in err


def test_a_speaker_the_directory_does_not_know_keeps_the_json_contract(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article = engineer_story(tmp_path)
    code, out, _ = run(capsys, "--db", str(tmp_path / "cli.db"), "quotes", "--json", str(article))
    assert code == 0
    [quote] = json.loads(out)["quotes"]
    assert quote["speaker"] == {"id": "news:gianpiero-lambiase", "name": "Gianpiero Lambiase"}


def test_a_stored_speaker_the_directory_does_not_know_is_quoted_by_the_same_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article = engineer_story(tmp_path)
    db = str(tmp_path / "cli.db")
    code, out, _ = run(capsys, "--db", db, "quotes", "--json", str(article))
    [read] = json.loads(out)["quotes"]
    assert run(capsys, "--db", db, "import", str(article))[0] == 0

    code, out, _ = run(capsys, "--db", db, "quote", "lambiase", "--json")
    assert code == 0
    [stored] = [json.loads(line) for line in out.splitlines()]
    assert stored["speaker"] == read["speaker"]
    assert stored["text"] == read["text"]
    # A name that fits a known driver as well still means the driver.
    code, out, _ = run(capsys, "--db", db, "quote", "verstappen", "--json")
    assert all(json.loads(line)["speaker"]["id"] == "max-verstappen" for line in out.splitlines())
