"""What the cross-tenant crawl (tests/test_cross_tenant.py) needs from this app.

`populate(world)` creates this app's objects in both organisations; OTHER_ORG_VALUES names,
for each URL parameter this app introduces, another organisation's object.
"""

from __future__ import annotations

from collections.abc import Callable

OTHER_ORG_VALUES: dict[str, Callable[[object], object]] = {}
EXEMPT: dict[str, str] = {}


def populate(world) -> None:
    return None
