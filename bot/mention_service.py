"""Mentions for stored stories: found on import, caught up at start-up."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import aiosqlite

from bot.ingest import BatchStep
from bot.mentions import MentionFinder, mention_finder
from bot.work_ahead import StoryWords, WorkAhead
from storage.articles import StoreResult
from storage.mentions import ArticleMentions, store_mentions
from storage.people import ensure_builtin_people, load_people


async def mention_hook(conn: aiosqlite.Connection) -> BatchStep:
    """A step for the import pipeline: the people and teams each new or edited story names,
    written for the whole batch at once."""
    await ensure_builtin_people(conn)
    return mention_step(mention_finder(await load_people(conn)))


@dataclass(frozen=True, slots=True)
class NamedIn:
    """The people and teams a story names; pickles, to run in import workers."""

    finder: MentionFinder

    def __call__(self, story: StoryWords) -> frozenset[str]:
        return frozenset(self.finder.find(story.full_text))


def mention_step(finder: MentionFinder) -> BatchStep:
    """``mention_hook`` for a name finder the caller already built."""
    named = WorkAhead(NamedIn(finder))

    async def store_batch_mentions(
        conn: aiosqlite.Connection, results: Sequence[StoreResult]
    ) -> None:
        found = [
            ArticleMentions(
                result.article.id,
                result.article.date,
                named.result(result.article),
            )
            for result in results
        ]
        new = {result.article.id for result in results if result.created}
        await store_mentions(conn, found, finder.version, new=new)

    return BatchStep(store_batch_mentions, ahead=(named,))
