"""Quote extraction and attribution on small hand-written articles, one hard case each."""

from __future__ import annotations

import pytest

from bot.people.directory import builtin_directory_text, parse_builtin_directory
from bot.people.resolver import PeopleDirectory
from bot.quotes import SpeakerIndex, extract_quotes


@pytest.fixture(scope="module")
def index() -> SpeakerIndex:
    people = parse_builtin_directory(builtin_directory_text())
    return SpeakerIndex(people, PeopleDirectory(people).prominence)


def said(text: str, index: SpeakerIndex, year: int | None = 2024) -> list[tuple[str, str | None]]:
    return [(q.text, q.speaker_id) for q in extract_quotes(text, index, year=year)]


def test_continuation_over_paragraphs_keeps_the_speaker(index: SpeakerIndex) -> None:
    text = (
        "Norris reflects on Miami\n\n"
        "Lando Norris spoke after his first win.\n\n"
        "“It has taken a long time to get here,” Norris said on Sunday.\n\n"
        "“The team gave me a car that could win and we finally did it.\n\n"
        "“I want to thank every single person back at the factory today.”\n\n"
        "Oscar Piastri finished further back."
    )
    assert said(text, index) == [
        ("It has taken a long time to get here,", "lando-norris"),
        ("The team gave me a car that could win and we finally did it.", "lando-norris"),
        ("I want to thank every single person back at the factory today.", "lando-norris"),
    ]


def test_pronoun_follows_the_subject_not_the_last_speaker(index: SpeakerIndex) -> None:
    text = (
        "“We had the pace all weekend long,” said Charles Leclerc.\n\n"
        "Carlos Sainz was less happy with his own race in the other Ferrari.\n\n"
        "“My tyres were gone after ten laps,” he said."
    )
    assert said(text, index) == [
        ("We had the pace all weekend long,", "charles-leclerc"),
        ("My tyres were gone after ten laps,", "carlos-sainz-jr"),
    ]


def test_a_pronoun_never_picks_someone_the_quote_names(index: SpeakerIndex) -> None:
    text = (
        "George Russell was third.\n\n"
        "Lewis Hamilton then spun at the hairpin on the last lap.\n\n"
        "“I saw Lewis spin in front of me and had nowhere to go,” he said."
    )
    assert said(text, index) == [
        ("I saw Lewis spin in front of me and had nowhere to go,", "george-russell")
    ]


@pytest.mark.parametrize(
    ("descriptor", "expected"),
    [
        ("the Finn", "valtteri-bottas"),
        ("the Mercedes boss", "toto-wolff"),
        ("the seven-time world champion", "lewis-hamilton"),
        ("the 26-year-old Dutchman", "max-verstappen"),
    ],
)
def test_descriptors_resolve_among_the_people_named(
    index: SpeakerIndex, descriptor: str, expected: str
) -> None:
    text = (
        "Valtteri Bottas, Toto Wolff, Lewis Hamilton and Max Verstappen met in 2024.\n\n"
        f"“Nobody in that room wanted to give an inch,” {descriptor} said."
    )
    assert said(text, index) == [("Nobody in that room wanted to give an inch,", expected)]


def test_colon_intro_in_the_paragraph_before(index: SpeakerIndex) -> None:
    text = (
        "Asked about the upgrade, Oscar Piastri said:\n\n"
        "“The new floor works the way the simulator told us it would.”"
    )
    assert said(text, index) == [
        ("The new floor works the way the simulator told us it would.", "oscar-piastri")
    ]


def test_cue_inside_the_quote_covers_both_halves(index: SpeakerIndex) -> None:
    text = "“It was a tough race for us,” Alonso explained. “The car simply had no grip today.”"
    assert said(text, index) == [
        ("It was a tough race for us,", "fernando-alonso"),
        ("The car simply had no grip today.", "fernando-alonso"),
    ]


def test_told_outlet_and_told_person_credit_the_subject(index: SpeakerIndex) -> None:
    text = (
        "“We will fight for this title until the very end,” Verstappen told Sky Sports.\n\n"
        "Lando Norris told Max Verstappen: “You drove a really fair race against me.”"
    )
    assert said(text, index) == [
        ("We will fight for this title until the very end,", "max-verstappen"),
        ("You drove a really fair race against me.", "lando-norris"),
    ]


