"""Text built to make pattern matching slow: a feed can send anything, and reading one story
must stay about as quick as its length. These inputs took minutes or more when a pattern
backtracked over the whole paragraph; they are sized so that such a regression turns this
file from well under a second into minutes, without timing anything here."""

from __future__ import annotations

from bot.quotes import SpeakerIndex, extract_quotes

LONG = 30_000


def test_a_single_mark_left_open_before_a_paragraph_of_words(index: SpeakerIndex) -> None:
    text = "He said so. ‘Abc " + "word " * LONG + "end"
    assert extract_quotes(text, index, year=2025) == []


def test_many_names_told_to_before_one_quotation(index: SpeakerIndex) -> None:
    text = "Norris told to " * LONG + "“go back and listen to the race again”"
    quotes = extract_quotes(text, index, year=2025)
    assert [q.text for q in quotes] in ([], ["go back and listen to the race again"])


def test_a_person_calling_after_a_sea_of_spaces(index: SpeakerIndex) -> None:
    text = "Lewis Hamilton" + " " * LONG + "called “a big day for all of us”"
    quotes = extract_quotes(text, index, year=2025)
    assert [q.text for q in quotes] in ([], ["a big day for all of us"])
