"""Fetching feeds and article pages from the public web, and nowhere else.

Anyone who can add a feed chooses an address Paddock will request, so every request is
checked: http(s) only, and never an address inside a private network or on this machine
(which would let a feed URL probe internal services). The check runs on the resolved
addresses the connection actually uses, and again on every redirect, so neither a DNS name
pointing at 10.0.0.1 nor a public page redirecting to one gets through.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Self

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from yarl import URL

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 5
MAX_URL_LENGTH = 2048
USER_AGENT = "Paddock/0.1 (Formula 1 news for Discord)"
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_PUBLIC_ONLY = "Paddock only reads public feeds."
_MAX_RETRY_AFTER = 24 * 3600.0

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class FetchError(Exception):
    """A fetch failed; the message is written for the person who added the feed."""

    def __init__(
        self, message: str, *, status: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class UnsafeAddressError(FetchError):
    """The URL or an address it resolves to is not on the public internet."""


class ResponseTooLargeError(FetchError):
    """The response went past the size cap and was abandoned."""


@dataclass(frozen=True, slots=True)
class AddressPolicy:
    """Which non-public targets a fetch may reach.

    Production refuses both; ``PADDOCK_ALLOW_PRIVATE_FEEDS=1`` allows both for local feeds.
    Link-local (cloud metadata services), multicast and reserved ranges are never allowed.
    """

    allow_loopback: bool = False
    allow_private: bool = False

    @classmethod
    def from_settings(cls, allow_private_feeds: bool) -> AddressPolicy:
        return cls(allow_loopback=allow_private_feeds, allow_private=allow_private_feeds)

    def problem(self, address: Address) -> str | None:
        """Why ``address`` may not be fetched, or None when it may."""
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        if address.is_loopback:
            if self.allow_loopback:
                return None
            return f"That address points at the machine Paddock runs on; {_PUBLIC_ONLY}"
        if address.is_link_local:
            return (
                "That address is a link-local address, such as a cloud metadata service; "
                f"{_PUBLIC_ONLY}"
            )
        if address.is_multicast:
            return f"That address is a multicast address, not a web server; {_PUBLIC_ONLY}"
        if address.is_unspecified or address.is_reserved:
            return f"That address is reserved, not a public web server; {_PUBLIC_ONLY}"
        if address.is_private or not address.is_global:
            if self.allow_private:
                return None
            return f"That address points inside a private network; {_PUBLIC_ONLY}"
        return None


def check_url(url: str | URL, policy: AddressPolicy) -> URL:
    """The URL parsed, or UnsafeAddressError for anything but a plain public http(s) URL.

    Names are checked later, on the addresses they resolve to; literal IP addresses are
    checked here because the connection never resolves them.
    """
    text = str(url).strip()
    if len(text) > MAX_URL_LENGTH:
        raise UnsafeAddressError("That address is too long to be a feed URL.")
    try:
        parsed = URL(text)
    except ValueError:
        raise UnsafeAddressError("That is not a valid web address.") from None
    if parsed.scheme not in ("http", "https"):
        raise UnsafeAddressError("Feed addresses must start with http:// or https://.")
    if not parsed.host:
        raise UnsafeAddressError("That web address has no host name.")
    if parsed.user or parsed.password:
        raise UnsafeAddressError("Feed addresses with a user name or password are not supported.")
    host = parsed.host.strip("[]")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return parsed
    problem = policy.problem(address)
    if problem:
        raise UnsafeAddressError(problem)
    return parsed


class PublicAddressResolver(AbstractResolver):
    """Resolves names, then keeps only the addresses the policy allows.

    aiohttp connects to exactly the addresses returned here, so there is no window between
    the check and the connection for a DNS answer to change.
    """

    def __init__(self, policy: AddressPolicy, inner: AbstractResolver | None = None) -> None:
        self._policy = policy
        self._inner = inner if inner is not None else aiohttp.ThreadedResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        allowed: list[ResolveResult] = []
        first_problem: str | None = None
        for result in results:
            problem = self._policy.problem(ipaddress.ip_address(result["host"].split("%")[0]))
            if problem is None:
                allowed.append(result)
            elif first_problem is None:
                first_problem = problem
        if not allowed:
            raise UnsafeAddressError(first_problem or f"No address was found for {host}.")
        return allowed

    async def close(self) -> None:
        await self._inner.close()


@dataclass(frozen=True, slots=True)
class FetchResult:
    url: str  # after redirects
    status: int  # 200-range, or 304 when the copy we hold is current
    body: bytes
    content_type: str
    etag: str | None
    last_modified: str | None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date)."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return min(float(text), _MAX_RETRY_AFTER)
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    delay = (moment - datetime.now(UTC)).total_seconds()
    return max(0.0, min(delay, _MAX_RETRY_AFTER))


class SafeFetcher:
    """One HTTP session for a polling round; use as ``async with SafeFetcher(...) as f``."""

    def __init__(
        self,
        policy: AddressPolicy,
        *,
        resolver: AbstractResolver | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_redirects: int = MAX_REDIRECTS,
        connect_timeout: float = 10.0,
        read_timeout: float = 20.0,
        total_timeout: float = 45.0,
        user_agent: str = USER_AGENT,
    ) -> None:
        self.policy = policy
        self._resolver = PublicAddressResolver(policy, resolver)
        self._max_bytes = max_bytes
        self._max_redirects = max_redirects
        self._timeout = aiohttp.ClientTimeout(
            total=None, connect=connect_timeout, sock_read=read_timeout
        )
        self._total_timeout = total_timeout
        self._user_agent = user_agent
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Self:
        connector = aiohttp.TCPConnector(resolver=self._resolver, limit=20, limit_per_host=4)
        self._session = aiohttp.ClientSession(
            connector=connector,
            timeout=self._timeout,
            # Proxies from the environment would resolve names themselves, out of our sight.
            trust_env=False,
            cookie_jar=aiohttp.DummyCookieJar(),
            headers={"User-Agent": self._user_agent},
        )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = FEED_ACCEPT,
    ) -> FetchResult:
        """GET ``url`` following at most ``max_redirects`` redirects, each one checked."""
        if self._session is None:
            raise RuntimeError("SafeFetcher must be used inside 'async with'")
        headers = {"Accept": accept, "Accept-Encoding": "gzip, deflate"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        target = check_url(url, self.policy)
        try:
            async with asyncio.timeout(self._total_timeout):
                for _ in range(self._max_redirects + 1):
                    result = await self._request(target, headers)
                    if isinstance(result, FetchResult):
                        return result
                    target = result
        except TimeoutError:
            raise FetchError(
                f"The server took longer than {self._total_timeout:g} seconds to answer."
            ) from None
        raise FetchError(f"The address redirects more than {self._max_redirects} times.")

    async def _request(self, target: URL, headers: dict[str, str]) -> FetchResult | URL:
        """One hop: the response, or the checked URL it redirects to."""
        assert self._session is not None
        try:
            async with self._session.get(target, headers=headers, allow_redirects=False) as resp:
                if resp.status in _REDIRECTS:
                    location = resp.headers.get("Location")
                    if not location:
                        raise FetchError(
                            f"The server redirected without saying where ({resp.status})."
                        )
                    return check_url(target.join(URL(location)), self.policy)
                if resp.status == 304:
                    return self._result(target, resp, b"")
                if resp.status >= 400 or resp.status < 200:
                    raise FetchError(
                        f"The server answered {resp.status} {resp.reason or ''}".rstrip() + ".",
                        status=resp.status,
                        retry_after=parse_retry_after(resp.headers.get("Retry-After")),
                    )
                return self._result(target, resp, await self._read_capped(resp))
        except FetchError:
            raise
        except aiohttp.ClientConnectorDNSError:
            raise FetchError(f"No server called {target.host} could be found.") from None
        except aiohttp.ClientConnectorError as exc:
            raise FetchError(f"Could not connect to {target.host}: {exc.os_error}.") from None
        except aiohttp.ClientPayloadError:
            raise FetchError("The server sent a damaged or incomplete response.") from None
        except aiohttp.ServerTimeoutError:
            raise FetchError(
                "The server stopped sending before the response was complete."
            ) from None
        except aiohttp.ClientError as exc:
            raise FetchError(f"The request failed: {exc}.") from None

    async def _read_capped(self, resp: aiohttp.ClientResponse) -> bytes:
        limit_text = f"{self._max_bytes / 1_048_576:g} MB"
        if resp.content_length is not None and resp.content_length > self._max_bytes:
            raise ResponseTooLargeError(f"The response is larger than {limit_text}.")
        chunks: list[bytes] = []
        size = 0
        # Counted after decompression, so a small gzip bomb is caught as well.
        async for chunk in resp.content.iter_chunked(65_536):
            size += len(chunk)
            if size > self._max_bytes:
                raise ResponseTooLargeError(f"The response is larger than {limit_text}.")
            chunks.append(chunk)
        return b"".join(chunks)

    @staticmethod
    def _result(target: URL, resp: aiohttp.ClientResponse, body: bytes) -> FetchResult:
        return FetchResult(
            url=str(target),
            status=resp.status,
            body=body,
            content_type=resp.headers.get("Content-Type", ""),
            etag=resp.headers.get("ETag"),
            last_modified=resp.headers.get("Last-Modified"),
        )
