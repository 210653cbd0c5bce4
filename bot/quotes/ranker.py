"""A conditional logit that chooses who said a quotation among candidates (one of which is
"nobody named here"), learned from the gold corpora (``python -m bot.quotes.train``) and
shipped as ``ranker.json``.

Pure Python on purpose: a score is a dozen multiplications, and training on a few thousand
examples takes seconds, so neither needs numpy. Training is full-batch gradient descent in a
fixed order from zero weights, so the same examples always give the same file.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Mapping, Sequence
from importlib import resources

WEIGHTS_FILE = "ranker.json"
# Weights are written rounded, so that retraining reproduces the file byte for byte.
DECIMALS = 4

Features = Mapping[str, float]


class Ranker:
    """Scores candidates by their features: log-odds that the candidate is the speaker."""

    def __init__(self, weights: Mapping[str, float]) -> None:
        self.weights = dict(weights)

    @classmethod
    @functools.cache
    def shipped(cls) -> Ranker:
        """The weights in the package's data file."""
        text = resources.files(__package__).joinpath(WEIGHTS_FILE).read_text("utf-8")
        return cls(json.loads(text)["weights"])

    def score(self, features: Features) -> float:
        weights = self.weights
        return sum(weights.get(name, 0.0) * value for name, value in features.items())

    def best(self, candidates: Sequence[tuple[str | None, Features]]) -> str | None:
        """The highest-scoring candidate (None for "nobody here"); the first of equals wins."""
        best: str | None = None
        top = -math.inf
        for person_id, features in candidates:
            score = self.score(features)
            if score > top:
                best, top = person_id, score
        return best


def fit(
    decisions: Sequence[Sequence[tuple[Features, int]]],
    *,
    rounds: int = 800,
    rate: float = 1.0,
    l2: float = 0.03,
) -> dict[str, float]:
    """A conditional logit by full-batch gradient descent with an L2 penalty: each decision
    is its candidates' features, labelled 1 for the gold speaker (exactly one of them, the
    "nobody" candidate when the speaker is none of the others)."""
    names = sorted(
        {name for decision in decisions for features, _ in decision for name in features}
    )
    column = {name: i for i, name in enumerate(names)}
    rows = [
        [
            ([(column[name], value) for name, value in sorted(features.items())], label)
            for features, label in decision
        ]
        for decision in decisions
    ]
    weights = [0.0] * len(names)
    count = max(1, len(rows))
    for _ in range(rounds):
        gradient = [l2 * w for w in weights]
        for decision in rows:
            scores = [sum(weights[i] * value for i, value in row) for row, _ in decision]
            top = max(scores)
            odds = [math.exp(score - top) for score in scores]
            total = sum(odds)
            for (row, label), chance in zip(decision, odds, strict=True):
                error = chance / total - label
                for i, value in row:
                    gradient[i] += error * value / count
        weights = [w - rate * g for w, g in zip(weights, gradient, strict=True)]
    return {name: round(w, DECIMALS) for name, w in zip(names, weights, strict=True)}
