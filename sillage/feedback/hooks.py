"""What happens after responses are recorded, without feedback importing the apps above it.

Apps that build on responses (insights' rollups; later text analytics, alert rules,
recognition) register a listener in their AppConfig.ready(); feedback calls
`responses_recorded` once the transaction that wrote the rows has committed, whichever way
they arrived: a public page, the API, an import or the demo.
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

    def notify() -> None:
        for listener in _response_listeners:
            listener(ids)

    transaction.on_commit(notify)


def import_committed(import_job_id: int) -> None:
    def notify() -> None:
        for listener in _import_listeners:
            listener(import_job_id)

    transaction.on_commit(notify)
