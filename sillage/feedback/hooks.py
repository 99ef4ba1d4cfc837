"""What happens after responses are recorded, without feedback importing the apps above it.

Apps that build on responses (insights' rollups; later text analytics, alert rules,
recognition) register a listener in their AppConfig.ready(); feedback calls
`responses_recorded` once the transaction that wrote the rows has committed, whichever way
they arrived: a public page, the API, an import or the demo.

Two ways in:

- `responses_recorded(ids)`: a batch written at once (the demo, a workshop's sample): ONE
  background task (`tasks.notify_listeners`) tells every listener of the whole batch.
- `responses_flagged()`: responses written one call at a time (a public page, the API), each
  row inserted with `follow_up_pending` set. Telling the listeners of each one apart would
  cost more than recording it (three queued tasks, a rollup day recomputed per response), so
  they are coalesced: the request queues at most one task per process per
  `SILLAGE_FOLLOW_UP_DELAY` seconds, due at the end of that window, and that task
  (`tasks.follow_up_responses`) hands every flagged row to the listeners in chunks, then
  clears the flags. The rows are the queue: a task lost with its worker leaves them flagged,
  and the tick job `feedback.tick.follow_up_responses` takes them up.

With the immediate task backend (tests, `make run`) both run right after the commit.
Listeners must be idempotent: a pass may hand them a response twice (two passes at once).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)
ResponsesListener = Callable[[list[int]], None]
ImportListener = Callable[[int], None]
_response_listeners: list[ResponsesListener] = []
_import_listeners: list[ImportListener] = []


def on_responses_recorded(listener: ResponsesListener) -> ResponsesListener:
    if listener not in _response_listeners:
        _response_listeners.append(listener)
    return listener


def on_import_committed(listener: ImportListener) -> ImportListener:
    if listener not in _import_listeners:
        _import_listeners.append(listener)
    return listener


def responses_recorded(response_ids: Iterable[int]) -> None:
    """Tell the listeners, after the current transaction commits (at once outside one)."""
    ids = list(response_ids)
    if not ids:
        return
    from sillage.feedback.tasks import notify_listeners

    transaction.on_commit(lambda: notify_listeners.enqueue(response_ids=ids))


def responses_flagged() -> None:
    """Rows flagged `follow_up_pending` were written in this transaction: after it commits,
    make sure a follow-up pass is due (at once with the immediate backend)."""
    transaction.on_commit(_schedule_follow_up)


_schedule_lock = threading.Lock()
_next_schedule = 0.0  # wall-clock time before which this process has a pass due already


def _schedule_follow_up() -> None:
    global _next_schedule  # noqa: PLW0603 - one deadline per process
    from sillage.feedback.tasks import follow_up_responses

    delay = float(getattr(settings, "SILLAGE_FOLLOW_UP_DELAY", 1.0))
    if delay <= 0 or not follow_up_responses.get_backend().supports_defer:
        follow_up_responses.enqueue()
        return
    now = time.time()
    with _schedule_lock:
        if now < _next_schedule:
            # The pass queued earlier starts at _next_schedule, after this row's commit.
            return
        due = now + delay
        follow_up_responses.using(run_after=datetime.fromtimestamp(due, tz=UTC)).enqueue()
        _next_schedule = due


def follow_up_pending(*, chunk: int = 2000) -> int:
    """Hand the flagged responses to the listeners, `chunk` at a time, and clear their flags;
    returns how many. Rows flagged after the pass began are left to the pass their own
    request queued. A failing listener's error is raised once every chunk is done."""
    from sillage.feedback.models import Response

    pending = Response.objects.filter(follow_up_pending=True).order_by("pk")
    last = pending.values_list("pk", flat=True).last()
    done, first_error = 0, None
    after = 0
    while last is not None:
        ids = list(pending.filter(pk__gt=after, pk__lte=last).values_list("pk", flat=True)[:chunk])
        if not ids:
            break
        try:
            notify(response_ids=ids)
        except Exception as error:  # noqa: BLE001 - raised below, after the other chunks
            logger.exception("follow-up of %d responses failed", len(ids))
            first_error = first_error or error
        # Cleared even when a listener failed, as a failed task is not retried: a listener
        # that always fails must not hold the queue.
        Response.objects.filter(pk__in=ids).update(follow_up_pending=False)
        done += len(ids)
        after = ids[-1]
    if first_error is not None:
        raise first_error
    return done


def import_committed(import_job_id: int) -> None:
    from sillage.feedback.tasks import notify_listeners

    transaction.on_commit(lambda: notify_listeners.enqueue(import_job_id=import_job_id))


def notify(*, response_ids: list[int] | None = None, import_job_id: int | None = None) -> None:
    """Call the listeners (from the task). A failing listener does not keep the others from
    hearing: its error is raised once they all have been called."""
    calls: list[tuple[Callable, object]] = []
    if response_ids:
        calls += [(listener, response_ids) for listener in _response_listeners]
    if import_job_id is not None:
        calls += [(listener, import_job_id) for listener in _import_listeners]
    errors: list[Exception] = []
    for listener, argument in calls:
        try:
            listener(argument)  # type: ignore[operator]
        except Exception as error:  # noqa: BLE001 - re-raised below
            errors.append(error)
    if errors:
        raise errors[0]
