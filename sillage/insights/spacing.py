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

Each process keeps its own times: a queued refresh is due after the rows its process handed
over were committed, so no row waits on another process. With the immediate task backend
(tests, `make run` without a worker) or an interval of 0, every slice is refreshed at once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from django.conf import settings

KEPT = 10_000  # slices remembered per kind before the oldest times are dropped


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
                allowed = self._next.get(key, 0.0)
                if now >= allowed:
                    due.add(day)
                    self._next[key] = now + spacing
                elif self._queued.get(key, 0.0) <= now:
                    # Nothing queued starts after now: queue the refresh of the interval's end.
                    later.setdefault(allowed, []).append(day)
                    self._queued[key] = allowed
                    self._next[key] = allowed + spacing
        for at, queued in later.items():
            self.task.using(run_after=datetime.fromtimestamp(at, tz=UTC)).enqueue(
                organization_id=organization_id, days=sorted(d.isoformat() for d in queued)
            )
        return due

    def _forget(self, before: float) -> None:
        for key in [k for k, at in self._next.items() if at < before]:
            self._next.pop(key, None)
            self._queued.pop(key, None)

    def reset(self) -> None:
        """Forget every time (tests)."""
        with self._lock:
            self._next.clear()
            self._queued.clear()
