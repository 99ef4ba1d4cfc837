"""Role matrix: who may open which page, and what each role sees there."""

import pytest
from django.urls import reverse

ROLES = [
    "admin",
    "cx_lead",
    "executive",
    "regional_manager",
    "branch_manager",
    "employee",
]

# page name -> the roles that get a 200; every other role gets a 404.
MATRIX = {
    "org_home": set(ROLES),
    "unit_list": set(ROLES),
    "people": set(ROLES),
    "unit_create": {"admin"},
    "staff_import": {"admin"},
    "organization_settings": {"admin"},
    "api_tokens": {"admin"},
    "invite": {"admin"},
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", sorted(MATRIX))
def test_role_matrix(world, client, role, page):
    client.force_login(getattr(world, role))
    response = client.get(reverse(page, kwargs={"org_slug": world.org.slug}))
    assert response.status_code == (200 if role in MATRIX[page] else 404)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "visible", "hidden"),
    [
        ("admin", {"b1", "b2", "b3", "t1"}, set()),
        ("executive", {"b1", "b2", "b3", "t1"}, set()),
        ("regional_manager", {"r1", "b1", "b2", "t1"}, {"b3", "r2", "hq"}),
        ("branch_manager", {"b1", "t1"}, {"b2", "b3", "r1"}),
        ("employee", {"b1"}, {"t1", "b2", "r1"}),
    ],
)
def test_unit_detail_follows_the_viewers_subtree(world, client, role, visible, hidden):
    client.force_login(getattr(world, role))
    for key in visible:
        unit = getattr(world, key)
        url = reverse("unit_detail", args=[world.org.slug, unit.pk])
        assert client.get(url).status_code == 200, key
    for key in hidden:
        unit = getattr(world, key)
        url = reverse("unit_detail", args=[world.org.slug, unit.pk])
        assert client.get(url).status_code == 404, key


@pytest.mark.django_db
def test_manager_cannot_see_sibling_branch_people(world, client):
    client.force_login(world.branch_manager)
    response = client.get(reverse("people", args=[world.org.slug]))
    content = response.content.decode()
    assert "Émile Gauthier" in content
    assert "Victor Morin" not in content  # sibling branch B2
    assert "Alice Tremblay" not in content  # head office


@pytest.mark.django_db
def test_regional_manager_sees_both_branches_of_the_region(world, client):
    client.force_login(world.regional_manager)
    content = client.get(reverse("people", args=[world.org.slug])).content.decode()
    assert "Émile Gauthier" in content
    assert "Victor Morin" in content
    assert "Alice Tremblay" not in content


@pytest.mark.django_db
def test_employee_unit_tree_shows_only_own_unit(world, client):
    client.force_login(world.employee)
    content = client.get(reverse("unit_list", args=[world.org.slug])).content.decode()
    assert "Succursale Plateau" in content
    assert "Succursale Verdun" not in content
    assert "Équipe conseil" not in content


@pytest.mark.django_db
def test_non_member_is_sent_to_404_not_403(world, client):
    client.force_login(world.outsider)
    response = client.get(reverse("org_home", args=[world.org.slug]))
    assert response.status_code == 404


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_login(world, client):
    response = client.get(reverse("org_home", args=[world.org.slug]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
def test_inactive_membership_loses_access(world, client):
    world.membership(world.employee).__class__.objects.filter(user=world.employee).update(
        is_active=False
    )
    client.force_login(world.employee)
    assert client.get(reverse("org_home", args=[world.org.slug])).status_code == 404


@pytest.mark.django_db
def test_people_list_query_count_does_not_grow_with_people(
    world, client, django_assert_max_num_queries
):
    from sillage.accounts.models import Role
    from sillage.accounts.tests.factories import make_member

    for i in range(30):
        make_member(world.org, world.b2, Role.EMPLOYEE, f"p{i}@caisse.test", f"P{i}", "Test")
    client.force_login(world.admin)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("people", args=[world.org.slug]))
    assert response.status_code == 200
    assert response.content.decode().count("@caisse.test") >= 30


@pytest.mark.django_db
def test_unit_tree_query_count_is_constant(world, client, django_assert_max_num_queries):
    from sillage.accounts.models import Unit

    for i in range(20):
        Unit.add(organization=world.org, parent=world.b3, code=f"X{i}", name_fr=f"Équipe {i}")
    client.force_login(world.admin)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("unit_list", args=[world.org.slug]))
    assert "Équipe 19" in response.content.decode()


@pytest.mark.django_db
def test_regional_manager_home_counts_people_in_each_branch_subtree(world, client):
    from sillage.accounts.models import Role
    from sillage.accounts.tests.factories import make_member

    make_member(world.org, world.t1, Role.EMPLOYEE, "t1@caisse.test", "Tania", "Un")
    client.force_login(world.regional_manager)
    response = client.get(reverse("org_home", args=[world.org.slug]))
    rows = dict((unit.code, count) for unit, count in response.context["child_units"])
    assert rows == {"B1": 3, "B2": 1}  # Béatrice, Émile and Tania (team T1) ; Victor
