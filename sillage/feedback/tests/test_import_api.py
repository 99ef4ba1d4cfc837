"""The imports API: POST /imports (file, mapping, dry run) and GET /imports/{import_id}."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.urls import include, path
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from config import urls as project_urls
from sillage import api as project_api
from sillage.accounts.models import ApiToken, Role
from sillage.feedback.api_imports import router
from sillage.feedback.models import ImportJob, ImportStatus, Response
from sillage.feedback.tests import test_import_services as base
from sillage.feedback.tests.test_import_services import HEADER, upload

org_world = base.org_world
media = base.media

# sillage/api.py mounts the router; until it does, these tests mount it on an API of their own
# with the project's authentication and error handlers.
MOUNTED = any(mounted is router for _, mounted in project_api.api._routers)
if not MOUNTED:
    own_api = NinjaAPI(auth=project_api.BearerToken(), urls_namespace="imports_api_test")
    own_api.add_router("/", router)
    for exc, handler in (
        (AuthenticationError, project_api.on_auth_error),
        (Http404, project_api.on_not_found),
        (ValidationError, project_api.on_validation_error),
        (HttpError, project_api.on_http_error),
    ):
        own_api.add_exception_handler(exc, handler)
    urlpatterns = [path("api/v1/", own_api.urls), path("", include(project_urls))]
    pytestmark = pytest.mark.urls(__name__)


def headers(world, token: str | None = None, language: str = "fr") -> dict[str, str]:
    return {
        "Authorization": f"Bearer {token or world.admin_raw_token}",
        "Accept-Language": language,
    }


def post(client, world, content: str, token=None, language="fr", **fields):
    data = {"file": SimpleUploadedFile("export.csv", content.encode())}
    data.update({k: (json.dumps(v) if isinstance(v, dict) else v) for k, v in fields.items()})
    return client.post("/api/v1/imports", data, headers=headers(world, token, language))


@pytest.mark.django_db
def test_dry_run_checks_every_row_and_writes_nothing(
    org_world, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, org_world, HEADER + "B1,,2024-03-05,9,,,,R-1,fr,\n", dry_run="true")
    assert response.status_code == 201
    body = response.json()
    job = ImportJob.objects.get(pk=body["id"])
    assert job.organization == org_world.org and job.created_by is None
    # The task ran on commit (immediate backend): the status is the final one.
    fetched = client.get(f"/api/v1/imports/{job.pk}", headers=headers(org_world)).json()
    assert {k: fetched[k] for k in ("status", "total_rows", "imported_rows", "error_count")} == {
        "status": "valid",
        "total_rows": 1,
        "imported_rows": 0,
        "error_count": 0,
    }
    assert fetched["columns"][:3] == ["unit_code", "touchpoint_code", "submitted_at"]
    assert Response.objects.filter(source="import").count() == 0


@pytest.mark.django_db
def test_an_import_writes_every_row(org_world, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            client,
            org_world,
            HEADER + "B1,,2024-03-05,9,,,,R-1,fr,\nB2,,2024-03-06,6,,,Bof,R-2,en,\n",
        )
    job_id = response.json()["id"]
    body = client.get(f"/api/v1/imports/{job_id}", headers=headers(org_world)).json()
    assert (body["status"], body["imported_rows"], body["progress"]) == ("done", 2, 100)
    assert Response.objects.filter(import_job_id=job_id, source="import").count() == 2


@pytest.mark.django_db
def test_status_reports_the_first_errors_with_line_column_and_reason(
    org_world, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            client, org_world, HEADER + "B9,,2024-03-05,9,,,,,fr,\nB1,,demain,11,,,,,fr,\n"
        )
    job_id = response.json()["id"]
    french = client.get(f"/api/v1/imports/{job_id}", headers=headers(org_world)).json()
    assert (french["status"], french["error_count"]) == ("invalid", 3)
    assert french["errors"] == [
        {
            "line": 2,
            "column": "unit_code",
            "code": "unknown_unit",
            "message": "Code d’unité inconnu « B9 ».",
        },
        {
            "line": 3,
            "column": "submitted_at",
            "code": "bad_date",
            "message": "« demain » n’est pas une date reconnue (par exemple 2024-03-05 14:30 ou "
            "05/03/2024).",
        },
        {"line": 3, "column": "nps", "code": "scale", "message": "11 est hors de l’échelle 0–10."},
    ]
    english = client.get(f"/api/v1/imports/{job_id}", headers=headers(org_world, language="en"))
    assert english.json()["errors"][2]["message"] == "11 is outside the scale 0–10."
    assert Response.objects.filter(source="import").count() == 0


@pytest.mark.django_db
def test_mapping_and_options_name_columns_by_header_or_index(
    org_world, client, django_capture_on_commit_callbacks
):
    content = "Quand,Note,Remarque\n2024-03-05 10:00,8,Très bien\n"
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            client,
            org_world,
            content,
            mapping={"submitted_at": "quand", "nps": 1},
            options={"unit": org_world.b2.pk, "time_zone": "UTC"},
        )
    assert response.status_code == 201
    job = ImportJob.objects.get(pk=response.json()["id"])
    assert job.status == ImportStatus.DONE, job.errors
    response_row = Response.objects.get(import_job=job)
    assert (response_row.unit, response_row.nps, response_row.comment) == (
        org_world.b2,
        8,
        "Très bien",
    )
    assert response_row.submitted_at.isoformat() == "2024-03-05T10:00:00+00:00"


@pytest.mark.django_db
def test_bad_mapping_is_refused(org_world, client):
    before = ImportJob.objects.count()
    bad_json = post(client, org_world, "a\n1\n", mapping="{nope")
    assert (bad_json.status_code, bad_json.json()) == (
        422,
        {"error": "`mapping` is not valid JSON."},
    )
    unknown = post(client, org_world, "a\n1\n", mapping={"score": 0})
    assert unknown.json() == {"error": "Unknown mapping fields: score."}
    assert ImportJob.objects.count() == before
    missing_column = post(client, org_world, "a\n1\n", mapping={"nps": "NPS"})
    assert (missing_column.status_code, missing_column.json()) == (
        422,
        {"error": "No column “NPS” for `nps`."},
    )


@pytest.mark.django_db
def test_an_unreadable_file_is_an_invalid_import(org_world, client):
    response = client.post(
        "/api/v1/imports",
        {"file": SimpleUploadedFile("x.csv", b"")},
        headers=headers(org_world, language="en"),
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["errors"]) == (
        "invalid",
        [{"line": 0, "column": "", "code": "empty_file", "message": "The file is empty."}],
    )


@pytest.mark.django_db
def test_another_organisations_import_is_a_404(org_world, client):
    theirs = base.import_upload(
        organization=org_world.other_org,
        user=None,
        upload=SimpleUploadedFile("autre.csv", b"a\n1\n"),
    )
    response = client.get(f"/api/v1/imports/{theirs.pk}", headers=headers(org_world))
    assert (response.status_code, response.json()) == (404, {"error": "Not found."})
    own = upload(org_world, "a\n1\n")
    other_token = headers(org_world, token=org_world.other_raw_token)
    assert client.get(f"/api/v1/imports/{own.pk}", headers=other_token).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.MANAGER, Role.EMPLOYEE])
def test_tokens_of_roles_that_do_not_import_get_404(org_world, client, role):
    token, raw = ApiToken.issue(organization=org_world.org, name=role, role=role, unit=org_world.b1)
    own = upload(org_world, "a\n1\n")
    before = ImportJob.objects.count()
    assert (
        client.get(f"/api/v1/imports/{own.pk}", headers=headers(org_world, raw)).status_code == 404
    )
    assert post(client, org_world, "a\n1\n", token=raw).status_code == 404
    assert ImportJob.objects.count() == before


@pytest.mark.django_db
def test_without_a_token_nothing_happens(org_world, client):
    response = client.post("/api/v1/imports", {"file": SimpleUploadedFile("x.csv", b"a\n1\n")})
    assert response.status_code == 401
