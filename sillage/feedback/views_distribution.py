"""Distribution pages: a survey's links per unit × touchpoint, QR codes, posters, the widget."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sillage.accounts.decorators import org_view
from sillage.accounts.models import Organization, Unit, UnitType
from sillage.accounts.scope import Perm, Scope
from sillage.feedback import services_distribution as services
from sillage.feedback.models import Survey, SurveyLink, SurveyStatus, Touchpoint

POSTER_SIZES = ("letter", "a4")
WIDGET_MODES = ("modal", "inline")
QR_CACHE = "private, max-age=86400"  # a link's token never changes


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return "\u2003" * max(obj.depth - 1, 0) + f"{obj.name} ({obj.code})"


class TouchpointChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Touchpoint) -> str:
        return f"{obj.stage.journey.name} › {obj.stage.name} › {obj.name}"


class LinkGenerateForm(forms.Form):
    root = UnitChoiceField(
        label=gettext_lazy("Units under"),
        queryset=Unit.objects.none(),
        help_text=gettext_lazy("This unit and every unit below it."),
    )
    unit_type = forms.ModelChoiceField(
        label=gettext_lazy("Only units of type"),
        queryset=UnitType.objects.none(),
        required=False,
        empty_label=gettext_lazy("Every type"),
        help_text=gettext_lazy("For example, only the branches."),
    )
    touchpoints = TouchpointChoiceField(
        label=gettext_lazy("Touchpoints"),
        queryset=Touchpoint.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: object, scope: Scope, survey: Survey, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        organization = scope.organization
        self.fields["root"].queryset = scope.units().active()
        self.fields["unit_type"].queryset = UnitType.objects.for_organization(organization)
        self.fields["touchpoints"].queryset = Touchpoint.objects.for_organization(
            organization
        ).select_related("stage__journey")
        if survey.touchpoint_id and not self.is_bound:
            self.initial.setdefault("touchpoints", [survey.touchpoint_id])

    def units(self) -> list[Unit]:
        data = self.cleaned_data
        units = Unit.objects.subtree_of(data["root"]).active()
        if data["unit_type"] is not None:
            units = units.filter(unit_type=data["unit_type"])
        return list(units)


def _survey(scope: Scope, survey_id: int) -> Survey:
    return get_object_or_404(Survey.objects.for_scope(scope), pk=survey_id)


def _link(scope: Scope, link_id: int) -> SurveyLink:
    return get_object_or_404(
        SurveyLink.objects.for_scope(scope).select_related(
            "survey", "unit", "touchpoint", "organization"
        ),
        pk=link_id,
    )


def _with_urls(links: list[SurveyLink]) -> list[SurveyLink]:
    for link in links:
        link.url = services.link_url(link)  # type: ignore[attr-defined]
    return links


def _grouped_by_unit(links: list[SurveyLink]) -> list[tuple[Unit, list[SurveyLink]]]:
    groups: list[tuple[Unit, list[SurveyLink]]] = []
    for link in links:
        if not groups or groups[-1][0].pk != link.unit_id:
            groups.append((link.unit, []))
        groups[-1][1].append(link)
    return groups


def _chosen_unit(request: HttpRequest, units: list[Unit]) -> Unit | None:
    """The unit picked in the page's filter (`?unit=<id>`), among those that have links."""
    wanted = request.GET.get("unit", "")
    return next((unit for unit in units if str(unit.pk) == wanted), None)


