"""`manage.py seed_demo`: the demo organisations, their tree, their people and the demo logins."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from sillage.accounts.models import (
    PATH_STEP,
    ApiToken,
    Membership,
    Organization,
    Role,
    Unit,
    UnitType,
    User,
)
from sillage.demo.generator import email_local_part
from sillage.demo.names import DEMO_LOGINS, DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Organization, UnitType, Unit, User, Membership)
    }


def people_snapshot() -> list[tuple[str, ...]]:
    return sorted(
        Membership.objects.values_list(
            "organization__slug", "user__email", "user__first_name", "unit__code", "job_title"
        )
    )


def test_horizon_has_its_tree_and_about_600_people():
    seed()
    horizon = Organization.objects.get(slug="horizon")
    assert (horizon.name, horizon.default_language, horizon.time_zone, horizon.brand_colour) == (
        "Caisse Horizon",
        "fr",
        "America/Toronto",
        "#0B6E4F",
    )
    units = Unit.objects.filter(organization=horizon)
    types = dict(UnitType.objects.filter(organization=horizon).values_list("code", "name_en"))
    assert types == {
        "region": "Region",
        "branch": "Branch",
        "team": "Team",
        "service": "Department",
    }
    root = units.get(parent=None)
    assert (root.code, root.name_fr) == ("HQ", "Caisse Horizon")
    assert units.filter(unit_type__code="region", parent=root).count() == 4
    branches = units.filter(unit_type__code="branch")
    assert branches.count() == 40
    assert set(branches.values_list("parent__unit_type__code", flat=True)) == {"region"}
    for branch in branches:
        assert 1 <= branch.children.count() <= 2, branch.code
    plateau = units.get(code="B-MTL-PLATEAU")
    assert (plateau.name_fr, plateau.name_en) == (
        "Succursale Plateau-Mont-Royal",
        "Plateau-Mont-Royal Branch",
    )
    assert units.get(code="R-MTL").name_en == "Montreal Region"
    centre = units.get(code="CC", parent=root)
    assert centre.name_en == "Customer contact centre"
    assert 2 <= centre.children.count() <= 3
    assert units.get(code="DIG", parent=root).name_fr == "Équipe numérique"
    assert not units.filter(name_en="").exists()

    memberships = Membership.objects.filter(organization=horizon)
    assert 550 <= memberships.count() <= 650
    # Every branch and region is led by a manager.
    for unit in units.filter(unit_type__code__in=["region", "branch"]):
        assert memberships.filter(unit=unit, role=Role.MANAGER).exists(), unit.code
    assert 3 <= memberships.filter(is_facilitator=True).count() <= 15
    assert 3 <= memberships.filter(is_ambassador=True).count() <= 30
    assert memberships.filter(employee_code="E10001").count() == 1
    english = memberships.filter(user__language="en").count() / memberships.count()
    assert 0.08 <= english <= 0.22
    assert not memberships.filter(job_title="").exists()


def test_people_have_ascii_unique_addresses_at_the_demo_domain():
    seed()
    emails = list(
        User.objects.filter(memberships__organization__slug="horizon").values_list(
            "email", flat=True
        )
    )
    assert len(emails) == len(set(emails))
    assert all(e.isascii() and e.endswith("@horizon.example") for e in emails)


def test_email_local_part_drops_accents_spaces_and_apostrophes():
    assert email_local_part("Marie-Ève", "St-Pierre") == "marie-eve.st-pierre"
    assert email_local_part("Kevin", "O'Brien") == "kevin.obrien"
    assert email_local_part("Antoine", "Da Silva") == "antoine.dasilva"
    assert email_local_part("Émile", "Côté") == "emile.cote"


def test_boreale_is_a_separate_small_organisation():
    seed()
    boreale = Organization.objects.get(slug="boreale")
    assert (boreale.name, boreale.brand_colour) == ("Assurances Boréale", "#1F4E9C")
    assert Unit.objects.filter(organization=boreale).count() == 3
    assert 10 <= Membership.objects.filter(organization=boreale).count() <= 20
    admin = Membership.objects.get(user__email="admin@boreale.example")
    assert (admin.organization, admin.role) == (boreale, Role.ADMIN)
    # No membership of one organisation points at the other's units.
    assert not Membership.objects.filter(organization=boreale, unit__organization__slug="horizon")
    assert not Membership.objects.filter(organization__slug="horizon", unit__organization=boreale)


def test_every_unit_path_is_its_parents_path_and_its_own_id():
    seed()
    for unit in Unit.objects.select_related("parent"):
        own = f"{unit.pk:0{PATH_STEP}d}/"
        if unit.parent is None:
            assert (unit.path, unit.depth) == (own, 1), unit.code
        else:
            assert unit.path == unit.parent.path + own, unit.code
            assert unit.depth == unit.parent.depth + 1, unit.code


def test_demo_logins_sign_in_with_their_role_and_unit():
    output = seed()
    assert "Demo logins (password: sillage-demo)" in output
    for login in DEMO_LOGINS:
        assert login.email in output
        user = authenticate(email=login.email, password=DEMO_PASSWORD)
        assert user is not None, login.email
        assert (user.first_name, user.last_name) == (login.first_name, login.last_name)
        for place in login.places:
            membership = Membership.objects.get(user=user, organization__slug=place.org_slug)
            assert (membership.role, membership.unit.code) == (place.role, place.unit_code)

    def place_of(email: str) -> tuple[str, str, str]:
        m = Membership.objects.select_related("unit").get(user__email=email)
        return m.role, m.unit.code, m.unit.name_fr

    assert place_of("admin@horizon.example") == (Role.ADMIN, "HQ", "Caisse Horizon")
    assert place_of("cx@horizon.example")[0] == Role.CX_LEAD
    assert place_of("direction@horizon.example")[0] == Role.EXECUTIVE
    assert place_of("region.montreal@horizon.example") == (
        Role.MANAGER,
        "R-MTL",
        "Région de Montréal",
    )
    assert place_of("succursale.plateau@horizon.example") == (
        Role.MANAGER,
        "B-MTL-PLATEAU",
        "Succursale Plateau-Mont-Royal",
    )
    employee = Membership.objects.select_related("unit__parent").get(
        user__email="employe.plateau@horizon.example"
    )
    assert (employee.role, employee.unit.name_fr, employee.unit.parent.code) == (
        Role.EMPLOYEE,
        "Service à la clientèle",
        "B-MTL-PLATEAU",
    )
    assert authenticate(email="admin@horizon.example", password="wrong") is None


def test_consultant_belongs_to_both_organisations():
    seed()
    memberships = Membership.objects.filter(user__email="consultant@horizon.example")
    assert dict(memberships.values_list("organization__slug", "is_facilitator")) == {
        "horizon": True,
        "boreale": False,
    }
    assert set(memberships.values_list("role", flat=True)) == {Role.EMPLOYEE}


def test_second_run_adds_nothing_and_still_prints_the_logins():
    seed()
    before = row_counts()
    output = seed()
    assert row_counts() == before
    assert "already loaded" in output
    assert "Demo logins (password: sillage-demo)" in output
    assert "succursale.plateau@horizon.example" in output


def test_reset_rebuilds_the_same_people():
    seed()
    first_people = people_snapshot()
    old_horizon = Organization.objects.get(slug="horizon").pk
    counts = row_counts()
    # Rows that hold units with PROTECT, and an outsider invited into the demo, must not
    # stop the reset.
    horizon = Organization.objects.get(slug="horizon")
    ApiToken.issue(
        organization=horizon,
        name="BI",
        role=Role.MANAGER,
        unit=Unit.objects.get(organization=horizon, code="B-MTL-PLATEAU"),
    )
    outsider = User.objects.create_user("real.person@example.com")
    Membership.objects.create(
        user=outsider, organization=horizon, unit=Unit.objects.get(organization=horizon, code="DIG")
    )

    output = seed("--reset")

    assert "Demo loaded" in output
    assert Organization.objects.get(slug="horizon").pk != old_horizon
    assert people_snapshot() == first_people
    assert row_counts() == {**counts, "User": counts["User"] + 1}
    assert not Membership.objects.filter(user=outsider).exists()
    assert not ApiToken.objects.exists()


def test_dry_run_leaves_the_database_unchanged():
    output = seed("--dry-run")
    assert "dry run" in output
    assert not Organization.objects.exists()
    assert not User.objects.exists()


def test_partial_demo_is_refused():
    Organization.objects.create(name="Assurances Boréale", slug="boreale")
    with pytest.raises(CommandError, match="--reset"):
        seed()
    assert not Organization.objects.filter(slug="horizon").exists()


def test_verbosity_zero_prints_nothing():
    out = StringIO()
    call_command("seed_demo", verbosity=0, stdout=out)
    assert out.getvalue() == ""
    assert Organization.objects.filter(slug__in=["horizon", "boreale"]).count() == 2
