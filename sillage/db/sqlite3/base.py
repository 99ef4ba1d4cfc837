"""Django's SQLite backend, with writers queued on a lock file instead of SQLite's busy handler.

Every transaction begins with `BEGIN IMMEDIATE` (settings), so at most one connection writes
at a time and the others wait. SQLite's own wait (the busy timeout) polls with growing sleeps
of 1, 2, 5, 10… up to 100 ms: under a steady stream of short writes (survey answers arriving
from two server processes and a task worker), a waiter that lost a few rounds sleeps tens of
milliseconds while the lock is free most of that time, and the slowest answers take 0.3–0.5 s.

Here each connection to a database file first takes an exclusive `flock` on a lock file next
to it (`<name>.writer-lock`), polling every 0.2–2 ms, and only then sends `BEGIN IMMEDIATE`;
it lets go after `COMMIT` or `ROLLBACK`. Waiters thus learn within 2 ms that the lock is free.
Connections that do not take part (another program, an older release) still meet SQLite's
busy timeout, as before; so does a waiter after `timeout` seconds. In-memory databases (the
tests) and platforms without `fcntl` use Django's backend unchanged.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from typing import Any

from django.db.backends.sqlite3 import base

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Linux or macOS
    fcntl = None  # type: ignore[assignment]

POLL_FIRST, POLL_MAX = 0.0002, 0.002  # seconds


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._writer_lock_fd: int | None = None
        self._writer_lock_held = False
        self._writer_lock_pinned = False

    def _lock_path(self) -> str | None:
        if fcntl is None or self.is_in_memory_db():
            return None
        return f"{self.settings_dict['NAME']}.writer-lock"

    def _acquire_writer_lock(self) -> None:
        path = self._lock_path()
        if path is None or self._writer_lock_held:
            return
        if self._writer_lock_fd is None:
            self._writer_lock_fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        timeout = float(self.settings_dict.get("OPTIONS", {}).get("timeout", 5))
        deadline = time.monotonic() + timeout
        pause = POLL_FIRST
        while True:
            try:
                fcntl.flock(self._writer_lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return  # left to SQLite's busy timeout, which raises when it runs out
                time.sleep(pause)
                pause = min(pause * 2, POLL_MAX)
                continue
            self._writer_lock_held = True
            return

    @contextlib.contextmanager
    def writer_lock(self) -> Iterator[None]:
        """Queue on the writer lock for one statement run in autocommit (atomic by itself:
        SQLite commits it as it ends), without BEGIN and COMMIT. Inside a transaction the
        lock is the transaction's already."""
        if self.in_atomic_block or self._writer_lock_held:
            yield
            return
        self.ensure_connection()
        self._acquire_writer_lock()
        self._writer_lock_pinned = True  # a transaction opened meanwhile does not let go
        try:
            yield
        finally:
            self._writer_lock_pinned = False
            self._release_writer_lock()

    def _release_writer_lock(self) -> None:
        if self._writer_lock_pinned:
            return
        if self._writer_lock_held and self._writer_lock_fd is not None:
            self._writer_lock_held = False
            fcntl.flock(self._writer_lock_fd, fcntl.LOCK_UN)

    def _start_transaction_under_autocommit(self) -> None:
        self._acquire_writer_lock()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._release_writer_lock()
            raise

    def _commit(self) -> Any:
        try:
            return super()._commit()
        finally:
            if not self.in_transaction_still_open():
                self._release_writer_lock()

    def _rollback(self) -> Any:
        try:
            return super()._rollback()
        finally:
            self._release_writer_lock()

    def in_transaction_still_open(self) -> bool:
        """After a failed COMMIT, SQLite may keep the transaction open (SQLITE_BUSY): hold
        the lock until the ROLLBACK that follows."""
        return self.connection is not None and self.connection.in_transaction

    def _close(self) -> Any:
        try:
            return super()._close()
        finally:
            self._release_writer_lock()
            if self._writer_lock_fd is not None:
                os.close(self._writer_lock_fd)
                self._writer_lock_fd = None
