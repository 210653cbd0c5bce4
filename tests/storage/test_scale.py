"""Storage that keeps commands fast on a large archive: batch import, the mentions index,
windowed search."""

from __future__ import annotations

import pytest

import storage.articles
from bot.ingest.store import ingest_articles
from bot.news.articles import ParsedArticle
from bot.news.stories import latest_stories, team_subject, words_subject
from bot.people.f1db import read_f1db
from bot.people.service import people_service
from storage.articles import latest_mentioning, search_articles, store_article, store_articles
from storage.database import Database
from storage.mentions import latest_about, mention_counts
from storage.people import (
    count_mentions,
    ensure_builtin_people,
    load_people,
    merge_into_directory,
)
from tests.conftest import f1db_dir


def story(title: str, body: str, day: int) -> ParsedArticle:
    return ParsedArticle(
        title=title,
        body=body,
        url=f"https://news.example/{day}/{title.lower().replace(' ', '-')}",
        published_at=f"2025-03-{day:02d}T12:00:00+00:00",
    )


async def test_batch_store_matches_one_by_one_and_skips_repeats(db: Database) -> None:
    first = story("Norris on pole", "Lando Norris beat Oscar Piastri.", 1)
    async with db.write() as conn:
        await store_article(conn, first)
        results = await store_articles(
            conn,
            [
                story("Leclerc wins", "Charles Leclerc won in Monaco.", 2),
                first,
                story("Leclerc wins", "Charles Leclerc won in Monaco.", 2),
                story("Alonso fourth", "Fernando Alonso was fourth.", 3),
            ],
        )

    assert [(r.created, r.updated) for r in results] == [
        (True, False),
        (False, False),
        (False, False),
        (True, False),
    ]
    assert results[2].article.id == results[0].article.id
    assert [a.title for a in await search_articles(db, "Monaco")] == ["Leclerc wins"]
    assert (await search_articles(db, "Alonso"))[0].id == results[3].article.id


async def test_mentions_are_found_on_import_and_read_newest_first(db: Database) -> None:
    await ensure_builtin_people(db)
    await ingest_articles(
        db,
        [
            story("Verstappen wins", "Max Verstappen won for Red Bull.", 3),
            story("Hamilton's day", "Lewis Hamilton was second; Verstappen had led.", 9),
            story("Norris on pole", "Lando Norris took pole for McLaren.", 5),
        ],
    )

    about_max = await latest_about(db.reader, "max-verstappen", 5)
    assert [a.title for a in about_max] == ["Hamilton's day", "Verstappen wins"]
    assert [a.title for a in await latest_about(db.reader, "team:red-bull")] == ["Verstappen wins"]
    assert (await mention_counts(db.reader))["lando-norris"] == 1

    people = await people_service(db)
    subject = people.subject_for("verstappen")
    assert subject is not None and subject.mention_id == "max-verstappen"
    latest = await latest_stories(db, 5, subject)
    assert [a.title for a in latest.articles] == ["Hamilton's day", "Verstappen wins"]
    team = team_subject("mclaren")
    assert team is not None
    assert [a.title for a in (await latest_stories(db, 5, team)).articles] == ["Norris on pole"]
    profile = await people.profile(db, people.resolve_one("hamilton"))
    assert [a.title for a in profile.stories] == ["Hamilton's day"]


async def test_stories_stored_without_the_hook_are_scanned_at_start_up(
    db: Database,
) -> None:
    await ensure_builtin_people(db)
    async with db.write() as conn:
        await store_article(conn, story("Piastri wins", "Oscar Piastri won in Bahrain.", 4))
    assert await latest_about(db.reader, "oscar-piastri") == []

    counts = await count_mentions(db, await load_people(db.reader))

    assert counts["oscar-piastri"] == 1
    assert [a.title for a in await latest_about(db.reader, "oscar-piastri")] == ["Piastri wins"]


async def test_an_old_driver_is_not_mentioned_by_a_common_word_that_is_his_surname(
    db: Database,
) -> None:
    await ensure_builtin_people(db)
    f1db = read_f1db(f1db_dir()).people
    await merge_into_directory(db, f1db, incoming_wins=True)
    people = await load_people(db.reader)
    assert {"carlos-pace", "paddy-driver"} <= {p.id for p in people}
    await ingest_articles(
        db,
        [story("Race pace", "The pace was strong, said the driver.", 6)],
    )
    assert await count_mentions(db, people) == {}


