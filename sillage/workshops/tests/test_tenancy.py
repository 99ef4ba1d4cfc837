"""This app's routes under the project's cross-tenant crawl rules, on their own: another
organisation's workshop, idea or action is a 404 for every method, page and API route."""

import pytest

from sillage.accounts.models import Membership
from sillage.workshops.tests import cross_tenant

pytestmark = pytest.mark.django_db


def routes():
    from tests.test_cross_tenant import page_routes

    return [(r, n) for r, n in page_routes() if n.startswith("workshops_")]


def fill(route, world):
    import re

    values = {"org_slug": world.other_org.slug, **cross_tenant.OTHER_ORG_VALUES}

    def value(match):
        found = values[match.group("name")]
        return str(found(world) if callable(found) else found)

    return "/" + re.sub(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>", value, route)


@pytest.fixture
def crawl_world(world):
    cross_tenant.populate(world)
    return world


@pytest.mark.parametrize("viewer", ["admin", "outsider_member"])
def test_every_workshop_page_is_404_for_another_organisations_ids(crawl_world, client, viewer):
    world = crawl_world
    if viewer == "outsider_member":
        Membership.objects.create(
            user=world.admin, organization=world.other_org, unit=world.other_unit, role="employee"
        )
    client.force_login(world.admin)
    crawled = 0
    for route, _name in routes():
        url = fill(route, world)
        if viewer == "outsider_member":
            if "<" not in route.replace("<slug:org_slug>", ""):
                continue
            url = url.replace("/o/autre/", "/o/caisse/", 1)
        for method in ("get", "post"):
            assert getattr(client, method)(url).status_code == 404, f"{method} {url}"
        crawled += 1
    assert crawled >= 10


def test_api_routes_hide_another_organisations_workshops(crawl_world, client):
    world = crawl_world
    auth = {"Authorization": f"Bearer {world.admin_raw_token}"}
    assert (
        client.get(f"/api/v1/workshops/{world.other_workshop.pk}", headers=auth).status_code == 404
    )
    listed = {w["id"] for w in client.get("/api/v1/workshops", headers=auth).json()}
    assert listed == {world.own_workshop.pk}
    actions = {a["id"] for a in client.get("/api/v1/team-actions", headers=auth).json()}
    assert actions == {world.own_action.pk}


def test_own_organisation_pages_answer(crawl_world, client):
    world = crawl_world
    client.force_login(world.admin)
    w, a = world.own_workshop.pk, world.own_action.pk
    for url in [
        "/o/caisse/workshops/", "/o/caisse/workshops/new/", "/o/caisse/workshops/organisation/",
        f"/o/caisse/workshops/{w}/", f"/o/caisse/workshops/{w}/kit/",
        f"/o/caisse/workshops/{w}/screen/", "/o/caisse/actions/", "/o/caisse/actions/library/",
        f"/o/caisse/actions/{a}/", f"/o/caisse/workshops/{w}/parking-lot.csv",
    ]:  # fmt: skip
        assert client.get(url).status_code == 200, url
