"""The cross-tenant crawl: every URL pattern and every API route, asked for another
organisation's data, answers 404.

It enumerates the project's URL resolver and the API's OpenAPI document. A pattern or route
that is neither crawled (its parameters are known below) nor exempted with a reason makes the
test fail, so each new capability is covered as soon as it adds a URL.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from sillage.accounts.models import ApiToken, Membership
from sillage.accounts.tests.factories import World
from sillage.feedback.tests.factories import build_feedback
from sillage.pulse.tests.factories import build_pulse

# Apps that keep their crawl data in `sillage/<app>/tests/cross_tenant.py`.
APP_MODULES = [
    importlib.import_module(f"sillage.{app}.tests.cross_tenant")
    for app in ("cases", "workshops", "textai")
]


@pytest.fixture
def world(world):
    """The shared world, plus feedback objects in both organisations."""
    world.other_feedback = build_feedback(world.other_org, world.other_unit)
    world.own_feedback = build_feedback(world.org, world.b1)
    world.other_pulse = build_pulse(world.other_org, world.other_unit)
    world.own_pulse = build_pulse(world.org, world.b1)
    for module in APP_MODULES:
        module.populate(world)
    return world


# How to name another organisation's object for each URL parameter. A new parameter name
# fails the test until it is added here.
OTHER_ORG_VALUES: dict[str, Callable[[World], object]] = {
    "org_slug": lambda w: w.other_org.slug,
    "unit_id": lambda w: w.other_unit.pk,
    "membership_id": lambda w: w.other_membership.pk,
    "token_id": lambda w: w.other_token.pk,
    "journey_id": lambda w: w.other_feedback.journey.pk,
    "stage_id": lambda w: w.other_feedback.stage.pk,
    "touchpoint_id": lambda w: w.other_feedback.touchpoint.pk,
    "survey_id": lambda w: w.other_feedback.survey.pk,
    "question_id": lambda w: w.other_feedback.question.pk,
    "version_id": lambda w: w.other_feedback.version.pk,
    "link_id": lambda w: w.other_feedback.link.pk,
    "contact_id": lambda w: w.other_feedback.contact.pk,
    "invitation_id": lambda w: w.other_feedback.invitation.pk,
    "response_id": lambda w: w.other_feedback.response.pk,
    "import_id": lambda w: w.other_feedback.import_job.pk,
    "campaign_id": lambda w: w.other_pulse.campaign.pk,
    "wave_id": lambda w: w.other_pulse.wave.pk,
}
for _module in APP_MODULES:
    OTHER_ORG_VALUES.update(_module.OTHER_ORG_VALUES)

# Routes that carry no organisation data, each with the reason.
EXEMPT: dict[str, str] = {
    "healthz": "database liveness only",
    "home": "redirects to the viewer's own organisation",
    "organization_switch": "lists the viewer's own memberships only",
    "language_switch": "sets the viewer's language",
    "profile": "the viewer's own preferences",
    "invite_accept": "a signed single-user token, checked in test_invitations",
    "set_language": "Django's language cookie view",
    "api-root": "the API mount itself",
    "api-1:openapi-json": "public API schema",
    "api-1:openapi-view": "public API documentation",
}
for _module in APP_MODULES:
    EXEMPT.update(_module.EXEMPT)
EXEMPT_PREFIXES = {
    "public_": "customer-facing pages reached by an unguessable token (sillage/feedback tests)",
    "account_": "django-allauth's sign-in pages: the viewer's own account",
    "django.views.static": "media in development",
}


def iter_patterns(resolvers=None, prefix: str = "", namespace: str = "") -> Iterator[tuple]:
    for entry in resolvers if resolvers is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from iter_patterns(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield (
                prefix + str(entry.pattern),
                (f"{namespace}{entry.name}" if entry.name else entry.lookup_str),
            )


def is_api(route: str) -> bool:
    return route.startswith("api/v1/")


def is_exempt(name: str) -> bool:
    return name in EXEMPT or any(name.startswith(p) for p in EXEMPT_PREFIXES)


def fill(route: str, world: World) -> str:
    def value(match: re.Match) -> str:
        param = match.group("name")
        if param not in OTHER_ORG_VALUES:
            raise AssertionError(
                f"URL parameter <{param}> in {route!r} has no entry in OTHER_ORG_VALUES"
            )
        return str(OTHER_ORG_VALUES[param](world))

    return "/" + re.sub(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>", value, route)


def page_routes() -> list[tuple[str, str]]:
    return [(r, n) for r, n in iter_patterns() if not is_api(r)]


def test_every_page_route_is_crawled_or_exempted():
    unknown = [
        (route, name)
        for route, name in page_routes()
        if not is_exempt(name) and "<" not in route and not route.startswith("o/")
    ]
    assert unknown == [], f"routes with no organisation parameter and no exemption: {unknown}"


@pytest.mark.django_db
@pytest.mark.parametrize("viewer", ["admin", "outsider_member"])
def test_every_org_page_is_404_for_another_organisations_ids(world, client, viewer):
    """Signed in as Alice (admin of Caisse Test), every URL naming Autre organisation's slug
    or ids is a 404, for GET and POST. As a member of both organisations, ids of one
    organisation under the other's slug are 404 too."""
    user = world.admin
    if viewer == "outsider_member":
        # Alice also joins the other organisation as an employee: ids of Autre organisation's
        # admin objects must still be 404 under Caisse Test's slug.
        Membership.objects.create(
            user=user, organization=world.other_org, unit=world.other_unit, role="employee"
        )
    client.force_login(user)
    crawled = 0
    for route, name in page_routes():
        if is_exempt(name):
            continue
        url = fill(route, world)
        if viewer == "outsider_member":
            url = url.replace(f"/o/{world.other_org.slug}/", f"/o/{world.org.slug}/", 1)
            if "<" not in route.replace("<slug:org_slug>", ""):
                continue  # no id in this route: nothing foreign once the slug is her own
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code == 404, f"{method.upper()} {url} ({name})"
        crawled += 1
    assert crawled >= (10 if viewer == "admin" else 5)


