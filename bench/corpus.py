"""A synthetic F1 news corpus for the scale benchmark, generated in memory from a seed.

Stories are 400–900 words in 8–14 paragraphs, published in the order they are numbered at a
news site's pace (``STORIES_PER_DAY``, so 100k stories span nine seasons), and read like
the real thing as far as the database and the quote extractor care: headlines naming people,
reported speech with speech verbs ("“…,” Norris said." / "Wolff added: “…”"), and the names
of this season's drivers and bosses far more often than those of 1950s entrants, because that
is what fills a real archive and what fans ask about.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.news.articles import ParsedArticle
from bot.people.directory import DRIVER, Person

SOURCES = ("Autosport", "Motorsport.com", "RaceFans", "The Race", "PlanetF1", "Formula1.com")
CIRCUITS = (
    "Bahrain",
    "Jeddah",
    "Melbourne",
    "Suzuka",
    "Shanghai",
    "Miami",
    "Imola",
    "Monaco",
    "Montreal",
    "Barcelona",
    "Spielberg",
    "Silverstone",
    "Budapest",
    "Spa",
    "Zandvoort",
    "Monza",
    "Baku",
    "Singapore",
    "Austin",
    "Mexico City",
    "Interlagos",
    "Las Vegas",
    "Lusail",
    "Abu Dhabi",
)
TEAMS = (
    "Red Bull",
    "Ferrari",
    "Mercedes",
    "McLaren",
    "Aston Martin",
    "Alpine",
    "Williams",
    "Haas",
    "Racing Bulls",
    "Sauber",
)
TOPICS = (
    "tyre degradation",
    "the new floor",
    "the sprint format",
    "track limits",
    "the cost cap",
    "porpoising",
    "the power unit regulations",
    "DRS trains",
    "the safety car restart",
    "pit stop timing",
    "the wet weather package",
    "rear wing flexibility",
    "the upgrade package",
    "brake cooling",
    "qualifying pace",
    "race strategy",
    "the 2026 rules",
    "engine reliability",
    "simulator correlation",
    "the contract talks",
)
SESSIONS = ("first practice", "second practice", "qualifying", "the sprint", "the race")

HEADLINES = (
    "{name} wins the {circuit} Grand Prix after {topic} drama",
    "{name}: “We have to keep pushing on {topic}”",
    "{surname} plays down {topic} fears before {circuit}",
    "{team} boss {name} explains {topic} decision",
    "{surname} fastest in {session} at {circuit}",
    "Why {name} believes {team} can fight back in {circuit}",
    "{surname} penalised after {session} incident in {circuit}",
    "{name} and {other} clash over {topic}",
    "{team} confirm {surname} upgrade plan for {circuit}",
    "Analysis: what {topic} means for {team} and {surname}",
)
FRAME = (
    "The {team} driver finished {place} in {session} at {circuit}, {gap} seconds off the pace.",
    "{surname} had started from {place} on the grid after a difficult {session}.",
    "Conditions at {circuit} changed quickly as the track temperature climbed past {temp} degrees.",
    "{team} brought a revised package to {circuit}, with most of the work focused on {topic}.",
    "The stewards looked at the incident between {surname} and {other} after {session}.",
    "It was the {ordinal} time this season that {team} had struggled with {topic}.",
    "Engineers spent the evening working through data from {session}, trying to understand "
    "the balance problems.",
    "{other} was quicker in the final sector, but lost time through the slow corners.",
    "The championship gap now stands at {points} points with {races} races remaining.",
    "Both cars made it through {session} without trouble, although the long runs showed "
    "more degradation than expected.",
    "A virtual safety car in the middle of the race reshuffled the order behind the leaders.",
    "Rivals have questioned whether {team} can sustain that level of performance at {circuit}.",
    "The team switched to a two-stop strategy after the first stint, covering off {other}.",
    "There was frustration in the garage when a slow stop cost {surname} two positions.",
    "The FIA confirmed that the technical directive on {topic} will apply from {circuit}.",
    "{surname} set the fastest lap on the final tour, taking the extra point away from {other}.",
)
QUOTES = (
    "I think we did a good job today, but there is still a lot to understand about {topic}",
    "We knew {circuit} would be difficult for us, and honestly it was even harder than we feared",
    "The car felt much better in the high-speed corners, so credit to everyone at the factory",
    "It is a long season and we are not going to panic after one bad weekend",
    "I was pushing as hard as I could and sometimes that means you find the limit",
    "We have to look at the data before we say anything about {topic}",
    "Our pace on the long runs was encouraging and I am confident we can fight for the podium",
    "To be honest I did not expect to be this close to {team} after qualifying",
    "There are things to improve in the slow corners, but the direction is right",
    "I am really proud of the team, they have worked so hard to bring these upgrades to {circuit}",
    "We lost a lot of time behind the safety car and that decided the result in the end",
    "If we can sort out {topic} then I believe we can win races again this year",
)
PLACES = ("first", "second", "third", "fifth", "eighth", "12th", "15th")
ORDINALS = ("second", "third", "fourth", "fifth")
VERBS_AFTER = ("said", "added", "explained", "admitted", "insisted", "told reporters", "warned")
VERBS_BEFORE = ("said", "added", "explained", "admitted", "told Sky Sports")


# An archive grows as stories are published: story N comes out N / STORIES_PER_DAY days
# after the first or up to PUBLISHED_JITTER_DAYS later (sites and feeds overlap). Stories
# dated anywhere in the archive instead are the worst case for its date-ordered indexes, and
# are written on request (``CorpusWriter.article``).
STORIES_PER_DAY = 30
PUBLISHED_JITTER_DAYS = 2


@dataclass(frozen=True, slots=True)
class Cast:
    """Who appears in stories, and how often: current drivers most, bosses next."""

    people: tuple[Person, ...]
    cum_weights: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class KnownQuote:
    """A quotation the generator wrote, where it stands in headline + body, and its speaker."""

    text: str
    person_id: str
    paragraph: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class SyntheticArticle:
    parsed: ParsedArticle
    quotes: tuple[KnownQuote, ...]


def cast_from(people: Sequence[Person]) -> Cast:
    season = max((p.last_active or 0 for p in people), default=0)
    chosen: list[Person] = []
    weights: list[float] = []
    for person in people:
        if not person.last_name:
            continue
        last = person.last_active or 0
        racing_now = any(s.role == DRIVER for s in person.roles_in(season))
        if last >= season:
            weight = 40.0 if racing_now else 15.0
        elif last >= season - 8:
            weight = 3.0
        else:
            weight = 0.05
        chosen.append(person)
        weights.append(weight)
    return Cast(tuple(chosen), tuple(itertools.accumulate(weights)))


class CorpusWriter:
    """Deterministic stories: the same seed and index give the same article."""

    def __init__(self, cast: Cast, *, seed: int = 2025, first_year: int = 2016) -> None:
        self.cast = cast
        self.seed = seed
        self.start = datetime(first_year, 1, 1, tzinfo=UTC)

    def articles(
        self, first: int, count: int, *, back_dated: bool = False
    ) -> Iterator[SyntheticArticle]:
        """Articles ``first`` .. ``first + count - 1``; a corpus of 10k starts with that of 1k."""
        for index in range(first, first + count):
            yield self.article(index, back_dated=back_dated)

    def article(self, index: int, *, back_dated: bool = False) -> SyntheticArticle:
        """Story ``index``, published about when its number says; ``back_dated``: on any day
        from the archive's first to then, as stories from an older archive are."""
        rng = random.Random(self.seed * 1_000_003 + index)
        lead, other, third = rng.choices(self.cast.people, cum_weights=self.cast.cum_weights, k=3)
        team = rng.choice(TEAMS)
        days = index / STORIES_PER_DAY + rng.uniform(0, PUBLISHED_JITTER_DAYS)
        if back_dated:
            days = rng.uniform(0, days)
        published = self.start + timedelta(seconds=round(days * 86_400))
        slots = self._slots(rng, lead, other, team)
        title = rng.choice(HEADLINES).format(**slots)
        target_words = rng.randint(400, 900)
        paragraphs: list[str] = []
        quotes: list[KnownQuote] = []
        # Offsets count in the text quotes are extracted from: headline, blank line, body.
        offset = len(title) + 2
        words = 0
        speakers = (lead, lead, other, third)
        while words < target_words:
            paragraph, said = self._paragraph(rng, speakers, slots, opening=not paragraphs)
            if said is not None:
                text, speaker = said
                at = paragraph.index(text)
                quotes.append(
                    KnownQuote(
                        text,
                        speaker.id,
                        len(paragraphs) + 1,
                        offset + at,
                        offset + at + len(text),
                    )
                )
            paragraphs.append(paragraph)
            offset += len(paragraph) + 2
            words += paragraph.count(" ") + 1
        source = rng.choice(SOURCES)
        slug = "-".join([*slots["surname"].lower().split(), slots["circuit"].lower()])
        site = source.lower().replace(" ", "")
        parsed = ParsedArticle(
            title=title,
            body="\n\n".join(paragraphs),
            author=f"{rng.choice(('Ben', 'Laura', 'Jon', 'Edd', 'Mark', 'Sam'))} Writer",
            tags=(lead.name, team),
            url=f"https://{site}.example/{published:%Y/%m}/{index}-{slug}",
            source=source,
            published_at=published.isoformat(),
        )
        return SyntheticArticle(parsed, tuple(quotes))

    def _slots(self, rng: random.Random, lead: Person, other: Person, team: str) -> dict[str, str]:
        return {
            "name": lead.name,
            "surname": lead.last_name,
            "other": other.last_name,
            "team": team,
            "circuit": rng.choice(CIRCUITS),
            "topic": rng.choice(TOPICS),
            "session": rng.choice(SESSIONS),
        }

    def _paragraph(
        self,
        rng: random.Random,
        speakers: Sequence[Person],
        slots: dict[str, str],
        *,
        opening: bool,
    ) -> tuple[str, tuple[str, Person] | None]:
        fill = {
            **slots,
            "circuit": rng.choice(CIRCUITS) if rng.random() < 0.3 else slots["circuit"],
            "topic": rng.choice(TOPICS),
            "session": rng.choice(SESSIONS),
            "place": rng.choice(PLACES),
            "gap": f"{rng.uniform(0.05, 1.8):.3f}",
            "temp": str(rng.randint(18, 55)),
            "ordinal": rng.choice(ORDINALS),
            "points": str(rng.randint(2, 120)),
            "races": str(rng.randint(2, 20)),
        }
        sentences = [rng.choice(FRAME).format_map(fill) for _ in range(rng.randint(2, 4))]
        if not opening and rng.random() >= 0.55:
            return " ".join(sentences), None
        speaker = rng.choice(speakers)
        said = rng.choice(QUOTES).format_map(fill)
        # The extractor keeps the comma or full stop inside the marks as part of the quote.
        if rng.random() < 0.6:
            said += ","
            sentences.append(f"“{said}” {speaker.last_name} {rng.choice(VERBS_AFTER)}.")
        else:
            said += "."
            sentences.insert(1, f"{speaker.name} {rng.choice(VERBS_BEFORE)}: “{said}”")
        return " ".join(sentences), (said, speaker)


_worker_writer: CorpusWriter | None = None


def _start_worker(writer: CorpusWriter) -> None:
    global _worker_writer
    _worker_writer = writer


def _write_batch(first: int, count: int) -> list[SyntheticArticle]:
    assert _worker_writer is not None
    return list(_worker_writer.articles(first, count))


def batches(
    writer: CorpusWriter, start: int, stop: int, size: int
) -> Iterator[list[SyntheticArticle]]:
    """Stories ``start`` .. ``stop - 1`` in batches, written in another process one batch
    ahead, so that writing the next batch overlaps with importing this one."""
    firsts = list(range(start, stop, size))
    if not firsts:
        return
    with ProcessPoolExecutor(1, initializer=_start_worker, initargs=(writer,)) as pool:
        ahead = pool.submit(_write_batch, firsts[0], min(size, stop - firsts[0]))
        for following in [*firsts[1:], None]:
            current = ahead.result()
            if following is not None:
                ahead = pool.submit(_write_batch, following, min(size, stop - following))
            yield current
