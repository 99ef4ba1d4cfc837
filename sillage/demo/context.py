"""What the demo's steps share: the context they build on, and the shape of a step.

A step's function takes the `DemoContext` (organisations, units by code, a seeded random
generator of its own) and, if its rows point at units or people with `on_delete=PROTECT`, a
`clear` function so that `--reset` can remove them first.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from django.db.models import QuerySet

from sillage.accounts.models import Organization, Unit

Log = Callable[[str], None]


class DemoError(Exception):
    """The demo cannot be loaded as asked (the command turns this into a CommandError)."""


# --- Steps --------------------------------------------------------------------------------------


@dataclass
class DemoContext:
    """What the steps share: each one reads what earlier steps built and adds its own."""

    seed: int
    password_hash: str
    log: Log
    organizations: dict[str, Organization] = field(default_factory=dict)
    units: dict[tuple[str, str], Unit] = field(default_factory=dict)  # (org slug, code)

    def rng(self, step: str) -> random.Random:
        # One generator per step, seeded by its name: a new step, or a change in one, leaves
        # the data of the others exactly as it was.
        return random.Random(f"{self.seed}:{step}")

    def unit(self, org_slug: str, code: str) -> Unit:
        return self.units[(org_slug, code)]


class StepFunction(Protocol):
    def __call__(self, *, context: DemoContext) -> None: ...


class ClearFunction(Protocol):
    def __call__(self, *, organizations: QuerySet[Organization]) -> int: ...


@dataclass(frozen=True)
class DemoStep:
    name: str
    build: StepFunction
    clear: ClearFunction | None = None
