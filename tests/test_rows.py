"""sillage.db.rows: the values of a hand-written INSERT are those `save()` would send."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.db import connection

from sillage.db.rows import _fields, row_values
from sillage.feedback.models import Response
from sillage.textai.models import CommentAnalysis


def _as_save_would(instance):
    return [
        f.get_db_prep_save(f.pre_save(instance, True), connection) for f in _fields(type(instance))
    ]


def _comparable(values):
    """PostgreSQL's JSON parameters (psycopg's Jsonb) compare by identity: by content here."""
    return [(type(v), v.obj) if hasattr(v, "obj") else (type(v), v) for v in values]


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    """received_at (auto_now_add) is "now": the same now for both computations."""
    now = datetime(2025, 3, 12, 16, 30, tzinfo=UTC)
    monkeypatch.setattr("django.utils.timezone.now", lambda: now)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields",
    [
        {},  # defaults: empty texts, NULL scores and links
        {"nps": 9, "csat": 4, "comment": "Très bon service", "external_id": "x-1"},
        # Values of another type than the column's: converted on the full path, as by save().
        {"nps": "7", "ces": 5.0, "comment": 12, "external_id": 34, "contact_consent": 1},
        {"nps": True, "language": "en", "employee_code": "E7", "contact_email": "a@b.ca"},
    ],
)
def test_a_response_row_is_what_save_would_send(world, fields):
    response = Response(
        organization=world.org,
        unit=world.b1,
        source="api",
        submitted_at=datetime(2025, 3, 12, 15, 0, tzinfo=UTC),
        answers={"nps": 9},
        **fields,
    )
    assert _comparable(row_values(response)) == _comparable(_as_save_would(response))


@pytest.mark.django_db
def test_an_analysis_row_is_what_save_would_send(world):
    response = Response.objects.create(
        organization=world.org,
        unit=world.b1,
        source="api",
        submitted_at=datetime(2025, 3, 12, 15, 0, tzinfo=UTC),
        comment="Attente trop longue",
    )
    analysis = CommentAnalysis(
        organization=world.org,
        response=response,
        unit_id=world.b1.pk,
        day=date(2025, 3, 12),
        submitted_at=response.submitted_at,
        nps=None,
        engine="lexicon",
        engine_version="3",
        language="fr",
        sentiment="negative",
        score=-0.5,
        sentences=[{"text": "Attente trop longue", "start": 0, "end": 19}],
        analysed_at=datetime(2025, 3, 12, 16, 0, tzinfo=UTC),
    )
    assert _comparable(row_values(analysis)) == _comparable(_as_save_would(analysis))


def test_most_response_columns_skip_the_field_methods():
    """Texts, booleans, integers and ids skip the field methods: the point of the plan."""
    from sillage.db.rows import _plan

    plan = _plan(Response, connection.alias)
    skipping = {attname for _field, attname, kept, _convert in plan if kept}
    assert {"source", "language", "comment", "employee_code", "external_id"} <= skipping
    assert {"organization_id", "unit_id", "nps", "contact_consent"} <= skipping
    assert "received_at" not in skipping and "answers" not in skipping


def test_executemany_chunked_writes_every_row_in_chunks_of_the_size():
    from sillage.db.rows import executemany_chunked

    class Cursor:
        def __init__(self):
            self.calls = []

        def executemany(self, sql, rows):
            self.calls.append((sql, list(rows)))

    cursor = Cursor()
    rows = ((i, str(i)) for i in range(7))
    assert executemany_chunked(cursor, "INSERT", rows, 3) == 7
    assert [len(rows) for _sql, rows in cursor.calls] == [3, 3, 1]
    assert [row for _sql, rows in cursor.calls for row in rows] == [(i, str(i)) for i in range(7)]
    assert executemany_chunked(cursor, "INSERT", iter(()), 3) == 0
