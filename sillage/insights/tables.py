"""What the insights pages lay out: table rows, chart data and the tables they export."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest
from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from sillage.accounts.models import Membership, Unit
from sillage.accounts.scope import Scope
from sillage.feedback.models import Journey, Response, Touchpoint
from sillage.insights import metrics, presenters, selectors
from sillage.insights.metrics import Counts
from sillage.insights.presenters import Row, cell, explorer_url, range_label, row_for
from sillage.insights.rollups import zone_of
from sillage.insights.selectors import Filters, Overview, aggregate, split_current

CHART_METRICS = ("nps", "csat", "ces")
EXPORTABLE = ("trend", "units", "journeys", "stages", "movers", "comparison", "touchpoints")


# --- Query strings -------------------------------------------------------------------------------


def with_param(request: HttpRequest, name: str, value: str) -> str:
    params = request.GET.copy()
    params[name] = value
    return f"{request.path}?{params.urlencode()}"


def without(request: HttpRequest, name: str) -> str:
    params = request.GET.copy()
    params.pop(name, None)
    query = params.urlencode()
    return f"{request.path}?{query}" if query else request.path


def page_query(filters: Filters, grain: str, **extra: Any) -> str:
    """The query string that reproduces a page's figures (for exports and links)."""
    params: dict[str, Any] = {
        "from": filters.start.isoformat(),
        "to": filters.end.isoformat(),
        "grain": grain,
    }
    if filters.unit is not None:
        params["unit"] = filters.unit.pk
    params.update({k: v for k, v in extra.items() if v})
    return urlencode(params)


# --- Charts --------------------------------------------------------------------------------------


def trend_chart(rows: list[Row]) -> dict[str, Any]:
    def values(metric: str, attribute: str = "value") -> list[float | None]:
        result = []
        for row in rows:
            estimate = row.by_metric[metric].estimate
            number = getattr(estimate, attribute)
            result.append(round(number, 2) if number is not None else None)
        return result

    return {
        "labels": [row.extra["short"] for row in rows],
        "links": [row.by_metric["nps"].url for row in rows],
        "series": [
            {
                "key": metric,
                "label": presenters.metric_label(metric),
                "values": values(metric),
                "margins": values(metric, "margin"),
            }
            for metric in ("nps", "csat")
        ],
    }


def sparklines(rows: list[Row]) -> dict[str, list[float | None]]:
    result = {}
    for metric in ("nps", "csat", "ces", "responses", "comment_rate"):
        values: list[float | None] = []
        for row in rows:
            estimate = row.by_metric[metric].estimate
            values.append(round(estimate.value, 2) if estimate.value is not None else None)
        result[metric] = values
    return result


def sparkline_summary(rows: list[Row], metric: str) -> str:
    """The sparkline in words, for screen readers and anyone without the chart."""
    points = [
        (row.label, row.by_metric[metric])
        for row in rows
        if not row.by_metric[metric].estimate.empty
    ]
    if not points:
        return _("No trend: no answer in these periods.")
    (first_label, first), (last_label, last) = points[0], points[-1]
    return _("Trend: %(first)s in %(first_period)s, %(last)s in %(last_period)s.") % {
        "first": first.text,
        "first_period": first_label,
        "last": last.text,
        "last_period": last_label,
    }


# --- Dashboards ----------------------------------------------------------------------------------


def heatmap_rows(scope: Scope, data: Overview) -> list[Row]:
    units = data.tree.overview_units(data.root)
    rows = presenters.unit_rows(scope, data, units)
    owner = data.root
    if owner is None and units and units[0].parent_id in data.tree.units:
        owner = data.tree.units[units[0].parent_id]
    if owner is not None and owner not in units:
        own = presenters.own_row(scope, data, owner)
        if own is not None:
            rows.insert(0, own)
    return rows


