"""What the items of an ingestion call name (units, touchpoints, surveys and their published
versions, employee codes), read in one statement for the whole batch."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection

from sillage.accounts.models import Membership, Unit
from sillage.accounts.scope import Scope
from sillage.feedback.ingest_data import ResponseData
from sillage.feedback.models import Survey, SurveyVersion, Touchpoint


@dataclass
class Lookups:
    """Everything the items name, each kind read in one query for the whole batch."""

    units_by_id: dict[int, Unit]
    units_by_code: dict[str, Unit]
    touchpoints_by_id: dict[int, Touchpoint]
    touchpoints_by_code: dict[str, Touchpoint]
    surveys: dict[int, Survey]
    versions: dict[int, SurveyVersion]  # survey id -> latest version
    employee_codes: set[str]

    @classmethod
    def load(cls, *, scope: Scope, items: list[ResponseData]) -> Lookups:
        organization = scope.organization
        survey_ids = {i.survey_id for i in items if i.survey_id}
        rows = _lookup_rows(
            organization.pk,
            unit_ids={i.unit for i in items if i.unit is not None},
            unit_codes={i.unit_code for i in items if i.unit_code},
            touchpoint_ids={i.touchpoint for i in items if i.touchpoint is not None},
            touchpoint_codes={i.touchpoint_code for i in items if i.touchpoint_code},
            survey_ids=survey_ids,
        )
        units, touchpoints, headers = [], [], []
        for kind, pk, code, path, survey_id, number, published_at, touchpoint_id in rows:
            if kind == "u":
                units.append(
                    _partial(Unit, id=pk, organization_id=organization.pk, code=code, path=path)
                )
            elif kind == "t":
                touchpoints.append(
                    _partial(Touchpoint, id=pk, organization_id=organization.pk, code=code)
                )
            else:
                headers.append((pk, published_at, survey_id, number, touchpoint_id))
        surveys, versions = _surveys(organization, survey_ids, headers)
        codes = {i.employee_code.strip() for i in items if i.employee_code.strip()}
        employee_codes = (
            set(
                Membership.objects.filter(organization=organization, employee_code__in=codes)
                .order_by()
                .values_list("employee_code", flat=True)
            )
            if codes
            else set()
        )
        return cls(
            units_by_id={u.pk: u for u in units},
            units_by_code={u.code: u for u in units},
            touchpoints_by_id={t.pk: t for t in touchpoints},
            touchpoints_by_code={t.code: t for t in touchpoints},
            surveys=surveys,
            versions=versions,
            employee_codes=employee_codes,
        )


# The lookups of every call are plain SQL on the organisation's own rows: compiling three
# querysets took most of a single response's CPU. Every query is bound to the organisation's
# id, so an id of another organisation is simply not found. Nothing is cached but published
# survey definitions, which never change: a unit or touchpoint added, recoded or moved counts
# from the next call.
_ID_RANGE = range(-(2**63), 2**63)  # beyond it the ORM finds nothing; so do we


def _partial(model: Any, **values: Any) -> Any:
    """An instance with these fields only, the others deferred, as `.only()` gives them."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(DEFAULT_DB_ALIAS, names, [values[name] for name in names])


def _placeholders(count: int) -> str:
    return ", ".join(["%s"] * count)


def _by_id_or_code(ids: set[int], codes: set[str]) -> tuple[str, list[Any]]:
    """The condition naming rows by id or by code, and its parameters."""
    conditions, params = [], []
    if ids:
        conditions.append(f"id IN ({_placeholders(len(ids))})")
        params.extend(ids)
    if codes:
        conditions.append(f"code IN ({_placeholders(len(codes))})")
        params.extend(codes)
    return " OR ".join(conditions), params


