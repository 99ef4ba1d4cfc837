"""Text analytics settings (MANAGE_TEXT_ANALYTICS): taxonomy editor, engine, re-analysis,
adaptation status."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from sillage.accounts.decorators import org_view
from sillage.accounts.scope import Perm, Scope
from sillage.textai import processing, selectors, services
from sillage.textai.adaptation import MIN_CORRECTIONS
from sillage.textai.forms import SettingsForm, ThemeForm
from sillage.textai.models import CommentAnalysis, Correction, CorrectionField, Theme

MANAGE = Perm.MANAGE_TEXT_ANALYTICS


def _engine_choices() -> list[tuple[str, str]]:
    from sillage.textai.engines import ENGINES

    return [(name, str(label)) for name, label in ENGINES.items() if processing.engine_usable(name)]


def _settings_url(scope: Scope) -> HttpResponse:
    return redirect("textai_settings", scope.organization.slug)


@org_view(MANAGE)
def settings_page(request: HttpRequest, scope: Scope) -> HttpResponse:
    organization = scope.organization
    services.themes_ensure(organization=organization)
    row = processing.text_settings(organization)
    current = row.engine or processing.default_engine_name()
    if request.method == "POST":
        form = SettingsForm(request.POST, engines=_engine_choices())
        if form.is_valid():
            services.settings_update(
                organization=organization,
                engine=form.cleaned_data["engine"],
                email_emerging=form.cleaned_data["email_emerging"],
            )
            if form.cleaned_data["engine"] != current:
                services.reanalysis_request(organization=organization)
                messages.success(request, _("Engine changed: the comments are being re-analysed."))
            else:
                messages.success(request, _("Settings saved."))
            return _settings_url(scope)
    else:
        form = SettingsForm(
            initial={"engine": current, "email_emerging": row.email_emerging},
            engines=_engine_choices(),
        )
    engine = processing.engine_for(organization)
    context = {
        "form": form,
        "themes": Theme.objects.filter(organization=organization),
        "progress": selectors.progress(organization),
        "stale": CommentAnalysis.objects.filter(organization=organization)
        .exclude(engine=engine.name, engine_version=engine.version)
        .count(),
        "engine": engine,
        "adapter": row.adapter_meta or {},
        "adapter_active": bool(row.adapter),
        "corrections": Correction.objects.filter(
            organization=organization, field=CorrectionField.SENTIMENT
        ).count(),
        "min_corrections": MIN_CORRECTIONS,
    }
    return render(request, "textai/settings.html", context)


@org_view(MANAGE)
def reanalyse(request: HttpRequest, scope: Scope) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    everything = request.POST.get("scope") == "all"
    services.reanalysis_request(organization=scope.organization, everything=everything)
    messages.success(request, _("Re-analysis requested: the figures fill in as it goes."))
    return _settings_url(scope)


@org_view(MANAGE)
def retrain(request: HttpRequest, scope: Scope) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    from sillage.textai.adaptation import adapter_train

    meta = adapter_train(organization=scope.organization)
    if meta.get("status") == "waiting":
        messages.warning(
            request,
            _("At least %(count)s sentiment corrections are needed to adapt the engine.")
            % {"count": MIN_CORRECTIONS},
        )
    else:
        messages.success(request, _("The adaptation was retrained from the corrections."))
    return _settings_url(scope)


@org_view(MANAGE)
def theme_create(request: HttpRequest, scope: Scope) -> HttpResponse:
    form = ThemeForm(request.POST or None, organization=scope.organization)
    if request.method == "POST" and form.is_valid():
        theme = Theme(organization=scope.organization)
        services.theme_save(theme=theme, data=form.cleaned_data)
        messages.success(request, _("Theme added. New comments are analysed with it."))
        return _settings_url(scope)
    return render(request, "textai/theme_form.html", {"form": form, "theme": None})


@org_view(MANAGE)
def theme_edit(request: HttpRequest, scope: Scope, text_theme_id: int) -> HttpResponse:
    theme = get_object_or_404(Theme.objects.for_scope(scope), pk=text_theme_id)
    form = ThemeForm(request.POST or None, organization=scope.organization, theme=theme)
    if request.method == "POST" and form.is_valid():
        services.theme_save(theme=theme, data=form.cleaned_data)
        messages.success(request, _("Theme saved."))
        return _settings_url(scope)
    return render(request, "textai/theme_form.html", {"form": form, "theme": theme})
