"""Settings of the closed loop (alert rules, SLA policy, holidays, root causes), the loop
metrics, the flagged responses and each person's notification preference."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sillage.accounts.decorators import org_view
from sillage.accounts.scope import Perm, Scope
from sillage.cases import selectors
from sillage.cases.defaults import policy_for
from sillage.cases.forms import (
    AlertRuleForm,
    HolidayForm,
    PolicyForm,
    PreferenceForm,
    RootCauseForm,
)
from sillage.cases.metrics import loop_metrics
from sillage.cases.models import AlertRule, Holiday, NotificationPreference, RootCause
from sillage.cases.services import rule_preview

PERIODS = (30, 90, 365)


@org_view(Perm.MANAGE_ALERT_RULES)
def rule_list(request: HttpRequest, scope: Scope) -> HttpResponse:
    policy_for(scope.organization)
    rules = AlertRule.objects.for_scope(scope).select_related("journey", "touchpoint")
    return render(request, "cases/rule_list.html", {"rules": rules})


@org_view(Perm.MANAGE_ALERT_RULES)
def rule_edit(request: HttpRequest, scope: Scope, rule_id: int | None = None) -> HttpResponse:
    policy_for(scope.organization)
    rule = None
    if rule_id is not None:
        rule = get_object_or_404(AlertRule.objects.for_scope(scope), pk=rule_id)
    form = AlertRuleForm(request.POST or None, instance=rule, organization=scope.organization)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Alert rule saved."))
        return redirect("case_rule_list", scope.organization.slug)
    return render(request, "cases/rule_form.html", {"form": form, "rule": rule})


@org_view(Perm.MANAGE_ALERT_RULES)
@require_POST
def rule_preview_view(request: HttpRequest, scope: Scope) -> HttpResponse:
    """The htmx preview: how many responses of the last 90 days the rule would have matched."""
    form = AlertRuleForm(request.POST, organization=scope.organization)
    preview = None
    if form.is_valid():
        preview = rule_preview(rule=form.instance, organization=scope.organization)
    return render(request, "cases/_rule_preview.html", {"form": form, "preview": preview})


@org_view(Perm.MANAGE_ALERT_RULES)
def policy_edit(request: HttpRequest, scope: Scope) -> HttpResponse:
    policy = policy_for(scope.organization)
    form = PolicyForm(request.POST or None, instance=policy)
    holiday_form = HolidayForm(prefix="holiday")
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Business hours and delays saved."))
        return redirect("case_policy", scope.organization.slug)
    holidays = Holiday.objects.for_scope(scope).filter(
        date__gte=timezone.localdate() - timedelta(days=31)
    )
    return render(
        request,
        "cases/policy.html",
        {"form": form, "holiday_form": holiday_form, "holidays": holidays, "policy": policy},
    )


@org_view(Perm.MANAGE_ALERT_RULES)
@require_POST
def holiday_add(request: HttpRequest, scope: Scope) -> HttpResponse:
    form = HolidayForm(request.POST, prefix="holiday")
    if form.is_valid():
        Holiday.objects.update_or_create(
            organization=scope.organization,
            date=form.cleaned_data["date"],
            defaults={
                "name_fr": form.cleaned_data["name_fr"],
                "name_en": form.cleaned_data["name_en"],
            },
        )
        messages.success(request, _("Holiday added."))
    else:
        messages.error(request, _("Give the date and the name of the holiday."))
    return redirect("case_policy", scope.organization.slug)


@org_view(Perm.MANAGE_ALERT_RULES)
def holiday_delete(request: HttpRequest, scope: Scope, holiday_id: int) -> HttpResponse:
    holiday = get_object_or_404(Holiday.objects.for_scope(scope), pk=holiday_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    holiday.delete()
    messages.success(request, _("Holiday removed."))
    return redirect("case_policy", scope.organization.slug)


@org_view(Perm.MANAGE_ALERT_RULES)
def root_cause_list(request: HttpRequest, scope: Scope) -> HttpResponse:
    policy_for(scope.organization)
    form = RootCauseForm(request.POST or None, instance=RootCause(organization=scope.organization))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Root cause added."))
        return redirect("case_root_causes", scope.organization.slug)
    causes = RootCause.objects.for_scope(scope)
    return render(request, "cases/root_causes.html", {"form": form, "causes": causes})


@org_view(Perm.MANAGE_ALERT_RULES)
def root_cause_edit(request: HttpRequest, scope: Scope, root_cause_id: int) -> HttpResponse:
    cause = get_object_or_404(RootCause.objects.for_scope(scope), pk=root_cause_id)
    form = RootCauseForm(request.POST or None, instance=cause)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Root cause saved."))
        return redirect("case_root_causes", scope.organization.slug)
    return render(request, "cases/root_cause_form.html", {"form": form, "cause": cause})


@org_view(Perm.VIEW_CASES)
def loop_metrics_page(request: HttpRequest, scope: Scope) -> HttpResponse:
    days = int(request.GET["days"]) if request.GET.get("days") in {"30", "90", "365"} else 90
    unit = None
    if request.GET.get("unit", "").isdigit():
        unit = scope.get_unit(request.GET["unit"])
    since = timezone.now() - timedelta(days=days)
    metrics = loop_metrics(scope, since=since, unit_path=unit.path if unit else None)
    base = f"days={days}&status=" + (f"&unit={unit.pk}" if unit else "") + "&tab=team"
    return render(
        request,
        "cases/metrics.html",
        {
            "metrics": metrics,
            "days": days,
            "periods": PERIODS,
            "unit": unit,
            "units": scope.units().active(),
            "base": base,
        },
    )


@org_view(Perm.VIEW_CASES)
def loop_panel(request: HttpRequest, scope: Scope) -> HttpResponse:
    """The loop's headline figures for the insights dashboard, loaded after the page."""
    metrics = loop_metrics(scope, since=timezone.now() - timedelta(days=90))
    return render(
        request,
        "cases/_loop_panel_body.html",
        {"metrics": metrics, "base": "days=90&status=&tab=team"},
    )


@org_view(Perm.VIEW_CASES)
def flag_list(request: HttpRequest, scope: Scope) -> HttpResponse:
    flags = selectors.flags_for(scope)[:200]
    return render(request, "cases/flags.html", {"flags": flags})


@org_view(Perm.VIEW_CASES)
def preferences(request: HttpRequest, scope: Scope) -> HttpResponse:
    current = NotificationPreference.objects.filter(
        organization=scope.organization, user=request.user
    ).first()
    form = PreferenceForm(
        request.POST or None, initial={"daily_digest": bool(current and current.daily_digest)}
    )
    if request.method == "POST" and form.is_valid():
        NotificationPreference.objects.update_or_create(
            organization=scope.organization,
            user=request.user,
            defaults={"daily_digest": form.cleaned_data["daily_digest"]},
        )
        messages.success(request, _("Preference saved."))
        return redirect("case_preferences", scope.organization.slug)
    return render(request, "cases/preferences.html", {"form": form})