def test_mixed_and_nested_marks(index: SpeakerIndex) -> None:
    text = (
        "George Russell spoke to the media.\n\n"
        '"My engineer told me ‘box now’ and I trusted him completely,” Russell said.\n\n'
        "«We were quick in every sector today,» Charles Leclerc said.\n\n"
        "„Das Auto war heute sehr schnell“, sagte Nico Hulkenberg, adding: 'I enjoyed it.'"
    )
    quotes = said(text, index)
    assert quotes[0] == (
        "My engineer told me ‘box now’ and I trusted him completely,",
        "george-russell",
    )
    assert quotes[1] == ("We were quick in every sector today,", "charles-leclerc")
    assert ("Das Auto war heute sehr schnell", None) not in quotes


def test_unclosed_mark_at_the_end_of_an_excerpt(index: SpeakerIndex) -> None:
    text = "“The balance felt good from the first lap,” said Piastri. “We will see how the"
    assert said(text, index) == [
        ("The balance felt good from the first lap,", "oscar-piastri"),
        ("We will see how the", "oscar-piastri"),
    ]


def test_collapsed_paragraph_breaks(index: SpeakerIndex) -> None:
    text = (
        'Fred Vasseur spoke after the race. "We made the right call on strategy," Vasseur '
        'said. "The drivers did the rest on a difficult track. "Now we go to the next one '
        'and keep pushing for more."'
    )
    assert said(text, index) == [
        ("We made the right call on strategy,", "frederic-vasseur"),
        ("The drivers did the rest on a difficult track.", "frederic-vasseur"),
        ("Now we go to the next one and keep pushing for more.", "frederic-vasseur"),
    ]


def test_headline_quotes(index: SpeakerIndex) -> None:
    text = (
        "Stella: ‘We have the fastest car on the grid’\n\n"
        "McLaren team principal Andrea Stella was upbeat in Austin."
    )
    assert said(text, index) == [("We have the fastest car on the grid", "andrea-stella")]


def test_page_clutter_between_continued_paragraphs(index: SpeakerIndex) -> None:
    text = (
        "“I was fighting the car all afternoon,” Hamilton told reporters.\n\n"
        "“Nothing we tried on the set-up seemed to help the balance.\n\n"
        "Also Read:\n\n"
        "Lewis Hamilton (GBR) Ferrari in the paddock. (Photo by Someone/Getty Images)\n\n"
        "“We will go away and look at the data before the next race.”\n\n"
        "Follow us on Twitter and like our Facebook page."
    )
    assert [s for _, s in said(text, index)] == ["lewis-hamilton"] * 3


def test_scare_quotes_and_titles_are_not_quotes(index: SpeakerIndex) -> None:
    text = (
        "Lewis Hamilton appeared on the podcast “Beyond The Grid Special Edition” this week "
        "and joked about the “Renault Clio Cup Racing Series” with his friends."
    )
    assert said(text, index) == []


def test_team_statements_and_spokespeople_have_no_speaker(index: SpeakerIndex) -> None:
    text = (
        "Max Verstappen was given a penalty.\n\n"
        "Red Bull said in a statement: “We will study the decision of the stewards carefully.”"
        "\n\n“We are disappointed for everyone involved,” a team spokesperson said."
    )
    assert said(text, index) == [
        ("We will study the decision of the stewards carefully.", None),
        ("We are disappointed for everyone involved,", None),
    ]


def test_a_quote_inside_a_quote_stays_with_the_reporter(index: SpeakerIndex) -> None:
    text = (
        "“Then Toto came on the radio and said ‘just bring it home’, so I backed off,” "
        "Russell said."
    )
    assert said(text, index) == [
        (
            "Then Toto came on the radio and said ‘just bring it home’, so I backed off,",
            "george-russell",
        )
    ]


def test_abstains_without_any_cue(index: SpeakerIndex) -> None:
    text = "The paddock was quiet on Thursday.\n\n“Nobody knows what will happen next season.”"
    assert said(text, index) == []
