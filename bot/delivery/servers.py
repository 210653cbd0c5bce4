"""A server's news configuration and the rule deciding whether a story belongs in it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

FilterKind = Literal["person", "team", "keyword"]
FILTER_KINDS: tuple[FilterKind, ...] = ("person", "team", "keyword")
MAX_FILTERS_PER_KIND = 25


@dataclass(frozen=True, slots=True)
class GuildFilter:
    kind: FilterKind
    value: str  # person id, team name (lower case) or keyword (lower case)
    label: str  # what moderators typed or the person's name, for display


@dataclass(frozen=True, slots=True)
class GuildConfig:
    guild_id: int
    news_channel_id: int | None = None
    ping_role_id: int | None = None
    paused: bool = False
    paused_reason: str | None = None
    filters: tuple[GuildFilter, ...] = field(default_factory=tuple)

    def filters_of(self, kind: FilterKind) -> tuple[GuildFilter, ...]:
        return tuple(f for f in self.filters if f.kind == kind)


@dataclass(frozen=True, slots=True)
class StoryFacts:
    """What a filter can see of a story: its words, people and teams."""

    text: str
    person_ids: frozenset[str]
    teams: frozenset[str]


def filter_verdict(config: GuildConfig, story: StoryFacts) -> str | None:
    """None when the story passes the server's filters, else why it was filtered out."""
    people = config.filters_of("person")
    if people and not any(f.value in story.person_ids for f in people):
        return "filtered: mentions none of " + ", ".join(f.label for f in people)
    teams = config.filters_of("team")
    if teams and not any(f.value in story.teams for f in teams):
        return "filtered: mentions none of the teams " + ", ".join(f.label for f in teams)
    keywords = config.filters_of("keyword")
    if keywords:
        text = story.text.casefold()
        if not any(f.value in text for f in keywords):
            return "filtered: contains none of the keywords " + ", ".join(f.label for f in keywords)
    return None
