import ipaddress
import socket

import pytest
from aiohttp.abc import AbstractResolver, ResolveResult

from bot.feeds.safe_fetch import (
    AddressPolicy,
    FetchError,
    PublicAddressResolver,
    ResponseTooLargeError,
    SafeFetcher,
    UnsafeAddressError,
    check_url,
    parse_retry_after,
)
from tests.bot.feeds.conftest import LOCAL, FeedServer, Item, rss

PUBLIC = AddressPolicy()


class FixedResolver(AbstractResolver):
    """Answers every name with fixed addresses and records the questions; no traffic."""

    def __init__(self, *addresses: str) -> None:
        self.addresses = addresses
        self.asked: list[str] = []

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        self.asked.append(host)
        return [
            ResolveResult(
                hostname=host,
                host=address,
                port=port,
                family=socket.AF_INET6 if ":" in address else socket.AF_INET,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
            for address in self.addresses
        ]

    async def close(self) -> None:
        return None


@pytest.mark.parametrize(
    ("address", "words"),
    [
        ("127.0.0.1", "machine Paddock runs on"),
        ("::1", "machine Paddock runs on"),
        ("10.1.2.3", "inside a private network"),
        ("192.168.0.10", "inside a private network"),
        ("172.16.5.4", "inside a private network"),
        ("fd00::1", "inside a private network"),
        ("::ffff:10.0.0.1", "inside a private network"),
        ("100.64.0.1", "inside a private network"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("224.0.0.1", "multicast"),
        ("0.0.0.0", "reserved"),
        ("240.0.0.1", "reserved"),
    ],
)
def test_public_policy_refuses_non_public_addresses(address: str, words: str) -> None:
    problem = PUBLIC.problem(ipaddress.ip_address(address))
    assert problem is not None
    assert words in problem
    assert problem.endswith("Paddock only reads public feeds.")


def test_public_policy_allows_public_addresses() -> None:
    assert PUBLIC.problem(ipaddress.ip_address("151.101.1.1")) is None
    assert PUBLIC.problem(ipaddress.ip_address("2a04:4e42::1")) is None


def test_private_feeds_setting_allows_loopback_and_private_but_never_metadata() -> None:
    policy = AddressPolicy.from_settings(True)
    assert policy.problem(ipaddress.ip_address("127.0.0.1")) is None
    assert policy.problem(ipaddress.ip_address("10.0.0.1")) is None
    assert policy.problem(ipaddress.ip_address("169.254.169.254")) is not None
    assert AddressPolicy.from_settings(False) == PUBLIC


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("ftp://example.com/feed", "http:// or https://"),
        ("file:///etc/passwd", "http:// or https://"),
        ("https://user:secret@example.com/feed", "user name or password"),
        ("http://127.0.0.1/feed", "machine Paddock runs on"),
        ("http://[::1]/feed", "machine Paddock runs on"),
        ("http://10.0.0.8:8080/feed", "private network"),
        ("https:///feed", "no host name"),
    ],
)
def test_check_url_refuses_bad_addresses(url: str, words: str) -> None:
    with pytest.raises(UnsafeAddressError, match=words):
        check_url(url, PUBLIC)


async def test_loopback_feed_is_refused_without_a_request(feed_server: FeedServer) -> None:
    url = feed_server.serve("/feeds/main.xml", rss([]))
    async with SafeFetcher(PUBLIC) as fetcher:
        with pytest.raises(UnsafeAddressError, match="machine Paddock runs on"):
            await fetcher.fetch(url)
    assert feed_server.hits["/feeds/main.xml"] == 0


async def test_a_name_for_loopback_is_refused_after_resolution(feed_server: FeedServer) -> None:
    port = feed_server.url("").rsplit(":", 1)[1]
    resolver = FixedResolver("127.0.0.1")
    async with SafeFetcher(PUBLIC, resolver=resolver) as fetcher:
        with pytest.raises(UnsafeAddressError, match="machine Paddock runs on"):
            await fetcher.fetch(f"http://feeds.example:{port}/feeds/main.xml")
    assert resolver.asked == ["feeds.example"]
    assert sum(feed_server.hits.values()) == 0


async def test_a_public_name_resolving_to_a_private_address_is_refused() -> None:
    resolver = FixedResolver("10.9.8.7")
    async with SafeFetcher(PUBLIC, resolver=resolver) as fetcher:
        with pytest.raises(UnsafeAddressError, match="inside a private network"):
            await fetcher.fetch("https://news.example/feed.xml")
    assert resolver.asked == ["news.example"]


