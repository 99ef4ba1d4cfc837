"""Checking the contacts of an invitation upload or API call, before anything is written.

`contacts_clean` reports every bad value with where it is (a CSV line, an API list index); the
invitations themselves are created in services_invitations.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from sillage.accounts.models import Membership, Organization, Unit
from sillage.feedback.models import Survey, Touchpoint

LANGUAGES = ("fr", "en")


@dataclass(frozen=True)
class FieldError:
    """A bad value: `key` is the CSV line or the API list index, `field` the column."""

    key: int
    field: str
    message: str


@dataclass(frozen=True)
class CleanContact:
    email: str
    name: str
    language: str  # "" keeps the contact's language (the organisation's for a new one)
    unit: Unit
    touchpoint: Touchpoint
    employee_code: str
    external_id: str


# ---------------------------------------------------------------------------------------------
# Checking contacts


def _language(raw: str) -> str | None:
    """ "fr", "FR", "fr-CA", "fr_CA" → "fr"; "" → ""; anything else → None (an error)."""
    value = raw.strip().lower().replace("_", "-").split("-")[0]
    if not value:
        return ""
    return value if value in LANGUAGES else None


def _as_text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _as_id(value: object) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(str(value))
    except ValueError:
        return -1


class _Lookups:
    """The organisation's units, touchpoints and employee codes that the items name."""

    def __init__(self, organization: Organization, items: list[tuple[int, dict[str, Any]]]):
        unit_codes = {_as_text(row.get("unit_code")) for _k, row in items} - {""}
        unit_ids = {_as_id(row.get("unit_id")) for _k, row in items} - {None}
        tp_codes = {_as_text(row.get("touchpoint_code")) for _k, row in items} - {""}
        tp_ids = {_as_id(row.get("touchpoint_id")) for _k, row in items} - {None}
        codes = {_as_text(row.get("employee_code")) for _k, row in items} - {""}
        units = Unit.objects.filter(organization=organization)
        self.units_by_code: dict[str, Unit] = {}
        self.units_by_id: dict[int, Unit] = {}
        for unit in units.filter(code__in=unit_codes) | units.filter(pk__in=unit_ids):
            self.units_by_code[unit.code] = unit
            self.units_by_id[unit.pk] = unit
        touchpoints = Touchpoint.objects.filter(organization=organization)
        self.tps_by_code: dict[str, Touchpoint] = {}
        self.tps_by_id: dict[int, Touchpoint] = {}
        for touchpoint in touchpoints.filter(code__in=tp_codes) | touchpoints.filter(pk__in=tp_ids):
            self.tps_by_code[touchpoint.code] = touchpoint
            self.tps_by_id[touchpoint.pk] = touchpoint
        self.employee_codes = set(
            Membership.objects.filter(organization=organization, employee_code__in=codes)
            .values_list("employee_code", flat=True)
            .distinct()
        )


def _pick(
    row: dict[str, Any],
    key: int,
    name: str,
    by_code: dict[str, Any],
    by_id: dict[int, Any],
    errors: list[FieldError],
) -> Any:
    """The unit or touchpoint named by `<name>_code` or `<name>_id`, or None with an error."""
    code = _as_text(row.get(f"{name}_code"))
    raw_id = _as_id(row.get(f"{name}_id"))
    by_code_obj = by_code.get(code) if code else None
    by_id_obj = by_id.get(raw_id) if raw_id is not None else None
    if code and by_code_obj is None:
        errors.append(FieldError(key, f"{name}_code", _unknown(name, code)))
        return None
    if raw_id is not None and by_id_obj is None:
        errors.append(FieldError(key, f"{name}_id", _unknown(name, str(raw_id))))
        return None
    if by_code_obj is not None and by_id_obj is not None and by_code_obj != by_id_obj:
        errors.append(
            FieldError(key, f"{name}_id", _("The code and the id name two different things."))
        )
        return None
    return by_code_obj or by_id_obj


def _unknown(name: str, value: str) -> str:
    if name == "unit":
        return _("Unknown unit “%(code)s”.") % {"code": value}
    return _("Unknown touchpoint “%(code)s”.") % {"code": value}


def contacts_clean(
    *,
    survey: Survey,
    items: list[tuple[int, dict[str, Any]]],
    where: Callable[[int], str],
) -> tuple[list[tuple[int, CleanContact]], list[FieldError]]:
    """Check every contact; returns the clean ones and every error (all of them, not the first).

    `where(key)` names an item in messages ("line 3", "contacts.2"). An item's unit is
    `unit_code` or `unit_id`; its touchpoint `touchpoint_code`,
    `touchpoint_id`, or else the survey's default touchpoint.
    """
    organization = survey.organization
    lookups = _Lookups(organization, items)
    default_touchpoint = survey.touchpoint
    errors: list[FieldError] = []
    clean: list[tuple[int, CleanContact]] = []
    seen: dict[str, int] = {}
    for key, row in items:
        before = len(errors)
        email = _as_text(row.get("email")).lower()
        if not email:
            errors.append(FieldError(key, "email", _("An email address is required.")))
        else:
            try:
                validate_email(email)
            except ValidationError:
                errors.append(
                    FieldError(
                        key, "email", _("“%(value)s” is not an email address.") % {"value": email}
                    )
                )
            if email in seen:
                errors.append(
                    FieldError(
                        key,
                        "email",
                        _("This address appears twice (also %(other)s).")
                        % {"other": where(seen[email])},
                    )
                )
            seen.setdefault(email, key)
        name = _as_text(row.get("name"))
        if len(name) > 200:
            errors.append(FieldError(key, "name", _("At most 200 characters.")))
        language = _language(_as_text(row.get("language")))
        if language is None:
            errors.append(FieldError(key, "language", _("Use fr or en.")))
        unit = _pick(row, key, "unit", lookups.units_by_code, lookups.units_by_id, errors)
        if unit is None and not (_as_text(row.get("unit_code")) or row.get("unit_id")):
            errors.append(FieldError(key, "unit_code", _("A unit is required.")))
        elif unit is not None and unit.is_archived:
            errors.append(FieldError(key, "unit_code", _("This unit is archived.")))
        touchpoint = _pick(row, key, "touchpoint", lookups.tps_by_code, lookups.tps_by_id, errors)
        named_touchpoint = _as_text(row.get("touchpoint_code")) or row.get("touchpoint_id")
        if touchpoint is None and not named_touchpoint:
            touchpoint = default_touchpoint
            if touchpoint is None:
                errors.append(
                    FieldError(
                        key,
                        "touchpoint_code",
                        _("A touchpoint is required: this survey has no default touchpoint."),
                    )
                )
        employee_code = _as_text(row.get("employee_code"))
        if employee_code and employee_code not in lookups.employee_codes:
            errors.append(
                FieldError(
                    key,
                    "employee_code",
                    _("No member of the organisation has the employee code “%(code)s”.")
                    % {"code": employee_code},
                )
            )
        external_id = _as_text(row.get("external_id"))
        if len(external_id) > 100:
            errors.append(FieldError(key, "external_id", _("At most 100 characters.")))
        if len(errors) == before:
            clean.append(
                (
                    key,
                    CleanContact(
                        email=email,
                        name=name,
                        language=language or "",
                        unit=unit,
                        touchpoint=touchpoint,
                        employee_code=employee_code,
                        external_id=external_id,
                    ),
                )
            )
    return clean, errors
