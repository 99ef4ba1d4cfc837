"""The JSON API at /api/v1/: each app contributes a router; bearer tokens bind an organisation."""

from __future__ import annotations

import functools

from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer

from sillage.accounts.api import router as accounts_router
from sillage.accounts.models import ApiToken, Organization, Unit
from sillage.accounts.scope import Scope, scope_for_token
from sillage.cases.api import router as cases_router
from sillage.db.columns import SqlColumns
from sillage.feedback.api import router as feedback_router
from sillage.feedback.api_imports import router as imports_router
from sillage.feedback.api_invitations import router as invitations_router
from sillage.insights.api import router as insights_router
from sillage.pulse.api import router as pulse_router
from sillage.textai.api import router as textai_router
from sillage.workshops.api import router as workshops_router

TOKEN_TOUCH_SECONDS = 60


@functools.cache
def _token_query() -> tuple[str, SqlColumns, SqlColumns, SqlColumns]:
    token, organization, unit = (
        SqlColumns(ApiToken, "t"),
        SqlColumns(Organization, "o"),
        SqlColumns(Unit, "u"),
    )
    sql = (
        f"SELECT {token.sql}, {organization.sql}, {unit.sql} "  # noqa: S608
        f"FROM {ApiToken._meta.db_table} t "
        f"INNER JOIN {Organization._meta.db_table} o ON o.id = t.organization_id "
        f"LEFT OUTER JOIN {Unit._meta.db_table} u ON u.id = t.unit_id "
        "WHERE t.token_hash = %s AND t.revoked_at IS NULL"
    )
    return sql, token, organization, unit


def _live_token(raw: str) -> ApiToken | None:
    """The live token with this value, its organisation and unit, in one plain query (read
    at every call, never cached: a revoked token is refused at once)."""
    sql, token_columns, organization_columns, unit_columns = _token_query()
    with connection.cursor() as cursor:
        cursor.execute(sql, [ApiToken.hash(raw)])
        row = cursor.fetchone()
    if row is None:
        return None
    first, second = (
        len(token_columns.names),
        len(token_columns.names) + len(organization_columns.names),
    )
    api_token = token_columns.build(row[:first])
    organization = organization_columns.build(row[first:second])
    api_token.organization = organization
    if api_token.unit_id is None:
        api_token.unit = None
    else:
        unit = unit_columns.build(row[second:])
        unit.organization = organization
        api_token.unit = unit
    return api_token


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Scope | None:
        api_token = _live_token(token)
        if api_token is None:
            return None
        now = timezone.now()
        # Record use at most once a minute so that reads do not become writes.
        if (
            api_token.last_used_at is None
            or (now - api_token.last_used_at).total_seconds() > TOKEN_TOUCH_SECONDS
        ):
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        return scope_for_token(api_token)


api = NinjaAPI(
    title="Sillage API",
    version="1",
    description=(
        "Organisation-bound API. Send `Authorization: Bearer <token>`; create tokens in "
        "Settings → API tokens or with `python manage.py api_token create`."
    ),
    auth=BearerToken(),
    urls_namespace="api",
)
api.add_router("/", accounts_router)
api.add_router("/", feedback_router)
api.add_router("/", invitations_router)
api.add_router("/", imports_router)
api.add_router("/pulse", pulse_router)
api.add_router("/", insights_router)
api.add_router("/", textai_router)
api.add_router("/", cases_router)
api.add_router("/", workshops_router)


def _error(request: HttpRequest, status: int, message: str, **extra: object) -> HttpResponse:
    return api.create_response(request, {"error": message, **extra}, status=status)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "Missing or invalid bearer token.")


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "Not found.")


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    details = [
        {"path": ".".join(str(p) for p in e.get("loc", [])), "message": e.get("msg", "")}
        for e in exc.errors
    ]
    return _error(request, 422, "The request is not valid.", details=details)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, str(exc))
