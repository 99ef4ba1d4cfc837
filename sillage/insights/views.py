"""Insights pages: dashboards scoped to the viewer, journeys, the verbatim explorer, exports.

Every figure is read from rollups (a fixed number of queries per page, whatever the number
of responses) and links to the explorer filtered to the responses behind it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from sillage.accounts.decorators import org_view
from sillage.accounts.models import Unit
from sillage.accounts.scope import Perm, Scope
from sillage.feedback.models import Journey
from sillage.insights import exports, selectors, tables, verbatims
from sillage.insights.forms import ExplorerForm, PeriodForm
from sillage.insights.selectors import Filters

# Until the lead adds Perm.VIEW_INSIGHTS, every member may read insights for their scope.
VIEW = Perm.VIEW_HOME


def _get_only(request: HttpRequest) -> HttpResponse | None:
    return None if request.method in {"GET", "HEAD"} else HttpResponseNotAllowed(["GET"])


def _period(request: HttpRequest, scope: Scope) -> tuple[PeriodForm, Filters, str]:
    form = PeriodForm(request.GET or None, scope=scope)
    start, end, grain = form.resolve()
    return form.for_display(), Filters(start=start, end=end), grain


def _scope_unit(request: HttpRequest, scope: Scope) -> Unit | None:
    """An optional ?unit= narrowing a page; another organisation's id is a 404."""
    raw = request.GET.get("unit", "")
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404
    return scope.get_unit(raw)


@org_view(VIEW)
def dashboard(request: HttpRequest, scope: Scope) -> HttpResponse:
    if (refused := _get_only(request)) is not None:
        return refused
    form, filters, grain = _period(request, scope)
    data = selectors.overview(scope, filters, grain=grain)
    context = tables.dashboard_context(scope, data)
    context.update(form=form, page_unit=None)
    return render(request, "insights/dashboard.html", context)


@org_view(VIEW)
def unit_page(request: HttpRequest, scope: Scope, unit_id: int) -> HttpResponse:
    unit = scope.get_unit(unit_id)
    if (refused := _get_only(request)) is not None:
        return refused
    form, filters, grain = _period(request, scope)
    data = selectors.overview(scope, replace(filters, unit=unit), grain=grain)
    context = tables.dashboard_context(scope, data)
    context.update(
        form=form,
        page_unit=unit,
        comparison=tables.comparison_rows(scope, data, unit),
        ancestors=[
            data.tree.units[i] for i in selectors.path_ids(unit.path)[:-1] if i in data.tree.units
        ],  # fmt: skip
    )
    return render(request, "insights/dashboard.html", context)


@org_view(VIEW)
def journey_page(request: HttpRequest, scope: Scope, journey_id: int) -> HttpResponse:
    journey = get_object_or_404(Journey.objects.for_scope(scope), pk=journey_id)
    unit = _scope_unit(request, scope)
    if (refused := _get_only(request)) is not None:
        return refused
    form, filters, grain = _period(request, scope)
    filters = replace(filters, unit=unit, journey_id=journey.pk)
    context = tables.journey_context(scope, journey, filters, grain)
    context.update(form=form, page_unit=unit)
    return render(request, "insights/journey.html", context)


@org_view(VIEW)
def verbatims_page(request: HttpRequest, scope: Scope) -> HttpResponse:
    if (refused := _get_only(request)) is not None:
        return refused
    form = ExplorerForm(request.GET or None, scope=scope)
    valid = not form.is_bound or form.is_valid()
    context: dict[str, Any] = {"form": form.for_display(), "valid": valid}
    if valid:
        query = form.query()
        page = verbatims.page(scope, query, after=request.GET.get("after", ""))
        context.update(
            query=query,
            total=verbatims.total(scope, query),
            page=page,
            items=tables.verbatim_items(scope, page),
            description=tables.describe_query(query, form),
            first_url=tables.without(request, "after"),
            next_url=tables.with_param(request, "after", page.next_cursor)
            if page.next_cursor
            else "",
            export_query=tables.without(request, "after").partition("?")[2],
            is_later_page=bool(request.GET.get("after")),
        )
    return render(request, "insights/verbatims.html", context)


@org_view(VIEW)
def verbatims_export(request: HttpRequest, scope: Scope) -> HttpResponse:
    if (refused := _get_only(request)) is not None:
        return refused
    form = ExplorerForm(request.GET or None, scope=scope)
    if form.is_bound and not form.is_valid():
        return HttpResponse(
            _("These filters are not valid."), status=400, content_type="text/plain"
        )
    fmt = request.GET.get("format", "csv")
    if fmt not in exports.FORMATS:
        return HttpResponse(_("Unknown format."), status=400, content_type="text/plain")
    query = form.query()
    rows = exports.response_rows(scope, query)
    if fmt == "xlsx":
        rows = exports.capped_for_xlsx(rows, _("More rows than a spreadsheet holds: use CSV."))
    name = f"responses-{scope.organization.slug}-{query.filters.start}-{query.filters.end}"
    return exports.export_response(fmt, name, _("Responses"), exports.RESPONSE_COLUMNS, rows)


@org_view(VIEW)
def table_export(request: HttpRequest, scope: Scope) -> HttpResponse:
    """Any table of a dashboard or journey page, with the page's own parameters."""
    unit = _scope_unit(request, scope)
    journey = None
    if request.GET.get("journey", "").isdigit():
        journey = get_object_or_404(Journey.objects.for_scope(scope), pk=request.GET["journey"])
    if (refused := _get_only(request)) is not None:
        return refused
    fmt = request.GET.get("format", "csv")
    name = request.GET.get("table", "")
    if fmt not in exports.FORMATS or name not in tables.EXPORTABLE:
        return HttpResponse(_("Unknown table or format."), status=400, content_type="text/plain")
    _form, filters, grain = _period(request, scope)
    title, header, rows = tables.export_table(scope, name, replace(filters, unit=unit), grain,
                                              journey)  # fmt: skip
    filename = f"{name}-{scope.organization.slug}-{filters.start}-{filters.end}"
    return exports.export_response(fmt, filename, title, header, rows)
