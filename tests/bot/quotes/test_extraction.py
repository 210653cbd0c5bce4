"""Quote extraction and attribution on small hand-written articles, one hard case each
(``HARD_CASES`` names each case, its pytest id, by what makes it hard)."""

from __future__ import annotations

import pytest

from bot.quotes import SpeakerIndex, extract_quotes

Said = list[tuple[str, str | None]]


def said(text: str, index: SpeakerIndex, year: int | None = 2024) -> Said:
    return [(q.text, q.speaker_id) for q in extract_quotes(text, index, year=year)]


HARD_CASES = [
    pytest.param(
        (
            "Norris reflects on Miami\n\n"
            "Lando Norris spoke after his first win.\n\n"
            "“It has taken a long time to get here,” Norris said on Sunday.\n\n"
            "“The team gave me a car that could win and we finally did it.\n\n"
            "“I want to thank every single person back at the factory today.”\n\n"
            "Oscar Piastri finished further back."
        ),
        [
            ("It has taken a long time to get here,", "lando-norris"),
            ("The team gave me a car that could win and we finally did it.", "lando-norris"),
            ("I want to thank every single person back at the factory today.", "lando-norris"),
        ],
        id="continuation over paragraphs keeps the speaker",
    ),
    pytest.param(
        (
            "“We had the pace all weekend long,” said Charles Leclerc.\n\n"
            "Carlos Sainz was less happy with his own race in the other Ferrari.\n\n"
            "“My tyres were gone after ten laps,” he said."
        ),
        [
            ("We had the pace all weekend long,", "charles-leclerc"),
            ("My tyres were gone after ten laps,", "carlos-sainz-jr"),
        ],
        id="pronoun follows the subject not the last speaker",
    ),
    pytest.param(
        (
            "George Russell was third.\n\n"
            "Lewis Hamilton then spun at the hairpin on the last lap.\n\n"
            "“I saw Lewis spin in front of me and had nowhere to go,” he said."
        ),
        [("I saw Lewis spin in front of me and had nowhere to go,", "george-russell")],
        id="a pronoun never picks someone the quote names",
    ),
    pytest.param(
        (
            "Asked about the upgrade, Oscar Piastri said:\n\n"
            "“The new floor works the way the simulator told us it would.”"
        ),
        [("The new floor works the way the simulator told us it would.", "oscar-piastri")],
        id="colon intro in the paragraph before",
    ),
    pytest.param(
        "“It was a tough race for us,” Alonso explained. “The car simply had no grip today.”",
        [
            ("It was a tough race for us,", "fernando-alonso"),
            ("The car simply had no grip today.", "fernando-alonso"),
        ],
        id="cue inside the quote covers both halves",
    ),
    pytest.param(
        (
            "“We will fight for this title until the very end,” Verstappen told Sky Sports.\n\n"
            "Lando Norris told Max Verstappen: “You drove a really fair race against me.”"
        ),
        [
            ("We will fight for this title until the very end,", "max-verstappen"),
            ("You drove a really fair race against me.", "lando-norris"),
        ],
        id="told outlet and told person credit the subject",
    ),
    pytest.param(
        "“The balance felt good from the first lap,” said Piastri. “We will see how the",
        [
            ("The balance felt good from the first lap,", "oscar-piastri"),
            ("We will see how the", "oscar-piastri"),
        ],
        id="unclosed mark at the end of an excerpt",
    ),
    pytest.param(
        (
            'Fred Vasseur spoke after the race. "We made the right call on strategy," Vasseur '
            'said. "The drivers did the rest on a difficult track. "Now we go to the next one '
            'and keep pushing for more."'
        ),
        [
            ("We made the right call on strategy,", "frederic-vasseur"),
            ("The drivers did the rest on a difficult track.", "frederic-vasseur"),
            ("Now we go to the next one and keep pushing for more.", "frederic-vasseur"),
        ],
        id="collapsed paragraph breaks",
    ),
    pytest.param(
        (
            "Stella: ‘We have the fastest car on the grid’\n\n"
            "McLaren team principal Andrea Stella was upbeat in Austin."
        ),
        [("We have the fastest car on the grid", "andrea-stella")],
        id="headline quotes",
    ),
    pytest.param(
        (
            "Lewis Hamilton appeared on the podcast “Beyond The Grid Special Edition” this week "
            "and joked about the “Renault Clio Cup Racing Series” with his friends."
        ),
        [],
        id="scare quotes and titles are not quotes",
    ),
    pytest.param(
        (
            "Max Verstappen was given a penalty.\n\n"
            "Red Bull said in a statement: “We will study the decision of the stewards carefully.”"
            "\n\n“We are disappointed for everyone involved,” a team spokesperson said."
        ),
        [
            ("We will study the decision of the stewards carefully.", None),
            ("We are disappointed for everyone involved,", None),
        ],
        id="team statements and spokespeople have no speaker",
    ),
    pytest.param(
        (
            "“Then Toto came on the radio and said ‘just bring it home’, so I backed off,” "
            "Russell said."
        ),
        [
            (
                "Then Toto came on the radio and said ‘just bring it home’, so I backed off,",
                "george-russell",
            )
        ],
        id="a quote inside a quote stays with the reporter",
    ),
    pytest.param(
        "The paddock was quiet on Thursday.\n\n“Nobody knows what will happen next season.”",
        [],
        id="abstains without any cue",
    ),
]


@pytest.mark.parametrize(("text", "expected"), HARD_CASES)
def test_each_hard_case_gets_its_quotes_and_speakers(
    index: SpeakerIndex, text: str, expected: Said
) -> None:
    assert said(text, index) == expected


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
