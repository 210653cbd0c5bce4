"""The development corpus scored the way acceptance scores it (../shared/tools/scoring.py)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

from bot.f1db import read_f1db
from bot.people import Person, builtin_directory_text, merge_people_lists, parse_builtin_directory
from bot.quotes import SpeakerIndex, extract_quotes
from bot.resolver import PeopleDirectory

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
# Just under what the extractor reaches today, so a regression fails loudly.
F1_FLOOR = 0.98


def _scoring() -> ModuleType:
    spec = importlib.util.spec_from_file_location("scoring", SHARED / "tools" / "scoring.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _people() -> list[Person]:
    return merge_people_lists(
        read_f1db(SHARED / "data" / "f1db").people,
        parse_builtin_directory(builtin_directory_text()),
        incoming_wins=False,
    )


@pytest.mark.skipif(not (SHARED / "corpus" / "dev").is_dir(), reason="no development corpus")
def test_dev_corpus_and_seed_score_above_the_floor() -> None:
    people = _people()
    index = SpeakerIndex(people, PeopleDirectory(people).prominence)
    files = sorted((SHARED / "corpus" / "dev").glob("*.json"))
    files.append(SHARED / "corpus" / "seed" / "hamilton-support-russell.json")
    articles = [json.loads(f.read_text("utf-8")) for f in files]
    seed_text = (SHARED / "corpus" / "seed" / "hamilton-support-russell.txt").read_text("utf-8")
    predictions = []
    for file, article in zip(files, articles, strict=True):
        text = seed_text if file.parent.name == "seed" else article["text"]
        quotes = extract_quotes(text, index)
        predictions.append(
            [(q.text, index.name(q.speaker_id) if q.speaker_id else None) for q in quotes]
        )
    result, errors = _scoring().score_quotes(articles, predictions)
    assert result["F1"] >= F1_FLOOR, errors[:20]
    assert result["P"] >= F1_FLOOR, errors[:20]
