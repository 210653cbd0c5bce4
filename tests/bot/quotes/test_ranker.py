"""The speaker ranker: its shipped weights are what training on the corpus gives, and it
chooses between candidates by their features."""

from __future__ import annotations

from bot.quotes import train
from bot.quotes.ranker import Ranker, fit
from tests.conftest import SHARED, f1db_dir, shared


def test_retraining_reproduces_the_shipped_weights() -> None:
    shared("corpus/dev2", "the gold corpus the ranker is trained from")
    f1db_dir()
    shipped = train.SHIPPED.read_text("utf-8")
    assert train.render(train.train(SHARED)) == shipped


def test_the_held_out_third_is_every_third_article_of_each_part() -> None:
    part = [f"f{n:03d}" for n in range(40, 0, -1)]
    held = [article for article in part if train.held_out(article, part)]
    assert held[:3] == ["f039", "f036", "f033"]
    assert len(held) == 13


def test_a_fitted_ranker_prefers_what_the_examples_taught() -> None:
    # The speaker was always the sentence's subject, never the person only named.
    decisions = [
        [({"nobody": 1.0}, 0), ({"subject": 1.0}, 1), ({"named": 1.0}, 0)],
        [({"nobody": 1.0}, 0), ({"named": 1.0}, 0), ({"subject": 1.0}, 1)],
        [({"nobody": 1.0}, 1), ({"named": 1.0}, 0)],
    ]
    ranker = Ranker(fit(decisions))
    assert (
        ranker.best([(None, {"nobody": 1.0}), ("a", {"named": 1.0}), ("b", {"subject": 1.0})])
        == "b"
    )
    assert ranker.best([(None, {"nobody": 1.0}), ("a", {"named": 1.0})]) is None
    assert fit(decisions) == fit(decisions)
