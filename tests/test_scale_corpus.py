"""The benchmark's synthetic archive: reproducible, and its quotes are where it says."""

from __future__ import annotations

from bench.corpus import CorpusWriter, cast_from
from bot.people import DRIVER, Person, Stint


def people() -> list[Person]:
    return [
        Person("lando-norris", "Lando Norris", "Lando", "Norris", roles=(Stint(2025, DRIVER),)),
        Person("toto-wolff", "Toto Wolff", "Toto", "Wolff", roles=(Stint(2025, "team principal"),)),
        Person("jim-clark", "Jim Clark", "Jim", "Clark", roles=(Stint(1965, DRIVER),)),
    ]


def test_the_same_seed_writes_the_same_stories() -> None:
    first = list(CorpusWriter(cast_from(people()), seed=3).articles(0, 20))
    again = list(CorpusWriter(cast_from(people()), seed=3).articles(10, 10))
    assert first[10:] == again
    assert len({a.parsed.url for a in first}) == 20


def test_stories_are_news_length_with_quotes_at_their_offsets() -> None:
    for item in CorpusWriter(cast_from(people()), seed=1).articles(0, 30):
        words = len(item.parsed.body.split())
        assert 400 <= words <= 1000
        assert item.quotes
        text = item.parsed.full_text
        for quote in item.quotes:
            assert text[quote.start : quote.end] == quote.text
            assert text.split("\n\n")[quote.paragraph].find(quote.text) >= 0
