"""Build the archive tier by tier and time every command at the service layer.

The database grows in place: the 10k tier is the 1k tier plus 9,000 stories, so the three
tiers cost one 100k import. Each tier ends with ``PIPELINE_SAMPLE`` stories imported through
the bot's own pipeline (store, quote extraction, mentions, full-text index); that is the
import throughput reported. They are the newest stories, as a feed or an archive in date
order brings them; once the largest tier is measured, as many again dated anywhere in it are
imported and timed too (``back_dated``), the worst case for the date-ordered indexes.

The stories before the sample go in through the same batch API with the quotes the generator
wrote instead of extracting them again, a batch per transaction (``bulk_load``): the
extractor is the slowest step by far, and running it over 100k stories would make one run of
the benchmark take a quarter of an hour.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from bench.archive import add_known_quotes
from bench.corpus import CorpusWriter, SyntheticArticle, batches, cast_from
from bench.search_baseline import substring_search
from bench.timing import Latency, sample_async
from bot.ingest.bulk import IMPORT_BATCH, default_workers, store_batches
from bot.ingest.store import story_reader
from bot.news.mentions import MentionFinder, mention_finder
from bot.news.stories import find_stories, latest_stories, team_subject, words_subject
from bot.people.f1db import read_f1db
from bot.people.service import PeopleService, people_service
from storage.articles import article_stats, search_articles, store_articles
from storage.database import Database, connect
from storage.mentions import ArticleMentions, store_mentions
from storage.people import ensure_builtin_people, load_people, merge_into_directory
from storage.quotes import NewQuote, count_quotes

PIPELINE_SAMPLE = 2000
BULK_BATCH = 500
# Page cache while the stories before the timed sample are loaded (SQLite's default is
# 2 MiB): this load only builds the archive to measure, so it may go as fast as it can.
BULK_LOAD_CACHE_MIB = 256
# Stories per transaction in the timed sample: as ``paddock import`` stores them.
PIPELINE_BATCH = IMPORT_BATCH
SAMPLES = 200
COMMAND_BUDGET_SECONDS = 4.0
BASELINE_BUDGET_SECONDS = 4.0

# What fans pass to each command; a mix of the common and the awkward.
LATEST_ABOUT: tuple[str | None, ...] = (
    None,
    "verstappen",
    None,
    "Lewis Hamilton",
    "Ferrari",
    "toto",
    None,
    "McLaren",
    "norris",
    "safety car",
    "leclerc",
    "rain",
)
QUOTE_PEOPLE: tuple[str | None, ...] = (
    "verstappen",
    "hamilton",
    "leclerc",
    "norris",
    "alonso",
    "toto wolff",
    "russell",
    "piastri",
    "sainz",
    "checo",
)
# /quote with about: person|words.
QUOTE_ABOUT: tuple[str | None, ...] = (
    "leclerc|pace",
    "russell|upgrades",
    "verstappen|safety car",
    "norris|monaco",
    "hamilton|proud team",
)
STORY_WORDS: tuple[str | None, ...] = (
    "Monaco crash",
    "tyre degradation",
    "Verstappen Monza",
    "safety car restart",
    "upgrade package Silverstone",
    "porpoising",
    "contract talks Hamilton",
    "banana",
)
DRIVERS: tuple[str | None, ...] = (
    "Max Verstappen",
    "hamilton",
    "leclerc",
    "lando norris",
    "alonso",
    "toto wolff",
    "oscar piastri",
    "hulkenberg",
    "checo",
    "gasly",
)
PARTIALS: tuple[str | None, ...] = (
    "",
    "v",
    "ver",
    "verst",
    "ham",
    "lec",
    "nor",
    "to",
    "sch",
    "pia",
    "alo",
    "44",
    "ch",
    "hulk",
)
COMMANDS = ("latest", "quote", "quote about", "story", "driver", "autocomplete")


@dataclass(slots=True)
class Tier:
    size: int
    pipeline_articles_per_s: float = 0.0
    back_dated_articles_per_s: float = 0.0
    bulk_articles_per_s: float = 0.0
    database_bytes: int = 0
    quotes: int = 0
    directory_load_ms: float = 0.0
    service: dict[str, Latency] = field(default_factory=dict)
    baselines: dict[str, Latency] = field(default_factory=dict)
    e2e: dict[str, Latency] = field(default_factory=dict)
    bot_rss_mb: float = 0.0
    bot_ready_s: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "size": self.size,
            "import_pipeline_articles_per_s": round(self.pipeline_articles_per_s, 1),
            "import_back_dated_articles_per_s": round(self.back_dated_articles_per_s, 1),
            "import_bulk_articles_per_s": round(self.bulk_articles_per_s, 1),
            "database_bytes": self.database_bytes,
            "database_mb_per_1k_articles": round(self.database_bytes / self.size * 1000 / 2**20, 2),
            "quotes": self.quotes,
            "directory_load_ms": round(self.directory_load_ms, 1),
            "service": {name: lat.as_dict() for name, lat in self.service.items()},
            "baselines": {name: lat.as_dict() for name, lat in self.baselines.items()},
            "end_to_end": {name: lat.as_dict() for name, lat in self.e2e.items()},
            "bot_rss_mb": round(self.bot_rss_mb, 1),
            "bot_ready_s": round(self.bot_ready_s, 2),
        }


async def load_people_into(db: Database, f1db: Path) -> None:
    await ensure_builtin_people(db)
    await merge_into_directory(db, read_f1db(f1db).people, incoming_wins=True)


@asynccontextmanager
async def page_cache(db: Database, mib: int) -> AsyncIterator[None]:
    """The writer's page cache at ``mib`` MiB meanwhile, put back afterwards."""
    async with db.write() as conn:
        [(cache,)] = await conn.execute_fetchall("PRAGMA cache_size")
        # PRAGMAs take no bound parameters; both values are integers.
        await conn.execute(f"PRAGMA cache_size = {-int(mib) * 1024}")
    try:
        yield
    finally:
        async with db.write() as conn:
            await conn.execute(f"PRAGMA cache_size = {int(cache)}")


