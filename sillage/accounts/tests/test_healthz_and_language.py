from unittest import mock

import pytest
from django.db.utils import OperationalError
from django.urls import reverse


@pytest.mark.django_db
def test_healthz_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_healthz_503_when_the_database_fails(client):
    with mock.patch(
        "sillage.accounts.views.connection.cursor", side_effect=OperationalError("down")
    ):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}


@pytest.mark.django_db
def test_language_defaults_to_the_organisations_then_the_users_choice(world, client):
    world.org.default_language = "en"
    world.org.save()
    world.employee.last_organization = world.org
    world.employee.save()
    client.force_login(world.employee)
    page = client.get(reverse("org_home", args=[world.org.slug]))
    assert page["Content-Language"] == "en"
    client.post(reverse("language_switch"), {"language": "fr", "next": "/o/caisse/"})
    world.employee.refresh_from_db()
    assert world.employee.language == "fr"
    page = client.get(reverse("org_home", args=[world.org.slug]))
    assert page["Content-Language"] == "fr"
    assert '<html lang="fr">' in page.content.decode()


@pytest.mark.django_db
def test_visitor_language_comes_from_the_browser_then_the_cookie(client):
    page = client.get("/accounts/login/", headers={"Accept-Language": "en-CA,en;q=0.9"})
    assert page["Content-Language"] == "en"
    response = client.post(
        reverse("language_switch"), {"language": "fr", "next": "/accounts/login/"}
    )
    assert response["Location"] == "/accounts/login/"
    page = client.get("/accounts/login/", headers={"Accept-Language": "en-CA,en;q=0.9"})
    assert page["Content-Language"] == "fr"


@pytest.mark.django_db
def test_language_switch_refuses_an_offsite_redirect(client):
    response = client.post(
        reverse("language_switch"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"
