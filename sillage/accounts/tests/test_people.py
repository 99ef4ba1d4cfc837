import pytest
from django.urls import reverse

from sillage.accounts.models import Membership, Role


@pytest.mark.django_db
def test_admin_changes_a_persons_role_and_unit(world, client):
    client.force_login(world.admin)
    membership = world.membership(world.employee)
    response = client.post(
        reverse("membership_edit", args=[world.org.slug, membership.pk]),
        {
            "unit": world.b2.pk,
            "role": Role.MANAGER,
            "job_title": "Directeur",
            "is_active": "on",
            "is_ambassador": "on",
        },
    )
    membership.refresh_from_db()
    assert response.status_code == 302
    assert (membership.unit, membership.role, membership.is_ambassador) == (
        world.b2,
        Role.MANAGER,
        True,
    )


@pytest.mark.django_db
def test_last_admin_cannot_be_demoted(world, client):
    client.force_login(world.admin)
    membership = world.membership(world.admin)
    response = client.post(
        reverse("membership_edit", args=[world.org.slug, membership.pk]),
        {"unit": world.hq.pk, "role": Role.EMPLOYEE, "is_active": "on"},
    )
    membership.refresh_from_db()
    assert response.status_code == 200
    assert (
        "L’organisation doit garder au moins un administrateur actif." in response.content.decode()
    )
    assert membership.role == Role.ADMIN


@pytest.mark.django_db
def test_people_search_by_name(world, client):
    client.force_login(world.admin)
    content = client.get(reverse("people", args=[world.org.slug]), {"q": "gauth"}).content.decode()
    assert "Émile Gauthier" in content
    assert "Victor Morin" not in content


@pytest.mark.django_db
def test_people_htmx_request_returns_only_the_table(world, client):
    client.force_login(world.admin)
    response = client.get(
        reverse("people", args=[world.org.slug]),
        {"role": "manager"},
        headers={"HX-Request": "true"},
    )
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="people-table"')
    assert "Béatrice Bouchard" in content
    assert "Émile Gauthier" not in content


@pytest.mark.django_db
def test_person_in_two_organisations_switches(world, client):
    Membership.objects.create(
        user=world.admin, organization=world.other_org, unit=world.other_unit, role=Role.EMPLOYEE
    )
    client.force_login(world.admin)
    page = client.get(reverse("org_home", args=[world.org.slug])).content.decode()
    assert "Autre organisation" in page  # the switcher lists the other organisation
    response = client.post(reverse("organization_switch"), {"org": world.other_org.slug})
    assert response["Location"] == reverse("org_home", args=[world.other_org.slug])
    world.admin.refresh_from_db()
    assert world.admin.last_organization == world.other_org
    assert client.get(reverse("home"))["Location"] == reverse("org_home", args=["autre"])


@pytest.mark.django_db
def test_switching_to_a_foreign_organisation_is_404(world, client):
    client.force_login(world.employee)
    response = client.post(reverse("organization_switch"), {"org": world.other_org.slug})
    assert response.status_code == 404