async def bulk_load(db: Database, batch: Sequence[SyntheticArticle], finder: MentionFinder) -> None:
    """Stories with the quotes the generator wrote and the names they mention, a batch per
    transaction and a few statements per batch."""
    async with db.write() as conn:
        storing = asyncio.create_task(store_articles(conn, [item.parsed for item in batch]))
        subjects: list[frozenset[str]] = []
        for item in batch:
            subjects.append(frozenset(finder.find(item.parsed.full_text)))
            # Lets the store advance between stories: SQLite indexes the batch in its own
            # thread while this one looks for names.
            await asyncio.sleep(0)
        stored = await storing
        quotes = [
            (result, NewQuote(q.text, q.person_id, q.paragraph, q.start, q.end, "said"))
            for result, item in zip(stored, batch, strict=True)
            if result.created
            for q in item.quotes
        ]
        await add_known_quotes(conn, quotes)
        found = [
            ArticleMentions(result.article.id, result.article.date, names)
            for result, names in zip(stored, subjects, strict=True)
            if result.created
        ]
        await store_mentions(conn, found, finder.version)


async def grow(db: Database, writer: CorpusWriter, start: int, stop: int) -> tuple[float, float]:
    """Import stories ``start`` .. ``stop - 1``; returns (bulk, pipeline) articles per second.

    Only the time storing counts: generating the stories is not import.
    """
    sample = min(PIPELINE_SAMPLE, stop - start)
    bulk_stop = stop - sample
    finder = mention_finder(await load_people(db.reader))
    bulk_seconds = 0.0
    async with page_cache(db, BULK_LOAD_CACHE_MIB):
        for batch in batches(writer, start, bulk_stop, BULK_BATCH):
            began = time.perf_counter()
            await bulk_load(db, batch, finder)
            bulk_seconds += time.perf_counter() - began
    bulk_rate = (bulk_stop - start) / bulk_seconds if bulk_seconds else 0.0
    return bulk_rate, await pipeline_import(db, writer, bulk_stop, stop)


async def pipeline_import(
    db: Database,
    writer: CorpusWriter,
    start: int,
    stop: int,
    *,
    back_dated: bool = False,
) -> float:
    """Stories ``start`` .. ``stop - 1`` through the bot's pipeline; articles per second."""
    reader = await story_reader(db)
    stories = [item.parsed for item in writer.articles(start, stop - start, back_dated=back_dated)]
    sample_batches = [
        stories[first : first + PIPELINE_BATCH] for first in range(0, len(stories), PIPELINE_BATCH)
    ]
    # As ``paddock import`` runs it, worker processes and their start-up included.
    began = time.perf_counter()
    async for _ in store_batches(db, iter(sample_batches), reader, default_workers()):
        pass
    return (stop - start) / (time.perf_counter() - began)


def _split(text: str | None) -> tuple[str, str | None]:
    who, _, about = (text or "").partition("|")
    return who, about or None


