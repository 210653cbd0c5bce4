"""People learned from the news: stored once with their quotes, per owner, and never read by
quote attribution."""

from __future__ import annotations

import dataclasses

from bot.ingest.store import ingest_article
from bot.quotes.stored import load_speaker_index, reindex_quotes
from storage.database import Database
from storage.people import (
    ensure_builtin_people,
    learned_version,
    load_learned_people,
    load_people,
)
from storage.quotes import article_quotes, quotes_by_person
from tests.learned_stories import HONDA, HONDA_AGAIN, LAMBIASE

SERVER = 4242
RIVAL = 5353


async def learned(db: Database) -> dict[str, tuple[str, str, int, str]]:
    """Each learned person's role, team, owner and first-seen date."""
    return {
        p.id: (p.role, p.team, p.guild_id, p.first_seen_at[:10])
        for p in await load_learned_people(db.reader)
    }


async def test_a_quoted_unknown_person_is_learned_once_with_role_team_and_first_story(
    db: Database,
) -> None:
    await ensure_builtin_people(db)
    first = await ingest_article(db, HONDA)
    await ingest_article(db, HONDA_AGAIN)

    [watanabe] = await load_learned_people(db.reader)
    assert (watanabe.id, watanabe.name) == ("news:koji-watanabe", "Koji Watanabe")
    assert (watanabe.role, watanabe.team) == ("president", "HRC")
    assert watanabe.guild_id == 0
    assert watanabe.first_seen_article == first.article.id
    assert watanabe.first_seen_title == HONDA.title
    assert watanabe.first_seen_at.startswith("2025-02-20")
    said = await quotes_by_person(db.reader, "news:koji-watanabe", limit=10)
    assert [q.article_title for q in said] == [HONDA_AGAIN.title, HONDA.title]


async def test_attribution_reads_known_people_only(db: Database) -> None:
    await ensure_builtin_people(db)
    await ingest_article(db, HONDA)

    assert "news:koji-watanabe" not in {p.id for p in await load_people(db.reader)}
    assert "news:koji-watanabe" not in (await load_speaker_index(db)).people


async def test_an_earlier_story_stored_later_becomes_where_they_were_first_seen(
    db: Database,
) -> None:
    await ensure_builtin_people(db)
    await ingest_article(db, HONDA_AGAIN)
    earlier = await ingest_article(db, HONDA)

    [watanabe] = await load_learned_people(db.reader)
    assert watanabe.first_seen_article == earlier.article.id
    # The later story did not say what he is; the earlier one fills it in.
    assert (watanabe.role, watanabe.team) == ("president", "HRC")


async def test_reindex_keeps_each_learned_person_once_and_changes_nothing(
    db: Database,
) -> None:
    await ensure_builtin_people(db)
    for story in (HONDA, HONDA_AGAIN, LAMBIASE):
        await ingest_article(db, story)
    before = await learned(db)
    quotes_before = len(await quotes_by_person(db.reader, "news:koji-watanabe", limit=10))

    for _ in range(2):
        await reindex_quotes(db)
    version = await learned_version(db.reader)
    await reindex_quotes(db)

    assert await learned(db) == before
    assert before["news:gianpiero-lambiase"] == ("race engineer", "Red Bull", 0, "2025-03-16")
    assert (
        len(await quotes_by_person(db.reader, "news:koji-watanabe", limit=10)) == quotes_before == 2
    )
    # Extracting the same stories again teaches nothing new.
    assert await learned_version(db.reader) == version


async def test_a_story_edited_to_drop_the_quote_forgets_the_person(
    db: Database,
) -> None:
    await ensure_builtin_people(db)
    stored = await ingest_article(db, LAMBIASE)
    edited = dataclasses.replace(
        LAMBIASE, body="Red Bull race engineer Gianpiero Lambiase did not speak after the race."
    )
    await ingest_article(db, edited)

    assert await load_learned_people(db.reader) == []
    assert await article_quotes(db.reader, stored.article.id) == []


async def test_a_servers_own_story_teaches_a_person_only_that_server_sees(
    db: Database,
) -> None:
    await ensure_builtin_people(db)
    own = await ingest_article(db, dataclasses.replace(LAMBIASE, guild_id=SERVER))

    assert await learned(db) == {
        f"news:gianpiero-lambiase@{SERVER}": ("race engineer", "Red Bull", SERVER, "2025-03-16")
    }
    [quote] = await article_quotes(db.reader, own.article.id)
    assert quote.person_id == f"news:gianpiero-lambiase@{SERVER}"
    assert await quotes_by_person(db.reader, quote.person_id, viewer=RIVAL) == []
    assert len(await quotes_by_person(db.reader, quote.person_id, viewer=SERVER)) == 1


async def test_a_story_for_everyone_takes_over_a_person_a_server_had_learned(
    db: Database,
) -> None:
    await ensure_builtin_people(db)
    # The server's feed says something else about him: it must not reach anyone else.
    own = dataclasses.replace(
        LAMBIASE,
        guild_id=SERVER,
        body=LAMBIASE.body.replace("Red Bull race engineer", "Evil Corp director"),
    )
    own_stored = await ingest_article(db, own)
    everyone = await ingest_article(
        db, dataclasses.replace(LAMBIASE, url="https://example.com/everyone")
    )
    rival = await ingest_article(
        db, dataclasses.replace(LAMBIASE, guild_id=RIVAL, url="https://example.com/rival")
    )

    # One person, as the story everyone sees describes him; both servers' quotes are his.
    assert await learned(db) == {
        "news:gianpiero-lambiase": ("race engineer", "Red Bull", 0, "2025-03-16")
    }
    for stored in (own_stored, rival):
        [quote] = await article_quotes(db.reader, stored.article.id)
        assert quote.person_id == "news:gianpiero-lambiase"
    # Each server still sees only its own stories' quotes beside everyone's.
    seen = await quotes_by_person(db.reader, "news:gianpiero-lambiase", viewer=SERVER, limit=10)
    assert {q.article_id for q in seen} == {own_stored.article.id, everyone.article.id}
