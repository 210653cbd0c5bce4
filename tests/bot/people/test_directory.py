"""Names, merging and the packaged directory (bot/people.py, bot/data/people.json)."""

from __future__ import annotations

from datetime import date

from bot.people.directory import (
    Person,
    Stint,
    builtin_directory_text,
    compress_stints,
    expand_ranges,
    merge_people,
    name_tokens,
    normalise_name,
    parse_builtin_directory,
)


def test_names_fold_accents_case_and_punctuation() -> None:
    assert normalise_name("Sergio Pérez") == "sergio perez"
    assert normalise_name("Kimi RÄIKKÖNEN") == "kimi raikkonen"
    assert normalise_name("Nico Hülkenberg") == "nico hulkenberg"
    assert name_tokens("Jean-Éric Vergne") == ["jean", "eric", "vergne"]
    assert name_tokens("Patricio O'Ward") == ["patricio", "oward"]
    assert normalise_name("Carlos Sainz Jr.") == "carlos sainz jr"
    assert normalise_name("Jan Magnussen") == "jan magnussen"
    assert normalise_name("Tom Kristensen Ø") == "tom kristensen o"


def test_roles_round_trip_between_seasons_and_ranges() -> None:
    stints = expand_ranges([["driver", "Mercedes", 2013, 2015], ["driver", "Ferrari", 2025, 2025]])
    assert len(stints) == 4
    assert compress_stints(stints) == [
        ("driver", "Mercedes", 2013, 2015),
        ("driver", "Ferrari", 2025, 2025),
    ]


def test_merge_unites_aliases_and_roles_and_picks_facts_by_authority() -> None:
    builtin = Person(
        id="zhou",
        name="Zhou Guanyu",
        aliases=("GZ",),
        code=None,
        roles=(Stint(2022, "driver", "Alfa Romeo"),),
    )
    f1db = Person(
        id="zhou",
        name="Guanyu Zhou",
        code="ZHO",
        date_of_birth=date(1999, 5, 30),
        roles=(Stint(2022, "driver", "Alfa Romeo"), Stint(2025, "test driver", "Ferrari")),
    )
    merged = merge_people(builtin, f1db, incoming_wins=True)
    assert merged.name == "Guanyu Zhou"
    assert merged.code == "ZHO"
    assert merged.aliases == ("GZ",)
    assert len(merged.roles) == 2
    assert merge_people(merged, f1db, incoming_wins=True) == merged
    kept = merge_people(builtin, f1db, incoming_wins=False)
    assert kept.name == "Zhou Guanyu"
    assert kept.code == "ZHO"


def test_builtin_directory_covers_drivers_bosses_officials_and_nicknames() -> None:
    people = {p.id: p for p in parse_builtin_directory(builtin_directory_text())}
    assert len(people) == len(parse_builtin_directory(builtin_directory_text()))
    for slug in ("lewis-hamilton", "sergio-perez", "guanyu-zhou", "carlos-sainz-jr"):
        assert slug in people
    for boss in ("toto-wolff", "christian-horner", "frederic-vasseur", "mohammed-ben-sulayem"):
        assert any(s.role != "driver" for s in people[boss].roles), boss
    wolff = people["toto-wolff"]
    assert ("team principal", "Mercedes", 2013, 2026) in wolff.role_ranges()
    assert wolff.nationality == "Austrian" and wolff.country == "Austria"
    assert "Checo" in people["sergio-perez"].aliases
    raikkonen = people["kimi-raikkonen"]
    assert raikkonen.nationality == "Finnish"
    assert raikkonen.date_of_birth == date(1979, 10, 17)
    drivers_2017 = [p for p in people.values() if 2017 in p.seasons()]
    assert len(drivers_2017) >= 20