async def time_commands(db: Database, people: PeopleService) -> dict[str, Latency]:
    """Each command as its cog runs it, minus the embed: resolve, query, shape the reply."""

    async def latest(about: str | None) -> object:
        subject = None
        if about:
            subject = people.subject_for(about) or team_subject(about) or words_subject(about)
        return await latest_stories(db, 5, subject)

    async def quote(text: str | None) -> object:
        who, about = _split(text)
        return await people.quotes(db, people.resolve_one(who), about)

    async def story(words: str | None) -> object:
        matches = await find_stories(db, words or "")
        if matches:
            await people.story_details(db, matches[0])
        return matches

    async def driver(name: str | None) -> object:
        return await people.profile(db, people.resolve_one(name or ""))

    async def autocomplete(text: str | None) -> object:
        return people.autocomplete(text or "", 25)

    calls = {
        "latest": (latest, LATEST_ABOUT),
        "quote": (quote, QUOTE_PEOPLE),
        "quote about": (quote, QUOTE_ABOUT),
        "story": (story, STORY_WORDS),
        "driver": (driver, DRIVERS),
        "autocomplete": (autocomplete, PARTIALS),
    }
    results: dict[str, Latency] = {}
    for name, (call, inputs) in calls.items():
        # One untimed pass warms the page cache as a running bot's would be.
        for text in inputs:
            await call(text)
        results[name] = await sample_async(
            call, inputs, samples=SAMPLES, budget_seconds=COMMAND_BUDGET_SECONDS
        )
    return results


async def time_baselines(db: Database, people: PeopleService) -> dict[str, Latency]:
    """Naive ways to do what the bot does, timed in the same run on the same data."""
    words = [w for w in STORY_WORDS if w]

    async def fts(text: str | None) -> object:
        return await search_articles(db, text or "", 10)

    async def like(text: str | None) -> object:
        return await substring_search(db.reader, text or "", 10)

    names: list[str] = []
    for person in people.directory:
        names.append(person.name)
        names.extend(person.aliases)
    queries = [q for q in DRIVERS if q]

    async def resolver(text: str | None) -> object:
        return people.directory.resolve(text or "")

    async def extract_one(text: str | None) -> object:
        return process.extractOne(text or "", names, scorer=fuzz.WRatio)

    return {
        "search_fts5": await sample_async(
            fts, words, samples=SAMPLES, budget_seconds=BASELINE_BUDGET_SECONDS
        ),
        "search_like": await sample_async(
            like, words, samples=SAMPLES, budget_seconds=BASELINE_BUDGET_SECONDS
        ),
        "names_resolver": await sample_async(
            resolver, queries, samples=SAMPLES, budget_seconds=BASELINE_BUDGET_SECONDS
        ),
        "names_rapidfuzz_extractone": await sample_async(
            extract_one, queries, samples=SAMPLES, budget_seconds=BASELINE_BUDGET_SECONDS
        ),
    }


async def measure_tier(database: Path, tier: Tier) -> None:
    """Service-layer figures on a fresh connection, as a bot that has just started sees it."""
    async with connect(database) as db:
        began = time.perf_counter()
        people = await people_service(db)
        tier.directory_load_ms = (time.perf_counter() - began) * 1000
        tier.service = await time_commands(db, people)
        tier.baselines = await time_baselines(db, people)
        stats = await article_stats(db.reader)
        tier.database_bytes = stats.database_bytes
        tier.quotes = await count_quotes(db.reader)


async def build_tiers(
    database: Path, f1db: Path, sizes: Sequence[int], *, seed: int, on_tier: Any
) -> list[Tier]:
    """Grow the archive to each size in turn; ``on_tier(tier)`` runs once each is measured."""
    tiers: list[Tier] = []
    async with connect(database) as db:
        await load_people_into(db, f1db)
        writer = CorpusWriter(cast_from(await load_people(db.reader)), seed=seed)
    stored = 0
    for size in sorted(sizes):
        tier = Tier(size)
        async with connect(database) as db:
            tier.bulk_articles_per_s, tier.pipeline_articles_per_s = await grow(
                db, writer, stored, size
            )
        stored = size
        await measure_tier(database, tier)
        await on_tier(tier)
        tiers.append(tier)
    if tiers:
        # Last, so that the stories it adds change no other figure.
        async with connect(database) as db:
            tiers[-1].back_dated_articles_per_s = await pipeline_import(
                db, writer, stored, stored + PIPELINE_SAMPLE, back_dated=True
            )
    return tiers
