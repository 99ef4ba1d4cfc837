"""Periodic jobs run by `manage.py sillage_tick`.

Each app declares its jobs in its own `tick.py` with `@tick_job`; the command imports every
app's `tick` module and runs them all. Jobs must be idempotent and safe when two machines run
the tick at once (lock the rows they act on with `select_for_update(skip_locked=True)`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

TickJob = Callable[[datetime], int]
_JOBS: dict[str, TickJob] = {}


def tick_job(function: TickJob) -> TickJob:
    """Register `function(now) -> number of things it did` as a periodic job."""
    _JOBS[f"{function.__module__}.{function.__name__}"] = function
    return function


def registered_jobs() -> dict[str, TickJob]:
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("tick")
    return dict(sorted(_JOBS.items()))
