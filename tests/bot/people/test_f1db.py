"""Facts read from F1DB: teams by rounds, champions from final standings, the calendar, and
the summary the bot ships, checked against the F1DB tree in ../shared."""

from __future__ import annotations

import json

import pytest

from bot.people.directory import builtin_summary, describe_rounds
from bot.people.f1db import RACE, F1dbData, read_f1db
from scripts.f1db_summary import summary
from storage.database import Database
from storage.people import (
    champion_seasons,
    ensure_builtin_people,
    load_people,
    merge_into_directory,
    season_races,
    store_f1db_facts,
)
from tests.conftest import REPO, f1db_dir


@pytest.fixture(scope="module")
def f1db() -> F1dbData:
    return read_f1db(f1db_dir())


def test_a_mid_season_move_keeps_both_teams_with_their_rounds(f1db: F1dbData) -> None:
    lawson = next(p for p in f1db.people if p.id == "liam-lawson")
    seats = {(s.season, s.team): s.rounds for s in lawson.roles if s.role == "driver"}
    assert seats[(2025, "Red Bull")] == "1-2"
    assert seats[(2025, "Racing Bulls")] == "3-24"
    assert seats[(2026, "Racing Bulls")] == "1-11"
    assert seats[(2026, "Red Bull")] == "12"
    assert lawson.latest_stint is not None and lawson.latest_stint.team == "Red Bull"
    assert describe_rounds("1-2,4-7") == "rounds 1–2, 4–7"


def test_a_substitute_who_raced_is_a_driver_for_those_rounds(f1db: F1dbData) -> None:
    # F1DB marks these entries as a test driver's; the season's standings show they raced.
    def seats(person_id: str) -> dict[tuple[int, str], str]:
        person = next(p for p in f1db.people if p.id == person_id)
        return {(s.season, s.team): s.rounds for s in person.roles if s.role == "driver"}

    assert seats("franco-colapinto")[(2024, "Williams")] == "16-24"
    bearman = seats("oliver-bearman")
    assert bearman[(2024, "Ferrari")] == "2" and bearman[(2024, "Haas")] == "17,21"
    assert seats("jack-doohan")[(2024, "Alpine")] == "24"
    # A test driver with no race that season stays one.
    doohan = next(p for p in f1db.people if p.id == "jack-doohan")
    assert any(s.season == 2023 and s.role == "test driver" for s in doohan.roles)


def test_champions_come_from_final_standings_of_finished_seasons_only(f1db: F1dbData) -> None:
    assert f1db.champions[2025] == "lando-norris"
    assert f1db.champions[2024] == "max-verstappen"
    assert f1db.champions[1950] == "nino-farina"
    # The data reaches round 12 of 2026's 23: its standings leader is not yet champion.
    assert f1db.latest_round == (2026, 12)
    assert 2026 not in f1db.champions


def test_calendar_has_utc_session_times_and_no_imola_in_2026(f1db: F1dbData) -> None:
    dutch = next(r for r in f1db.races if (r.season, r.round) == (2026, 12))
    assert dutch.grand_prix == "Dutch Grand Prix"
    assert (RACE, "2026-08-23T13:00:00Z") in dutch.sessions
    assert ("Qualifying", "2026-08-22T14:00:00Z") in dutch.sessions
    assert not any(r.season == 2026 and "Emilia" in r.grand_prix for r in f1db.races), (
        "no Imola round on the 2026 calendar"
    )


def test_the_shipped_summary_is_what_the_script_makes_from_this_f1db() -> None:
    made, problems = summary(f1db_dir())
    shipped = json.loads((REPO / "bot" / "data" / "f1db_summary.json").read_text())
    assert problems == []
    assert made["champions"] == shipped["champions"]
    assert made["latest_round"] == shipped["latest_round"]
    assert made["drivers"] == shipped["drivers"]
    assert len(made["calendar"]) == len(shipped["calendar"])


async def test_builtin_directory_corrects_what_an_older_one_said(
    db: Database,
) -> None:
    await ensure_builtin_people(db)
    # A role an earlier built-in file gave, stored before roles had a source.
    async with db.write() as conn:
        await conn.execute(
            "INSERT INTO person_roles (person_id, season, role, team, rounds, source) "
            "VALUES ('flavio-briatore', 2025, 'team principal', 'Alpine', '', 'legacy')"
        )
        await conn.execute("DELETE FROM people_sources")
    await ensure_builtin_people(db)
    people = {p.id: p for p in await load_people(db.reader)}
    briatore = {(s.season, s.role, s.team) for s in people["flavio-briatore"].roles}
    assert (2025, "team principal", "Alpine") not in briatore
    assert (2025, "executive advisor", "Alpine") in briatore
    assert (2025, "managing director", "Alpine") in {
        (s.season, s.role, s.team) for s in people["steve-nielsen"].roles
    }
    assert people["lando-norris"].current_number == 1
    assert await champion_seasons(db.reader, "lando-norris") == [2025]
    calendar = await season_races(db.reader, builtin_summary().latest_round[0])
    assert calendar and calendar[0].round == 1


async def test_import_f1db_updates_champions_calendar_and_rounds_once(
    db: Database, f1db: F1dbData
) -> None:
    await ensure_builtin_people(db)
    await merge_into_directory(db, f1db.people, incoming_wins=True)
    await store_f1db_facts(db, f1db.champions, f1db.races, f1db.latest_round)
    again = await merge_into_directory(db, f1db.people, incoming_wins=True)
    assert again.added == [] and again.updated == []
    people = {p.id: p for p in await load_people(db.reader)}
    lawson = people["liam-lawson"]
    assert lawson.latest_stint is not None and lawson.latest_stint.team == "Red Bull"
    assert people["lando-norris"].current_number == 1
    assert await champion_seasons(db.reader, "michael-schumacher") == [
        1994,
        1995,
        2000,
        2001,
        2002,
        2003,
        2004,
    ]
    assert len(await season_races(db.reader, 1950)) == 7
