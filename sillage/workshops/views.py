"""Workshop pages: list, scheduling, overview of one workshop, printable kit, organisation."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sillage.accounts.decorators import org_view
from sillage.accounts.scope import Perm, Scope
from sillage.workshops import followup, selectors, services
from sillage.workshops.access import (
    can_facilitate,
    can_run_in,
    get_workshop,
    is_facilitator_member,
    is_participant,
    only,
    visible_workshops,
)
from sillage.workshops.forms import WorkshopForm
from sillage.workshops.models import PILLAR_HELP, IdeaStatus, Pillar, Step

VIEW = Perm.VIEW_WORKSHOPS


def may_schedule(scope: Scope) -> bool:
    return is_facilitator_member(scope) or scope.can(Perm.RUN_WORKSHOPS)


@org_view(VIEW)
@require_http_methods(["GET"])
def workshop_list(request: HttpRequest, scope: Scope) -> HttpResponse:
    workshops = list(visible_workshops(scope).select_related("unit__parent", "facilitator")[:200])
    return render(
        request,
        "workshops/list.html",
        {
            "workshops": workshops,
            "may_schedule": may_schedule(scope),
            "mine": [w for w in workshops if is_participant(scope, w) and w.step != Step.CLOSED],
        },
    )


@org_view(VIEW)
def workshop_create(request: HttpRequest, scope: Scope) -> HttpResponse:
    if not may_schedule(scope):
        raise Http404
    form = WorkshopForm(request.POST or None, scope=scope)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        workshop = services.workshop_create(
            unit=data["unit"],
            title=data["title"],
            scheduled_at=data["scheduled_at"],
            mode=data["mode"],
            metric=data["metric"],
            votes_per_person=data["votes_per_person"],
            facilitator=request.user,
        )
        messages.success(request, _("Workshop scheduled."))
        return redirect("workshops_detail", scope.organization.slug, workshop.pk)
    return render(request, "workshops/form.html", {"form": form})


@org_view(VIEW)
def workshop_detail(request: HttpRequest, scope: Scope, workshop_id: int) -> HttpResponse:
    workshop = get_workshop(scope, workshop_id)
    if (refused := only(request, "GET")) is not None:
        return refused
    context = {
        "workshop": workshop,
        "facilitates": can_facilitate(scope, workshop),
        "participates": is_participant(scope, workshop),
        "members": services.unit_members(workshop.unit),
        "board": selectors.board(workshop),
        "feedback": selectors.feedback_result(workshop),
        "actions": workshop.actions.prefetch_related("owners"),
    }
    if workshop.step == Step.CLOSED or workshop.reached(Step.REVEAL):
        context["result"] = followup.before_after(workshop)
    return render(request, "workshops/detail.html", context)


@org_view(VIEW)
def workshop_kit(request: HttpRequest, scope: Scope, workshop_id: int) -> HttpResponse:
    """The printable kit: the team's customer facts and verbatims, the three pillars, blank
    idea cards. Predictions are not on it."""
    workshop = get_workshop(scope, workshop_id)
    if (refused := only(request, "GET")) is not None:
        return refused
    pillars = [(p.value, p.label, PILLAR_HELP[p]) for p in Pillar]
    return render(
        request,
        "workshops/kit.html",
        {
            "workshop": workshop,
            "facts": selectors.customer_facts(workshop, with_predictions=False),
            "pillars": pillars,
            "cards": range(6),
        },
    )


@org_view(VIEW)
def parking_lot_export(request: HttpRequest, scope: Scope, workshop_id: int) -> HttpResponse:
    workshop = get_workshop(scope, workshop_id)
    if (refused := only(request, "GET")) is not None:
        return refused
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="parking-lot-{workshop.pk}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([_("Pillar"), _("Idea"), _("Why (parking lot)")])
    for idea in workshop.ideas.filter(status=IdeaStatus.PARKED):
        writer.writerow([idea.get_pillar_display(), idea.text, idea.parked_reason()])
    return response


@org_view(VIEW)
@require_http_methods(["GET"])
def organization_overview(request: HttpRequest, scope: Scope) -> HttpResponse:
    return render(
        request,
        "workshops/overview.html",
        {"overview": followup.overview(scope), "may_schedule": may_schedule(scope)},
    )


__all__ = ["can_run_in"]