def _lookup_rows(
    organization_id: int,
    *,
    unit_ids: set[int],
    unit_codes: set[str],
    touchpoint_ids: set[int],
    touchpoint_codes: set[str],
    survey_ids: set[int],
) -> list[tuple[Any, ...]]:
    """The organisation's units and touchpoints named by id or code, and the published
    versions of the surveys named, in one statement (a UNION ALL; its NULLs are typed for
    PostgreSQL): rows of (kind, id, code, path, survey_id, number, published_at,
    touchpoint_id), kind "u", "t" or "v"."""
    queries: list[str] = []
    params: list[Any] = []
    for kind, table, path, ids, codes in (
        ("u", Unit._meta.db_table, "path", unit_ids, unit_codes),
        ("t", Touchpoint._meta.db_table, _NULL_TEXT, touchpoint_ids, touchpoint_codes),
    ):
        condition, values = _by_id_or_code({i for i in ids if i in _ID_RANGE}, codes)
        if condition:
            queries.append(
                f"SELECT '{kind}', id, code, {path}, {_NULL_INT}, {_NULL_INT}, "  # noqa: S608
                f"{_NULL_TIME}, {_NULL_INT} FROM {table} "
                f"WHERE organization_id = %s AND ({condition})"
            )
            params += [organization_id, *values]
    survey_ids = {i for i in survey_ids if i in _ID_RANGE}
    if survey_ids:
        queries.append(
            f"SELECT 'v', v.id, {_NULL_TEXT}, {_NULL_TEXT}, v.survey_id, v.number, "  # noqa: S608
            f"v.published_at, s.touchpoint_id FROM {SurveyVersion._meta.db_table} v "
            f"INNER JOIN {Survey._meta.db_table} s ON s.id = v.survey_id "
            f"WHERE v.organization_id = %s "
            f"AND v.survey_id IN ({_placeholders(len(survey_ids))})"
        )
        params += [organization_id, *survey_ids]
    if not queries:
        return []
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(queries), params)
        return cursor.fetchall()


_NULL_INT = "CAST(NULL AS BIGINT)"
_NULL_TEXT = "CAST(NULL AS VARCHAR(255))"
_NULL_TIME = "CAST(NULL AS TIMESTAMP)"


# Published versions never change: their definitions are kept per process, so that the
# usual call reads one small row per survey instead of its whole definition. The key holds the
# publication time too: an id can be handed out again after a rolled-back transaction.
_DEFINITIONS: dict[tuple[int, str], dict[str, Any]] = {}
_DEFINITIONS_KEPT = 500


def load_definitions(keys: set[tuple[int, str]]) -> None:
    """Read the definitions of these (version id, published_at) not kept yet, in one query."""
    missing = {key for key in keys if key not in _DEFINITIONS}
    if missing:
        if len(_DEFINITIONS) > _DEFINITIONS_KEPT:
            _DEFINITIONS.clear()
            missing = set(keys)  # the caller reads every one of them next
        rows = SurveyVersion.objects.filter(pk__in=[pk for pk, _at in missing]).order_by()
        definitions = dict(rows.values_list("pk", "definition"))
        for key in missing:
            _DEFINITIONS[key] = definitions[key[0]]


def _definition_key(pk: int, published_at: Any) -> tuple[int, str]:
    # `published_at` as the database cursor gives it (a datetime, or text on SQLite when
    # the column's type is unknown), as text: it only tells a reused id apart.
    return pk, str(published_at)


def published_definition(pk: int, published_at: Any) -> dict[str, Any]:
    """A published version's definition, shared by every caller: never change it."""
    key = _definition_key(pk, published_at)
    if key not in _DEFINITIONS:
        load_definitions({key})
    return _DEFINITIONS[key]


def _surveys(
    organization: Any, ids: set[int], headers: list[tuple[Any, ...]]
) -> tuple[dict[int, Survey], dict[int, SurveyVersion]]:
    """The surveys named (by id: only this organisation's) and their latest versions, from
    the headers (id, published_at, survey id, number, touchpoint id) of their versions."""
    if not ids:
        return {}, {}
    surveys: dict[int, Survey] = {}
    latest: dict[int, tuple[int, tuple[int, str]]] = {}  # survey -> (number, cache key)
    ids = {i for i in ids if i in _ID_RANGE}
    for pk, published_at, survey_id, number, touchpoint_id in headers:
        surveys[survey_id] = Survey(pk=survey_id, touchpoint_id=touchpoint_id)
        if survey_id not in latest or number > latest[survey_id][0]:
            latest[survey_id] = (number, _definition_key(pk, published_at))
    if ids - set(surveys):  # unknown, or a draft never published: tell which
        drafts = Survey.objects.filter(organization=organization, pk__in=ids - set(surveys))
        for pk, touchpoint_id in drafts.order_by().values_list("pk", "touchpoint_id"):
            surveys[pk] = Survey(pk=pk, touchpoint_id=touchpoint_id)
    load_definitions({key for _number, key in latest.values()})
    versions = {
        survey_id: SurveyVersion(
            pk=key[0], survey_id=survey_id, number=number, definition=_DEFINITIONS[key]
        )
        for survey_id, (number, key) in latest.items()
    }
    return surveys, versions
