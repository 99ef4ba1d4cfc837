"""Plain multi-row INSERTs for the hot paths of background work.

`bulk_create` compiles each value through the SQL compiler: for a few hundred rows of a
dozen columns that is tens of milliseconds of Python, which on SQLite is spent holding the
database's only write lock. Here the values are prepared as `save()` would (each field's
`pre_save` and `get_db_prep_save`), ideally before the transaction begins, and written with
one `executemany` of a statement built once per model. No ids come back from `insert_rows`
(callers that need them read them by a natural key); `insert_sql(..., returning=True)` gives
one row's id (the API's and public pages' single response). No model signal is sent (none is
connected to these models).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.models.constants import OnConflict
from django.db.models.fields import AutoFieldMixin


@functools.cache
def _fields(model: type[models.Model]) -> tuple[models.Field, ...]:
    return tuple(f for f in model._meta.concrete_fields if not f.primary_key)


def insert_sql(
    model: type[models.Model], *, ignore_conflicts: bool = False, returning: bool = False
) -> str:
    """The INSERT of one row of `row_values`; `returning`: its id comes back, where the
    database can say it (`connection.features.can_return_columns_from_insert`)."""
    return _sql(model, connection.vendor, ignore_conflicts, returning)


@functools.cache
def _sql(model: type[models.Model], vendor: str, ignore_conflicts: bool, returning: bool) -> str:
    fields = _fields(model)
    quote = connection.ops.quote_name
    on_conflict = OnConflict.IGNORE if ignore_conflicts else None
    columns = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    suffix = connection.ops.on_conflict_suffix_sql(fields, on_conflict, None, None)
    if returning and connection.features.can_return_columns_from_insert:
        suffix += f" RETURNING {quote(model._meta.pk.column)}"
    return (
        f"{connection.ops.insert_statement(on_conflict=on_conflict)} "
        f"{quote(model._meta.db_table)} ({columns}) VALUES ({marks}) {suffix}"
    ).strip()


def row_values(instance: models.Model) -> list[Any]:
    """The database values of a new row, as `save()` computes them."""
    real = connections[DEFAULT_DB_ALIAS]  # not the proxy: it is asked once per value
    values = []
    for field, attname, kept, convert in _plan(type(instance), real.alias):
        if kept:
            value = getattr(instance, attname)
            if type(value) in kept:
                values.append(value if convert is None or value is None else convert(value))
                continue
        values.append(field.get_db_prep_save(field.pre_save(instance, True), real))
    return values


_NONE = type(None)
_TEXT = (models.CharField, models.TextField, models.EmailField, models.SlugField)


@functools.cache
def _plan(model: type[models.Model], alias: str) -> tuple[tuple[Any, str, tuple, Any], ...]:
    """Per field, the types of value whose database value `pre_save` and `get_db_prep_save`
    would give without looking further, and how: text in a text column and a boolean in a
    boolean one as they are, an integer in an integer or foreign key column as the backend
    adapts it (as it is on SQLite; in psycopg's typed integer for an integer column on
    PostgreSQL), None in a nullable column. Anything else, and every field with its own
    `pre_save` (auto_now...), dates, JSON, decimals, take the full path."""
    ops = connections[alias].ops
    plan = []
    for field in _fields(model):
        kept: tuple[type, ...] = ()
        convert = None
        target = field.target_field if isinstance(field, models.ForeignKey) else field
        if type(field).pre_save is not models.Field.pre_save:
            pass
        elif type(target) in _TEXT:
            kept = (str,)
        elif type(target) is models.BooleanField:
            kept = (bool,)
        elif isinstance(target, AutoFieldMixin):
            kept = (int,)  # ids: checked by validate_autopk_value, never adapted
            if ops.validate_autopk_value(1) != 1:  # pragma: no cover - no such backend here
                kept = ()
        elif isinstance(target, models.IntegerField):
            kept = (int,)
            adapted = ops.adapt_integerfield_value(1, target.get_internal_type())
            convert = None if type(adapted) is int else type(adapted)
        if kept and field.null:
            kept = (*kept, _NONE)
        plan.append((field, field.attname, kept, convert))
    return tuple(plan)


def column_index(model: type[models.Model], attname: str) -> int:
    """Where a field's value sits in `row_values`."""
    return [f.attname for f in _fields(model)].index(attname)


def insert_rows(
    model: type[models.Model], rows: Sequence[Sequence[Any]], *, ignore_conflicts: bool = False
) -> None:
    """INSERT these `row_values` (in the caller's transaction)."""
    if not rows:
        return
    with connection.cursor() as cursor:
        cursor.executemany(insert_sql(model, ignore_conflicts=ignore_conflicts), rows)


def executemany_chunked(cursor: Any, sql: str, rows: Iterable[Sequence[Any]], size: int) -> int:
    """Run `sql` for each of these rows, `size` rows per `executemany` (memory stays flat
    however many rows the iterable yields); returns how many rows."""
    count = 0
    chunk: list[Sequence[Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            cursor.executemany(sql, chunk)
            count, chunk = count + len(chunk), []
    if chunk:
        cursor.executemany(sql, chunk)
        count += len(chunk)
    return count
