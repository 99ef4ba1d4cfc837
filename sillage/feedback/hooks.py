"""What happens after responses are recorded, without feedback importing the apps above it.

Apps that build on responses (insights' rollups; later text analytics, alert rules,
recognition) register a listener in their AppConfig.ready(); feedback calls
`responses_recorded` once the transaction that wrote the rows has committed, whichever way
they arrived: a public page, the API, an import or the demo.

The listeners run in ONE background task per recorded batch (`tasks.notify_listeners`), not
in the request: however many apps listen, a response costs its request a single queued task.
With the immediate task backend (tests, `make run`) they run right after the commit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import transaction

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
