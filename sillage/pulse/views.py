"""Pulse pages: staff pages under /o/<org_slug>/pulse/, the employee answer page at /p/<token>/.

Who sees what (decided here until the lead adds pulse permissions to `Perm`):
- administrators and CX leads build campaigns and the question bank;
- administrators, CX leads and executives read results for the whole organisation; managers
  for their subtree; an employee for their own unit only, and only when it is shown;
- participation and exports: organisation-wide roles and managers, within their scope.
Every result comes from `reporting.pulse_report`; nothing here computes a figure.
"""

from __future__ import annotations

import csv
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sillage.accounts.decorators import org_view
from sillage.accounts.scope import Scope
from sillage.pulse import selectors, services
from sillage.pulse.charts import trend_chart
from sillage.pulse.forms import AnswerForm, CampaignForm, CustomItemForm
from sillage.pulse.models import Campaign, CampaignStatus, Invitation, Item, Wave, WaveStatus
from sillage.pulse.reporting import Report, pulse_report


def _require(allowed: bool) -> None:
    # 404, not 403: a role that may not do a thing does not learn that it exists.
    if not allowed:
        raise Http404


def _campaign(scope: Scope, campaign_id: int) -> Campaign:
    return get_object_or_404(selectors.campaigns_for(scope), pk=campaign_id)


def _wave(scope: Scope, wave_id: int) -> Wave:
    return get_object_or_404(
        selectors.waves_for(scope).select_related("campaign", "audience"), pk=wave_id
    )


def _unit_param(request: HttpRequest) -> str | None:
    value = request.GET.get("unit", "")
    if value and not value.isdigit():
        raise Http404
    return value or None


def _report(request: HttpRequest, scope: Scope, wave: Wave, **options: object) -> Report:
    try:
        return pulse_report(
            scope=scope,
            wave=wave,
            unit_id=_unit_param(request),
            tenure=request.GET.get("tenure", ""),
            **options,
        )
    except ValidationError as error:
        raise Http404 from error


# --- Home ---------------------------------------------------------------------------------------


@org_view()
def pulse_home(request: HttpRequest, scope: Scope) -> HttpResponse:
    waves = selectors.waves_for(scope).order_by("-opens_at", "-number")
    return render(
        request,
        "pulse/home.html",
        {
            "to_answer": selectors.invitations_to_answer(scope),
            "closed_waves": [w for w in waves[:40] if w.status == WaveStatus.CLOSED][:12],
            "open_waves": [w for w in waves[:40] if w.status == WaveStatus.OPEN],
            "can_manage": selectors.can_manage(scope),
            "can_follow": selectors.can_follow(scope),
        },
    )


# --- Campaigns ----------------------------------------------------------------------------------


@org_view()
def campaign_list(request: HttpRequest, scope: Scope) -> HttpResponse:
    _require(selectors.can_manage(scope))
    campaigns = selectors.campaigns_for(scope).prefetch_related("waves")
    return render(request, "pulse/campaign_list.html", {"campaigns": campaigns})


