"""Hand-written articles in the style of 2022-2025 F1 news, scored the way acceptance scores
the held-out split (../shared/tools/scoring.py): names, outlets and sentence shapes that the
development corpus does not have, covering each hard case of attribution."""

from __future__ import annotations

import json
import sys

from bot.people.directory import (
    Person,
    builtin_directory_text,
    merge_people_lists,
    parse_builtin_directory,
)
from bot.people.f1db import read_f1db
from bot.people.resolver import PeopleDirectory
from bot.quotes import SpeakerIndex, extract_quotes
from tests.conftest import REPO, f1db_dir, shared

ARTICLES = sorted((REPO / "tests" / "data" / "quotes_heldout").glob("*.json"))
# Just under what the extractor reaches today, so a regression fails loudly.
F1_FLOOR = 0.98


def _people() -> list[Person]:
    return merge_people_lists(
        read_f1db(f1db_dir()).people,
        parse_builtin_directory(builtin_directory_text()),
        incoming_wins=False,
    )


def test_held_out_style_articles_score_above_the_floor() -> None:
    tools = str(shared("tools/scoring.py", "the acceptance scoring rules").parent)
    sys.path.insert(0, tools)
    try:
        from scoring import score_quotes
    finally:
        sys.path.remove(tools)
    people = _people()
    index = SpeakerIndex(people, PeopleDirectory(people).prominence)
    articles = [json.loads(path.read_text("utf-8")) for path in ARTICLES]
    assert len(articles) >= 12
    predictions = [
        [
            (q.text, index.name(q.speaker_id) if q.speaker_id else None)
            for q in extract_quotes(article["text"], index)
        ]
        for article in articles
    ]
    result, errors = score_quotes(articles, predictions)
    assert result["F1"] >= F1_FLOOR, errors[:20]
    assert result["P"] >= F1_FLOOR, errors[:20]
