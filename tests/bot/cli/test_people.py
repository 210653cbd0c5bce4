"""``paddock resolve`` and ``paddock people`` as scripts and fans use them."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from bot.cli import main
from tests.conftest import f1db_dir


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_resolve_reads_stdin_one_query_per_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = str(tmp_path / "cli.db")
    monkeypatch.setattr("sys.stdin", io.StringIO("checo\n\n#44\nMercedes\nschumacher\n"))
    code, out, _ = run(capsys, "--db", db, "resolve", "--json")
    assert code == 0
    answers = [json.loads(line) for line in out.splitlines()]
    assert [a["query"] for a in answers] == ["checo", "", "#44", "Mercedes", "schumacher"]
    assert answers[0]["matches"][0] == {
        "id": "sergio-perez",
        "name": "Sergio Pérez",
        "score": answers[0]["matches"][0]["score"],
    }
    assert isinstance(answers[0]["matches"][0]["score"], float)
    assert answers[1]["matches"] == [] and answers[1]["ambiguous"] is False
    assert answers[2]["matches"][0]["id"] == "lewis-hamilton"
    assert answers[3]["matches"] == []
    assert answers[4]["ambiguous"] is True


def test_import_then_resolve_arguments(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "cli.db")
    code, out, _ = run(capsys, "--db", db, "people", "import-f1db", str(f1db_dir()))
    assert code == 0 and "added" in out
    code, out, _ = run(capsys, "--db", db, "people", "import-f1db", str(f1db_dir()), "--json")
    again = json.loads(out)
    assert code == 0 and again["added"] == [] and again["updated"] == []

    code, out, _ = run(capsys, "--db", db, "resolve", "--json", "Zhou Guanyu", "verst")
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["matches"][0]["id"] for line in lines] == ["guanyu-zhou", "max-verstappen"]

    code, out, _ = run(capsys, "--db", db, "resolve", "hulkenberk")
    assert code == 0 and "Nico Hülkenberg" in out

    code, out, _ = run(capsys, "--db", db, "people", "show", "toto")
    assert code == 0 and "Mercedes" in out and "Austrian" in out
    code, out, _ = run(capsys, "--db", db, "people", "show", "banana")
    assert code == 1
    code, out, _ = run(capsys, "--db", db, "people", "list", "--json")
    assert code == 0 and any(json.loads(x)["id"] == "lewis-hamilton" for x in out.splitlines())


def test_import_from_a_missing_folder_fails_clearly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "no-f1db"
    code, _, err = run(
        capsys, "--db", str(tmp_path / "cli.db"), "people", "import-f1db", str(missing)
    )
    assert code == 2
    assert str(missing) in err
