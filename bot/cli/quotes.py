"""``paddock quotes`` (extract from files, or re-extract stored stories) and ``paddock quote``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bot.cli.output import count_argument, fail, print_json, print_listing, short_date, wrap
from bot.ingest.files import ImportFailure, read_article_file
from bot.people.directory import Person
from bot.people.service import people_service
from bot.quotes import Quote, SpeakerIndex, article_year, extract_quotes
from bot.quotes.stored import load_speaker_index, reindex_quotes
from bot.settings import Settings
from storage.database import connect
from storage.quotes import StoredQuote, quotes_by_person


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    quotes = subparsers.add_parser(
        "quotes", help="show the quotes in article files, or re-extract stored stories"
    )
    quotes.add_argument(
        "files",
        nargs="*",
        type=Path,
        metavar="FILE",
        help="article files in any format `paddock import` reads",
    )
    quotes.add_argument(
        "--json", action="store_true", help="one JSON object per file; nothing is stored"
    )
    quotes.add_argument(
        "--reindex", action="store_true", help="extract the quotes of every stored story again"
    )
    quotes.set_defaults(handler=run_quotes)

    quote = subparsers.add_parser("quote", help="what a person said, newest first")
    quote.add_argument("person", nargs="+", help="a name, nickname, code or number")
    quote.add_argument("--about", nargs="+", metavar="WORD", help="only quotes with these words")
    quote.add_argument("-n", "--count", type=count_argument, default=5, help="how many (default 5)")
    quote.add_argument("--json", action="store_true", help="one JSON object per quote")
    quote.set_defaults(handler=run_quote)


def _speaker(quote: Quote, index: SpeakerIndex) -> dict[str, str] | None:
    """Who said it: a known person, or one the news named ("news:<name>"), which is the id
    the person learned from the story has once it is stored."""
    if quote.speaker_id is None:
        return None
    return {"id": quote.speaker_id, "name": index.name(quote.speaker_id)}


def quotes_in_file(path: Path, index: SpeakerIndex) -> list[Quote]:
    """Quotes of every article in one file; raises ImportFailure for an unusable file."""
    found: list[Quote] = []
    for article in read_article_file(path):
        text = article.full_text
        found.extend(extract_quotes(text, index, year=article_year(text, article.published_at)))
    return found


async def run_quotes(args: argparse.Namespace, settings: Settings) -> int:
    if args.reindex and args.files:
        return fail("give files or --reindex, not both")
    if not args.reindex and not args.files:
        return fail("give article files to read, or --reindex to re-extract stored stories")
    async with connect(settings.database) as db:
        if args.reindex:
            report = await reindex_quotes(db)
        else:
            index = await load_speaker_index(db)
    if args.reindex:
        if args.json:
            print_json({"articles": report.articles, "quotes": report.quotes})
        else:
            print(f"{report.quotes} quotes from {report.articles} stories")
        return 0
    failed = 0
    for path in args.files:
        try:
            quotes = quotes_in_file(path, index)
        except ImportFailure as exc:
            failed += 1
            print(f"paddock: skipped {path}: {exc}", file=sys.stderr)
            if args.json:
                print_json({"file": str(path), "error": str(exc), "quotes": []})
            continue
        if args.json:
            print_json({"file": str(path), "quotes": [_quote_json(q, index) for q in quotes]})
        else:
            _print_file(path, quotes, index)
    return 1 if failed else 0


def _quote_json(quote: Quote, index: SpeakerIndex) -> dict[str, Any]:
    return {
        "text": quote.text,
        "speaker": _speaker(quote, index),
        "paragraph": quote.paragraph,
        "start": quote.start,
        "end": quote.end,
        "cue": quote.cue,
    }


def _print_file(path: Path, quotes: list[Quote], index: SpeakerIndex) -> None:
    print(f"{path}: {len(quotes)} quote{'s' if len(quotes) != 1 else ''}")
    for quote in quotes:
        who = index.name(quote.speaker_id) if quote.speaker_id else "(not a named person)"
        print(wrap(f"“{quote.text}”", indent="    "))
        print(f"      — {who}, paragraph {quote.paragraph + 1}")


async def run_quote(args: argparse.Namespace, settings: Settings) -> int:
    name = " ".join(args.person)
    about = " ".join(args.about) if args.about else None
    async with connect(settings.database) as db:
        people = await people_service(db)
        # A person learned from the news only when no known person matches as well.
        person = people.find(name, viewer=None) or people.directory.resolve(name, limit=1).best
        if person is None:
            return fail(f"nobody in the directory matches {name!r}")
        quotes = await quotes_by_person(db.reader, person.id, about=about, limit=args.count)
    topic = f" about '{about}'" if about else ""
    found = print_listing(
        quotes,
        as_json=args.json,
        to_json=lambda quote: _stored_quote_json(person, quote),
        to_text=lambda quote: (
            f"{wrap(f'“{quote.text}”')}\n"
            f"    — {person.name}, {quote.article_title} ({short_date(quote.said_at)})"
        ),
        empty=f"No stored quotes by {person.name}{topic}.",
    )
    return 0 if found else 1


def _stored_quote_json(person: Person, quote: StoredQuote) -> dict[str, Any]:
    return {
        "text": quote.text,
        "speaker": {"id": person.id, "name": person.name},
        "article": {
            "id": quote.article_id,
            "title": quote.article_title,
            "url": quote.article_url,
        },
        "date": quote.said_at,
        "paragraph": quote.paragraph,
        "cue": quote.cue,
    }
