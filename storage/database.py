"""The ``Database``: Paddock's one handle on its stored data.

It owns everything about the connection that is not a query: opening the file, its pragmas
and migrations (``storage.db``), the writer and a query-only reader, the write lock, the
settings for bulk imports and the caches worked out from stored data. The rest of Paddock
holds a ``Database`` and never an SQLite object:

- ``async with db.write() as conn:`` takes the write lock and runs one transaction on the
  writer: it commits when the block ends and rolls back on any error or cancellation.
- ``db.reader`` answers queries from the last committed state while a write goes on (in
  WAL mode a second connection never waits for the writer); for ``:memory:``, where a
  second connection would see another database, it is the writer.

The storage modules (``storage/articles.py`` and the rest) are the SQLite dialect. A function
that writes on its own takes the ``Database`` and its ``write()``; one that only reads, or
runs inside the caller's transaction, takes the ``Connection`` it is given.

A PostgreSQL backend would sit behind the same interface: a ``Database`` with the same
``open``/``write``/``reader``/``bulk_writes``/``close`` over an asyncpg pool (a transaction
per ``write()``, the pool's connections for reads, row locks instead of one write lock),
with storage modules of its own for its dialect (``tsvector`` instead of FTS5). The domain
would not change: it passes the ``Database`` and the connections it is handed along.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from types import TracebackType
from typing import Self, TypeAlias, TypeVar

import aiosqlite

from storage.db import (
    BULK_CACHE_MIB,
    BULK_CHECKPOINT_PAGES,
    BUSY_TIMEOUT_MS,
    DatabaseError,
    apply_migrations,
    check_writable,
    use_write_ahead_log,
)

# What storage functions are handed: the domain names it without knowing what it is.
Connection: TypeAlias = aiosqlite.Connection
Row: TypeAlias = aiosqlite.Row

__all__ = ["Connection", "Database", "DatabaseError", "Derived", "Row", "connect"]

T = TypeVar("T")

MEMORY = ":memory:"


class Derived:
    """Values worked out from stored data (an index of every person's names, say), each
    kept beside the version of the data it came from until that version changes.

    One value per type: ``await db.derived.get(StoryReader, version, build)``.
    """

    def __init__(self) -> None:
        self._values: dict[type, tuple[str, object]] = {}

    async def get(self, kind: type[T], version: str, build: Callable[[], Awaitable[T]]) -> T:
        kept = self._values.get(kind)
        if kept is not None and kept[0] == version and isinstance(kept[1], kind):
            return kept[1]
        value = await build()
        self._values[kind] = (version, value)
        return value


class Database:
    """The writer, the reader, the write lock and the caches of one open database."""

    def __init__(self, path: str, writer: Connection, reader: Connection | None) -> None:
        self.path = path
        self._writer: Connection | None = writer
        self._reader = reader
        self._write_lock = asyncio.Lock()
        # Per word searched for: (newest story id when counted, share of stories holding it)
        # (``storage.articles._word_shares``).
        self.word_shares: dict[str, tuple[int, float]] = {}
        self.derived = Derived()

    @classmethod
    async def open(
        cls, path: str | Path, *, writable: bool = False, reader: bool = True
    ) -> Database:
        """Open (creating if needed) the database at ``path`` and bring its schema up to date.

        ``writable`` also makes sure the file can be written, as the bot and the console
        need; ``reader`` opens the query-only connection beside the writer (``:memory:``
        has none). Any problem is a ``DatabaseError`` saying what it is.
        """
        target = str(path)
        writer = await _open_writer(target, writable=writable)
        second: Connection | None = None
        if reader and target != MEMORY:
            try:
                second = await _open_reader(target)
            except BaseException:
                await writer.close()
                raise
        return cls(target, writer, second)

    @property
    def reader(self) -> Connection:
        """The connection for queries: it never waits behind a write."""
        return self._reader or self._open_writer()

    @asynccontextmanager
    async def write(self) -> AsyncIterator[Connection]:
        """The write lock and one transaction on the writer; commits on success, rolls
        back on any error.

        Coroutines share the one writer, so they queue on the lock: without it two tasks
        would interleave statements inside one SQLite transaction.
        """
        async with self._write_lock:
            conn = self._open_writer()
            try:
                await conn.execute("BEGIN IMMEDIATE")
                yield conn
            except BaseException:
                # Shielded: a task cancelled mid-transaction must still leave the shared
                # connection outside any transaction. aiosqlite runs requests in order, so
                # the rollback also follows a BEGIN whose await was cancelled while it ran.
                await asyncio.shield(conn.rollback())
                raise
            else:
                await asyncio.shield(conn.commit())

    @asynccontextmanager
    async def bulk_writes(self, cache_mib: int = BULK_CACHE_MIB) -> AsyncIterator[None]:
        """Settings for writing many batches in a row, put back afterwards.

        Each story inserts into indexes ordered by hash, URL, date and subject, so a batch
        touches pages all over the file: a bigger page cache keeps them at hand, and a page
        several batches change is copied from the write-ahead log into the database once if
        checkpoints come every 10,000 pages instead of 1,000. Neither changes what a crash
        can lose. 2,000 stories into a 98,000-story archive: ×1.17 (BENCHMARKS.md, "Import").
        """
        conn = self._open_writer()
        [(cache,)] = await conn.execute_fetchall("PRAGMA cache_size")
        [(pages,)] = await conn.execute_fetchall("PRAGMA wal_autocheckpoint")
        # PRAGMAs take no bound parameters; every value here is an integer.
        await conn.execute(f"PRAGMA cache_size = {-int(cache_mib) * 1024}")
        await conn.execute(f"PRAGMA wal_autocheckpoint = {BULK_CHECKPOINT_PAGES}")
        try:
            yield
        finally:
            await conn.execute(f"PRAGMA cache_size = {int(cache)}")
            await conn.execute(f"PRAGMA wal_autocheckpoint = {int(pages)}")

    async def close(self) -> None:
        """Close both connections; closing again does nothing."""
        reader, self._reader = self._reader, None
        writer, self._writer = self._writer, None
        if reader is not None:
            await reader.close()
        if writer is not None:
            await writer.close()

    @property
    def closed(self) -> bool:
        return self._writer is None

    @property
    def in_transaction(self) -> bool:
        """Whether a write is under way on the writer."""
        return self._open_writer().in_transaction

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    def _open_writer(self) -> Connection:
        if self._writer is None:
            raise DatabaseError(f"the database {self.path} is closed")
        return self._writer


@asynccontextmanager
async def connect(path: str | Path, *, writable: bool = False) -> AsyncIterator[Database]:
    """``Database.open`` for the length of a block, closed after it."""
    async with await Database.open(path, writable=writable) as db:
        yield db


async def _open_writer(target: str, *, writable: bool) -> Connection:
    if target != MEMORY:
        parent = Path(target).expanduser().resolve().parent
        if not parent.is_dir():
            raise DatabaseError(f"cannot create the database {target}: folder {parent} is missing")
    try:
        conn = await aiosqlite.connect(target, isolation_level=None)
    except sqlite3.Error as exc:
        raise DatabaseError(f"cannot open the database {target}: {exc}") from exc
    conn.row_factory = aiosqlite.Row
    try:
        await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await use_write_ahead_log(conn)
        await conn.execute("PRAGMA synchronous = NORMAL")
        await apply_migrations(conn, target)
        if writable:
            await check_writable(conn, target)
    except sqlite3.DatabaseError as exc:
        await conn.close()
        raise DatabaseError(f"{target} is not a usable Paddock database: {exc}") from exc
    except BaseException:
        await conn.close()
        raise
    return conn


async def _open_reader(target: str) -> Connection:
    """A second connection, for reads only. In write-ahead-log mode it reads the last
    committed state while the writer is busy, so a long write (an import, a feed's batch)
    never holds up a command's reply. Opened after the writer has migrated the schema."""
    conn = await aiosqlite.connect(target, isolation_level=None)
    conn.row_factory = aiosqlite.Row
    try:
        await conn.execute("PRAGMA query_only = ON")
        await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    except BaseException:
        await conn.close()
        raise
    return conn
