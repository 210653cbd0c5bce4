"""What ``paddock import`` spent, as ``bench.import_side_by_side`` measures it in any build.

The side-by-side script runs this file's source before the command, in the process of the
build being measured, so it uses nothing of Paddock's own (only aiosqlite, which every
build has). As the command exits it prints one line on stderr, ``MARK`` and a JSON object:
the CPU seconds of the importing process (every thread, the database's included) and of
the worker processes it joined, and, with ``STATEMENTS`` set in the environment, for each
statement the database thread ran: how often and its CPU seconds on that thread.
"""

from __future__ import annotations

import atexit
import json
import os
import resource
import sys
import time
from collections.abc import Callable
from typing import Any

import aiosqlite.core

MARK = "import-probe"
STATEMENTS = "PADDOCK_PROBE_STATEMENTS"
_statements: dict[str, list[float]] = {}


def _cpu(who: int) -> float:
    used = resource.getrusage(who)
    return used.ru_utime + used.ru_stime


def _report() -> None:
    spent = {
        "own": _cpu(resource.RUSAGE_SELF),
        "workers": _cpu(resource.RUSAGE_CHILDREN),
        "statements": _statements,
    }
    print(MARK, json.dumps(spent), file=sys.stderr)


def _time_statements() -> None:
    """Every call aiosqlite hands its thread is timed on that thread, by its SQL (a
    ``commit`` or a cursor's ``fetchall`` by name)."""
    handed: Callable[..., Any] = aiosqlite.core.Connection._execute

    async def timed(self: Any, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        first = args[0] if args and isinstance(args[0], str) else getattr(fn, "__name__", "?")
        key = " ".join(first.split())[:90]

        def run() -> Any:
            began = time.thread_time()
            try:
                return fn(*args, **kwargs)
            finally:
                entry = _statements.setdefault(key, [0, 0.0])
                entry[0] += 1
                entry[1] += time.thread_time() - began

        return await handed(self, run)

    aiosqlite.core.Connection._execute = timed  # type: ignore[method-assign]


# Only when run as the measured command's prelude, never when imported for its names.
# Worker processes leave by os._exit, so only the importing process reports.
if __name__ == "__main__":
    atexit.register(_report)
    if os.environ.get(STATEMENTS):
        _time_statements()
