"""Telling a feed's new entry from a copy of a story another site already brought.

A poll round may store thousands of entries (50 feeds read for the first time), and each
is compared with every story of the last few days. ``RecentStories`` reads those days once
a round, per owner, and adds what the round stores, so each comparison is one look-up in
memory instead of a query that reads the whole window again.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from bot.feeds.reading import Headlines
from storage.articles import owner_key
from storage.database import Database
from storage.feeds import RecentStory, owners_recent_stories, recent_stories

SAME_STORY_WINDOW = timedelta(days=3)
# How far back a round's window reaches for the oldest entry it stores; older entries (a
# new feed's backlog of weeks) get a query of their own.
LONGEST_WINDOW = timedelta(days=30)


def _iso(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat()


@dataclass(slots=True)
class _OwnerStories:
    """One owner's stories of the window, by id, by headline and by the feeds that carried
    them."""

    stories: dict[int, RecentStory] = field(default_factory=dict)
    headlines: Headlines = field(default_factory=Headlines)
    carried_by: dict[int, set[int]] = field(default_factory=dict)

    def add(self, story: RecentStory) -> None:
        self.stories[story.id] = story
        self.headlines.add(story.id, story.title)
        for feed_id in story.feeds:
            self.carried_by.setdefault(feed_id, set()).add(story.id)


class RecentStories:
    """The stories from ``SAME_STORY_WINDOW`` before a round's oldest entry (but no more
    than ``LONGEST_WINDOW`` back) to one window after ``now``, read once per owner.

    An entry dated within that span is compared with all of them in memory, as a story
    dated three days before the entry or any time after it may be its copy; an older entry
    gets a query of its own around its date.
    """

    def __init__(self, db: Database, now: datetime, oldest: datetime | None = None) -> None:
        self._db = db
        earliest = min(oldest or now, now) - SAME_STORY_WINDOW
        self._since = max(earliest, now - LONGEST_WINDOW)
        self._until = now + SAME_STORY_WINDOW
        self._owners: dict[int, _OwnerStories] = {}

    async def copy_of(
        self, title: str, published: datetime | None, *, viewer: int | None, feed_id: int
    ) -> RecentStory | None:
        """A story ``viewer`` can see with a near-identical headline, dated within the
        window of ``published``, that feed ``feed_id`` has not carried itself: one site
        reuses headline shapes ("Qualifying: Monaco") for different stories."""
        if published is not None and published - SAME_STORY_WINDOW < self._since:
            around = await recent_stories(
                self._db.reader,
                _iso(published - SAME_STORY_WINDOW),
                _iso(published + SAME_STORY_WINDOW),
                viewer=viewer,
            )
            found = Headlines({s.id: s.title for s in around if feed_id not in s.feeds})
            match = found.match(title)
            return next((s for s in around if s.id == match), None)
        for owner in (0, owner_key(viewer)) if viewer else (0,):
            stories = await self._of(owner)
            own = stories.carried_by.get(feed_id, set())
            match = stories.headlines.match(title, excluding=own)
            if match is not None:
                return stories.stories[match]
        return None

    async def stored(self, story: RecentStory, feed_id: int) -> None:
        """A story this round stored, or noted as carried by ``feed_id`` too."""
        stories = await self._of(owner_key(story.guild_id))
        known = stories.stories.get(story.id, story)
        stories.add(replace(known, feeds=known.feeds | {feed_id}))

    async def _of(self, owner: int) -> _OwnerStories:
        stories = self._owners.get(owner)
        if stories is None:
            stories = self._owners[owner] = _OwnerStories()
            found = await owners_recent_stories(
                self._db.reader, _iso(self._since), _iso(self._until), owner or None
            )
            for story in found:
                stories.add(story)
        return stories
