"""The people repository and the F1DB importer on real SQLite files and the real F1DB tree."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from bot.news.articles import ParsedArticle
from bot.people.f1db import F1dbError, read_f1db
from storage.articles import store_article
from storage.database import Database
from storage.db import load_migrations
from storage.people import (
    count_mentions,
    ensure_builtin_people,
    load_directory,
    load_people,
    merge_into_directory,
)
from tests.conftest import f1db_dir as shared_f1db


@pytest.fixture
def f1db_dir() -> Path:
    return shared_f1db()


async def test_builtin_people_load_once(db: Database) -> None:
    first = await ensure_builtin_people(db)
    assert first is not None and len(first.added) > 100
    assert await ensure_builtin_people(db) is None
    people = {p.id: p for p in await load_people(db.reader)}
    assert len(people) == len(first.added)
    assert "Checo" in people["sergio-perez"].aliases
    assert people["toto-wolff"].last_active is not None


async def test_import_merges_with_builtin_and_rerun_changes_nothing(
    db: Database, f1db_dir: Path
) -> None:
    await ensure_builtin_people(db)
    found = read_f1db(f1db_dir)
    report = await merge_into_directory(db, found.people, incoming_wins=True)
    assert found.problems == []
    assert len(found.people) > 900
    assert report.added and report.unchanged + len(report.updated) > 100
    people = {p.id: p for p in await load_people(db.reader)}
    ids = [p.id for p in await load_people(db.reader)]
    assert len(ids) == len(set(ids))
    perez = people["sergio-perez"]
    assert "Checo" in perez.aliases
    assert perez.nationality == "Mexican" and perez.country == "Mexico"
    assert perez.code == "PER" and perez.number == 11
    assert 2011 in perez.seasons()
    assert "toto-wolff" in people
    hamilton = people["lewis-hamilton"]
    assert ("driver", "McLaren", 2007, 2012) in hamilton.role_ranges()

    again = await merge_into_directory(db, read_f1db(f1db_dir).people, incoming_wins=True)
    assert again.added == [] and again.updated == []
    assert again.unchanged == len(found.people)
    assert await load_people(db.reader) == list(people.values())
    assert await ensure_builtin_people(db) is None


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(F1dbError, match="not a folder"):
        read_f1db(tmp_path / "nowhere")
    with pytest.raises(F1dbError, match="drivers/"):
        read_f1db(tmp_path)


def test_malformed_file_is_named_and_the_rest_imports(tmp_path: Path, f1db_dir: Path) -> None:
    tree = tmp_path / "f1db"
    for folder in ("countries", "constructors"):
        shutil.copytree(f1db_dir / folder, tree / folder)
    (tree / "drivers").mkdir()
    for slug in ("lewis-hamilton", "max-verstappen"):
        shutil.copy(f1db_dir / "drivers" / f"{slug}.yml", tree / "drivers")
    (tree / "drivers" / "broken.yml").write_text("id: broken\nname: [unclosed\n", "utf-8")
    (tree / "seasons" / "2024").mkdir(parents=True)
    shutil.copy(f1db_dir / "seasons" / "2024" / "entrants.yml", tree / "seasons" / "2024")
    (tree / "seasons" / "2023").mkdir()
    (tree / "seasons" / "2023" / "entrants.yml").write_text("- : : :\n  bad", "utf-8")

    found = read_f1db(tree)
    assert sorted(p.id for p in found.people) == ["lewis-hamilton", "max-verstappen"]
    assert len(found.problems) == 2
    assert any("broken.yml" in problem for problem in found.problems)
    assert any("2023" in problem for problem in found.problems)
    hamilton = next(p for p in found.people if p.id == "lewis-hamilton")
    assert hamilton.roles_in(2024)[0].team == "Mercedes"


async def test_mentions_count_articles_naming_a_person(db: Database) -> None:
    await ensure_builtin_people(db)
    stories = [
        ("Norris on pole", "Lando Norris beat Oscar Piastri to pole."),
        ("Norris wins", "Norris won from pole; Piastri second."),
        ("Checo's future", "Checo is weighing offers, Sergio Perez said."),
    ]
    async with db.write() as conn:
        for title, body in stories:
            await store_article(conn, ParsedArticle(title=title, body=body))
    counts = await count_mentions(db, await load_people(db.reader))
    assert counts["lando-norris"] == 2
    assert counts["oscar-piastri"] == 2
    assert counts["sergio-perez"] == 1
    assert "lewis-hamilton" not in counts

    directory = await load_directory(db)
    assert directory.mentions["lando-norris"] == 2
    assert directory.default_choices(2)[0].id == "lando-norris"


async def test_a_database_with_people_passes_sqlites_integrity_check(
    db: Database, f1db_dir: Path
) -> None:
    await ensure_builtin_people(db)
    await merge_into_directory(db, read_f1db(f1db_dir).people, incoming_wins=True)
    assert [tuple(row) for row in await db.reader.execute_fetchall("PRAGMA integrity_check")] == [
        ("ok",)
    ]
    people = {p.id: p for p in await load_people(db.reader)}
    assert people["alain-prost"].aliases[:2] == ("The Professor", "Le Professeur")


async def test_upgrading_keeps_every_alias_in_order(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    # A database as the last version before aliases were rebuilt left it.
    old = sqlite3.connect(path)
    for migration in load_migrations()[:9]:
        old.executescript(migration.sql)
    old.execute("PRAGMA user_version = 9")
    old.execute("INSERT INTO people (id, name) VALUES ('sergio-perez', 'Sergio Pérez')")
    old.executemany(
        "INSERT INTO person_aliases (person_id, position, alias) VALUES (?, ?, ?)",
        [("sergio-perez", 1, "Checo"), ("sergio-perez", 0, "Sergio Perez")],
    )
    old.commit()
    old.close()

    conn = await Database.open(path)
    try:
        [person] = await load_people(conn.reader)
        assert person.aliases == ("Sergio Perez", "Checo")
        check = await conn.reader.execute_fetchall("PRAGMA integrity_check")
        assert [tuple(row) for row in check] == [("ok",)]
    finally:
        await conn.close()