def dashboard_context(scope: Scope, data: Overview) -> dict[str, Any]:
    filters = data.filters
    previous = filters.previous
    trend = presenters.trend_rows(scope, data)
    headline = presenters.headline(scope, data)
    for item in headline:
        item.summary = sparkline_summary(trend, item.metric) if item.metric in {
            "nps", "csat", "ces", "responses", "comment_rate"} else ""  # fmt: skip
    journeys, stages = presenters.journey_rows(scope, data)
    up, down, skipped = presenters.movers(scope, data)
    return {
        "data": data,
        "filters": filters,
        "grain": data.grain,
        "period_label": range_label(filters.start, filters.end),
        "previous_label": range_label(previous.start, previous.end),
        "headline": headline,
        "trend_rows": trend,
        "heatmap_rows": heatmap_rows(scope, data),
        "journey_rows": journeys,
        "stage_rows": stages,
        "movers_up": up,
        "movers_down": down,
        "movers_skipped": skipped,
        "charts": {"trend": trend_chart(trend), "sparklines": sparklines(trend)},
        "all_url": explorer_url(scope, filters) + "#results",
        "export_query": page_query(filters, data.grain),
        "period_query": page_query(replace(filters, unit=None), data.grain),
        "small_sample": metrics.SMALL_SAMPLE,
        "time_zone": scope.organization.time_zone,
        "bands": metrics.BANDS,
    }


def comparison_rows(scope: Scope, data: Overview, unit: Unit) -> list[Row] | None:
    """The unit beside its parent and its siblings, when the viewer may see them."""
    parent = data.tree.units.get(unit.parent_id) if unit.parent_id else None
    if parent is None:
        return None
    rows = []
    for other in [parent, *data.tree.kids(parent)]:
        row = presenters.unit_rows(scope, data, [other])[0]
        row.key = "parent" if other == parent else ("self" if other == unit else "sibling")
        rows.append(row)
    return rows


# --- Journey page --------------------------------------------------------------------------------


@dataclass
class StageBlock:
    stage_id: int
    label: str
    current: Counts
    previous: Counts
    touchpoints: list[Row]
    row: Row | None = None


def journey_context(scope: Scope, journey: Journey, filters: Filters, grain: str) -> dict:
    by_tp = aggregate(scope, filters, ("touchpoint",), compare=True, invitations=False)
    current, previous = split_current(by_tp)
    touchpoints = list(
        Touchpoint.objects.filter(stage__journey=journey)
        .select_related("stage")
        .order_by("stage__rank", "stage_id", "rank", "id")
    )
    blocks: list[StageBlock] = []
    total_cur, total_prev = Counts(), Counts()
    for touchpoint in touchpoints:
        cur = current.get((touchpoint.pk,), Counts())
        prev = previous.get((touchpoint.pk,), Counts())
        total_cur.add(cur)
        total_prev.add(prev)
        if not blocks or blocks[-1].stage_id != touchpoint.stage_id:
            blocks.append(
                StageBlock(touchpoint.stage_id, touchpoint.stage.name, Counts(), Counts(), [])
            )
        block = blocks[-1]
        block.current.add(cur)
        block.previous.add(prev)
        row = row_for(
            scope, replace(filters, touchpoint_id=touchpoint.pk), touchpoint.name, "", cur, prev
        )
        row.note = touchpoint.get_channel_display()
        block.touchpoints.append(row)
    for block in blocks:
        block.row = row_for(
            scope,
            replace(filters, stage_id=block.stage_id),
            block.label,
            f"#stage-{block.stage_id}",
            block.current,
            block.previous,
        )
    first, last = selectors.trend_range(filters.end, grain)
    trend_counts = aggregate(scope, filters.with_range(first, last), (grain,))
    trend = []
    for start in metrics.periods(first, last, grain):
        period = filters.with_range(start, metrics.period_end(start, grain))
        counts = trend_counts.get((start,), Counts())
        trend.append(
            Row(
                presenters.period_label(start, grain),
                explorer_url(scope, period) + "#results",
                [cell(scope, period, m, counts) for m in presenters.TABLE_METRICS],
                extra={"short": presenters.period_short_label(start, grain)},
            )
        )
    headline = [
        cell(scope, filters, m, total_cur, total_prev)
        for m in ("nps", "csat", "ces", "responses", "comment_rate")
    ]
    stage_chart = {
        "labels": [b.row.label for b in blocks],
        "links": [b.row.by_metric["nps"].url for b in blocks],
        "series": [
            {
                "key": "nps",
                "label": presenters.metric_label("nps"),
                "values": [
                    round(v, 2)
                    if (v := b.row.by_metric["nps"].estimate.value) is not None
                    else None
                    for b in blocks
                ],
            }
        ],
    }
    return {
        "journey": journey,
        "filters": filters,
        "grain": grain,
        "period_label": range_label(filters.start, filters.end),
        "previous_label": range_label(filters.previous.start, filters.previous.end),
        "headline": headline,
        "blocks": blocks,
        "trend_rows": trend,
        "charts": {"trend": trend_chart(trend), "stages": stage_chart},
        "all_url": explorer_url(scope, filters) + "#results",
        "export_query": page_query(filters, grain, journey=journey.pk),
        "period_query": page_query(replace(filters, unit=None), grain),
        "small_sample": metrics.SMALL_SAMPLE,
        "time_zone": scope.organization.time_zone,
    }


