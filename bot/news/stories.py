"""Finding and presenting stories: newest, newest about someone, best match for words."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.news.articles import Article, paragraphs
from bot.news.mentions import team_subject_id
from bot.people.teams import resolve_team
from storage.articles import latest_articles, latest_mentioning, search_articles
from storage.database import Database
from storage.mentions import latest_about

MAX_LATEST = 10
MAX_MATCHES = 10


@dataclass(frozen=True, slots=True)
class Subject:
    """What ``about:`` resolved to: a person, a team or plain words."""

    kind: str  # "person", "team" or "words"
    label: str
    phrases: tuple[str, ...]
    person_id: str | None = None
    team_id: str | None = None

    @property
    def mention_id(self) -> str | None:
        """The subject in the mentions index; words have none and are searched instead."""
        if self.person_id:
            return self.person_id
        return team_subject_id(self.team_id) if self.team_id else None


@dataclass(frozen=True, slots=True)
class LatestStories:
    articles: list[Article]
    subject: Subject | None


async def latest_stories(
    db: Database,
    count: int,
    subject: Subject | None = None,
    *,
    viewer: int | None = None,
) -> LatestStories:
    """The newest stories (about ``subject``) that ``viewer`` may see: a server sees the
    global stories and its own; None (direct messages, the command line) the global ones."""
    count = max(1, min(count, MAX_LATEST))
    conn = db.reader
    if subject is None:
        return LatestStories(await latest_articles(conn, count, viewer=viewer), None)
    if subject.mention_id is not None:
        stories = await latest_about(conn, subject.mention_id, count, viewer=viewer)
        return LatestStories(stories, subject)
    stories = await latest_mentioning(conn, subject.phrases, count, viewer=viewer)
    return LatestStories(stories, subject)


def team_subject(query: str) -> Subject | None:
    team = resolve_team(query)
    if team is None:
        return None
    return Subject("team", team.name, team.aliases, team_id=team.id)


def words_subject(query: str) -> Subject | None:
    # Only the start of an overlong query counts, so the label echoed back stays short.
    words = re.findall(r"\w+", query[:100])[:8]
    if not words:
        return None
    return Subject("words", " ".join(words), (" ".join(words),))


async def find_stories(db: Database, words: str, *, viewer: int | None = None) -> list[Article]:
    """The best matches for ``words`` that ``viewer`` may see (``latest_stories``)."""
    return await search_articles(db, words, MAX_MATCHES, viewer=viewer)


def page_body(body: str, page_chars: int = 3500) -> list[str]:
    """The story's text in pages that fit an embed, breaking between paragraphs."""
    pages: list[str] = []
    current = ""
    for paragraph in paragraphs(body):
        while len(paragraph) > page_chars:
            cut = paragraph.rfind(" ", 0, page_chars)
            cut = cut if cut > 0 else page_chars
            if current:
                pages.append(current)
                current = ""
            pages.append(paragraph[:cut])
            paragraph = paragraph[cut:].lstrip()
        candidate = f"{current}\n\n{paragraph}" if current else paragraph
        if len(candidate) > page_chars:
            pages.append(current)
            current = paragraph
        else:
            current = candidate
    if current:
        pages.append(current)
    return pages or ["(This story has no text beyond its headline.)"]