async def test_latest_mentioning_words_sorts_recent_matches_by_date(
    db: Database,
) -> None:
    await ingest_articles(
        db,
        [
            story("Wet race", "Rain fell all afternoon.", 20),
            story("Dry race", "Sunshine all day.", 21),
            story("Early rain", "Rain in practice.", 2),
        ],
    )
    subject = words_subject("rain")
    assert subject is not None and subject.mention_id is None
    found = await latest_mentioning(db.reader, subject.phrases, 5)
    assert [a.title for a in found] == ["Wet race", "Early rain"]


async def test_search_ranks_recent_stories_first_and_widens_when_they_hold_none(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage.articles, "_SEARCH_WINDOWS", (2, None))
    await ingest_articles(
        db,
        [
            story("Monaco classic", "Monaco Monaco Monaco, the classic.", 1),
            story("Monaco again", "A quiet Monaco weekend.", 2),
            story("Monaco preview", "Previewing Monaco.", 3),
            story("Imola", "Nothing about the principality.", 4),
        ],
    )
    # The two most recently stored stories hold one match: that is enough for one result,
    # and short of two the search stays there rather than rank the whole archive.
    assert [a.title for a in await search_articles(db, "Monaco", limit=1)] == ["Monaco preview"]
    assert [a.title for a in await search_articles(db, "Monaco", limit=2)] == ["Monaco preview"]
    # Nothing recent matches: the whole archive is searched.
    assert [a.title for a in await search_articles(db, "classic")] == ["Monaco classic"]


async def test_search_ranks_by_the_rarer_words_but_every_word_must_match(
    db: Database,
) -> None:
    # "car" is in all but one story: bm25 weighs it at next to nothing, so the search ranks
    # by "restart" alone, which is cheaper and orders the stories as bm25 over both words.
    fillers = [story(f"Launch {n}", f"The new car number {n} is fast.", n) for n in range(1, 9)]
    await ingest_articles(
        db,
        [
            *fillers,
            story("Restart chaos", "The car stalled at the restart.", 9),
            story("Late drama", "Restart, restart and another restart: the car held on.", 10),
            story("Quiet race", "One restart, and the car was fine all afternoon long.", 11),
            story("Restart rules", "Stewards explain the rolling start.", 12),
        ],
    )
    assert await storage.articles._ranking_query(db, ["car", "restart"]) == '"restart"'
    assert await storage.articles._ranking_query(db, ["car", "the"]) is None
    async with db.reader.execute(
        "SELECT a.title FROM articles_fts JOIN articles AS a ON a.id = articles_fts.rowid "
        'WHERE articles_fts MATCH \'"car" "restart"\' ORDER BY bm25(articles_fts, 5.0, 1.0)'
    ) as cursor:
        by_bm25 = [row[0] for row in await cursor.fetchall()]

    found = [a.title for a in await search_articles(db, "car restart")]

    assert found == by_bm25
    assert sorted(found) == ["Late drama", "Quiet race", "Restart chaos"]


async def test_a_word_that_becomes_common_is_recounted_once_enough_stories_arrive(
    db: Database,
) -> None:
    restarts = [story(f"Restart {n}", f"Restart number {n}.", n) for n in range(1, 5)]
    others = [story(f"Pit stop {n}", f"Pit stop number {n}.", n) for n in range(5, 10)]
    await ingest_articles(db, [*restarts, *others, story("Car news", "A car and a restart.", 10)])
    # Neither word is in most stories: both rank.
    assert await storage.articles._ranking_query(db, ["car", "restart"]) is None

    await ingest_articles(
        db,
        [
            ParsedArticle(title=f"Car {n}", body=f"Car {n} only.", url=f"https://c/{n}")
            for n in range(60)
        ],
    )
    # The count taken before is not kept for good: "car" is now in most stories, and is
    # left out of the ranking.
    assert await storage.articles._ranking_query(db, ["car", "restart"]) == '"restart"'
