"""Throughput of quote extraction and attribution on one core.

Run from the project root: ``python -m bench.bench_quotes [--rounds N]``. It reads the
development corpus beside the project (``../shared/corpus``), builds the speaker index from
the packaged people list plus F1DB when present, and reports articles per second.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from bot.f1db import read_f1db
from bot.people import Person, builtin_directory_text, merge_people, parse_builtin_directory
from bot.quote_speakers import SpeakerIndex
from bot.quotes import extract_quotes
from bot.resolver import PeopleDirectory

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"


def load_people() -> list[Person]:
    people: dict[str, Person] = {}
    f1db = SHARED / "data" / "f1db"
    if f1db.is_dir():
        people = {p.id: p for p in read_f1db(f1db).people}
    for person in parse_builtin_directory(builtin_directory_text()):
        known = people.get(person.id)
        people[person.id] = merge_people(known, person, incoming_wins=False) if known else person
    return list(people.values())


def load_texts() -> list[str]:
    corpus = SHARED / "corpus"
    texts = [json.loads(p.read_text("utf-8"))["text"] for p in sorted(corpus.glob("dev/*.json"))]
    texts += [p.read_text("utf-8") for p in sorted(corpus.glob("seed/*.txt"))]
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10, help="passes over the corpus")
    args = parser.parse_args()
    people = load_people()
    directory = PeopleDirectory(people)
    index = SpeakerIndex(people, directory.prominence)
    texts = load_texts()
    if not texts:
        raise SystemExit(f"no articles found under {SHARED / 'corpus'}")
    started = time.perf_counter()
    first_round = 0.0
    quotes = 0
    for round_number in range(args.rounds):
        for text in texts:
            quotes += len(extract_quotes(text, index))
        if round_number == 0:
            first_round = time.perf_counter() - started
    elapsed = time.perf_counter() - started
    articles = len(texts) * args.rounds
    print(
        f"quote extraction + attribution: {articles / elapsed:.0f} articles/s "
        f"({articles} articles, {quotes} quotes, {elapsed:.2f} s; first pass "
        f"{len(texts) / first_round:.0f} articles/s; {len(people)} people)"
    )


if __name__ == "__main__":
    main()
