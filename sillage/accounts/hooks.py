"""What happens when an organisation changes, without accounts importing the apps above it.

Apps register listeners in their AppConfig.ready(); accounts calls them once the transaction
that saved the change has committed.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

TimeZoneListener = Callable[[int], None]
_time_zone_listeners: list[TimeZoneListener] = []


def on_time_zone_changed(listener: TimeZoneListener) -> TimeZoneListener:
    if listener not in _time_zone_listeners:
        _time_zone_listeners.append(listener)
    return listener


def time_zone_changed(organization_id: int) -> None:
    """Every local day of the organisation moved: tell the listeners after commit."""

    def notify() -> None:
        for listener in _time_zone_listeners:
            listener(organization_id)

    transaction.on_commit(notify)
