from __future__ import annotations

import pytest

from bot.people.directory import builtin_directory_text, parse_builtin_directory
from bot.people.resolver import PeopleDirectory
from bot.quotes import SpeakerIndex, extract_quotes

Speakers = list[tuple[str, str | None]]


@pytest.fixture(scope="module")
def index() -> SpeakerIndex:
    """The speakers of the built-in directory, as a fresh install knows them."""
    people = parse_builtin_directory(builtin_directory_text())
    return SpeakerIndex(people, PeopleDirectory(people).prominence)


def speakers(text: str, index: SpeakerIndex) -> Speakers:
    """Each quotation's first words and its speaker's name (None: not a named person)."""
    return [
        (" ".join(q.text.split()[:3]), index.name(q.speaker_id) if q.speaker_id else None)
        for q in extract_quotes(text, index, year=2025)
    ]
