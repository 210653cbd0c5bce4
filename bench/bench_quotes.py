"""Throughput of quote extraction and attribution on one core.

Run from the project root: ``taskset -c 0 python -m bench.bench_quotes [--runs N]``. It
builds the speaker index from the packaged people list plus F1DB when present and reports,
for three sets of articles, the median over several runs of articles per second of this
process's CPU time (steadier than the wall clock on a shared machine):

- corpus: the development corpora beside the project (``../shared/corpus``: dev, dev2 and
  the seed) as they are;
- long: corpus articles joined until each has at least 700 words;
- synthetic: the import benchmark's generated stories of 400-900 words (bench/corpus.py).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from bench.corpus import CorpusWriter, cast_from
from bot.news.articles import article_text
from bot.people.directory import (
    Person,
    builtin_directory_text,
    merge_people_lists,
    parse_builtin_directory,
)
from bot.people.f1db import read_f1db
from bot.people.resolver import PeopleDirectory
from bot.quotes import SpeakerIndex, article_year, extract_quotes, word_count

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
LONG_WORDS = 700
SYNTHETIC = 300


def load_people() -> list[Person]:
    f1db = SHARED / "data" / "f1db"
    return merge_people_lists(
        read_f1db(f1db).people if f1db.is_dir() else [],
        parse_builtin_directory(builtin_directory_text()),
        incoming_wins=False,
    )


def load_texts() -> list[str]:
    corpus = SHARED / "corpus"
    texts = [
        json.loads(p.read_text("utf-8"))["text"]
        for folder in ("dev", "dev2")
        for p in sorted(corpus.glob(f"{folder}/*.json"))
    ]
    texts += [p.read_text("utf-8") for p in sorted(corpus.glob("seed/*.txt"))]
    return texts


def long_texts(texts: list[str], words: int = LONG_WORDS) -> list[str]:
    """Corpus articles joined in order until each reaches ``words`` words; every article is
    used once as a starting point so the set is as varied as the corpus."""
    joined = []
    for first in range(len(texts)):
        parts: list[str] = []
        count = 0
        k = first
        while count < words:
            parts.append(texts[k % len(texts)])
            count += word_count(texts[k % len(texts)])
            k += 1
        joined.append("\n\n".join(parts))
    return joined


def synthetic_texts(people: list[Person], count: int = SYNTHETIC) -> list[tuple[str, int | None]]:
    """The import benchmark's stories, as import extracts them: title and body, dated."""
    articles = []
    for story in CorpusWriter(cast_from(people)).articles(0, count):
        text = article_text(story.parsed.title, story.parsed.body)
        articles.append((text, article_year(text, story.parsed.published_at)))
    return articles


def measure(
    articles: list[tuple[str, int | None]], index: SpeakerIndex, runs: int, rounds: int
) -> tuple[float, int]:
    """Median articles per CPU second over ``runs`` timed runs of ``rounds`` passes each,
    after one untimed pass that fills the index's caches the way a long import would."""
    quotes = sum(len(extract_quotes(text, index, year=year)) for text, year in articles)
    rates = []
    for _ in range(runs):
        started = time.process_time()
        for _ in range(rounds):
            for text, year in articles:
                extract_quotes(text, index, year=year)
        rates.append(len(articles) * rounds / (time.process_time() - started))
    return statistics.median(rates), quotes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs; the median is reported")
    parser.add_argument("--rounds", type=int, default=3, help="passes over the set per run")
    args = parser.parse_args()
    people = load_people()
    index = SpeakerIndex(people, PeopleDirectory(people).prominence)
    texts = load_texts()
    if not texts:
        raise SystemExit(f"no articles found under {SHARED / 'corpus'}")
    sets: dict[str, list[tuple[str, int | None]]] = {
        "corpus": [(text, None) for text in texts],
        f"long (>= {LONG_WORDS} words)": [(text, None) for text in long_texts(texts)],
        "synthetic": synthetic_texts(people),
    }
    for label, batch in sets.items():
        words = statistics.mean(word_count(text) for text, _ in batch)
        rate, quotes = measure(batch, index, args.runs, args.rounds)
        print(
            f"quote extraction + attribution, {label}: {rate:.0f} articles/s median of "
            f"{args.runs} runs ({len(batch)} articles averaging {words:.0f} words, "
            f"{quotes} quotes per pass; {len(people)} people)"
        )


if __name__ == "__main__":
    main()
