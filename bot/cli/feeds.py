"""``paddock feeds list|add|remove|poll``: the global feed list and one polling round."""

from __future__ import annotations

import argparse
from typing import Any

from bot.cli.output import fail, print_json, print_listing, short_date
from bot.feeds.poller import FeedReport, open_poller
from bot.feeds.reading import FeedError, add_feed
from bot.feeds.safe_fetch import AddressPolicy, SafeFetcher
from bot.news.urls import canonical_url
from bot.settings import Settings
from storage.database import connect
from storage.feeds import Feed, active_feeds, remove_global_feed, seed_global_feeds


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    feeds = subparsers.add_parser("feeds", help="list, add, remove and poll news feeds")
    actions = feeds.add_subparsers(dest="feeds_command", metavar="ACTION", required=True)

    listing = actions.add_parser("list", help="the feeds Paddock reads, with their health")
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    listing.set_defaults(handler=run_list)

    add = actions.add_parser("add", help="read a feed for every server (checked first)")
    add.add_argument("url", help="RSS or Atom feed address (http or https)")
    add.set_defaults(handler=run_add)

    remove = actions.add_parser("remove", help="stop reading a feed for every server")
    remove.add_argument("url", help="the feed address as listed")
    remove.set_defaults(handler=run_remove)

    poll = actions.add_parser("poll", help="poll every feed once and print what was stored")
    poll.add_argument("--json", action="store_true", help="one JSON object per feed")
    poll.set_defaults(handler=run_poll)


def _feed_json(feed: Feed) -> dict[str, Any]:
    return {
        "id": feed.id,
        "url": feed.url,
        "title": feed.title,
        "global": feed.is_global,
        "guild_id": feed.guild_id,
        "last_success_at": feed.last_success_at,
        "last_error": feed.last_error,
        "last_error_at": feed.last_error_at,
        "failures": feed.failures,
        "next_poll_at": feed.next_poll_at,
    }


def _health(feed: Feed) -> str:
    if feed.failures:
        return f"failing ×{feed.failures}: {feed.last_error}"
    if feed.last_success_at:
        return f"ok {short_date(feed.last_success_at)} {feed.last_success_at[11:16]}"
    return "not polled yet"


async def run_list(args: argparse.Namespace, settings: Settings) -> int:
    async with connect(settings.database) as db:
        await seed_global_feeds(db, settings.feeds)
        feeds = await active_feeds(db.reader)
    print_listing(
        feeds,
        as_json=args.json,
        to_json=_feed_json,
        to_text=_feed_text,
        empty="No feeds. Add one with: paddock feeds add URL",
    )
    return 0


def _feed_text(feed: Feed) -> str:
    scope = "all servers" if feed.is_global else f"server {feed.guild_id} only"
    return f"{feed.url}\n    {feed.name} · {scope} · {_health(feed)}"


async def run_add(args: argparse.Namespace, settings: Settings) -> int:
    policy = AddressPolicy.from_settings(settings.allow_private_feeds)
    try:
        async with connect(settings.database) as db, SafeFetcher(policy) as fetcher:
            await seed_global_feeds(db, settings.feeds)
            added = await add_feed(db, fetcher, args.url)
    except FeedError as exc:
        return fail(f"cannot add {args.url}: {exc}")
    if added.added:
        print(f"Added {added.feed.name} ({added.entries} entries): {added.feed.url}")
    else:
        print(f"Already reading {added.feed.name}: {added.feed.url}")
    return 0


async def run_remove(args: argparse.Namespace, settings: Settings) -> int:
    url = canonical_url(args.url)
    async with connect(settings.database) as db:
        await seed_global_feeds(db, settings.feeds)
        removed = await remove_global_feed(db, url)
    if not removed:
        print(f"Paddock does not read {url} for every server; see: paddock feeds list")
        return 1
    print(f"Removed {url}")
    return 0


def _report_json(report: FeedReport) -> dict[str, Any]:
    return {
        "feed": report.feed.url,
        "status": report.status,
        "created": [a.id for a in report.created],
        "updated": [a.id for a in report.updated],
        "duplicates": report.duplicates,
        "unchanged": report.unchanged,
        "backlog": report.backlog,
        "error": report.error,
        "next_poll_at": report.next_poll_at,
    }


async def run_poll(args: argparse.Namespace, settings: Settings) -> int:
    async with connect(settings.database) as db, open_poller(db, settings) as poller:
        result = await poller.poll_all()
    for report in result.reports:
        if args.json:
            print_json(_report_json(report))
            continue
        name = report.feed.name
        if report.status == "failed":
            print(f"! {name}: {report.error}")
            continue
        for article in report.created:
            print(f"+ {article.title} ({name})")
        for article in report.updated:
            print(f"~ {article.title} ({name}, updated)")
    if not args.json:
        print(
            f"{len(result.reports)} feeds: {len(result.created)} new, "
            f"{len(result.updated)} updated, {len(result.failed)} failed"
        )
    return 1 if result.failed and len(result.failed) == len(result.reports) else 0
