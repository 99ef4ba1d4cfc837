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

import random
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q, QuerySet

from sillage.accounts.models import (
    ApiToken,
    Membership,
    Organization,
    Role,
    Unit,
    UnitType,
    User,
)
from sillage.demo import names
from sillage.demo.cases_demo import build_cases_demo, clear_cases_demo
from sillage.demo.feedback_demo import build_feedback, clear_feedback
from sillage.demo.names import BOREALE, DEMO_LOGINS, HORIZON
from sillage.demo.pulse_demo import build_pulse_demo, clear_pulse_demo
from sillage.demo.textai_demo import build_textai_demo, clear_textai_demo
from sillage.demo.workshops_demo import build_workshops_demo, clear_workshops_demo

DEFAULT_SEED = 2025
DEMO_SLUGS = (HORIZON, BOREALE)
DEMO_DOMAINS = (names.HORIZON_DOMAIN, names.BOREALE_DOMAIN)
FIRST_EMPLOYEE_CODE = 10001

Log = Callable[[str], None]


class DemoError(Exception):
    """The demo cannot be loaded as asked (the command turns this into a CommandError)."""


# --- Demo logins --------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoginRow:
    label: str
    email: str
    where: str


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


# --- People -------------------------------------------------------------------------------------


@dataclass
class Person:
    """A membership to create, with the person behind it."""

    first_name: str
    last_name: str
    email: str
    language: str
    unit: Unit
    role: str
    job_title: str
    is_facilitator: bool = False
    is_ambassador: bool = False
    has_employee_code: bool = True
    employee_code: str = ""


def email_local_part(first_name: str, last_name: str) -> str:
    """prenom.nom in ASCII: "Marie-Ève St-Pierre" -> "marie-eve.st-pierre"."""

    def ascii_part(text: str) -> str:
        plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        return "".join(c for c in plain.lower() if c.isalnum() or c == "-")

    return f"{ascii_part(first_name)}.{ascii_part(last_name)}"


class PeopleMaker:
    """Draws plausible people for one organisation, never twice the same address.

    A name already given is drawn again (a few times) before falling back to "marie.roy2":
    homonyms exist, but a demo where three Émilie Gosselin work at the same credit union
    looks generated.
    """

    NAME_DRAWS = 10

    def __init__(self, *, rng: random.Random, domain: str, reserved: Iterable[Person] = ()) -> None:
        self.rng = rng
        self.domain = domain
        self.taken: set[str] = set()
        self.names: set[tuple[str, str]] = set()
        for person in reserved:
            self.taken.add(person.email)
            self.names.add((person.first_name, person.last_name))

    def email(self, first_name: str, last_name: str) -> str:
        self.names.add((first_name, last_name))
        local = email_local_part(first_name, last_name)
        candidate, number = local, 1
        while f"{candidate}@{self.domain}" in self.taken:
            number += 1
            candidate = f"{local}{number}"
        address = f"{candidate}@{self.domain}"
        self.taken.add(address)
        return address

    def person(self, *, unit: Unit, role: str, title: names.Title, **flags: bool) -> Person:
        feminine = self.rng.random() < 0.5
        language = "en" if self.rng.random() < names.ENGLISH_SHARE else "fr"
        for _draw in range(self.NAME_DRAWS):
            first, last = self._name(feminine=feminine, language=language)
            if (first, last) not in self.names:
                break
        return Person(
            first_name=first,
            last_name=last,
            email=self.email(first, last),
            language=language,
            unit=unit,
            role=role,
            job_title=title[0] if feminine else title[1],
            **flags,
        )

    def _name(self, *, feminine: bool, language: str) -> tuple[str, str]:
        rng = self.rng
        if language == "en":
            first = rng.choice(
                names.ENGLISH_FIRST_NAMES_F if feminine else names.ENGLISH_FIRST_NAMES_M
            )
            french_surname = rng.random() < names.ENGLISH_SPEAKER_FRENCH_SURNAME_SHARE
            last = rng.choice(
                names.FRENCH_LAST_NAMES if french_surname else names.ENGLISH_LAST_NAMES
            )
        else:
            first = rng.choice(
                names.FRENCH_FIRST_NAMES_F if feminine else names.FRENCH_FIRST_NAMES_M
            )
            newer = rng.random() < names.NEWER_SHARE
            last = rng.choice(names.NEWER_LAST_NAMES if newer else names.FRENCH_LAST_NAMES)
        return first, last

    def front_line(self, *, unit: Unit, team_code: str) -> Person:
        titles, weights = zip(*names.TITLES_BY_TEAM[team_code], strict=True)
        title = self.rng.choices(titles, weights=weights)[0]
        return self.person(unit=unit, role=Role.EMPLOYEE, title=title)


