"""The demo organisations: Caisse Horizon (a Quebec credit union) and Assurances Boréale.

`generate_demo()` runs the steps in `DEMO_STEPS` in one transaction. A later capability adds
its demo data by appending a step, e.g. `DemoStep("surveys", build_surveys)`, whose function
takes the `DemoContext` (organisations, units by code, a seeded random generator of its own)
and, if its rows point at units or people with `on_delete=PROTECT`, a `clear` function so that
`--reset` can remove them first.

The same seed always gives the same people, so a presenter can rely on "Nathalie Bergeron,
Plateau-Mont-Royal" being there on every machine.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q

from sillage.accounts.models import ApiToken, Membership, Organization, Unit, User
from sillage.demo import names
from sillage.demo.cases_demo import build_cases_demo, clear_cases_demo
from sillage.demo.context import (
    ClearFunction,
    DemoContext,
    DemoError,
    DemoStep,
    Log,
    StepFunction,
)
from sillage.demo.feedback_demo import build_feedback, clear_feedback
from sillage.demo.names import BOREALE, DEMO_LOGINS, HORIZON
from sillage.demo.organizations import (
    FIRST_EMPLOYEE_CODE,
    branch_code,
    build_boreale,
    build_horizon,
    region_code,
    team_code,
)
from sillage.demo.people import (
    PeopleMaker,
    Person,
    email_local_part,
    login_people,
    save_people,
)
from sillage.demo.pulse_demo import build_pulse_demo, clear_pulse_demo
from sillage.demo.textai_demo import build_textai_demo, clear_textai_demo
from sillage.demo.workshops_demo import build_workshops_demo, clear_workshops_demo

# The step machinery, the people and the organisations live in their own modules; they are
# re-exported here because callers and tests import them from the generator.
__all__ = [
    "DEFAULT_SEED",
    "DEMO_DOMAINS",
    "DEMO_SLUGS",
    "DEMO_STEPS",
    "FIRST_EMPLOYEE_CODE",
    "ClearFunction",
    "DemoContext",
    "DemoError",
    "DemoResult",
    "DemoStep",
    "Log",
    "LoginRow",
    "PeopleMaker",
    "Person",
    "StepFunction",
    "branch_code",
    "build_boreale",
    "build_horizon",
    "demo_delete",
    "demo_logins",
    "email_local_part",
    "generate_demo",
    "login_people",
    "region_code",
    "save_people",
    "team_code",
]

DEFAULT_SEED = 2025
DEMO_SLUGS = (HORIZON, BOREALE)
DEMO_DOMAINS = (names.HORIZON_DOMAIN, names.BOREALE_DOMAIN)


# --- Demo logins --------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoginRow:
    label: str
    email: str
    where: str


@dataclass
class DemoResult:
    created: list[str] = field(default_factory=list)  # slugs of the organisations built
    already_loaded: bool = False
    deleted: int = 0  # rows removed by reset
    memberships: dict[str, int] = field(default_factory=dict)  # org slug -> count
    units: dict[str, int] = field(default_factory=dict)
    logins: list[LoginRow] = field(default_factory=list)
    seconds: float = 0.0
    dry_run: bool = False


# --- Entry point --------------------------------------------------------------------------------


def generate_demo(
    *,
    reset: bool = False,
    dry_run: bool = False,
    seed: int = DEFAULT_SEED,
    log: Log | None = None,
) -> DemoResult:
    """Load the demo organisations unless they are there; `reset` deletes and rebuilds them.

    All or nothing: a failure (or `dry_run`) leaves the database as it was.
    """
    log = log or (lambda _message: None)
    started = time.perf_counter()
    result = DemoResult(dry_run=dry_run)
    with transaction.atomic():
        if reset:
            result.deleted = demo_delete()
            log(f"reset: {result.deleted} rows deleted")
        found = set(Organization.objects.filter(slug__in=DEMO_SLUGS).values_list("slug", flat=True))
        if found == set(DEMO_SLUGS):
            result.already_loaded = True
        elif found:
            raise DemoError(
                f"Only part of the demo is loaded (found: {', '.join(sorted(found))}). "
                "Run `seed_demo --reset`."
            )
        else:
            _run_steps(seed=seed, log=log)
            result.created = list(DEMO_SLUGS)
        for org in Organization.objects.filter(slug__in=DEMO_SLUGS):
            result.memberships[org.slug] = Membership.objects.filter(organization=org).count()
            result.units[org.slug] = Unit.objects.filter(organization=org).count()
        result.logins = demo_logins()
        if dry_run:
            transaction.set_rollback(True)
    result.seconds = time.perf_counter() - started
    return result


def _run_steps(*, seed: int, log: Log) -> None:
    # Hashing is deliberately slow (PBKDF2, about half a second): once for all demo people.
    context = DemoContext(seed=seed, password_hash=make_password(names.DEMO_PASSWORD), log=log)
    for step in DEMO_STEPS:
        step_started = time.perf_counter()
        step.build(context=context)
        log(f"step {step.name}: {time.perf_counter() - step_started:.2f} s")


def demo_delete() -> int:
    """Delete the demo organisations, their rows, and the people under the demo domains."""
    organizations = Organization.objects.filter(slug__in=DEMO_SLUGS)
    deleted = 0
    for step in reversed(DEMO_STEPS):
        if step.clear is not None:
            deleted += step.clear(organizations=organizations)
    deleted += User.objects.filter(_demo_email_filter()).delete()[0]
    # Memberships and tokens hold their unit with PROTECT, and a unit its parent: the cascade
    # from the organisation would refuse, so they go first and the tree is flattened.
    deleted += Membership.objects.filter(organization__in=organizations).delete()[0]
    deleted += ApiToken.objects.filter(organization__in=organizations).delete()[0]
    Unit.objects.filter(organization__in=organizations).update(parent=None)
    deleted += organizations.delete()[0]
    return deleted


def _demo_email_filter() -> Q:
    query = Q()
    for domain in DEMO_DOMAINS:
        query |= Q(email__endswith="@" + domain)
    return query


def demo_logins() -> list[LoginRow]:
    """One row per demo login, read from the database so that it says what is really there."""
    rows = []
    for login in DEMO_LOGINS:
        memberships = (
            Membership.objects.filter(user__email=login.email, organization__slug__in=DEMO_SLUGS)
            .select_related("organization", "unit__parent")
            .order_by("organization__created_at", "organization_id")
        )
        where = " + ".join(_where(m) for m in memberships) or "(missing: run seed_demo --reset)"
        rows.append(LoginRow(login.label, login.email, where))
    return rows


def _where(membership: Membership) -> str:
    unit, organization = membership.unit, membership.organization.name
    if unit.parent is None:
        return f"{organization} (root unit)"
    # The unit and its parent, unless that is the root, say where it is without the whole
    # chain: "Succursale Plateau-Mont-Royal › Service à la clientèle".
    trail = [unit.name_fr] if unit.parent.parent_id is None else [unit.parent.name_fr, unit.name_fr]
    return " › ".join([organization, *trail])


DEMO_STEPS: list[DemoStep] = [
    DemoStep(HORIZON, build_horizon),
    DemoStep(BOREALE, build_boreale),
    DemoStep("feedback", build_feedback, clear_feedback),
    DemoStep("pulse", build_pulse_demo, clear_pulse_demo),
    DemoStep("textai", build_textai_demo, clear_textai_demo),
    DemoStep("cases", build_cases_demo, clear_cases_demo),
    DemoStep("workshops", build_workshops_demo, clear_workshops_demo),
]
