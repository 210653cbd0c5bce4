"""``paddock import`` of this tree against another, side by side: speed and peak memory.

    python -m bench.import_side_by_side --before /tmp/before speed --rounds 5
    python -m bench.import_side_by_side --before /tmp/before memory --sizes 5000,80000

``--before`` is a checkout of another build (e.g. ``git archive <commit> | tar -x -C DIR``);
both run the same ``paddock import`` command line on the same files, each in a new process,
so the figures hold whatever either build does inside. The archive files are synthetic
stories (``bench.corpus``) written as JSON Lines, 1,000 a file: builds before the
streaming import refused JSON Lines files over 10 MB.

- ``speed``: imports ``--sample`` stories into a fresh copy of an archive of ``--archive``
  stories (built by this tree, or ``--archive-db``: one built before, at a schema every
  build can open; each build gets a copy brought to its own schema once, untimed, as an
  upgrade would), the two builds alternating, the order swapped every round so a busy spell on a
  shared machine falls on both alike; stories a second over the whole command, start-up
  included, so lower than ``python -m bench``'s figure, which times the import alone; and
  the CPU each story took in the importing process (with its database thread) and in the
  worker processes, which a busy machine moves far less than it moves the rates.
- ``memory``: imports ``--sizes`` stories into an empty database and reports the command's
  peak resident memory (its largest process: the importing one, not the workers).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from bench import import_probe
from bench.corpus import CorpusWriter, batches, cast_from
from bench.scale import BULK_BATCH, BULK_LOAD_CACHE_MIB, bulk_load, load_people_into, page_cache
from bot.news.mentions import mention_finder
from storage.database import connect
from storage.people import load_people

ROOT = Path(__file__).resolve().parents[1]
SEED = 2025
# Stories a file: builds before the streaming import refused JSON Lines over 10 MB.
FILE_STORIES = 1_000
# Run in a wrapper process of its own, so the peak is of this command alone.
_PEAK_OF = (
    "import resource, subprocess, sys; "
    "code = subprocess.run(sys.argv[1:]).returncode; "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)"
)


async def _writer(database: Path, f1db: Path) -> CorpusWriter:
    async with connect(database) as db:
        await load_people_into(db, f1db)
        return CorpusWriter(cast_from(await load_people(db.reader)), seed=SEED)


def write_archive(writer: CorpusWriter, folder: Path, first: int, count: int) -> Path:
    """Stories ``first`` .. ``first + count - 1`` as JSON Lines files in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("stories-*.jsonl"):  # a sample of another size
        stale.unlink()
    for start in range(first, first + count, FILE_STORIES):
        size = min(FILE_STORIES, first + count - start)
        with (folder / f"stories-{start:07d}.jsonl").open("w", encoding="utf-8") as out:
            for item in writer.articles(start, size):
                story = item.parsed
                record = {
                    "title": story.title,
                    "body": story.body,
                    "url": story.url,
                    "author": story.author,
                    "source": story.source,
                    "published_at": story.published_at,
                }
                out.write(json.dumps(record) + "\n")
    return folder


# Run before the command in the measured build: at exit it says what the import spent.
PROBE = Path(__file__).with_name("import_probe.py")


@dataclass(frozen=True, slots=True)
class Run:
    seconds: float
    peak_kib: int
    own_cpu: float  # the importing process, seconds
    workers_cpu: float
    # Per statement on the database thread: (times run, CPU seconds), when asked for.
    statements: dict[str, tuple[int, float]]


def _paddock(database: Path, *words: str) -> list[str]:
    """``paddock --db database words...``, run with a tree on ``PYTHONPATH``."""
    probe = f"import pathlib, sys\nexec(pathlib.Path({str(PROBE)!r}).read_text())\n"
    main = probe + "from bot.cli import main\nsys.exit(main())"
    return [sys.executable, "-c", main, "--db", str(database), *words]


