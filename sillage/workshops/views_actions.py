"""The team action board, one action's follow-up, and the action library."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sillage.accounts.decorators import org_view
from sillage.accounts.models import Unit
from sillage.accounts.scope import Perm, Scope
from sillage.feedback.models import Response
from sillage.workshops import services_actions
from sillage.workshops.access import (
    can_edit_action,
    can_run_in,
    get_action,
    only,
    visible_actions,
)
from sillage.workshops.forms import AdoptForm, NoteForm, StatusForm
from sillage.workshops.models import CHECKIN_WEEKS, ActionStatus, TeamAction

VIEW = Perm.VIEW_WORKSHOPS


@org_view(VIEW)
@require_http_methods(["GET"])
def action_board(request: HttpRequest, scope: Scope) -> HttpResponse:
    actions = (
        visible_actions(scope).select_related("unit__parent", "workshop").prefetch_related("owners")
    )
    unit = None
    if request.GET.get("unit"):
        try:
            unit = scope.get_unit(int(request.GET["unit"]))
        except ValueError as error:
            raise Http404 from error
        actions = actions.filter(unit__path__startswith=unit.path)
    columns = [(s.value, s.label, []) for s in ActionStatus]
    index = {value: items for value, _label, items in columns}
    for action in actions[:500]:
        index[action.status].append(action)
    return render(
        request,
        "workshops/board.html",
        {"columns": columns, "unit": unit, "today": timezone.localdate()},
    )


@org_view(VIEW)
def action_detail(request: HttpRequest, scope: Scope, action_id: int) -> HttpResponse:
    action = get_action(scope, action_id)
    editable = can_edit_action(scope, action)
    status_form = StatusForm(initial={"status": action.status, "reason": action.dropped_reason})
    note_form = NoteForm()
    if request.method == "POST":
        if not editable:
            raise Http404
        kind = request.POST.get("form")
        try:
            if kind == "status":
                status_form = StatusForm(request.POST)
                if status_form.is_valid():
                    services_actions.action_set_status(
                        action=action,
                        status=status_form.cleaned_data["status"],
                        reason=status_form.cleaned_data["reason"],
                    )
                    messages.success(request, _("Status updated."))
                    return redirect("workshops_action_detail", scope.organization.slug, action.pk)
            elif kind == "note":
                note_form = NoteForm(request.POST)
                if note_form.is_valid():
                    services_actions.action_note_add(
                        action=action, author=request.user, **note_form.cleaned_data
                    )
                    messages.success(request, _("Note added."))
                    return redirect("workshops_action_detail", scope.organization.slug, action.pk)
            elif kind == "share":
                services_actions.action_share(
                    action=action, shared=request.POST.get("shared") == "1"
                )
                return redirect("workshops_action_detail", scope.organization.slug, action.pk)
            else:
                raise Http404
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    checkins = [
        (week, (action.created_at + timezone.timedelta(weeks=week)).date())
        for week in CHECKIN_WEEKS
    ]
    verbatims = Response.objects.filter(
        organization=scope.organization, pk__in=action.response_ids or []
    ).values("id", "comment", "submitted_at")
    return render(
        request,
        "workshops/action_detail.html",
        {
            "action": action,
            "editable": editable,
            "status_form": status_form,
            "note_form": note_form,
            "notes": action.notes.select_related("author"),
            "checkins": checkins,
            "verbatims": verbatims,
        },
    )


@org_view(VIEW)
@require_http_methods(["GET"])
def library(request: HttpRequest, scope: Scope) -> HttpResponse:
    """Actions teams chose to share, across the organisation: any team may adopt one."""
    shared = (
        TeamAction.objects.for_organization(scope.organization)
        .filter(shared=True)
        .select_related("unit__parent")
        .order_by("-updated_at")[:200]
    )
    return render(
        request, "workshops/library.html", {"actions": shared, "form": AdoptForm(scope=scope)}
    )


@org_view(VIEW)
def adopt(request: HttpRequest, scope: Scope, action_id: int) -> HttpResponse:
    source = (
        TeamAction.objects.for_organization(scope.organization)
        .filter(pk=action_id, shared=True)
        .first()
    )
    if source is None:
        raise Http404
    if (refused := only(request, "POST")) is not None:
        return refused
    form = AdoptForm(request.POST, scope=scope)
    if not form.is_valid():
        messages.error(request, _("Choose your team, an owner and a due date."))
        return redirect("workshops_library", scope.organization.slug)
    unit: Unit = form.cleaned_data["unit"]
    membership = scope.membership
    if not (membership and membership.unit_id == unit.pk) and not can_run_in(scope, unit):
        raise Http404
    try:
        action = services_actions.action_adopt(
            source=source,
            unit=unit,
            owners=[form.cleaned_data["owner"]],
            due_date=form.cleaned_data["due_date"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("workshops_library", scope.organization.slug)
    messages.success(request, _("The action is on your team's board."))
    return redirect("workshops_action_detail", scope.organization.slug, action.pk)
