"""Day refreshes spaced out: at most one recompute of an (organisation, local day) slice per
`SILLAGE_ROLLUP_INTERVAL` seconds in each worker process.

A slice refresh recomputes the whole day from its raw rows, so its cost grows with the day's
volume: a branch network answering all day long would pay that cost again at every follow-up
pass (one a second per server process). Here a slice refreshed less than an interval ago is
not refreshed again at once: one deferred task is queued instead, due when the interval ends,
and it recomputes the day from the rows committed by then, which include every row handed to
the caller before that. Calls in between find that task queued and add nothing. A dashboard
therefore counts a new answer within about one interval, and the cost of a busy day is paid
at most once per interval, whatever the number of answers.

The interval stretches with the day: a slice whose last refresh took longer than a twentieth
of the interval is spaced by twenty times that duration instead (`COST_SHARE`), up to a
minute, so that refreshing a busy day takes at most about 5 % of the worker's time (a day of
70,000 answers took 0.35 s to recompute on SQLite, holding its only write lock).

Each process keeps its own times: a queued refresh is due after the rows its process handed
over were committed, so no row waits on another process. With the immediate task backend
(tests, `make run` without a worker) or an interval of 0, every slice is refreshed at once.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from typing import Any

from django.conf import settings

KEPT = 10_000  # slices remembered per kind before the oldest times are dropped
COST_SHARE = 0.05  # a slice is refreshed at most this share of the time
LONGEST_GAP = 60.0  # seconds; a refresh that waited on locks must not hold the day back long


def interval() -> float:
    return float(getattr(settings, "SILLAGE_ROLLUP_INTERVAL", 5.0))


class DaySpacing:
    """The refreshes of one kind of rollup; `task(organization_id=, days=[ISO dates])`
    recomputes the days it is given."""

    def __init__(self, task: Any) -> None:
        self.task = task
        self._lock = threading.Lock()
        self._next: dict[tuple[int, date], float] = {}  # no refresh now before this time
        self._queued: dict[tuple[int, date], float] = {}  # a queued refresh is due then
        self._cost: dict[tuple[int, date], float] = {}  # seconds the last refresh took

    def due_now(self, organization_id: int, days: Iterable[date]) -> set[date]:
        """The days to recompute now; the others are left to a queued refresh."""
        days = set(days)
        spacing = interval()
        if not days or spacing <= 0 or not self.task.get_backend().supports_defer:
            return days
        now = time.time()
        due: set[date] = set()
        later: dict[float, list[date]] = {}
        with self._lock:
            if len(self._next) > KEPT:
                self._forget(now - spacing)
            for day in days:
                key = (organization_id, day)
                gap = max(spacing, min(self._cost.get(key, 0.0) / COST_SHARE, LONGEST_GAP))
                allowed = self._next.get(key, 0.0)
                if now >= allowed:
                    due.add(day)
                    self._next[key] = now + gap
                elif self._queued.get(key, 0.0) <= now:
                    # Nothing queued starts after now: queue the refresh of the interval's end.
                    later.setdefault(allowed, []).append(day)
                    self._queued[key] = allowed
                    self._next[key] = allowed + gap
        for at, queued in later.items():
            self.task.using(run_after=datetime.fromtimestamp(at, tz=UTC)).enqueue(
                organization_id=organization_id, days=sorted(d.isoformat() for d in queued)
            )
        return due

    @contextlib.contextmanager
    def timed(self, organization_id: int, days: Iterable[date]) -> Iterator[None]:
        """Time the refresh of these days (now, or queued): the next ones are spaced by it."""
        days = set(days)
        started, began = time.perf_counter(), time.time()
        yield
        if not days:
            return
        each = (time.perf_counter() - started) / len(days)
        with self._lock:
            for day in days:
                key = (organization_id, day)
                self._cost[key] = each
                # A long refresh pushes the next one back at once.
                stretched = began + min(each / COST_SHARE, LONGEST_GAP)
                self._next[key] = max(self._next.get(key, 0.0), stretched)

    def _forget(self, before: float) -> None:
        for key in [k for k, at in self._next.items() if at < before]:
            self._next.pop(key, None)
            self._queued.pop(key, None)
            self._cost.pop(key, None)

    def reset(self) -> None:
        """Forget every time (tests)."""
        with self._lock:
            self._next.clear()
            self._queued.clear()
            self._cost.clear()