def run_import(tree: Path, database: Path, archive: Path, *, statements: bool = False) -> Run:
    """Seconds, peak resident KiB and CPU of ``paddock import`` from ``tree``; with
    ``statements``, the database thread's CPU by statement too (``bench.import_probe``)."""
    command = [sys.executable, "-c", _PEAK_OF, *_paddock(database, "import", str(archive))]
    env = {**os.environ, "PYTHONPATH": str(tree)}
    if statements:
        env[import_probe.STATEMENTS] = "1"
    began = time.perf_counter()
    done = subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - began
    peak, code = done.stdout.strip().splitlines()[-1].split()
    if code != "0":
        raise RuntimeError(f"the import from {tree} failed: {done.stderr[-2000:]}")
    [spent] = [
        json.loads(line.removeprefix(import_probe.MARK))
        for line in done.stderr.splitlines()
        if line.startswith(import_probe.MARK)
    ]
    by_statement = {sql: (int(n), float(cpu)) for sql, (n, cpu) in spent["statements"].items()}
    return Run(seconds, int(peak), spent["own"], spent["workers"], by_statement)


async def build_archive(database: Path, writer: CorpusWriter, stories: int) -> None:
    async with connect(database) as db:
        finder = mention_finder(await load_people(db.reader))
        async with page_cache(db, BULK_LOAD_CACHE_MIB):
            for batch in batches(writer, 0, stories, BULK_BATCH):
                await bulk_load(db, batch, finder)


def schema_copy(tree: Path, archive_db: Path, copy: Path) -> Path:
    """A copy of ``archive_db`` that ``tree`` has opened once, migrating it to its schema,
    then compacted: a migration that rebuilds a table leaves its old pages free (a third of
    the file at 98,000 stories), and an archive built at that schema has none."""
    if not copy.exists():
        made = copy.with_suffix(".making")
        shutil.copyfile(archive_db, made)
        env = {**os.environ, "PYTHONPATH": str(tree)}
        command = _paddock(made, "stats")
        subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True, check=True)
        with closing(sqlite3.connect(made)) as conn:
            conn.execute("VACUUM")
        made.rename(copy)
    return copy


def speed(args: argparse.Namespace, trees: dict[str, Path]) -> None:
    archive_db = args.archive_db or args.work / f"archive-{args.archive}.db"
    writer = asyncio.run(_writer(args.work / "people.db", args.f1db))
    if not archive_db.exists():
        asyncio.run(_writer(archive_db, args.f1db))
        asyncio.run(build_archive(archive_db, writer, args.archive))
    archives = {
        name: schema_copy(tree, archive_db, args.work / f"{archive_db.stem}-{name}.db")
        for name, tree in trees.items()
    }
    sample = write_archive(writer, args.work / "sample", args.archive, args.sample)
    rates: dict[str, list[float]] = {name: [] for name in trees}
    own: dict[str, list[float]] = {name: [] for name in trees}
    workers: dict[str, list[float]] = {name: [] for name in trees}
    by_statement: dict[str, dict[str, list[float]]] = {}
    names = list(trees)
    for round_number in range(args.rounds):
        for name in names if round_number % 2 == 0 else names[::-1]:
            trial = args.work / "trial.db"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{trial}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(archives[name], trial)
            run = run_import(trees[name], trial, sample, statements=args.statements)
            for sql, (_, cpu) in run.statements.items():
                by_statement.setdefault(sql, {}).setdefault(name, []).append(cpu)
            rates[name].append(args.sample / run.seconds)
            own[name].append(run.own_cpu / args.sample * 1000)
            workers[name].append(run.workers_cpu / args.sample * 1000)
            print(
                f"round {round_number + 1} {name}: {rates[name][-1]:.0f} stories/s, CPU a story "
                f"{own[name][-1]:.2f} ms importing, {workers[name][-1]:.2f} ms workers",
                flush=True,
            )
    print(f"\n{args.sample:,} stories into {args.archive:,}, whole command (stories/s)")
    _table(rates, "{:.0f}")
    print("\nCPU a story of the importing process, every thread (ms)")
    _table(own, "{:.2f}")
    print("\nCPU a story of the worker processes (ms)")
    _table(workers, "{:.2f}")
    if by_statement:
        _statement_table(by_statement, names, args.rounds, args.sample)


