"""Names read in their context: a participle belongs to its clause's subject, a word of
nationality is never part of a name, and a capitalised pair at the end of a longer run is a
person only when the article bears it out."""

from __future__ import annotations

import pytest

from bot.people.directory import builtin_directory_text, parse_builtin_directory
from bot.people.resolver import PeopleDirectory
from bot.quotes import SpeakerIndex, extract_quotes
from tests.bot.quotes.conftest import speakers

READINGS = [
    pytest.param(
        "Charles Leclerc won in Monaco.\n\n"
        "Leclerc paid tribute to his father Herve, who passed away in 2017, saying: "
        "“I was thinking about my dad in the last laps.”",
        [("I was thinking", "Charles Leclerc")],
        id="saying after an aside about a relative is the driver's",
    ),
    pytest.param(
        "Lewis Hamilton and George Russell both backed the idea.\n\n"
        "Fellow Briton Russell remarked: “It would be good for everyone on the grid.”",
        [("It would be", "George Russell")],
        id="a nationality before a surname is not a first name",
    ),
    pytest.param(
        "Eddie Jordan spoke on the radio about his health.\n\n"
        "Jordan replied: “I just had a big day of it yesterday, so I am sorry.”",
        [("I just had", "Eddie Jordan")],
        id="a first name before a team's name is its namesake",
    ),
    pytest.param(
        "Everything went wrong for Fernando Alonsowith the champion stuck in traffic.\n\n"
        "“It was a difficult day for us, as we expected,” he said.",
        [("It was a", "Fernando Alonso")],
        id="a name glued to the next word is still the known person",
    ),
    pytest.param(
        "Lambiase on ‘younger brother’ Verstappen: ‘I do not want to speak out of turn’\n\n"
        "The role of race engineer Gianpiero Lambiase cannot be underestimated.",
        [("I do not", "Gianpiero Lambiase")],
        id="a headline short form the body explains later is that person",
    ),
    pytest.param(
        "Gianpiero Lambiase has engineered Max Verstappen since 2016.\n\n"
        "Tom Stallard, Oscar Piastri’s engineer at McLaren, who rowed for Great Britain, "
        "tried to explain to the BBC what the job is. ‘You are trying to take a lot of the "
        "thinking away from the driver, so he can focus on the next corner.\n\n"
        "Engineer as interpreter",
        [("You are trying", "Tom Stallard")],
        id="the subject past an aside naming others is the speaker",
    ),
    pytest.param(
        "“As soon as we got the entry, a countdown clock went up at the factory,” "
        "Dan Towriss, the chief executive of TWG Motorsports, said in April.",
        [("As soon as", "Dan Towriss")],
        id="a cue after the quotation may name its speaker past an aside",
    ),
    pytest.param(
        "Lance Stroll pitted twice.\n\n"
        "“It would have been very difficult to overtake him,” Stroll also believes.",
        [("It would have", "Lance Stroll")],
        id="an adverb may stand between a name and its cue verb",
    ),
]


@pytest.mark.parametrize(("text", "expected"), READINGS)
def test_each_reading_gives_its_speakers(
    text: str, expected: list[tuple[str, str | None]], index: SpeakerIndex
) -> None:
    assert speakers(text, index) == expected


def test_a_capitalised_pair_ending_a_longer_run_is_no_speaker_unless_borne_out(
    index: SpeakerIndex,
) -> None:
    advert = (
        "Betfred banner advertising the Free Bet Welcome Offer\n\n"
        "“It is huge in Colombia, but it is hard to make it,” says the former driver."
    )
    assert speakers(advert, index) == []
    named_again = (
        "Racing Organization Koji Watanabe spoke before the test.\n\n"
        "“We want to compete for the title,” said Watanabe."
    )
    assert speakers(named_again, index) == [("We want to", "Koji Watanabe")]


def test_a_known_name_in_the_possessive_is_not_a_newcomer(index: SpeakerIndex) -> None:
    # The quote must be stored under the directory's Piastri, or /quote piastri misses it.
    text = (
        "Tom Stallard, Oscar Piastri’s engineer at McLaren, spoke to the BBC.\n\n"
        "“I was happy with the car all weekend,” said Piastri."
    )
    [quote] = extract_quotes(text, index, year=2025)
    assert quote.speaker_id is not None
    assert quote.speaker_id in index.people
    assert index.name(quote.speaker_id) == "Oscar Piastri"


def test_a_surname_named_only_as_an_owner_goes_to_the_one_quoted(
    index: SpeakerIndex,
) -> None:
    text = (
        "“Steiner protects Mazepin” – Mick Schumacher’s family speaks out\n\n"
        "His uncle Ralf Schumacher wrote a column about the Dutch Grand Prix.\n\n"
        "“You get the feeling that Steiner takes Mazepin under his wing,” Schumacher said."
    )
    assert speakers(text, index)[-1] == ("You get the", "Ralf Schumacher")


def test_the_one_spoken_to_is_never_the_speaker(index: SpeakerIndex) -> None:
    suggested = (
        "Toto Wolff faced the press on Thursday.\n\n"
        "It was suggested to Wolff that the loose drain cover was “a black eye for the sport”."
    )
    told = (
        "Lando Norris replied to a fan on social media.\n\n"
        "The exchange ended with Norris told to “go back and watch the race again”."
    )
    for text in (suggested, told):
        assert all(speaker is None for _, speaker in speakers(text, index)), text


def test_a_person_calling_something_a_name_says_it(index: SpeakerIndex) -> None:
    text = (
        "Alex Albon signed a contract extension with Williams in what team principal "
        "James Vowles called “a huge vote of confidence” in the team."
    )
    assert speakers(text, index) == [("a huge vote", "James Vowles")]
    title = "Lando Norris appeared on a podcast called “Beyond the Grid with friends”."
    assert speakers(title, index) == []


def test_a_year_cut_short_opens_no_quotation(index: SpeakerIndex) -> None:
    text = (
        "Damon Hill looked back on his title.\n\n"
        "‘96 was the year everything came together for the Williams driver and his team."
    )
    assert extract_quotes(text, index, year=2025) == []


def test_what_one_story_says_does_not_change_another_storys_speakers() -> None:
    # One speaker index serves a whole import: a name read unsure in one story must not
    # become unsure in the next.
    people = parse_builtin_directory(builtin_directory_text())
    label = (
        "Racing Organization Koji Watanabe is new in the paddock.\n\n"
        "“We are here to learn,” a spokesperson said."
    )
    interview = (
        "Koji Watanabe spoke before the test.\n\n“We want to compete for the title,” he said."
    )
    fresh = SpeakerIndex(people, PeopleDirectory(people).prominence)
    alone = speakers(interview, fresh)
    shared = SpeakerIndex(people, PeopleDirectory(people).prominence)
    speakers(label, shared)
    assert speakers(interview, shared) == alone == [("We want to", "Koji Watanabe")]
