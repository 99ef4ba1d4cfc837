"""Rows read by plain SQL, turned into model instances as the ORM would."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection


class SqlColumns:
    """A model's columns read by plain SQL, turned into an instance as the ORM would (with
    the database backend's converters: dates, booleans, JSON)."""

    def __init__(self, model: Any, alias: str) -> None:
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.names = [f.attname for f in self.fields]
        self.sql = ", ".join(f"{alias}.{connection.ops.quote_name(f.column)}" for f in self.fields)
        self.converters = [
            (index, field.get_col(alias), converters)
            for index, field in enumerate(self.fields)
            if (
                converters := connection.ops.get_db_converters(field.get_col(alias))
                + field.get_db_converters(connection)
            )
        ]

    def build(self, row: Sequence[Any]) -> Any:
        values = list(row)
        for index, expression, converters in self.converters:
            for convert in converters:
                values[index] = convert(values[index], expression, connection)
        return self.model.from_db(DEFAULT_DB_ALIAS, self.names, values)