# --- Verbatims -----------------------------------------------------------------------------------


@dataclass
class Item:
    response: Response
    when: str
    unit: Unit
    unit_url: str
    where: str
    scores: list[tuple[str, str, str, str]]  # (label, value, band, band name)
    comment: SafeString
    employee: str


def _score_badges(response: Response) -> list[tuple[str, str, str, str]]:
    badges = []
    if response.nps is not None:
        kind = "promoter" if response.nps >= 9 else "passive" if response.nps >= 7 else "detractor"
        names = {"promoter": _("promoter"), "passive": _("passive"), "detractor": _("detractor")}
        badges.append((_("NPS"), f"{response.nps}/10", kind, names[kind]))
    if response.csat is not None:
        kind = (
            "promoter" if response.csat >= 4 else "passive" if response.csat == 3 else "detractor"
        )
        badges.append((_("CSAT"), f"{response.csat}/5", kind, ""))
    if response.ces is not None:
        kind = "promoter" if response.ces >= 5 else "passive" if response.ces == 4 else "detractor"
        badges.append((_("CES"), f"{response.ces}/7", kind, ""))
    return badges


def verbatim_items(scope: Scope, page: Any) -> list[Item]:
    from sillage.insights.verbatims import highlight

    zone = zone_of(scope.organization)
    codes = {r.employee_code for r in page.items if r.employee_code}
    names = {}
    if codes:
        names = {
            m.employee_code: m.user.get_full_name() or m.employee_code
            for m in Membership.objects.filter(
                organization=scope.organization, employee_code__in=codes
            ).select_related("user")
        }
    items = []
    for response in page.items:
        touchpoint = response.touchpoint
        where = ""
        if touchpoint is not None:
            where = f"{touchpoint.stage.journey.name} › {touchpoint.stage.name} › {touchpoint.name}"
        items.append(
            Item(
                response=response,
                when=date_format(response.submitted_at.astimezone(zone), "DATETIME_FORMAT"),
                unit=response.unit,
                unit_url=presenters.unit_url(scope, response.unit),
                where=where,
                scores=_score_badges(response),
                comment=highlight(response.comment, page.terms),
                employee=names.get(response.employee_code, response.employee_code),
            )
        )
    return items


