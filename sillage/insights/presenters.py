"""Figures as a person reads them: formatted in the active language, each with the link to the
verbatims behind it. Templates only lay these out."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property, lru_cache
from urllib.parse import urlencode

from django.urls import get_script_prefix, reverse
from django.utils.formats import date_format, number_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from sillage.accounts.models import Unit
from sillage.accounts.scope import Scope
from sillage.insights import metrics
from sillage.insights.metrics import Change, Counts, Estimate
from sillage.insights.selectors import Filters, Overview

# Which explorer filter shows the responses behind each metric.
METRIC_BAND = {
    "nps": {"band": "nps"},
    "csat": {"band": "csat"},
    "csat_mean": {"band": "csat"},
    "ces": {"band": "ces"},
    "ces_easy": {"band": "ces"},
    "responses": {},
    "comment_rate": {"comment": "yes"},
    "response_rate": {"invited": "yes"},
}
HEADLINE = ("nps", "csat", "ces", "responses", "comment_rate", "response_rate")
COLUMN_LABELS = {
    "nps": gettext_lazy("NPS"),
    "csat": gettext_lazy("CSAT"),
    "csat_mean": gettext_lazy("CSAT"),
    "ces": gettext_lazy("CES"),
    "ces_easy": gettext_lazy("CES"),
    "responses": gettext_lazy("Responses"),
    "comment_rate": gettext_lazy("Comments"),
    "response_rate": gettext_lazy("Response rate"),
}
TABLE_METRICS = ("nps", "csat", "ces", "responses", "comment_rate")


def metric_label(metric: str) -> str:
    return _translated(metric, get_language() or "", "label")


@lru_cache(maxsize=64)
def _translated(metric: str, language: str, kind: str) -> str:
    """A metric's name in the active language (a page shows it hundreds of times)."""
    labels = metrics.METRIC_LABELS if kind == "label" else COLUMN_LABELS
    return str(labels[metric])


def fmt_number(value: float, decimals: int = 0) -> str:
    # Half up, as people round (Python's round() would show 4.25 as 4.2).
    rounded = Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return number_format(rounded, decimal_pos=decimals, force_grouping=True)


def fmt_percent(value: float) -> str:
    return _("%(value)s%%") % {"value": fmt_number(value)}


def fmt_value(metric: str, value: float | None) -> str:
    if value is None:
        return "—"
    if metric == "nps":
        text = fmt_number(abs(value))
        return (
            "+" if value > 0 and text != "0" else "−" if value < 0 and text != "0" else ""
        ) + text
    if metric in {"csat", "ces_easy", "comment_rate", "response_rate"}:
        return fmt_percent(value)
    if metric in {"csat_mean", "ces"}:
        return fmt_number(value, 1)
    return fmt_number(value)


def fmt_margin(metric: str, margin: float | None) -> str:
    if margin is None:
        return ""
    if metric in {"csat_mean", "ces"}:
        return "± " + fmt_number(margin, 1)
    if metric == "responses":
        return ""
    return "± " + fmt_number(margin)


def fmt_delta(metric: str, delta: float) -> str:
    decimals = 1 if metric in {"csat_mean", "ces"} else 0
    text = fmt_number(abs(delta), decimals)
    if text.strip("0,. ") == "":
        return text
    return ("+" if delta > 0 else "−") + text


def period_label(start: date, grain: str) -> str:
    if grain == "month":
        return date_format(start, "F Y")
    if grain == "quarter":
        return _("Q%(quarter)s %(year)s") % {
            "quarter": (start.month - 1) // 3 + 1,
            "year": start.year,
        }
    if grain == "week":
        return _("Week of %(date)s") % {"date": date_format(start, "j M Y")}
    return date_format(start, "j M Y")


def period_short_label(start: date, grain: str) -> str:
    if grain == "month":
        return date_format(start, "M Y")
    if grain == "week":
        return date_format(start, "j M")
    return period_label(start, grain)


def range_label(start: date, end: date) -> str:
    return _("%(start)s to %(end)s") % {
        "start": date_format(start, "DATE_FORMAT"),
        "end": date_format(end, "DATE_FORMAT"),
    }


# --- Links to the verbatims --------------------------------------------------------------------


def filter_params(filters: Filters) -> dict[str, str]:
    params = {"from": filters.start.isoformat(), "to": filters.end.isoformat()}
    if filters.unit is not None:
        params["unit"] = str(filters.unit.pk)
        if not filters.subunits:
            params["subunits"] = "no"
    for name, value in (
        ("journey", filters.journey_id),
        ("stage", filters.stage_id),
        ("touchpoint", filters.touchpoint_id),
        ("survey", filters.survey_id),
        ("language", filters.language),
        ("employee", filters.employee_code),
    ):
        if value:
            params[name] = str(value)
    return params


