"""Work on stories' words done ahead of storing them, in other processes.

Finding a story's quotes and the names it mentions needs only its words, and costs more
CPU than storing it. A big import hands that work for the next batches to worker processes
while the database stores the current one, and stores a batch's stories while the workers
finish it; the after-store steps then pick up the results instead of working them out
themselves. Anything not done ahead (a worker failed, a story changed on the way in) is
simply done when asked for, so results never depend on it.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import multiprocessing
import os
import sys
import warnings
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Generic, NamedTuple, Protocol, TypeVar

from bot.articles import article_text, content_hash

T = TypeVar("T")


class StoryWords(Protocol):
    """What work ahead may read: a parsed story before it is stored, or a stored one."""

    @property
    def title(self) -> str: ...
    @property
    def body(self) -> str: ...
    @property
    def published_at(self) -> str | None: ...
    @property
    def full_text(self) -> str: ...


class _Words(NamedTuple):
    """A story's words as sent to a worker: a third of the pickle of a parsed story, which
    also carries its address, tags and dates."""

    title: str
    body: str
    published_at: str | None

    @property
    def full_text(self) -> str:
        return article_text(self.title, self.body)


_Key = tuple[str, str, str | None]
# Stories handed to one worker, and the future of their results.
_Chunk = tuple[list[StoryWords], Future[Any]]


class TakenBatch(NamedTuple):
    """A batch to store, with what the workers do for it (``WorkPool.take``)."""

    stories: Sequence[StoryWords]
    # The stories' content hashes, which storing needs first; None if no worker gave them.
    content_hashes: Callable[[], Awaitable[list[str] | None]]
    # Files the steps' work done ahead; the steps after the store need it.
    work_done: Callable[[], Awaitable[None]]


def _key(story: StoryWords) -> _Key:
    return (story.title, story.body, story.published_at)


class WorkAhead(Generic[T]):
    """One step's work on a story's words, and the results done ahead of asking.

    ``work`` must pickle (a module-level function or an object with ``__call__``) and give
    the same answer wherever it runs.
    """

    def __init__(self, work: Callable[[StoryWords], T]) -> None:
        self.work = work
        self._done: dict[_Key, T] = {}

    def result(self, story: StoryWords) -> T:
        """The work's result for ``story``: taken from what was done ahead, else done now."""
        key = _key(story)
        if key in self._done:
            return self._done.pop(key)
        return self.work(story)

    def keep(self, stories: Sequence[StoryWords], results: Sequence[T]) -> None:
        for story, result in zip(stories, results, strict=True):
            self._done[_key(story)] = result

    def drop(self, stories: Sequence[StoryWords]) -> None:
        """Forget results nobody asked for (a story already stored as it was)."""
        for story in stories:
            self._done.pop(_key(story), None)


# ---- in the worker processes ----------------------------------------------------------------

_installed: tuple[Callable[[StoryWords], Any], ...] = ()
# Workers yield the CPU to the importing process. It stores every batch itself, one after
# another, so a big import goes no faster than it does; when it has to share a core with
# a worker it should get it (2,000 stories into a 98,000-story archive: 600 stories/s
# against 550 with all at the same priority).
WORKER_NICENESS = 10


def _install(works: tuple[Callable[[StoryWords], Any], ...]) -> None:
    global _installed
    _installed = works
    with contextlib.suppress(AttributeError, OSError):  # os.nice is Unix only
        os.nice(WORKER_NICENESS)


def _run(stories: Sequence[StoryWords]) -> list[list[Any]]:
    """Each installed work's results for ``stories``, work by work."""
    return [[work(story) for story in stories] for work in _installed]


def _content_hashes(stories: Sequence[StoryWords]) -> list[str]:
    return [content_hash(story.title, story.body) for story in stories]


# ---- in the importing process ---------------------------------------------------------------

# A forked worker starts in milliseconds with the work's name tables already built; a
# spawned one starts a new interpreter and imports the whole program again first, about a
# second of CPU each. Forking a process that runs a database thread is safe here because
# the workers never touch the database or anything else a thread could hold a lock on:
# they only read stories they are handed and return plain results. macOS and Windows have
# no safe fork, so they spawn.
WORKERS_FORK = sys.platform.startswith("linux")