def _statement_table(
    by_statement: dict[str, dict[str, list[float]]], names: list[str], rounds: int, stories: int
) -> None:
    """The database thread's CPU a story by statement, median of the rounds (a statement a
    round did not run counts as none), the costliest first."""
    print("\nCPU a story on the database thread, by statement (ms)")
    print("  ".join(f"{name:>7}" for name in names) + "  statement")

    def median(sql: str, name: str) -> float:
        found = by_statement[sql].get(name, [])
        return statistics.median(found + [0.0] * (rounds - len(found))) / stories * 1000

    for sql in sorted(by_statement, key=lambda sql: -max(median(sql, n) for n in names))[:14]:
        print("  ".join(f"{median(sql, name):7.3f}" for name in names) + f"  {sql}")
    totals = [sum(median(sql, name) for sql in by_statement) for name in names]
    print("  ".join(f"{total:7.3f}" for total in totals) + "  (sum of the medians)")


def _table(figures: dict[str, list[float]], form: str) -> None:
    first = statistics.median(next(iter(figures.values())))
    for name, found in figures.items():
        median = statistics.median(found)
        listed = ", ".join(form.format(figure) for figure in found)
        print(f"{name:<7} median {form.format(median):>6}  ×{median / first:.2f}  ({listed})")


def memory(args: argparse.Namespace, trees: dict[str, Path]) -> None:
    writer = asyncio.run(_writer(args.work / "people.db", args.f1db))
    peaks: dict[tuple[str, int], float] = {}
    for size in args.sizes:
        archive = write_archive(writer, args.work / f"memory-{size}", 0, size)
        for name, tree in trees.items():
            database = args.work / f"memory-{name}-{size}.db"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{database}{suffix}").unlink(missing_ok=True)
            run = run_import(tree, database, archive)
            peaks[name, size] = run.peak_kib / 1024
            print(
                f"{name} {size:,} stories: peak {run.peak_kib / 1024:.0f} MB in {run.seconds:.0f} s"
            )
    print(f"\nPeak resident memory of paddock import (MB); sizes {args.sizes}")
    for name in trees:
        row = [peaks[name, size] for size in args.sizes]
        growth = row[-1] / row[0]
        print(f"{name:<7} " + "  ".join(f"{mb:7.0f}" for mb in row) + f"  ×{growth:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="the other build's tree")
    parser.add_argument("--after", type=Path, default=ROOT, help="default: this tree")
    parser.add_argument("--work", type=Path, default=Path("/tmp/paddock-import-side-by-side"))
    parser.add_argument("--f1db", type=Path, default=ROOT.parent / "shared" / "data" / "f1db")
    commands = parser.add_subparsers(dest="command", required=True)
    timed = commands.add_parser("speed")
    timed.add_argument("--rounds", type=int, default=5)
    timed.add_argument("--archive", type=int, default=98_000)
    timed.add_argument("--archive-db", type=Path, help="an archive of --archive stories")
    timed.add_argument(
        "--statements", action="store_true", help="the database thread's CPU by statement too"
    )
    timed.add_argument("--sample", type=int, default=4_000)
    held = commands.add_parser("memory")
    held.add_argument(
        "--sizes", type=lambda text: [int(n) for n in text.split(",")], default=[5_000, 80_000]
    )
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    trees = {"before": args.before.resolve(), "after": args.after.resolve()}
    (speed if args.command == "speed" else memory)(args, trees)


if __name__ == "__main__":
    main()
