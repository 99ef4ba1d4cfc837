"""Responses sent by other systems (POST /api/v1/responses), one or a thousand at a time.

A batch is all or nothing: every item is checked first and, when any is wrong, nothing is
written and every error is returned with its path, so that the caller can fix the batch and
send it again whole. A batch of which half was recorded would leave the caller to find out
which half, and its retry would fail on the other half's errors again.

Retries are safe: an item whose `external_id` is already recorded (by an earlier call, or by
an earlier item of the same batch) creates nothing and answers with the recorded response's
id. Units, touchpoints, surveys, employee codes and known external ids are each resolved in
one query for the whole batch, and the new rows are inserted in one transaction.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, transaction
from django.utils import timezone

from sillage.accounts.scope import Scope
from sillage.db.rows import insert_sql, row_values
from sillage.feedback import hooks
from sillage.feedback.ingest_checks import Checker
from sillage.feedback.ingest_data import (
    MAX_BATCH,
    ContactData,
    FieldError,
    Ingested,
    IngestError,
    ResponseData,
    batch_size_errors,
    item_path,
)
from sillage.feedback.ingest_lookups import Lookups
from sillage.feedback.models import Response

__all__ = [  # what the API and other callers import from here
    "MAX_BATCH",
    "ContactData",
    "FieldError",
    "IngestError",
    "Ingested",
    "ResponseData",
    "batch_size_errors",
    "insert_response",
    "item_path",
    "responses_ingest",
    "write_transaction",
]


def responses_ingest(
    *,
    scope: Scope,
    items: Sequence[ResponseData | None],
    batch: bool,
    errors: Sequence[FieldError] = (),
    now: datetime | None = None,
) -> list[Ingested]:
    """Record the items (None: an item the caller's parser refused, reported in `errors`).

    Raises IngestError, having written nothing, when any item is invalid. Returns one
    outcome per item, in order.

    Most calls carry external ids never seen before, so the first attempt inserts without
    looking them up. When the database refuses a duplicate (a retry, or a concurrent call
    with the same id), or an item is refused, the next attempt reads the recorded ids first:
    a recorded item is a retry, answered with its response and not checked again.
    """
    size_errors = batch_size_errors(len(items))
    if size_errors:
        raise IngestError(size_errors)
    now = now or timezone.now()
    lookups = Lookups.load(scope=scope, items=[i for i in items if i is not None])
    has_external_ids = any(i is not None and i.external_id for i in items)
    look_up = False
    for attempt in range(3):
        try:
            # The first attempt at one item writes one INSERT and reads nothing.
            with write_transaction(1 if len(items) == 1 and not look_up else 2):
                return _write(
                    scope=scope,
                    items=items,
                    batch=batch,
                    errors=errors,
                    now=now,
                    lookups=lookups,
                    look_up=look_up,
                )
        except IntegrityError:
            # The third attempt follows a race on PostgreSQL (SQLite takes the write lock at
            # BEGIN): the winner's rows are committed by then, and found.
            if attempt == 2 or not has_external_ids:
                raise
        except IngestError:
            if look_up or not has_external_ids:
                raise
        look_up = True
    raise AssertionError("unreachable")  # pragma: no cover


@dataclass
class _Plan:
    """What one item becomes: a new row, a recorded response, or a repeat of an earlier item."""

    response: Response | None = None
    recorded_id: int | None = None
    same_as: int | None = None  # index of the first item of this call with its external_id


def _write(
    *,
    scope: Scope,
    items: Sequence[ResponseData | None],
    batch: bool,
    errors: Sequence[FieldError],
    now: datetime,
    lookups: Lookups,
    look_up: bool,
) -> list[Ingested]:
    """Plan, check and insert, inside the caller's transaction."""
    checker = Checker(scope=scope, batch=batch, now=now, lookups=lookups)
    checker.errors.extend(errors)
    # Read inside the transaction: on SQLite it holds the write lock, so no concurrent call
    # can record one of these external ids between this read and the insert.
    recorded = checker.load_recorded(items) if look_up else {}
    plans: list[_Plan] = []
    first_of: dict[str, int] = {}
    for index, item in enumerate(items):
        plan = _Plan()
        plans.append(plan)
        if item is None:
            continue
        key = item.external_id
        if key and key in recorded:
            plan.recorded_id = checker.recorded_id(index, recorded[key])
        elif key and key in first_of:
            plan.same_as = first_of[key]
        else:
            if key:
                first_of[key] = index
            plan.response = checker.build(index, item)
    if checker.errors:
        raise IngestError(checker.errors)
    new = [p.response for p in plans if p.response is not None]
    for response in new:
        response.follow_up_pending = True
    if len(new) == 1:
        insert_response(new[0])
        created = new
    else:
        created = Response.objects.bulk_create(new, batch_size=MAX_BATCH)
    if created:
        hooks.responses_flagged()
    outcomes: list[Ingested] = []
    for item, plan in zip(items, plans, strict=True):
        external_id = item.external_id if item is not None else None
        if plan.response is not None:
            outcomes.append(Ingested(plan.response.pk, external_id, True))
        elif plan.recorded_id is not None:
            outcomes.append(Ingested(plan.recorded_id, external_id, False))
        else:
            outcomes.append(Ingested(outcomes[plan.same_as or 0].id, external_id, False))
    return outcomes


def write_transaction(statements: int) -> Any:
    """The transaction of a write of this many statements. One statement is atomic by
    itself: it runs in autocommit, without BEGIN and COMMIT (round trips on PostgreSQL);
    on SQLite it still queues on the writer lock first (see sillage/db/sqlite3). Inside a
    caller's transaction, a savepoint, as always."""
    if statements > 1 or connection.in_atomic_block:
        return transaction.atomic()
    writer_lock = getattr(connection, "writer_lock", None)  # the project's SQLite backend
    return writer_lock() if writer_lock is not None else contextlib.nullcontext()


def insert_response(response: Response) -> None:
    """INSERT one response as `save()` would (the same values, defaults and constraints; no
    model signal is connected to Response), without compiling the statement each time."""
    with connection.cursor() as cursor:
        cursor.execute(insert_sql(Response, returning=True), row_values(response))
        if connection.features.can_return_columns_from_insert:
            response.pk = cursor.fetchone()[0]
        else:  # pragma: no cover - SQLite before 3.35
            response.pk = connection.ops.last_insert_id(
                cursor, Response._meta.db_table, Response._meta.pk.column
            )
    response._state.adding = False
    response._state.db = DEFAULT_DB_ALIAS
