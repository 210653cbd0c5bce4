"""Every ``paddock`` command that reads the database says in one line why it cannot, instead
of a traceback, and exits with the usage-error code."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main

COMMANDS = [
    ["latest"],
    ["story", "monaco"],
    ["stats"],
    ["feeds", "list"],
    ["quote", "russell"],
    ["people", "list"],
    ["resolve", "HAM"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_file_that_is_not_a_database_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    database = tmp_path / "notes.db"
    database.write_bytes(b"shopping list: tyres, fuel, more tyres\n" * 200)

    code = main(["--db", str(database), *command])

    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    [line] = err.splitlines()
    assert line.startswith("paddock: ")
    assert "Traceback" not in err