def api_operations(client) -> list[tuple[str, str]]:
    schema = client.get("/api/v1/openapi.json").json()
    return [
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
    ]


@pytest.mark.django_db
def test_every_api_route_hides_another_organisations_data(world, client):
    """With Caisse Test's token, every API route naming Autre organisation's ids is 404 and
    every list omits Autre organisation's rows."""
    headers = {"Authorization": f"Bearer {world.admin_raw_token}"}
    other_ids = {world.other_unit.pk, world.other_hq.pk}
    operations = api_operations(client)
    assert operations, "the API lists no route"
    for method, path in operations:
        url = re.sub(
            r"\{(\w+)\}",
            lambda m: (
                str(OTHER_ORG_VALUES[m.group(1)](world))
                if m.group(1) in OTHER_ORG_VALUES
                else pytest.fail(f"API parameter {{{m.group(1)}}} has no entry in OTHER_ORG_VALUES")
            ),
            path,
        )
        response = client.generic(method, url, headers=headers, content_type="application/json")
        if "{" in path:
            assert response.status_code == 404, f"{method} {url}"
            continue
        assert response.status_code in {200, 422}, f"{method} {url}: {response.status_code}"
        body = response.content.decode()
        assert world.other_org.slug not in body, f"{method} {url} leaks the other organisation"
        for item in _items(response):
            assert item.get("id") not in other_ids, f"{method} {url} lists {item}"


def _items(response) -> list[dict]:
    data = response.json()
    if isinstance(data, dict):
        data = data.get("items", [data])
    return [d for d in data if isinstance(d, dict)]


@pytest.mark.django_db
def test_api_token_of_another_organisation_never_reads_this_one(world, client):
    headers = {"Authorization": f"Bearer {world.other_raw_token}"}
    response = client.get(f"/api/v1/units/{world.b1.pk}", headers=headers)
    assert response.status_code == 404
    listed = {u["id"] for u in client.get("/api/v1/units", headers=headers).json()}
    assert listed == {world.other_hq.pk, world.other_unit.pk}


@pytest.mark.django_db
def test_revoked_token_is_refused(world, client):
    ApiToken.objects.filter(pk=world.admin_token.pk).update(revoked_at="2026-01-01T00:00:00Z")
    response = client.get(
        "/api/v1/units", headers={"Authorization": f"Bearer {world.admin_raw_token}"}
    )
    assert response.status_code == 401
    assert response.json() == {"error": "Missing or invalid bearer token."}
