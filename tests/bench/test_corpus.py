"""The benchmark's synthetic archive: reproducible, and its quotes are where it says."""

from __future__ import annotations

from datetime import UTC, datetime

from bench.corpus import CorpusWriter, SyntheticArticle, cast_from
from bot.people.directory import DRIVER, Person, Stint


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


def test_stories_come_out_in_number_order_unless_back_dated() -> None:
    writer = CorpusWriter(cast_from(people()), seed=2)

    def days(items: list[SyntheticArticle]) -> list[float]:
        start = datetime(2016, 1, 1, tzinfo=UTC)
        return [
            (datetime.fromisoformat(item.parsed.published_at or "") - start).total_seconds() / 86400
            for item in items
        ]

    in_order = days(list(writer.articles(0, 600)))
    # Stories of the same few days may come out of order, those a week apart may not.
    assert in_order != sorted(in_order)
    assert all(a < b for a, b in zip(in_order, in_order[210:], strict=False))
    assert 19 < in_order[-1] < 23
    # Dated anywhere from the archive's first day to when their number says.
    back = days(list(writer.articles(3000, 60, back_dated=True)))
    assert all(0 <= day <= 102 for day in back)
    assert min(back) < 25 and max(back) > 75
