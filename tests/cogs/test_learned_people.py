"""People learned from the news through the real discord.py client: /quote, /driver and
autocomplete find them below known people, and only in servers that may see their stories."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from bot.app import PaddockBot
from bot.ingest.store import ingest_article
from bot.news.articles import ParsedArticle
from storage.database import connect
from tests.cogs.conftest import audit_replies, make_bot
from tests.discord_harness import DiscordHarness
from tests.learned_stories import HERVE, HONDA, LAMBIASE


def fields_of(embed: dict[str, Any]) -> dict[str, str]:
    return {f["name"]: f["value"] for f in embed.get("fields") or []}


async def store(database: Path, *stories: ParsedArticle) -> None:
    async with connect(database) as db:
        for story in stories:
            await ingest_article(db, story)


async def choices(harness: DiscordHarness, typed: str, **where: Any) -> list[tuple[str, str]]:
    handle = await harness.autocomplete("quote", {"person": typed}, "person", **where)
    await handle.response()
    return [(c["name"], c["value"]) for c in handle.choices]


async def test_quote_and_driver_find_a_person_learned_from_the_news(news_db: Path) -> None:
    await store(news_db, HONDA)
    async with DiscordHarness().running(make_bot(news_db)) as paddock:
        handle = await paddock.slash("quote", {"person": "watanabe"})
        await handle.response()
        assert handle.original is not None and not handle.original.ephemeral
        [embed] = handle.original.embeds
        assert embed["author"]["name"] == "Koji Watanabe · HRC · 2025-02-20"
        assert "fight for the championship" in embed["description"]
        assert fields_of(embed)["Source"] == f"[{HONDA.title}]({HONDA.url})"

        handle = await paddock.slash("driver", {"name": "koji watanabe"})
        await handle.response()
        assert handle.original is not None
        [card] = handle.original.embeds
        assert card["title"] == "Koji Watanabe"
        assert "Learned from the news" in card["description"]
        shown = fields_of(card)
        assert (shown["Role"], shown["Team"]) == ("president", "HRC")
        assert shown["First seen · 2025-02-20"] == f"[{HONDA.title}]({HONDA.url})"
        assert "F1 seasons" not in shown
        audit_replies(paddock)


async def test_a_person_learned_while_running_is_found_at_once(news_db: Path) -> None:
    async with DiscordHarness().running(make_bot(news_db)) as paddock:
        assert await choices(paddock, "lambia") == []
        bot = paddock.client
        assert isinstance(bot, PaddockBot)
        # Stored by the running bot's own write path, as a feed's story is.
        await ingest_article(bot.db, LAMBIASE)

        assert await choices(paddock, "lambia") == [
            (
                "Gianpiero Lambiase (Red Bull race engineer · learned from the news)",
                "news:gianpiero-lambiase",
            )
        ]
        handle = await paddock.slash("quote", {"person": "news:gianpiero-lambiase"})
        await handle.response()
        assert handle.original is not None
        assert handle.original.embeds[0]["author"]["name"].startswith(
            "Gianpiero Lambiase · Red Bull"
        )


async def test_learned_people_rank_below_and_never_shadow_known_people(news_db: Path) -> None:
    await store(news_db, HERVE)
    async with DiscordHarness().running(make_bot(news_db)) as paddock:
        listed = [value for _, value in await choices(paddock, "leclerc")]
        assert listed[0] == "charles-leclerc"
        assert listed[-1] == "news:herve-leclerc"

        handle = await paddock.slash("driver", {"name": "leclerc"})
        await handle.response()
        assert handle.original is not None
        assert handle.original.embeds[0]["title"] == "Charles Leclerc"
        assert "F1 seasons" in fields_of(handle.original.embeds[0])

        handle = await paddock.slash("quote", {"person": "herve leclerc"})
        await handle.response()
        assert handle.original is not None
        [embed] = handle.original.embeds
        assert embed["author"]["name"].startswith("Herve Leclerc · 2025-05-25")
        assert "race in Formula 1 one day" in embed["description"]


async def test_a_person_learned_from_one_servers_feed_is_not_shown_to_another(
    news_db: Path,
) -> None:
    harness = DiscordHarness()
    state = harness.emulator.state
    rival = state.create_guild("Rival Server")
    rival_general = state.create_text_channel(rival, "general")
    rival_fan = state.add_member(rival, state.create_user("rival-fan"))
    await store(news_db, dataclasses.replace(LAMBIASE, guild_id=harness.world.guild.id))
    async with harness.running(make_bot(news_db)) as paddock:
        [(label, person_id)] = await choices(paddock, "lambia")
        assert label.startswith("Gianpiero Lambiase (Red Bull race engineer")
        handle = await paddock.slash("quote", {"person": "lambiase"})
        await handle.response()
        assert handle.original is not None
        assert "incredible race" in handle.original.embeds[0]["description"]

        assert await choices(paddock, "lambia", user=rival_fan, channel=rival_general) == []
        for typed in ("lambiase", "gianpiero lambiase", person_id):
            for command, option in (("quote", "person"), ("driver", "name")):
                handle = await paddock.slash(
                    command, {option: typed}, user=rival_fan, channel=rival_general
                )
                await handle.response()
                reply = handle.original
                assert reply is not None and reply.ephemeral
                assert reply.content.startswith("No one matches")
                assert not reply.embeds and "Gianpiero Lambiase" not in reply.content
        audit_replies(paddock)
