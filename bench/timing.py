"""Percentiles and a sampling loop shared by the scale benchmarks."""

from __future__ import annotations

import math
import os
import statistics
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Latency:
    """Milliseconds: median and 99th percentile over ``samples`` calls."""

    p50: float
    p99: float
    samples: int

    def as_dict(self) -> dict[str, float | int]:
        return {"p50_ms": round(self.p50, 3), "p99_ms": round(self.p99, 3), "samples": self.samples}


def latency(samples_ms: Sequence[float]) -> Latency:
    ordered = sorted(samples_ms)
    # Nearest-rank p99: with 200 samples it is the second slowest, not an interpolation.
    rank = max(1, math.ceil(0.99 * len(ordered)))
    return Latency(statistics.median(ordered), ordered[rank - 1], len(ordered))


async def sample_async(
    call: Callable[[str | None], Awaitable[object]],
    inputs: Sequence[str | None],
    *,
    samples: int,
    budget_seconds: float,
) -> Latency:
    """Time ``call`` over ``inputs`` round-robin until ``samples`` calls or the time budget.

    The budget keeps a slow baseline (a LIKE scan of 100k stories takes seconds) from eating
    the whole run; the sample count is reported with the percentiles.
    """
    timings: list[float] = []
    deadline = time.perf_counter() + budget_seconds
    while len(timings) < samples and (not timings or time.perf_counter() < deadline):
        text = inputs[len(timings) % len(inputs)]
        start = time.perf_counter()
        await call(text)
        timings.append((time.perf_counter() - start) * 1000)
    return latency(timings)


def rss_mb(pid: int | None = None) -> float:
    """Resident memory of a process (this one by default), from /proc, in MiB."""
    with open(f"/proc/{pid or os.getpid()}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS line in /proc/<pid>/status")
