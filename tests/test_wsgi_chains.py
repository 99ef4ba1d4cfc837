"""The served application (config/wsgi.py): pages through the full middleware chain; the JSON
API and the public survey pages through the short one (sillage/wsgi.py). Driven through WSGI
as gunicorn calls it, not through Django's test client, whose handler runs the full chain."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode
from wsgiref.util import setup_testing_defaults

import pytest
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from sillage.feedback.models import Response, Source
from sillage.feedback.tests.factories import build_feedback
from sillage.feedback.tests.test_public_page import aged_stamp
from sillage.wsgi import RoutedHandler

pytestmark = pytest.mark.django_db


@pytest.fixture
def app() -> Iterator[RoutedHandler]:
    # As Django's test client does: the test's transaction must outlive each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield RoutedHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def call(
    app: RoutedHandler, method: str, path: str, body: bytes = b"", **headers: str
) -> tuple[int, dict[str, list[str]], bytes]:
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "wsgi.input": io.BytesIO(body),
        "CONTENT_LENGTH": str(len(body)),
        "SERVER_NAME": "testserver",
    }
    for name, value in headers.items():
        key = name.upper().replace("-", "_")
        environ[key if key in ("CONTENT_TYPE",) else f"HTTP_{key}"] = value
    setup_testing_defaults(environ)
    seen: dict[str, Any] = {}

    def start_response(status: str, header_list: list[tuple[str, str]], *_: Any) -> None:
        seen["status"] = int(status.split()[0])
        seen["headers"] = {}
        for name, value in header_list:
            seen["headers"].setdefault(name.lower(), []).append(value)

    result = app(environ, start_response)
    try:
        content = b"".join(result)
    finally:
        getattr(result, "close", lambda: None)()
    return seen["status"], seen["headers"], content


def middleware_classes(handler: Any) -> list[str]:
    """The chain a handler built, outermost first: each layer is Django's exception wrapper
    around a middleware instance, whose get_response is the next layer."""
    names, layer = [], handler._middleware_chain
    while True:
        cells = [cell.cell_contents for cell in getattr(layer, "__closure__", None) or ()]
        owner = next((c for c in cells if hasattr(c, "get_response")), None)
        if owner is None:
            return names
        names.append(f"{type(owner).__module__}.{type(owner).__qualname__}")
        layer = owner.get_response


def test_the_served_application_routes_by_path():
    import config.wsgi

    assert isinstance(config.wsgi.application, RoutedHandler)


def test_api_paths_get_the_short_chain_and_pages_the_full_one(app):
    assert middleware_classes(app.stateless) == settings.STATELESS_MIDDLEWARE
    full = middleware_classes(app)  # up to allauth's, a function that the walk cannot open
    assert full == settings.MIDDLEWARE[: len(full)]
    assert "django.middleware.csrf.CsrfViewMiddleware" in full
    session = "django.contrib.sessions.middleware.SessionMiddleware"
    assert session not in settings.STATELESS_MIDDLEWARE


def test_an_api_call_is_recorded_through_the_short_chain(app, world):
    body = json.dumps({"unit": world.b1.pk, "nps": 3, "external_id": "crm-wsgi"}).encode()
    status, headers, content = call(
        app,
        "POST",
        "/api/v1/responses",
        body,
        content_type="application/json",
        authorization=f"Bearer {world.admin_raw_token}",
        cookie="sessionid=whatever; csrftoken=x",
    )
    assert status == 201, content
    row = Response.objects.get(organization=world.org, source=Source.API)
    assert json.loads(content) == [{"id": row.pk, "external_id": "crm-wsgi", "created": True}]
    assert "set-cookie" not in headers  # no session, no CSRF cookie
    assert headers["x-content-type-options"] == ["nosniff"]
    assert headers["x-frame-options"] == ["DENY"]
    assert "content-security-policy" in headers


def test_the_api_still_answers_in_the_callers_language(app, world):
    status, headers, content = call(
        app,
        "POST",
        "/api/v1/responses",
        b'{"unit": 999999, "nps": 3}',
        content_type="application/json",
        authorization=f"Bearer {world.admin_raw_token}",
        accept_language="fr-CA,fr;q=0.9",
    )
    assert status == 422
    assert headers["content-language"] == ["fr"]
    assert "pas été enregistrée" in json.loads(content)["error"]
    status, headers, _content = call(
        app, "GET", "/api/v1/surveys", accept_language="en", authorization="Bearer nope"
    )
    assert status == 401
    assert headers["content-language"] == ["en"]


def test_a_session_does_not_open_the_api(app, world, client):
    client.force_login(world.admin)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    status, _headers, _content = call(
        app, "GET", "/api/v1/surveys", cookie=f"{settings.SESSION_COOKIE_NAME}={session}"
    )
    assert status == 401


def test_pages_keep_sessions_and_csrf(app, world):
    status, headers, content = call(app, "GET", "/accounts/login/")
    assert status == 200
    cookies = " ".join(headers.get("set-cookie", []))
    assert settings.CSRF_COOKIE_NAME in cookies
    assert b"csrfmiddlewaretoken" in content


def form(data: dict[str, str]) -> bytes:
    return urlencode(data).encode()


def test_the_public_page_is_served_and_answered_through_the_short_chain(app, world):
    fw = build_feedback(world.org, world.b1)
    path = f"/s/{fw.link.token}"
    status, headers, content = call(app, "GET", path, accept_language="en-US,en;q=0.9")
    assert status == 200
    assert "set-cookie" not in headers
    assert b'name="nps"' in content and b"<fieldset" in content
    assert "frame-ancestors *" in headers["content-security-policy"][0]  # the widget's frame
    assert "x-frame-options" not in headers
    before = Response.objects.count()

    bad = {"sv.lang": "fr", "sv.stamp": aged_stamp(fw.link.token), "nps": "11"}
    status, headers, content = call(
        app, "POST", path, form(bad), content_type="application/x-www-form-urlencoded"
    )
    assert status == 422  # the page again, in French, with what was typed
    assert "11 est hors de l’échelle 0–10" in content.decode()
    assert Response.objects.count() == before

    good = {**bad, "nps": "9", "liked": "Accueil chaleureux"}
    status, headers, _content = call(
        app, "POST", path, form(good), content_type="application/x-www-form-urlencoded"
    )
    assert status == 303
    assert headers["location"] == [f"/s/{fw.link.token}/merci?lang=fr"]
    assert "set-cookie" not in headers
    assert Response.objects.count() == before + 1


def test_the_unsubscribe_page_keeps_the_full_chain():
    assert not "/u/token".startswith(tuple(settings.STATELESS_PATH_PREFIXES))
