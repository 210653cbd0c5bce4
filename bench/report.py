"""The scale benchmark's results as a Markdown table and as JSON."""

from __future__ import annotations

import os
import platform
import sqlite3
import sys
from collections.abc import Callable, Sequence
from importlib.metadata import version
from typing import Any

from bench.scale import COMMANDS, Tier
from bench.timing import Latency

TARGETS = {
    "import": "≥ 800/s",
    "service": "p99 < 10 ms",
    "autocomplete": "p99 < 2 ms",
    "e2e": "p99 < 50 ms",
    "rss": "< 250 MB",
}


def machine() -> dict[str, Any]:
    model = "unknown"
    memory_kb = 0
    with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo", encoding="ascii") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal:"):
                memory_kb = int(line.split()[1])
                break
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "memory_gb": round(memory_kb / 2**20, 1),
        "python": platform.python_version(),
        # The interpreter matters as much as the machine: a distribution build runs the
        # extractor about a fifth faster than a pyenv build of the same version.
        "python_executable": os.path.realpath(sys.executable),
        "sqlite": sqlite3.sqlite_version,
        "discord.py": version("discord.py"),
        "os": platform.platform(),
    }


def _pair(lat: Latency | None) -> str:
    return "–" if lat is None else f"{lat.p50:.2f} / {lat.p99:.2f}"


def _ratio(first: float, last: float) -> str:
    return "–" if not first else f"×{last / first:.1f}"


def _service_latency(command: str) -> Callable[[Tier], Latency | None]:
    return lambda tier: tier.service.get(command)


def _end_to_end_latency(command: str) -> Callable[[Tier], Latency | None]:
    return lambda tier: tier.e2e.get(command)


def scale_table(tiers: Sequence[Tier]) -> str:
    """One row per figure, one column per archive size, the growth first → last, the target."""
    sizes = [f"{t.size // 1000}k" for t in tiers]
    head = f"| Figure | {' | '.join(sizes)} | {sizes[-1]}/{sizes[0]} | Target |"
    rows = [head, "|" + "---|" * (len(tiers) + 3)]

    def number(
        label: str, value: Callable[[Tier], float], fmt: str = "{:.0f}", target: str = ""
    ) -> None:
        cells = [fmt.format(value(t)) if value(t) else "–" for t in tiers]
        ratio = _ratio(value(tiers[0]), value(tiers[-1]))
        rows.append(f"| {label} | {' | '.join(cells)} | {ratio} | {target} |")

    def latencies(label: str, pick: Callable[[Tier], Latency | None], target: str) -> None:
        cells = [_pair(pick(t)) for t in tiers]
        first, last = pick(tiers[0]), pick(tiers[-1])
        ratio = "–" if first is None or last is None else _ratio(first.p99, last.p99)
        rows.append(f"| {label} | {' | '.join(cells)} | {ratio} (p99) | {target} |")

    number(
        "Import, bot pipeline (articles/s)",
        lambda t: t.pipeline_articles_per_s,
        target=TARGETS["import"],
    )
    number(
        "Import, stories dated anywhere in the archive (articles/s)",
        lambda t: t.back_dated_articles_per_s,
        target="worst case",
    )
    number("Import, bulk without extraction (articles/s)", lambda t: t.bulk_articles_per_s)
    number(
        "Database size (MB per 1k articles)",
        lambda t: t.database_bytes / t.size * 1000 / 2**20,
        "{:.1f}",
    )
    number("Quotes stored", lambda t: t.quotes)
    number("People directory load at start-up (ms)", lambda t: t.directory_load_ms)
    for command in COMMANDS:
        target = TARGETS["autocomplete" if command == "autocomplete" else "service"]
        latencies(
            f"/{command}, service layer p50 / p99 (ms)",
            _service_latency(command),
            target,
        )
    for command in COMMANDS:
        latencies(
            f"/{command}, end to end p50 / p99 (ms)",
            _end_to_end_latency(command),
            TARGETS["e2e"],
        )
    number("Bot resident memory (MB)", lambda t: t.bot_rss_mb, target=TARGETS["rss"])
    number("Bot start to ready (s)", lambda t: t.bot_ready_s, "{:.2f}")
    return "\n".join(rows)


def baseline_table(tiers: Sequence[Tier]) -> str:
    sizes = [f"{t.size // 1000}k" for t in tiers]
    rows = [f"| Search / names, p50 / p99 (ms) | {' | '.join(sizes)} |", "|" + "---|" * 5]
    labels = {
        "search_fts5": "Story search: FTS5 + bm25 (`search_articles`)",
        "search_like": "Story search: `LIKE '%word%'` scan",
        "names_resolver": "Name: `PeopleDirectory.resolve`",
        "names_rapidfuzz_extractone": "Name: `rapidfuzz.process.extractOne(WRatio)`, all names",
    }
    rows[1] = "|" + "---|" * (len(tiers) + 1)
    for key, label in labels.items():
        rows.append(f"| {label} | {' | '.join(_pair(t.baselines.get(key)) for t in tiers)} |")
    return "\n".join(rows)


def presence_table(presence: dict[str, Any]) -> str:
    rows = ["| Figure | Value |", "|---|---|"]
    rows.append(f"| Servers (guilds) | {presence['guilds']:,} |")
    rows.append(f"| Shards (from `GET /gateway/bot`) | {presence['shards']} |")
    rows.append(f"| Start to ready, all shards (s) | {presence['ready_seconds']:.2f} |")
    rows.append(f"| Resident memory at ready (MB) | {presence['rss_mb']:.1f} |")
    rows.append(f"| Same bot in 1 server (MB) | {presence['baseline_rss_mb']:.1f} |")
    rows.append(f"| Memory per 1,000 servers (MB) | {presence['mb_per_1000_guilds']:.1f} |")
    return "\n".join(rows)