@lru_cache(maxsize=256)
def _explorer_path(org_slug: str, prefix: str) -> str:
    return reverse("insights_verbatims", args=[org_slug])


def explorer_url(scope: Scope, filters: Filters, **extra: object) -> str:
    params = filter_params(filters)
    params.update({k: str(v) for k, v in extra.items() if v not in (None, "")})
    # A dashboard holds hundreds of links: reverse the path once per organisation.
    path = _explorer_path(scope.organization.slug, get_script_prefix())
    return path + "?" + urlencode(params)


# --- Cells -------------------------------------------------------------------------------------


@dataclass
class Cell:
    metric: str
    estimate: Estimate
    url: str
    previous: Estimate | None = None
    change: Change | None = None
    summary: str = ""  # the trend in words, next to a sparkline

    @cached_property
    def text(self) -> str:
        return fmt_value(self.metric, self.estimate.value)

    @cached_property
    def margin_text(self) -> str:
        return fmt_margin(self.metric, self.estimate.margin)

    @cached_property
    def n(self) -> int:
        return self.estimate.n

    @cached_property
    def n_text(self) -> str:
        return fmt_number(self.estimate.n)

    @cached_property
    def small(self) -> bool:
        return self.estimate.small and self.estimate.value is not None

    @cached_property
    def band(self) -> int | None:
        key = "ces" if self.metric == "ces" else self.metric
        return metrics.band(key, self.estimate.value)

    @cached_property
    def label(self) -> str:
        return metric_label(self.metric)

    @cached_property
    def column(self) -> str:
        """The short name of its table column (also the label of the cell on phones)."""
        return _translated(self.metric, get_language() or "", "column")

    @cached_property
    def change_text(self) -> str:
        if self.change is None or self.change.delta is None:
            return ""
        return fmt_delta(self.metric, self.change.delta)

    @cached_property
    def change_summary(self) -> str:
        """A sentence for everyone, screen readers included: no meaning carried by colour."""
        if self.change is None or self.change.delta is None:
            return _("no comparison: no answer in the previous period")
        values = {"delta": self.change_text}
        if self.metric == "responses":  # a count: exact, no margin of error
            return _("%(delta)s compared with the previous period") % values
        if self.change.signal == "up":
            return _("%(delta)s, up beyond the margin of error") % values
        if self.change.signal == "down":
            return _("%(delta)s, down beyond the margin of error") % values
        return _("%(delta)s, within the margin of error") % values

    @cached_property
    def title(self) -> str:
        """The tooltip: what the figure is and what it rests on."""
        if self.estimate.value is None:
            return _("No answer in this period.")
        text = _("%(metric)s %(value)s, %(margin)s at 95%%, %(n)s answers") % {
            "metric": self.label,
            "value": self.text,
            "margin": self.margin_text or "—",
            "n": self.n_text,
        }
        if self.small:
            text += " · " + _("small sample")
        return text


def cell(
    scope: Scope,
    filters: Filters,
    metric: str,
    current: Counts,
    previous: Counts | None = None,
    **link: object,
) -> Cell:
    estimate = metrics.estimate(metric, current)
    result = Cell(
        metric, estimate, explorer_url(scope, filters, **METRIC_BAND[metric], **link) + "#results"
    )
    if previous is not None:
        result.previous = metrics.estimate(metric, previous)
        result.change = metrics.change(estimate, result.previous)
    return result


@dataclass
class Row:
    """A line of a table: a label, its link, and one cell per metric."""

    label: str
    url: str
    cells: list[Cell]
    note: str = ""
    key: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def by_metric(self) -> dict[str, Cell]:
        return {c.metric: c for c in self.cells}


def row_for(
    scope: Scope,
    filters: Filters,
    label: str,
    url: str,
    current: Counts,
    previous: Counts | None = None,
    metrics_: tuple[str, ...] = TABLE_METRICS,
    **link: object,
) -> Row:
    return Row(label, url, [cell(scope, filters, m, current, previous, **link) for m in metrics_])


def unit_url(scope: Scope, unit: Unit) -> str:
    return reverse("insights_unit", args=[scope.organization.slug, unit.pk])


# --- Dashboard ---------------------------------------------------------------------------------


def has_invitations(counts: Counts) -> bool:
    return counts.sent > 0


def headline(scope: Scope, data: Overview) -> list[Cell]:
    metrics_ = [m for m in HEADLINE if m != "response_rate" or has_invitations(data.current)]
    return [cell(scope, data.filters, m, data.current, data.previous) for m in metrics_]