class WorkPool:
    """Worker processes doing the work ahead of ``aheads`` for batches about to be stored.

    ``submit`` a batch early; ``take`` it to store it, and await its results before the steps
    that need them, which files them with each ``WorkAhead``. The workers also work out the
    stories' content hashes, which storing needs first. A worker that fails loses only
    the speed-up: the batch's work is then done in this process when the steps ask for it.
    """

    def __init__(self, aheads: Sequence[WorkAhead[Any]], workers: int) -> None:
        self._aheads = list(aheads)
        self._workers = workers
        # Forked workers are ready before a batch could be worked out here.
        self.starts_fast = WORKERS_FORK
        self._executor: ProcessPoolExecutor | None = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("fork" if WORKERS_FORK else "spawn"),
            initializer=_install,
            initargs=(tuple(ahead.work for ahead in self._aheads),),
        )
        self._pending: deque[
            tuple[Sequence[StoryWords], Future[list[str]] | None, list[_Chunk]]
        ] = deque()

    def submit(self, batch: Sequence[StoryWords]) -> None:
        """Hand ``batch`` out, a share per worker (the executor starts workers as it needs).

        The batch's content hashes go first, as a task of their own: storing needs them
        before anything else, and working them out here would hold up the store.
        """
        chunks: list[_Chunk] = []
        hashes: Future[list[str]] | None = None
        if self._executor is not None and batch:
            size = -(-len(batch) // self._workers)
            try:
                with warnings.catch_warnings():
                    # Python 3.12+ warns on any fork of a process with threads; see
                    # WORKERS_FORK for why these workers are not at risk.
                    warnings.filterwarnings(
                        "ignore", message=r".*use of fork\(\) may lead", category=DeprecationWarning
                    )
                    words = [_Words(*_key(story)) for story in batch]
                    hashes = self._executor.submit(_content_hashes, words)
                    for first in range(0, len(batch), size):
                        chunk = list(batch[first : first + size])
                        future = self._executor.submit(_run, words[first : first + size])
                        chunks.append((chunk, future))
            except (RuntimeError, OSError):
                # A broken pool, or a system that will not start another process: the
                # steps do the work here instead.
                self._give_up()
                chunks = []
                hashes = None
        self._pending.append((batch, hashes, chunks))

    @property
    def waiting(self) -> int:
        """Batches submitted and not yet taken."""
        return len(self._pending)

    def take(self) -> TakenBatch:
        """The oldest submitted batch at once, with what to await for the workers' part.

        The batch's stories can be stored while the workers finish it: only the steps after
        the store need the results, so the importing process need not sit idle first, nor
        the workers once they are done with the last batch.
        """
        batch, hashes, chunks = self._pending.popleft()
        return TakenBatch(
            batch,
            functools.partial(self._outcome, hashes),
            functools.partial(self._file, chunks),
        )

    async def _file(self, chunks: list[_Chunk]) -> None:
        """Waits for ``chunks`` and files their results with each ``WorkAhead``; the steps
        redo a chunk that failed, and report its error if it recurs."""
        for chunk, future in chunks:
            results = await self._outcome(future)
            if results is not None:
                for ahead, found in zip(self._aheads, results, strict=True):
                    ahead.keep(chunk, found)

    async def _outcome(self, future: Future[T] | None) -> T | None:
        """A worker's result, or None when there was no task or it failed (a broken pool is
        given up)."""
        if future is None:
            return None
        try:
            return await asyncio.wrap_future(future)
        except BrokenProcessPool:
            self._give_up()
        except Exception:  # the caller does the work itself instead
            pass
        return None

    def _give_up(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None

    def close(self) -> None:
        for batch, hashes, chunks in self._pending:
            if hashes is not None:
                hashes.cancel()
            for _, future in chunks:
                future.cancel()
            for ahead in self._aheads:
                ahead.drop(batch)
        self._pending.clear()
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def __enter__(self) -> WorkPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def work_pool(aheads: Sequence[WorkAhead[Any]], workers: int) -> WorkPool | None:
    """A pool for ``aheads``, or None when there is nothing to do ahead or one process."""
    if not aheads or workers < 1:
        return None
    return WorkPool(aheads, workers)