def login_people(*, context: DemoContext, org_slug: str) -> list[Person]:
    """The demo logins' memberships in one organisation."""
    people = []
    for login in DEMO_LOGINS:
        for place in login.places:
            if place.org_slug != org_slug:
                continue
            people.append(
                Person(
                    first_name=login.first_name,
                    last_name=login.last_name,
                    email=login.email,
                    language=login.language,
                    unit=context.unit(org_slug, place.unit_code),
                    role=place.role,
                    job_title=place.job_title,
                    is_facilitator=place.is_facilitator,
                    has_employee_code=place.has_employee_code,
                )
            )
    return people


def save_people(*, organization: Organization, people: list[Person], password_hash: str) -> None:
    """Create the users that do not exist yet, then every membership, in two bulk inserts."""
    emails = [p.email for p in people]
    existing = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    # No last_organization: a person in one organisation lands in it anyway, and the
    # consultant, in two, lands on the organisation switcher, which is what the demo shows.
    User.objects.bulk_create(
        User(
            email=p.email,
            first_name=p.first_name,
            last_name=p.last_name,
            language=p.language,
            password=password_hash,
        )
        for p in people
        if p.email not in existing
    )
    # Re-read rather than trust bulk_create to have set the ids: not every backend returns them.
    users = User.objects.in_bulk(emails, field_name="email")
    Membership.objects.bulk_create(
        Membership(
            user=users[p.email],
            organization=organization,
            unit=p.unit,
            role=p.role,
            job_title=p.job_title,
            is_facilitator=p.is_facilitator,
            is_ambassador=p.is_ambassador,
            employee_code=p.employee_code,
        )
        for p in people
    )


def _create_organization(
    *, context: DemoContext, slug: str, name: str, colour: str, unit_types: list[names.UnitTypeSpec]
) -> tuple[Organization, dict[str, UnitType]]:
    organization = Organization.objects.create(
        name=name,
        slug=slug,
        default_language="fr",
        time_zone="America/Toronto",
        brand_colour=colour,
    )
    context.organizations[slug] = organization
    types = {
        spec.code: UnitType.objects.create(
            organization=organization,
            code=spec.code,
            name_fr=spec.name_fr,
            name_en=spec.name_en,
            rank=rank,
        )
        for rank, spec in enumerate(unit_types)
    }
    return organization, types


def _add_unit(
    *,
    context: DemoContext,
    organization: Organization,
    parent: Unit | None,
    code: str,
    name_fr: str,
    name_en: str,
    unit_type: UnitType | None,
) -> Unit:
    unit = Unit.add(
        organization=organization,
        parent=parent,
        code=code,
        name_fr=name_fr,
        name_en=name_en,
        unit_type=unit_type,
    )
    context.units[(organization.slug, code)] = unit
    return unit


# --- Caisse Horizon -----------------------------------------------------------------------------


def build_horizon(*, context: DemoContext) -> None:
    organization, types = _create_organization(
        context=context,
        slug=HORIZON,
        name="Caisse Horizon",
        colour="#0B6E4F",
        unit_types=names.HORIZON_UNIT_TYPES,
    )
    _build_horizon_tree(context=context, organization=organization, types=types)
    people = _plan_horizon_people(context=context, rng=context.rng(HORIZON))
    save_people(organization=organization, people=people, password_hash=context.password_hash)
    context.log(
        f"Caisse Horizon: {sum(1 for slug, _code in context.units if slug == HORIZON)} units, "
        f"{len(people)} people"
    )


