"""The demo organisations' trees and people: Caisse Horizon and Assurances Boréale.

The same seed always gives the same people, so a presenter can rely on "Nathalie Bergeron,
Plateau-Mont-Royal" being there on every machine.
"""

from __future__ import annotations

import random

from sillage.accounts.models import Organization, Role, Unit, UnitType
from sillage.demo import names
from sillage.demo.context import DemoContext, DemoError
from sillage.demo.names import BOREALE, HORIZON
from sillage.demo.people import PeopleMaker, Person, login_people, save_people

FIRST_EMPLOYEE_CODE = 10001


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
