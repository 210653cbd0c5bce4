"""What the emulator remembers about each request, for tests to assert on."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class UploadedFile:
    field_name: str
    filename: str
    content_type: str | None
    data: bytes


@dataclass
class RecordedRequest:
    """One HTTP request as received, in arrival order.

    ``route`` is the matched template such as ``POST /channels/{channel_id}/messages`` (the
    spec's parameter names), or the concrete path when no route matched (``unhandled``).
    ``body`` is the JSON body, or the ``payload_json`` part of a multipart body.
    """

    method: str
    path: str
    template: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any = None
    files: list[UploadedFile] = field(default_factory=list)
    unhandled: bool = False
    status: int | None = None
    fault: str | None = None
    at: float = 0.0

    @property
    def route(self) -> str:
        return f"{self.method} {self.template}"

    def __str__(self) -> str:
        return f"{self.method} {self.path} -> {self.status}"


@dataclass(frozen=True)
class Violation:
    """A request body that Discord's OpenAPI description rejects."""

    request: RecordedRequest
    message: str

    def __str__(self) -> str:
        return f"{self.request.route}: {self.message}"


RequestMatcher = str | Callable[[RecordedRequest], bool]


def request_matches(matcher: RequestMatcher, request: RecordedRequest) -> bool:
    """``"METHOD /template"``, ``"METHOD /concrete/path"`` or a predicate."""
    if callable(matcher):
        return matcher(request)
    method, _, path = matcher.partition(" ")
    return method.upper() == request.method and path in (request.template, request.path)
