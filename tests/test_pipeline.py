"""The import pipeline reuses its name indexes until the people directory changes."""

from __future__ import annotations

import aiosqlite

from bot.people import Person, Stint
from bot.pipeline import article_hooks
from storage.people import merge_into_directory


async def test_hooks_are_reused_until_people_change(db: aiosqlite.Connection) -> None:
    first = await article_hooks(db)
    assert await article_hooks(db) == first
    newcomer = Person(
        id="test-newcomer",
        name="Ada Newcomer",
        first_name="Ada",
        last_name="Newcomer",
        roles=(Stint(2026, "driver", "Williams"),),
    )
    await merge_into_directory(db, [newcomer], incoming_wins=True)
    rebuilt = await article_hooks(db)
    assert rebuilt != first
