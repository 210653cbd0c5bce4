"""Quotes found in import workers come back pickled: each must arrive as the quote sent."""

from __future__ import annotations

import copy
import pickle

from storage.quotes import NewQuote


def test_a_new_quote_survives_pickling_and_copying() -> None:
    quotes = [
        NewQuote("The car was fantastic today", "lando-norris", 1, 12, 39, "Norris said"),
        NewQuote("No comment", None, 0, 0, 10),
        # A speaker the directory does not know travels with what the story says of him.
        NewQuote(
            "He was calm all race",
            "news:gianpiero-lambiase",
            2,
            40,
            60,
            "Lambiase said",
            "Gianpiero Lambiase",
            "race engineer",
            "Red Bull",
        ),
    ]
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        again = pickle.loads(pickle.dumps(quotes, protocol=protocol))
        assert again == quotes
        assert all(type(quote) is NewQuote for quote in again)
    assert copy.copy(quotes[0]) == quotes[0]
    assert copy.deepcopy(quotes) == quotes