async def test_only_the_public_addresses_of_a_mixed_answer_are_used() -> None:
    resolver = PublicAddressResolver(PUBLIC, FixedResolver("10.0.0.1", "151.101.1.1"))
    answer = await resolver.resolve("mixed.example", 443)
    assert [entry["host"] for entry in answer] == ["151.101.1.1"]


async def test_valid_feed_is_fetched(feed_server: FeedServer, fetcher: SafeFetcher) -> None:
    body = rss([Item("One", "https://example.org/1")])
    url = feed_server.serve("/feeds/main.xml", body)
    result = await fetcher.fetch(url)
    assert result.status == 200
    assert result.body == body
    assert result.etag


async def test_etag_gives_not_modified(feed_server: FeedServer, fetcher: SafeFetcher) -> None:
    url = feed_server.serve("/feeds/main.xml", rss([Item("One", "https://example.org/1")]))
    first = await fetcher.fetch(url)
    second = await fetcher.fetch(url, etag=first.etag)
    assert second.not_modified
    assert second.body == b""


async def test_gzip_is_decompressed(feed_server: FeedServer, fetcher: SafeFetcher) -> None:
    body = rss([Item("Zipped", "https://example.org/z")])
    feed_server.serve("/gzip-source", body)
    result = await fetcher.fetch(feed_server.url("/gzip"))
    assert result.body == body


async def test_server_error_is_reported(feed_server: FeedServer, fetcher: SafeFetcher) -> None:
    with pytest.raises(FetchError, match="answered 500") as caught:
        await fetcher.fetch(feed_server.url("/status/500"))
    assert caught.value.status == 500


async def test_retry_after_is_read(feed_server: FeedServer, fetcher: SafeFetcher) -> None:
    with pytest.raises(FetchError) as caught:
        await fetcher.fetch(feed_server.url("/status/429"))
    assert caught.value.retry_after == 120


def test_retry_after_as_a_date() -> None:
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert parse_retry_after("soon") is None


async def test_redirects_are_followed(feed_server: FeedServer, fetcher: SafeFetcher) -> None:
    feed_server.serve("/feeds/main.xml", rss([]))
    result = await fetcher.fetch(feed_server.url("/redirect/ok"))
    assert result.url == feed_server.url("/feeds/main.xml")


async def test_redirect_loop_stops(feed_server: FeedServer, fetcher: SafeFetcher) -> None:
    with pytest.raises(FetchError, match="more than 5 times"):
        await fetcher.fetch(feed_server.url("/redirect/loop"))
    assert feed_server.hits["/redirect/loop"] == 6


async def test_redirect_to_a_private_address_is_refused(feed_server: FeedServer) -> None:
    # Loopback is allowed so the test server can answer; the private target is not.
    policy = AddressPolicy(allow_loopback=True, allow_private=False)
    async with SafeFetcher(policy) as fetcher:
        with pytest.raises(UnsafeAddressError, match="inside a private network"):
            await fetcher.fetch(feed_server.url("/redirect/private"))


async def test_redirect_to_metadata_is_refused_even_for_local_feeds(
    feed_server: FeedServer, fetcher: SafeFetcher
) -> None:
    with pytest.raises(UnsafeAddressError, match="link-local"):
        await fetcher.fetch(feed_server.url("/redirect/metadata"))


async def test_huge_streamed_response_is_abandoned(feed_server: FeedServer) -> None:
    async with SafeFetcher(LOCAL, max_bytes=256 * 1024) as fetcher:
        with pytest.raises(ResponseTooLargeError, match=r"larger than 0\.25 MB"):
            await fetcher.fetch(feed_server.url("/huge"))


async def test_declared_huge_response_is_refused(
    feed_server: FeedServer, fetcher: SafeFetcher
) -> None:
    with pytest.raises(ResponseTooLargeError):
        await fetcher.fetch(feed_server.url("/huge-declared"))


async def test_slow_server_times_out(feed_server: FeedServer) -> None:
    async with SafeFetcher(LOCAL, total_timeout=0.5) as fetcher:
        with pytest.raises(FetchError, match=r"longer than 0\.5 seconds"):
            await fetcher.fetch(feed_server.url("/slow"))


async def test_missing_server_is_reported(fetcher: SafeFetcher) -> None:
    with pytest.raises(FetchError, match="Could not connect"):
        await fetcher.fetch("http://127.0.0.1:9/feed.xml")
