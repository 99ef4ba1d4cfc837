"""Text analytics pages: themes and their impact, emerging topics, a verbatim's analysis, and
the one-click corrections (htmx, with a plain form fallback)."""

from __future__ import annotations

from dataclasses import replace

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from sillage.accounts.decorators import org_view
from sillage.accounts.scope import Perm, Scope
from sillage.feedback.models import Response
from sillage.insights.forms import PeriodForm
from sillage.insights.presenters import range_label
from sillage.insights.selectors import Filters
from sillage.textai import impact, presenters, selectors, services
from sillage.textai.models import Correction, EmergingTopic, Sentiment, Theme, TopicKind


def _get_only(request: HttpRequest) -> HttpResponse | None:
    return None if request.method in {"GET", "HEAD"} else HttpResponseNotAllowed(["GET"])


def _filters(request: HttpRequest, scope: Scope) -> tuple[PeriodForm, Filters]:
    form = PeriodForm(request.GET or None, scope=scope)
    start, end, _grain = form.resolve()
    filters = Filters(start=start, end=end)
    raw = request.GET.get("unit", "")
    if raw:
        if not raw.isdigit():
            raise Http404
        filters = replace(filters, unit=scope.get_unit(raw))
    return form.for_display(), filters


@org_view(Perm.VIEW_TEXT_ANALYTICS)
def themes_page(request: HttpRequest, scope: Scope) -> HttpResponse:
    if (refused := _get_only(request)) is not None:
        return refused
    services.themes_ensure(organization=scope.organization)
    form, filters = _filters(request, scope)
    sort = request.GET.get("sort", "volume")
    sort = sort if sort in impact.SORTS else "volume"
    result = impact.theme_impact(scope, filters, sort=sort)
    query = request.GET.copy()
    query.pop("sort", None)
    context = {
        "form": form,
        "filters": filters,
        "page_unit": filters.unit,
        "period_label": range_label(filters.start, filters.end),
        "impact": result,
        "sort": sort,
        "sort_query": query.urlencode(),
        "progress": selectors.progress(scope.organization),
        "topics": emerging_topics(scope),
        "units": scope.units().order_by("path"),
    }
    return render(request, "textai/themes.html", context)


def emerging_topics(scope: Scope, weeks: int = 4) -> list[dict]:
    """The last weeks' topics, each with its example verbatims that the viewer may see."""
    topics = list(
        EmergingTopic.objects.filter(organization=scope.organization)
        .select_related("theme")
        .order_by("-week", "kind", "-count")[:40]
    )
    recent = sorted({t.week for t in topics}, reverse=True)[:weeks]
    topics = [t for t in topics if t.week in recent]
    ids = {pk for t in topics for pk in t.example_ids}
    visible = {r.pk: r for r in Response.objects.for_scope(scope).filter(pk__in=ids)}
    return [
        {
            "topic": t,
            "rising": t.kind == TopicKind.RISING,
            "share": 100 * t.share,
            "mean": 100 * (t.baseline_mean or 0),
            "examples": [visible[pk] for pk in t.example_ids if pk in visible],
        }
        for t in topics
    ]


@org_view(Perm.VIEW_TEXT_ANALYTICS)
def progress_partial(request: HttpRequest, scope: Scope) -> HttpResponse:
    if (refused := _get_only(request)) is not None:
        return refused
    return render(
        request, "textai/_progress.html", {"progress": selectors.progress(scope.organization)}
    )


def _response(scope: Scope, response_id: int) -> Response:
    return get_object_or_404(
        Response.objects.for_scope(scope).select_related("organization", "unit"), pk=response_id
    )


@org_view(Perm.VIEW_TEXT_ANALYTICS)
def verbatim_page(request: HttpRequest, scope: Scope, response_id: int) -> HttpResponse:
    response = _response(scope, response_id)
    if (refused := _get_only(request)) is not None:
        return refused
    context = _verbatim_values(request, scope, response, detail=True)
    context["corrections"] = presenters.correction_rows(
        Correction.objects.filter(response=response).select_related("user"), context["themes"]
    )
    context["sentences"] = context["text"].analysis.sentences if context["text"].analysis else []
    return render(request, "textai/verbatim.html", context)


def _verbatim_values(request: HttpRequest, scope: Scope, response: Response, detail: bool):
    page = presenters.page_texts(scope.organization, [response.pk])
    values = presenters.verbatim_values(
        organization=scope.organization,
        can_correct=scope.can(Perm.CORRECT_TEXT_ANALYTICS),
        response=response,
        text=page.get(response.pk),
        themes=page.themes,
        terms=[],
        csrf_token=get_token(request),
        detail=detail,
    )
    values["themes"] = page.themes
    return values


def _after_correction(request: HttpRequest, scope: Scope, response: Response) -> HttpResponse:
    detail = request.POST.get("next") == "detail"
    if request.htmx:
        context = _verbatim_values(request, scope, response, detail=detail)
        return render(request, "textai/_verbatim.html", context)
    if detail:
        return redirect("textai_verbatim", scope.organization.slug, response.pk)
    back = request.META.get("HTTP_REFERER", "")
    if back and url_has_allowed_host_and_scheme(back, {request.get_host()}):
        return redirect(back)
    return redirect(reverse("insights_verbatims", args=[scope.organization.slug]))


@org_view(Perm.CORRECT_TEXT_ANALYTICS)
def correct_sentiment(request: HttpRequest, scope: Scope, response_id: int) -> HttpResponse:
    response = _response(scope, response_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    sentiment = request.POST.get("sentiment", "")
    if sentiment not in Sentiment.values or not response.comment:
        return HttpResponse(status=400)
    services.sentiment_correct(response=response, user=request.user, sentiment=sentiment)
    return _after_correction(request, scope, response)


@org_view(Perm.CORRECT_TEXT_ANALYTICS)
def correct_theme(request: HttpRequest, scope: Scope, response_id: int) -> HttpResponse:
    response = _response(scope, response_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    action = request.POST.get("action", "")
    theme = Theme.objects.filter(
        organization=scope.organization, code=request.POST.get("theme", "")
    ).first()
    if theme is None or action not in {"add", "remove"} or not response.comment:
        return HttpResponse(status=400)
    if action == "add":
        services.theme_add(response=response, user=request.user, theme=theme)
    else:
        services.theme_remove(response=response, user=request.user, theme=theme)
    return _after_correction(request, scope, response)