def region_code(region: names.Region) -> str:
    return f"R-{region.code}"


def branch_code(branch: names.Branch) -> str:
    return f"B-{branch.region}-{branch.code}"


def team_code(branch: names.Branch, team: names.TeamSpec) -> str:
    return f"T-{branch.region}-{branch.code}-{team.code}"


def _build_horizon_tree(
    *, context: DemoContext, organization: Organization, types: dict[str, UnitType]
) -> None:
    def add(parent: Unit | None, code: str, fr: str, en: str, kind: str | None) -> Unit:
        return _add_unit(
            context=context,
            organization=organization,
            parent=parent,
            code=code,
            name_fr=fr,
            name_en=en,
            unit_type=types[kind] if kind else None,
        )

    root = add(None, "HQ", "Caisse Horizon", "Caisse Horizon", None)
    regions = {
        r.code: add(root, region_code(r), r.name_fr, r.name_en, "region") for r in names.REGIONS
    }
    for branch in names.BRANCHES:
        branch_unit = add(
            regions[branch.region],
            branch_code(branch),
            "Succursale " + branch.place_fr,
            branch.place_en + " Branch",
            "branch",
        )
        for team in names.BRANCH_TEAMS[branch.size]:
            add(branch_unit, team_code(branch, team), team.name_fr, team.name_en, "team")
    cc = names.CONTACT_CENTRE
    centre = add(root, cc.code, cc.name_fr, cc.name_en, "service")
    for code, fr, en, _agents in names.CONTACT_CENTRE_TEAMS:
        add(centre, code, fr, en, "team")
    dig = names.DIGITAL_TEAM
    add(root, dig.code, dig.name_fr, dig.name_en, "team")


def _plan_horizon_people(*, context: DemoContext, rng: random.Random) -> list[Person]:
    def unit(code: str) -> Unit:
        return context.unit(HORIZON, code)

    people = login_people(context=context, org_slug=HORIZON)
    maker = PeopleMaker(rng=rng, domain=names.HORIZON_DOMAIN, reserved=people)
    login_units = {(p.unit.code, p.role) for p in people}

    for first, last, role, title, facilitator in names.HORIZON_HEAD_OFFICE:
        email = maker.email(first, last)
        people.append(Person(first, last, email, "fr", unit("HQ"), role, title, facilitator))

    for region in names.REGIONS:
        region_unit = unit(region_code(region))
        if (region_unit.code, Role.MANAGER) not in login_units:
            people.append(
                maker.person(unit=region_unit, role=Role.MANAGER, title=names.T_REGIONAL_DIRECTOR)
            )
        people.append(
            maker.person(
                unit=region_unit,
                role=Role.EMPLOYEE,
                title=names.T_REGIONAL_ADVISOR,
                is_facilitator=True,
            )
        )

    centre = unit(names.CONTACT_CENTRE.code)
    people.append(maker.person(unit=centre, role=Role.MANAGER, title=names.T_CC_DIRECTOR))
    for code, _fr, _en, agents in names.CONTACT_CENTRE_TEAMS:
        team = unit(code)
        people.append(maker.person(unit=team, role=Role.MANAGER, title=names.T_SUPERVISOR))
        agents_planned = [maker.front_line(unit=team, team_code=code) for _ in range(agents)]
        agents_planned[0].is_ambassador = True
        people.extend(agents_planned)

    digital = unit(names.DIGITAL_TEAM.code)
    people.append(maker.person(unit=digital, role=Role.MANAGER, title=names.T_DIGITAL_LEAD))
    people.extend(
        maker.front_line(unit=digital, team_code=names.DIGITAL_TEAM.code)
        for _ in range(names.DIGITAL_TEAM_SIZE)
    )

    people.extend(
        _plan_branches(context=context, maker=maker, already=people, login_units=login_units)
    )
    _give_employee_codes(people=people, rng=rng)
    return people