def trend_rows(scope: Scope, data: Overview) -> list[Row]:
    rows = []
    for start, counts in data.trend:
        end = metrics.period_end(start, data.grain)
        period = data.filters.with_range(start, end)
        rows.append(
            Row(
                period_label(start, data.grain),
                explorer_url(scope, period) + "#results",
                [cell(scope, period, m, counts) for m in TABLE_METRICS],
                key=metrics.period_key(start, data.grain),
                extra={"short": period_short_label(start, data.grain)},
            )
        )
    return rows


def unit_rows(scope: Scope, data: Overview, units: list[Unit]) -> list[Row]:
    rows = []
    for unit in units:
        filters = replace(data.filters, unit=unit, subunits=True)
        rows.append(
            row_for(
                scope,
                filters,
                unit.name,
                unit_url(scope, unit),
                data.unit_current.get(unit.pk, Counts()),
                data.unit_previous.get(unit.pk, Counts()),
            )
        )
    return rows


def own_row(scope: Scope, data: Overview, root: Unit) -> Row | None:
    """The root unit's own responses (not its sub-units'), when it has some."""
    own = data.own_current.get(root.pk)
    if not own or not own.n:
        return None
    return row_for(
        scope,
        replace(data.filters, unit=root, subunits=False),
        _("%(unit)s (its own responses)") % {"unit": root.name},
        unit_url(scope, root),
        own,
        data.own_previous.get(root.pk, Counts()),
    )


@dataclass
class Mover:
    unit: Unit
    url: str
    nps: Cell


def movers(scope: Scope, data: Overview, limit: int = 5) -> tuple[list[Mover], list[Mover], int]:
    """Units whose own NPS changed most, up and down. Units with a small sample in either
    period are counted, not ranked: their change is mostly noise."""
    candidates, skipped = [], 0
    for unit_id in set(data.own_current) | set(data.own_previous):
        unit = data.tree.units.get(unit_id)
        if unit is None or (data.root is not None and not unit.path.startswith(data.root.path)):
            continue
        current = data.own_current.get(unit_id, Counts())
        previous = data.own_previous.get(unit_id, Counts())
        filters = replace(data.filters, unit=unit, subunits=False)
        nps = cell(scope, filters, "nps", current, previous)
        if nps.change is None or nps.change.delta is None or nps.small or nps.previous.small:
            skipped += 1
            continue
        candidates.append(Mover(unit, unit_url(scope, unit), nps))
    candidates.sort(key=lambda m: (m.nps.change.delta, m.unit.path))
    up = [m for m in reversed(candidates) if m.nps.change.delta > 0][:limit]
    down = [m for m in candidates if m.nps.change.delta < 0][:limit]
    return up, down, skipped


def journey_rows(scope: Scope, data: Overview) -> tuple[list[Row], list[Row]]:
    """Journeys and stages, ranked by NPS (best first; no answer last)."""
    catalogue = data.catalogue
    journeys: dict[int, list[Counts]] = {}
    stages: dict[int, list[Counts]] = {}
    compared = data.touchpoint_previous is not None
    previous_by_tp = data.touchpoint_previous or {}
    for tp_id in set(data.touchpoint_current) | set(previous_by_tp):
        touchpoint = catalogue.touchpoints.get(tp_id) if tp_id else None
        if touchpoint is None:
            continue
        pair = [data.touchpoint_current.get(tp_id, Counts()), previous_by_tp.get(tp_id, Counts())]
        for bucket, key in ((journeys, touchpoint.stage.journey_id), (stages, touchpoint.stage_id)):
            totals = bucket.setdefault(key, [Counts(), Counts()])
            totals[0].add(pair[0])
            totals[1].add(pair[1])
    journey_list = []
    for journey_id, (current, before) in journeys.items():
        previous = before if compared else None
        journey = catalogue.journeys[journey_id]
        filters = replace(data.filters, journey_id=journey_id)
        url = reverse("insights_journey", args=[scope.organization.slug, journey_id])
        if data.root is not None:
            url += "?" + urlencode({"unit": data.root.pk})
        journey_list.append(row_for(scope, filters, journey.name, url, current, previous))
    stage_list = []
    for stage_id, (current, before) in stages.items():
        previous = before if compared else None
        stage = catalogue.stages[stage_id]
        filters = replace(data.filters, stage_id=stage_id)
        url = reverse("insights_journey", args=[scope.organization.slug, stage.journey_id])
        row = row_for(scope, filters, stage.name, url + f"#stage-{stage_id}", current, previous)
        row.note = catalogue.journeys[stage.journey_id].name
        stage_list.append(row)
    return _ranked(journey_list), _ranked(stage_list)


def _ranked(rows: list[Row]) -> list[Row]:
    def key(row: Row) -> tuple:
        value = row.by_metric["nps"].estimate.value
        return (value is None, -(value or 0), row.label)

    return sorted(rows, key=key)