@org_view(Perm.VIEW_DISTRIBUTION)
def survey_links(request: HttpRequest, scope: Scope, survey_id: int) -> HttpResponse:
    """The survey's links grouped by unit; those who manage distribution make more."""
    survey = _survey(scope, survey_id)
    can_manage = scope.can(Perm.MANAGE_DISTRIBUTION)
    form = None
    if can_manage:
        form = LinkGenerateForm(
            request.POST if request.method == "POST" else None, scope=scope, survey=survey
        )
    elif request.method == "POST":
        scope.require(Perm.MANAGE_DISTRIBUTION)  # a 404: viewers do not learn what POST does
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            created, kept = services.links_generate(
                survey=survey, units=form.units(), touchpoints=form.cleaned_data["touchpoints"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(created)s links created, %(kept)s already existed and were kept.")
                % {"created": created, "kept": kept},
            )
            return redirect("survey_links", org_slug=scope.organization.slug, survey_id=survey.pk)
    survey_links_qs = SurveyLink.objects.for_scope(scope).filter(survey=survey)
    units_with_links = list(
        Unit.objects.filter(pk__in=survey_links_qs.values("unit_id")).order_by("path")
    )
    shown_unit = _chosen_unit(request, units_with_links)
    shown = survey_links_qs if shown_unit is None else survey_links_qs.filter(unit=shown_unit)
    links = _with_urls(list(shown.select_related("unit", "touchpoint")))
    return render(
        request,
        "feedback/distribution/links.html",
        {
            "survey": survey,
            "form": form,
            "groups": _grouped_by_unit(links),
            "link_count": len(links),
            "units_with_links": units_with_links,
            "shown_unit": shown_unit,
            "example": links[0] if links else None,
            "is_published": survey.status == SurveyStatus.PUBLISHED,
        },
    )


@org_view(Perm.MANAGE_DISTRIBUTION)
def link_toggle(request: HttpRequest, scope: Scope, link_id: int) -> HttpResponse:
    link = _link(scope, link_id)  # before the method check: a foreign id is always a 404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.link_set_active(link=link, is_active=request.POST.get("active") == "1")
    if request.htmx:  # type: ignore[attr-defined]
        link.url = services.link_url(link)  # type: ignore[attr-defined]
        return render(request, "feedback/distribution/links.html#link-row", {"link": link})
    if link.is_active:
        messages.success(request, _("The link for “%(link)s” is active.") % {"link": link})
    else:
        messages.success(
            request,
            _("The link for “%(link)s” is inactive: customers who open it are told so.")
            % {"link": link},
        )
    return redirect("survey_links", org_slug=scope.organization.slug, survey_id=link.survey_id)


def _qr_filename(link: SurveyLink, extension: str) -> str:
    name = slugify(f"qr {link.organization.slug} {link.unit.code} {link.touchpoint.code}")
    return f"{name}.{extension}"


def _qr_response(request: HttpRequest, link: SurveyLink, body: bytes, kind: str) -> HttpResponse:
    content_type = {"svg": "image/svg+xml", "png": "image/png"}[kind]
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        request.GET.get("download") == "1", _qr_filename(link, kind)
    )
    response["Cache-Control"] = QR_CACHE
    return response


@org_view(Perm.VIEW_DISTRIBUTION)
def link_qr_svg(request: HttpRequest, scope: Scope, link_id: int) -> HttpResponse:
    link = _link(scope, link_id)
    body = services.qr_svg(services.link_url(link), title=str(link))
    return _qr_response(request, link, body, "svg")


@org_view(Perm.VIEW_DISTRIBUTION)
def link_qr_png(request: HttpRequest, scope: Scope, link_id: int) -> HttpResponse:
    link = _link(scope, link_id)
    return _qr_response(request, link, services.qr_png(services.link_url(link)), "png")


@org_view(Perm.VIEW_DISTRIBUTION)
def link_poster(request: HttpRequest, scope: Scope, link_id: int) -> HttpResponse:
    """A printable bilingual poster: the organisation, a call to action, the QR, the address."""
    link = _link(scope, link_id)
    size = request.GET.get("size", "")
    if size not in POSTER_SIZES:
        size = _default_poster_size(scope.organization)
    url = services.link_url(link)
    return render(
        request,
        "feedback/distribution/poster.html",
        {
            "link": link,
            "size": size,
            "sizes": POSTER_SIZES,
            "url": url,
            "short_url": services.short_url(url),
            "languages": _poster_languages(scope.organization),
            # segno writes only path data and attributes: no markup from the user reaches it.
            "qr": mark_safe(services.qr_svg_inline(url)),  # noqa: S308
        },
    )


def _poster_languages(organization: Organization) -> list[str]:
    """Both languages, the organisation's own first (French first in Quebec)."""
    first = organization.default_language if organization.default_language == "en" else "fr"
    return [first, "en" if first == "fr" else "fr"]


def _default_poster_size(organization: Organization) -> str:
    # Letter in North America (Quebec first); A4 everywhere else.
    zone = organization.time_zone
    return "letter" if zone.startswith(("America/", "Canada/", "US/")) else "a4"


@org_view(Perm.VIEW_DISTRIBUTION)
def survey_widget(request: HttpRequest, scope: Scope, survey_id: int) -> HttpResponse:
    """The one-line <script> that embeds the survey on a website, for a chosen link."""
    survey = _survey(scope, survey_id)
    links = list(
        SurveyLink.objects.for_scope(scope)
        .filter(survey=survey, is_active=True)
        .select_related("unit", "touchpoint")
    )
    for link in links:
        link.script_url = services.widget_script_url(link)  # type: ignore[attr-defined]
    chosen = next((x for x in links if str(x.pk) == request.GET.get("link")), None)
    chosen = chosen or (links[0] if links else None)
    mode = request.GET.get("mode")
    mode = mode if mode in WIDGET_MODES else WIDGET_MODES[0]
    snippet = ""
    if chosen is not None:
        snippet = f'<script src="{chosen.script_url}" data-mode="{mode}" async></script>'  # type: ignore[attr-defined]
    return render(
        request,
        "feedback/distribution/widget.html",
        {
            "survey": survey,
            "links": links,
            "chosen": chosen,
            "mode": mode,
            "modes": WIDGET_MODES,
            "snippet": snippet,
        },
    )