def _plan_branches(
    *,
    context: DemoContext,
    maker: PeopleMaker,
    already: list[Person],
    login_units: set[tuple[str, str]],
) -> list[Person]:
    """Managers of every branch, then front-line teams sized to reach the headcount."""
    people: list[Person] = []
    teams: list[tuple[names.Branch, names.TeamSpec, Unit]] = []
    seats: dict[str, int] = {}  # team code -> front-line people to draw
    for branch in names.BRANCHES:
        branch_unit = context.unit(HORIZON, branch_code(branch))
        if (branch_unit.code, Role.MANAGER) not in login_units:
            people.append(
                maker.person(unit=branch_unit, role=Role.MANAGER, title=names.T_BRANCH_MANAGER)
            )
        if branch.size == "L":
            people.append(
                maker.person(unit=branch_unit, role=Role.MANAGER, title=names.T_ASSISTANT_MANAGER)
            )
        for team in names.BRANCH_TEAMS[branch.size]:
            team_unit = context.unit(HORIZON, team_code(branch, team))
            teams.append((branch, team, team_unit))
            logins_here = sum(1 for p in already if p.unit.pk == team_unit.pk)
            seats[team_unit.code] = names.BRANCH_TEAM_BASE_SIZE[branch.size] - logins_here

    # Whatever the fixed posts leave of the headcount goes to the branches, the larger ones
    # getting more, so that the total is exactly the headcount.
    spare = names.HORIZON_HEADCOUNT - len(already) - len(people) - sum(seats.values())
    if spare < 0:
        raise DemoError("The Horizon headcount is too small for its teams.")
    weights = [names.BRANCH_TEAM_WEIGHT[branch.size] for branch, _team, _unit in teams]
    for team_unit in maker.rng.choices([unit for *_, unit in teams], weights=weights, k=spare):
        seats[team_unit.code] += 1

    ambassador_branches = set(maker.rng.sample(names.BRANCHES, k=len(names.BRANCHES) // 3))
    for branch, team, team_unit in teams:
        drawn = [
            maker.front_line(unit=team_unit, team_code=team.code)
            for _ in range(seats[team_unit.code])
        ]
        if branch in ambassador_branches and team == names.TEAM_CUSTOMER:
            drawn[0].is_ambassador = True
        people.extend(drawn)
    return people


def _give_employee_codes(*, people: list[Person], rng: random.Random) -> None:
    number = FIRST_EMPLOYEE_CODE
    for person in people:
        if person.has_employee_code and rng.random() < names.EMPLOYEE_CODE_SHARE:
            person.employee_code = f"E{number}"
            number += 1


# --- Assurances Boréale -------------------------------------------------------------------------


def build_boreale(*, context: DemoContext) -> None:
    organization, types = _create_organization(
        context=context,
        slug=BOREALE,
        name="Assurances Boréale",
        colour="#1F4E9C",
        unit_types=names.BOREALE_UNIT_TYPES,
    )
    for code, parent_code, fr, en, kind in names.BOREALE_UNITS:
        _add_unit(
            context=context,
            organization=organization,
            parent=context.unit(BOREALE, parent_code) if parent_code else None,
            code=code,
            name_fr=fr,
            name_en=en,
            unit_type=types[kind] if kind else None,
        )
    people = login_people(context=context, org_slug=BOREALE)
    maker = PeopleMaker(rng=context.rng(BOREALE), domain=names.BOREALE_DOMAIN, reserved=people)
    for first, last, language, unit_code, role, title in names.BOREALE_PEOPLE:
        unit = context.unit(BOREALE, unit_code)
        people.append(Person(first, last, maker.email(first, last), language, unit, role, title))
    save_people(organization=organization, people=people, password_hash=context.password_hash)
    context.log(f"Assurances Boréale: {len(names.BOREALE_UNITS)} units, {len(people)} people")


DEMO_STEPS: list[DemoStep] = [
    DemoStep(HORIZON, build_horizon),
    DemoStep(BOREALE, build_boreale),
    DemoStep("feedback", build_feedback, clear_feedback),
    DemoStep("pulse", build_pulse_demo, clear_pulse_demo),
    DemoStep("textai", build_textai_demo, clear_textai_demo),
    DemoStep("cases", build_cases_demo, clear_cases_demo),
    DemoStep("workshops", build_workshops_demo, clear_workshops_demo),
]
