from __future__ import annotations

import pytest

from bot.people.directory import builtin_directory_text, parse_builtin_directory
from bot.people.resolver import PeopleDirectory
from bot.quotes import SpeakerIndex


@pytest.fixture(scope="module")
def index() -> SpeakerIndex:
    """The speakers of the built-in directory, as a fresh install knows them."""
    people = parse_builtin_directory(builtin_directory_text())
    return SpeakerIndex(people, PeopleDirectory(people).prominence)
