from __future__ import annotations

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def heat(score: float | None) -> str:
    """A colour class for a 0–100 score; the number is always printed beside it."""
    if score is None:
        return "heat heat--none"
    for level, floor in enumerate((85, 70, 55, 40)):
        if score >= floor:
            return f"heat heat--{5 - level}"
    return "heat heat--1"


@register.filter
def score(value: float | None) -> str:
    return "—" if value is None else number_format(round(value), 0)


@register.filter
def signed(value: float | None) -> str:
    if value is None:
        return ""
    rounded = round(value)
    sign = "+" if rounded > 0 else ("−" if rounded < 0 else "±")
    return f"{sign}{abs(rounded)}"


@register.filter
def percent(value: float | None) -> str:
    if value is None:
        return "—"
    # French puts a (no-break) space before the sign, English does not.
    return _("%(value)s%%") % {"value": number_format(round(value), 0)}


@register.filter
def relation(group: object, key: str) -> object:
    """The measure of one relation in a report row (None when the row has none)."""
    return group.relation(key) if hasattr(group, "relation") else None


@register.filter
def get(mapping: dict, key: str) -> object:
    return mapping.get(str(key)) if mapping else None