def describe_query(query: Any, form: Any) -> list[str]:
    """The active filters in words, above the list."""
    filters = query.filters
    parts = [range_label(filters.start, filters.end)]
    if filters.unit is not None:
        parts.append(
            filters.unit.name
            if filters.subunits
            else _("%(unit)s only, without its sub-units") % {"unit": filters.unit.name}
        )
    data = form.cleaned_data if form.is_bound else {}
    for name in ("journey", "stage", "touchpoint", "survey"):
        if data.get(name) is not None:
            parts.append(form.fields[name].label_from_instance(data[name]))
    for name in ("band", "language", "comment", "employee", "invited"):
        value = data.get(name)
        if value:
            parts.append(str(dict(form.fields[name].choices).get(value, value)))
    if query.text:
        parts.append(_("words: %(text)s") % {"text": query.text})
    return parts


# --- Table exports -------------------------------------------------------------------------------


def _export_header(label: str) -> list[str]:
    return [
        label,
        _("Responses"),
        _("NPS"),
        _("NPS margin of error (95%)"),
        _("CSAT, % satisfied"),
        _("CSAT margin of error (95%)"),
        _("CES, mean /7"),
        _("CES margin of error (95%)"),
        _("Comment rate, %"),
        _("NPS, previous period"),
        _("NPS change"),
        _("Change beyond the margin of error"),
        _("Small sample"),
    ]


def _number(value: float | None, decimals: int = 1) -> float | None:
    return None if value is None else round(value, decimals)


def _export_row(row: Row) -> list[Any]:
    cells = row.by_metric
    nps, csat, ces = cells["nps"], cells["csat"], cells["ces"]
    change = nps.change
    signal = ""
    if change is not None and change.signal:
        signal = _("up") if change.signal == "up" else _("down")
    return [
        row.label,
        cells["responses"].estimate.n,
        _number(nps.estimate.value),
        _number(nps.estimate.margin),
        _number(csat.estimate.value),
        _number(csat.estimate.margin),
        _number(ces.estimate.value, 2),
        _number(ces.estimate.margin, 2),
        _number(cells["comment_rate"].estimate.value),
        _number(nps.previous.value) if nps.previous else None,
        _number(change.delta) if change else None,
        signal,
        _("yes") if nps.small else "",
    ]


def export_table(
    scope: Scope, name: str, filters: Filters, grain: str, journey: Journey | None
) -> tuple[str, list[str], Iterator[list[Any]]]:
    if name == "touchpoints":
        if journey is None:
            raise_404()
        context = journey_context(scope, journey, replace(filters, journey_id=journey.pk), grain)
        rows = []
        for block in context["blocks"]:
            rows.append(block.row)
            rows.extend(
                replace(tp, label=f"{block.row.label} › {tp.label}") for tp in block.touchpoints
            )
        return journey.name, _export_header(_("Stage or touchpoint")), map(_export_row, rows)
    data = selectors.overview(scope, filters, grain=grain, touchpoint_change=True)
    if name == "trend":
        rows, label = presenters.trend_rows(scope, data), _("Period")
    elif name == "units":
        rows, label = heatmap_rows(scope, data), _("Unit")
    elif name in {"journeys", "stages"}:
        journeys, stages = presenters.journey_rows(scope, data)
        rows, label = (journeys, _("Journey")) if name == "journeys" else (stages, _("Stage"))
    elif name == "movers":
        up, down, _skipped = presenters.movers(scope, data)
        rows = [
            Row(m.unit.name, m.url, [m.nps, *_unit_cells(scope, data, m.unit)]) for m in up + down
        ]
        label = _("Unit")
    else:  # comparison
        if filters.unit is None:
            raise_404()
        rows, label = comparison_rows(scope, data, filters.unit) or [], _("Unit")
    return str(_("Insights")), _export_header(label), map(_export_row, rows)


def _unit_cells(scope: Scope, data: Overview, unit: Unit) -> list[presenters.Cell]:
    filters = replace(data.filters, unit=unit, subunits=False)
    current = data.own_current.get(unit.pk, Counts())
    previous = data.own_previous.get(unit.pk, Counts())
    return [cell(scope, filters, m, current, previous) for m in ("csat", "ces", "responses",
                                                                 "comment_rate")]  # fmt: skip


def raise_404() -> None:
    raise Http404
