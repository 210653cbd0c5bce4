"""Serve a folder on 127.0.0.1 in a process of its own, so serving costs the benchmark's
process no CPU: ``python -m bench.static_server DIR PORT [--no-validators]``.

With ``--no-validators`` it sends neither ETag nor Last-Modified and ignores conditional
requests, as many feeds do: every poll gets the whole body.
"""

from __future__ import annotations

import argparse
import functools
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class _NoValidators(SimpleHTTPRequestHandler):
    def send_header(self, keyword: str, value: str) -> None:
        if keyword.lower() not in ("last-modified", "etag"):
            super().send_header(keyword, value)

    def send_head(self) -> Any:
        for name in ("If-Modified-Since", "If-None-Match"):
            del self.headers[name]
        return super().send_head()


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class _QuietNoValidators(_NoValidators, _Quiet):
    pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder")
    parser.add_argument("port", type=int)
    parser.add_argument("--no-validators", action="store_true")
    args = parser.parse_args()
    handler = _QuietNoValidators if args.no_validators else _Quiet
    server = ThreadingHTTPServer(
        ("127.0.0.1", args.port), functools.partial(handler, directory=args.folder)
    )
    server.serve_forever()


if __name__ == "__main__":
    main()
