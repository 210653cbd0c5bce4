"""People learned from the news: what a story says they are, and how fans find them, always
after the people the directory knows and only where the server asking may see them."""

from __future__ import annotations

import pytest

from bot.people.directory import Person, Stint, builtin_directory_text, parse_builtin_directory
from bot.people.learned import Description, LearnedPeople, LearnedPerson, describe
from bot.people.resolver import PeopleDirectory
from bot.people.service import KNOWN_ONLY, NoSuchPerson, PeopleService

SERVER = 4242
RIVAL = 5353


def learned(
    news_id: str, name: str, role: str = "", team: str = "", guild: int = 0
) -> LearnedPerson:
    person_id = news_id if guild == 0 else f"{news_id}@{guild}"
    return LearnedPerson(person_id, name, role, team, guild, 1, "2024-05-26T16:00:00+00:00")


@pytest.fixture(scope="module")
def service() -> PeopleService:
    directory = PeopleDirectory(parse_builtin_directory(builtin_directory_text()))
    people = LearnedPeople(
        [
            learned("news:herve-leclerc", "Herve Leclerc", "father"),
            learned("news:carlos-sainz-sr", "Carlos Sainz Sr."),
            learned("news:koji-watanabe", "Koji Watanabe", "president", "HRC"),
            learned(
                "news:gianpiero-lambiase",
                "Gianpiero Lambiase",
                "race engineer",
                "Red Bull",
                guild=SERVER,
            ),
        ]
    )
    return PeopleService(directory, people)


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        (
            "Ahead of the test, HRC president Koji Watanabe spoke to reporters.",
            "Koji Watanabe",
            Description("president", "HRC"),
        ),
        (
            "His race engineer, Mattia Spini, replies on the radio.",
            "Mattia Spini",
            Description("race engineer"),
        ),
        (
            "“We are ready,” Dan Towriss, the chief executive of TWG Motorsports, said.",
            "Dan Towriss",
            Description("chief executive", "TWG Motorsports"),
        ),
        (
            "Renowned Formula 1 journalist Peter Windsor was not impressed.",
            "Peter Windsor",
            Description("journalist"),
        ),
        (
            "Oracle Red Bull Racing's Gianpiero Lambiase smiled.",
            "Gianpiero Lambiase",
            Description(team="Red Bull"),
        ),
        # A relative named by first name only, then by the name the news gives him.
        (
            "Leclerc paid tribute to his father Herve on Sunday.",
            "Herve Leclerc",
            Description("father"),
        ),
        ("Nobody knew who Jane Doe was.", "Jane Doe", Description()),
    ],
)
def test_a_story_says_what_a_person_is(text: str, name: str, expected: Description) -> None:
    assert describe(text, name) == expected


def test_an_engineer_of_a_known_driver_works_for_his_team() -> None:
    piastri = Person("oscar-piastri", "Oscar Piastri", roles=(Stint(2024, "driver", "McLaren"),))
    text = "Tom Stallard, Oscar Piastri's engineer, said the car was quick."

    found = describe(text, "Tom Stallard", lambda name: piastri if "Piastri" in name else None)

    assert found == Description("engineer of Oscar Piastri", "McLaren")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # A query that fits a known person as well never means a learned namesake.
        ("leclerc", "charles-leclerc"),
        ("Leclerc", "charles-leclerc"),
        ("sainz", "carlos-sainz-jr"),
        ("carlos sainz", "carlos-sainz-jr"),
        # Only a query that fits the learned person better finds them.
        ("herve leclerc", "news:herve-leclerc"),
        ("carlos sainz sr", "news:carlos-sainz-sr"),
        ("watanabe", "news:koji-watanabe"),
        ("koji watanabe", "news:koji-watanabe"),
        ("news:koji-watanabe", "news:koji-watanabe"),
    ],
)
def test_learned_people_answer_only_what_no_known_person_answers_as_well(
    service: PeopleService, query: str, expected: str
) -> None:
    found = service.find(query, viewer=SERVER)
    assert found is not None and found.id == expected


def test_learned_people_are_found_only_for_a_viewer(service: PeopleService) -> None:
    # Moderator filters and /latest about: the directory's people alone.
    assert service.find("watanabe") is None
    assert service.find("watanabe", viewer=KNOWN_ONLY) is None
    assert all(pid.startswith("news:") is False for _, pid in service.autocomplete("watan"))
    # Direct messages and the operator are a viewer too: they see everyone's learned people.
    found = service.find("watanabe", viewer=None)
    assert found is not None and found.id == "news:koji-watanabe"
    assert "news:koji-watanabe" in {pid for _, pid in service.autocomplete("watan", viewer=None)}


def test_a_servers_learned_person_is_invisible_elsewhere(service: PeopleService) -> None:
    found = service.find("lambiase", viewer=SERVER)
    assert found is not None and found.name == "Gianpiero Lambiase"

    for viewer in (RIVAL, None):
        assert service.find("lambiase", viewer=viewer) is None
        assert service.find(f"news:gianpiero-lambiase@{SERVER}", viewer=viewer) is None
        assert service.autocomplete("lambia", viewer=viewer) == []
        with pytest.raises(NoSuchPerson) as raised:
            service.resolve_one("lambiase", viewer=viewer)
        assert raised.value.suggestions == []


def test_autocomplete_lists_learned_people_below_known_ones(service: PeopleService) -> None:
    choices = service.autocomplete("leclerc", viewer=SERVER)

    ids = [pid for _, pid in choices]
    assert ids[0] == "charles-leclerc"
    assert "news:herve-leclerc" in ids
    assert all(not pid.startswith("news:") for pid in ids[: ids.index("news:herve-leclerc")])
    assert dict((pid, label) for label, pid in choices)["news:herve-leclerc"] == (
        "Herve Leclerc (father · learned from the news)"
    )
    assert service.autocomplete("lambia", viewer=SERVER) == [
        ("Gianpiero Lambiase (Red Bull race engineer · learned from the news)",
         f"news:gianpiero-lambiase@{SERVER}")
    ]  # fmt: skip
