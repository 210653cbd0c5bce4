"""Train the speaker ranker from the gold corpora and write ``ranker.json``.

Run from the project root: ``python -m bot.quotes.train [--shared ../shared] [--check]``.

What it trains on (the tune part; the rest stays untouched for an honest estimate):
``corpus/dev`` whole, ``corpus/seed``, and two thirds of ``corpus/dev2``. The held-out third
of dev2 is every third article of each part (e, f, g) in sorted order of id, counting from
one: the 3rd, 6th, 9th, ... (e003, e006, ..., g039). ``held_out`` is that rule.

Each quotation whose speaker the extractor ranks (a pronoun, a descriptor) is matched to
the gold quote the way the scorer matches them (``corpus/../tools/scoring.py``); each
candidate is an example, positive when its name is the gold speaker's. Training runs twice:
the first model is learned from decisions made with all weights zero, the second from the
decisions the first makes (the last speaker depends on earlier decisions). Everything runs in
a fixed order, so the same corpus always writes the same file; ``--check`` exits 1 when the
shipped file differs from what training gives.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from bot.people.directory import (
    Person,
    builtin_directory_text,
    merge_people_lists,
    parse_builtin_directory,
)
from bot.people.f1db import read_f1db
from bot.people.resolver import PeopleDirectory
from bot.quotes.article import Decision, extract_quotes
from bot.quotes.ranker import WEIGHTS_FILE, Features, Ranker, fit
from bot.quotes.speakers import SpeakerIndex

SHARED = Path(__file__).resolve().parents[3] / "shared"
SHIPPED = Path(__file__).resolve().parent / WEIGHTS_FILE
ROUNDS = 2


# A gold corpus article as its JSON file has it: "id", "text", "quotes", ...
GoldArticle = dict[str, Any]


def held_out(article_id: str, part_ids: list[str]) -> bool:
    """Whether a dev2 article is in the untouched third: every third of its part by id."""
    return sorted(part_ids).index(article_id) % 3 == 2


def corpus_split(shared: Path) -> tuple[list[GoldArticle], list[GoldArticle]]:
    """The tune and held-out articles (gold dicts with "text" and "quotes")."""
    corpus = shared / "corpus"
    tune = [_load(path) for path in sorted((corpus / "dev").glob("*.json"))]
    tune += [_load(path) for path in sorted((corpus / "seed").glob("*.json"))]
    dev2 = [_load(path) for path in sorted((corpus / "dev2").glob("*.json"))]
    held: list[GoldArticle] = []
    for article in dev2:
        part = [a["id"] for a in dev2 if a["id"][0] == article["id"][0]]
        (held if held_out(article["id"], part) else tune).append(article)
    return tune, held


def _load(path: Path) -> GoldArticle:
    article: GoldArticle = json.loads(path.read_text("utf-8"))
    return article


def scoring_rules(shared: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("scoring", shared / "tools" / "scoring.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"no scoring rules at {shared / 'tools'}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_people(shared: Path) -> list[Person]:
    return merge_people_lists(
        read_f1db(shared / "data" / "f1db").people,
        parse_builtin_directory(builtin_directory_text()),
        incoming_wins=False,
    )


def decisions(
    articles: list[GoldArticle], index: SpeakerIndex, ranker: Ranker, scoring: ModuleType
) -> list[list[tuple[Features, int]]]:
    """Every ranked decision in ``articles``: its candidates, the gold speaker labelled 1."""
    found: list[list[tuple[Features, int]]] = []
    for article in articles:
        trace: list[Decision] = []
        extract_quotes(article["text"], index, ranker=ranker, trace=trace)
        for quote, candidates in trace:
            gold = next(
                (g for g in article["quotes"] if scoring.quotes_match(quote, g["quote"])), None
            )
            if gold is None:
                continue
            speaker = gold["speaker"]
            said = [
                person_id is not None
                and speaker is not None
                and scoring.same_speaker(index.name(person_id), speaker)
                for person_id, _ in candidates
            ]
            if not any(said):
                said = [person_id is None for person_id, _ in candidates]
            found.append(
                [(features, int(s)) for (_, features), s in zip(candidates, said, strict=True)]
            )
    return found


def train(shared: Path) -> dict[str, object]:
    scoring = scoring_rules(shared)
    people = load_people(shared)
    index = SpeakerIndex(people, PeopleDirectory(people).prominence)
    tune, _ = corpus_split(shared)
    ranker = Ranker({})
    weights: dict[str, float] = {}
    for _ in range(ROUNDS):
        weights = fit(decisions(tune, index, ranker, scoring))
        ranker = Ranker(weights)
    return {
        "about": "speaker ranker weights; retrain with python -m bot.quotes.train",
        "trained_on": f"{len(tune)} articles: dev, seed and dev2 less every third of each part",
        "weights": weights,
    }


def render(model: dict[str, object]) -> str:
    return json.dumps(model, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=SHARED, help="the shared folder")
    parser.add_argument("--out", type=Path, default=SHIPPED, help="where to write the weights")
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if the shipped file differs"
    )
    args = parser.parse_args()
    if not (args.shared / "corpus" / "dev").is_dir():
        raise SystemExit(f"no corpus under {args.shared}")
    text = render(train(args.shared))
    if args.check:
        same = args.out.read_text("utf-8") == text
        print("the shipped weights are what training gives" if same else "the weights differ")
        sys.exit(0 if same else 1)
    args.out.write_text(text, "utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