@org_view()
def campaign_create(request: HttpRequest, scope: Scope) -> HttpResponse:
    _require(selectors.can_manage(scope))
    services.bank_ensure(organization=scope.organization)
    now = timezone.localtime().replace(second=0, microsecond=0)
    form = CampaignForm(
        request.POST or None,
        organization=scope.organization,
        initial={
            "opens_at": now,
            "closes_at": now + timedelta(days=14),
            "comment_threshold": max(10, scope.organization.anonymity_threshold),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = services.campaign_create(
                organization=scope.organization,
                name_fr=data["name_fr"],
                name_en=data["name_en"],
                audience=data["audience"],
                recurrence=data["recurrence"],
                opens_at=data["opens_at"],
                closes_at=data["closes_at"],
                items=list(data["items"]),
                comment_threshold=data["comment_threshold"],
                reminder_after_days=data["reminder_after_days"],
                created_by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Campaign “%(name)s” created.") % {"name": campaign.name})
            return redirect("pulse_campaign_detail", scope.organization.slug, campaign.pk)
    return render(request, "pulse/campaign_form.html", {"form": form, "campaign": None})


@org_view()
def campaign_edit(request: HttpRequest, scope: Scope, campaign_id: int) -> HttpResponse:
    campaign = _campaign(scope, campaign_id)
    _require(selectors.can_manage(scope))
    if campaign.status != CampaignStatus.DRAFT:
        messages.error(request, _("Only a draft campaign can be changed."))
        return redirect("pulse_campaign_detail", scope.organization.slug, campaign.pk)
    form = CampaignForm(request.POST or None, instance=campaign, organization=scope.organization)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        items = list(data.pop("items"))
        try:
            services.campaign_update(campaign=campaign, items=items, **data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Campaign “%(name)s” saved.") % {"name": campaign.name})
            return redirect("pulse_campaign_detail", scope.organization.slug, campaign.pk)
    return render(request, "pulse/campaign_form.html", {"form": form, "campaign": campaign})


@org_view()
def campaign_detail(request: HttpRequest, scope: Scope, campaign_id: int) -> HttpResponse:
    campaign = _campaign(scope, campaign_id)
    _require(selectors.can_manage(scope))
    items = [ci.item for ci in campaign.campaign_items.select_related("item")]
    return render(
        request,
        "pulse/campaign_detail.html",
        {
            "campaign": campaign,
            "waves": campaign.waves.order_by("-number"),
            "items": items,
            "threshold": campaign.anonymity_threshold or scope.organization.anonymity_threshold,
        },
    )


@org_view()
def campaign_open(request: HttpRequest, scope: Scope, campaign_id: int) -> HttpResponse:
    campaign = _campaign(scope, campaign_id)
    _require(selectors.can_manage(scope))
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        wave = services.campaign_open(campaign=campaign)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if wave.is_open:
            messages.success(request, _("The survey is open; invitations are on their way."))
        else:
            messages.success(
                request, _("The campaign is scheduled; invitations leave when it opens.")
            )
    return redirect("pulse_campaign_detail", scope.organization.slug, campaign.pk)


@org_view()
def campaign_end(request: HttpRequest, scope: Scope, campaign_id: int) -> HttpResponse:
    campaign = _campaign(scope, campaign_id)
    _require(selectors.can_manage(scope))
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.campaign_end(campaign=campaign)
    messages.success(request, _("The campaign is ended; its results are published."))
    return redirect("pulse_campaign_detail", scope.organization.slug, campaign.pk)


@org_view()
def wave_close(request: HttpRequest, scope: Scope, wave_id: int) -> HttpResponse:
    wave = _wave(scope, wave_id)
    _require(selectors.can_manage(scope))
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if wave.status == WaveStatus.OPEN:
        services.wave_close(wave=wave)
        messages.success(request, _("The survey is closed; its results are published."))
    return redirect("pulse_campaign_detail", scope.organization.slug, wave.campaign_id)


@org_view()
def item_bank(request: HttpRequest, scope: Scope) -> HttpResponse:
    _require(selectors.can_manage(scope))
    services.bank_ensure(organization=scope.organization)
    items = Item.objects.for_scope(scope)
    form = CustomItemForm()
    if request.method == "POST":
        action = request.POST.get("action")
        form = CustomItemForm(request.POST)
        if action == "retire":
            item = get_object_or_404(items, pk=request.POST.get("item") or 0)
            try:
                services.item_retire(item=item)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            return redirect("pulse_item_bank", scope.organization.slug)
        if form.is_valid():
            try:
                if action == "reword":
                    item = get_object_or_404(items, pk=request.POST.get("item") or 0)
                    services.item_reword(item=item, **form.cleaned_data)
                    messages.success(request, _("The new wording starts a new series."))
                else:
                    services.item_create(organization=scope.organization, **form.cleaned_data)
                    messages.success(request, _("Item added to the bank."))
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                return redirect("pulse_item_bank", scope.organization.slug)
    return render(
        request,
        "pulse/item_bank.html",
        {
            "core": [i for i in items if i.is_core],
            "custom": [i for i in items if not i.is_core],
            "form": form,
        },
    )


# --- Results ------------------------------------------------------------------------------------


@org_view()
def wave_report(request: HttpRequest, scope: Scope, wave_id: int) -> HttpResponse:
    wave = _wave(scope, wave_id)
    report = _report(request, scope, wave)
    return render(
        request,
        "pulse/report.html",
        {
            "wave": wave,
            "report": report,
            "chart": trend_chart(report.trend),
            "can_follow": selectors.can_follow(scope),
            "other_waves": selectors.waves_for(scope)
            .filter(campaign_id=wave.campaign_id, status=WaveStatus.CLOSED)
            .order_by("-number"),
        },
    )


@org_view()
def wave_comments(request: HttpRequest, scope: Scope, wave_id: int) -> HttpResponse:
    wave = _wave(scope, wave_id)
    report = _report(request, scope, wave, comments=True, trend=False)
    return render(request, "pulse/comments.html", {"wave": wave, "report": report})


@org_view()
def wave_export(request: HttpRequest, scope: Scope, wave_id: int) -> HttpResponse:
    wave = _wave(scope, wave_id)
    _require(selectors.can_follow(scope))
    report = _report(request, scope, wave, trend=False)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="pulse-{wave.pk}.csv"'
    response.write("\ufeff")  # spreadsheet programs need the BOM to read UTF-8
    write_report_csv(report, response)
    return response


def write_report_csv(report: Report, out: object) -> None:
    writer = csv.writer(out)
    relations = [m.label for m in report.group.relations] if report.group else []
    others = [m.label for m in report.group.others] if report.group else []
    writer.writerow(
        [
            _("Unit code"),
            _("Unit"),
            _("Tenure"),
            _("Answers"),
            _("Involvement quotient"),
            *relations,
            *others,
            _("Know minus can (points)"),
            _("Know above can (%)"),
            _("eNPS"),
        ]
    )
    for group in report.rows:
        if not group.shown:
            hidden = _("hidden (fewer than %(n)s answers)") % {"n": report.threshold}
            writer.writerow([group.unit_code, group.unit_name, group.tenure, hidden])
            continue
        writer.writerow(
            [
                group.unit_code,
                group.unit_name,
                group.tenure,
                group.n,
                _round(group.qi.score if group.qi else None),
                *[_round(m.score) for m in group.relations],
                *[_round(m.score) for m in group.others],
                _round(group.gap.difference if group.gap else None),
                _round(group.gap.share_know_above_can if group.gap else None),
                _round(group.enps.score if group.enps else None),
            ]
        )


def _round(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


@org_view()
def wave_participation(request: HttpRequest, scope: Scope, wave_id: int) -> HttpResponse:
    wave = _wave(scope, wave_id)
    _require(selectors.can_follow(scope))
    unit_id = _unit_param(request)
    if unit_id:
        unit = scope.get_unit(unit_id)
    else:
        unit = scope.unit if not scope.is_org_wide else wave.audience
    if unit is None:
        unit = scope.units().filter(parent__isnull=True).order_by("path").first()
    rows = selectors.participation(scope, wave, unit) if unit else []
    return render(
        request,
        "pulse/participation.html",
        {"wave": wave, "unit": unit, "rows": rows, "threshold": wave.anonymity_threshold},
    )


# --- The answer page ----------------------------------------------------------------------------


def public_answer(request: HttpRequest, token: str) -> HttpResponse:
    """The page an invitation's link opens: no sign-in needed, works without JavaScript."""
    invitation = get_object_or_404(
        Invitation.objects.select_related(
            "wave__campaign", "wave__organization", "membership__user"
        ),
        token=token,
        membership__is_active=True,
    )
    wave = invitation.wave
    if not request.user.is_authenticated and not request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME):
        language = invitation.membership.user.language or wave.organization.default_language
        translation.activate(language)
        request.LANGUAGE_CODE = language
    context = {"wave": wave, "campaign": wave.campaign, "organization": wave.organization}
    now = timezone.now()
    if services.has_answered(invitation=invitation):
        return render(request, "pulse/answer_done.html", context)
    if wave.status != WaveStatus.OPEN or not (wave.opens_at <= now < wave.closes_at):
        closed = wave.is_closed or now >= wave.closes_at
        return render(
            request,
            "pulse/answer_closed.html",
            {**context, "closed": closed},
            status=410 if closed else 200,
        )
    form = AnswerForm(request.POST or None, wave=wave)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.response_submit(
                invitation=invitation,
                agreement=form.agreement(),
                tenure=data["tenure"],
                enps=data.get("enps"),
                comment=data.get("comment", ""),
                now=now,
            )
        except services.AlreadyAnswered:
            pass  # a second tab: the first answer stands, the page says thank you
        except services.WaveNotOpen:
            return render(
                request, "pulse/answer_closed.html", {**context, "closed": True}, status=410
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("public_pulse_answer", token=token)
        if services.has_answered(invitation=invitation):
            return redirect("public_pulse_answer", token=token)
    status = 422 if request.method == "POST" else 200
    return render(request, "pulse/answer.html", {**context, "form": form}, status=status)
