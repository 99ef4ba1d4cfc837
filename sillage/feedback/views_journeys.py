"""The journey map and its editor: journeys → ordered stages → ordered touchpoints.

Every change works as a plain form post (redirect back to the editor) and, with htmx, swaps
the stage list in place; forms with errors replace themselves, so nothing typed is lost.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect, reswap, retarget

from sillage.accounts.decorators import org_view
from sillage.accounts.scope import Perm, Scope
from sillage.feedback import services_builder as services
from sillage.feedback.forms_builder import JourneyForm, StageForm, TouchpointForm
from sillage.feedback.models import Journey, Stage, Touchpoint

FOCUS_ID = re.compile(r"^(stage|touchpoint)-\d+-(up|down|edit)$")
TEMPLATE = "feedback/journeys/journey_edit.html"
# Settle at once: htmx activates the new list's forms while settling, and a key pressed in
# between (20 ms by default) would submit a form htmx has not taken over yet.
SWAP = "outerHTML settle:0ms"


def _journey(scope: Scope, journey_id: int) -> Journey:
    return get_object_or_404(Journey.objects.for_scope(scope), pk=journey_id)


def _stage(scope: Scope, stage_id: int) -> Stage:
    return get_object_or_404(Stage.objects.for_scope(scope).select_related("journey"), pk=stage_id)


def _touchpoint(scope: Scope, touchpoint_id: int) -> Touchpoint:
    return get_object_or_404(
        Touchpoint.objects.for_scope(scope).select_related("stage__journey"), pk=touchpoint_id
    )


def _stages(journey: Journey, scope: Scope) -> list[Stage]:
    stages = list(
        journey.stages.prefetch_related(
            Prefetch("touchpoints", queryset=Touchpoint.objects.order_by("rank", "id"))
        )
    )
    for stage in stages:
        stage.new_touchpoint_form = TouchpointForm(
            organization=scope.organization,
            auto_id=f"id_new_tp{stage.pk}_%s",
            initial={"channel": ""},
        )
    return stages


def _editor_context(request: HttpRequest, scope: Scope, journey: Journey) -> dict[str, Any]:
    focus = request.GET.get("focus", "")
    return {
        "journey": journey,
        "stages": _stages(journey, scope),
        "stage_form": StageForm(auto_id="id_new_stage_%s"),
        "focus": focus if FOCUS_ID.match(focus) else "",
    }


def _after_change(
    request: HttpRequest,
    scope: Scope,
    journey: Journey,
    *,
    message: str = "",
    level: str = "success",
    focus: str = "",
    anchor: str = "",
    error_on: tuple[str, int] | None = None,
    reset_stage_form: bool = False,
) -> HttpResponse:
    """With htmx: the new stage list, the message in the live region and, for a refusal,
    next to the item concerned. Without: back to the editor, with the message, and the focus
    and scroll position a keyboard user expects."""
    if request.htmx:
        context = _editor_context(request, scope, journey)
        context.update(
            message=message,
            level=level,
            focus=focus,
            error_kind=error_on[0] if error_on else "",
            error_pk=error_on[1] if error_on else None,
            reset_stage_form=reset_stage_form,
        )
        response = render(request, "feedback/journeys/stage_list_update.html", context)
        return reswap(retarget(response, "#stage-list"), SWAP)
    if message:
        messages.add_message(
            request, messages.ERROR if level == "error" else messages.SUCCESS, message
        )
    url = reverse("journey_edit", args=[scope.organization.slug, journey.pk])
    if focus:
        # autofocus scrolls to the element; Chrome ignores autofocus when the URL has a
        # fragment, so no anchor then
        url += f"?focus={focus}"
    elif anchor and level != "error":  # an error is shown at the top of the page
        url += f"#{anchor}"
    return redirect(url)


def focus_after_move(prefix: str, pk: int, direction: str) -> str:
    """The button pressed keeps focus after the list is redrawn (it stays focusable at the
    ends of the list, where it is only aria-disabled)."""
    return f"{prefix}-{pk}-{direction}" if direction in (services.UP, services.DOWN) else ""


# Journeys -------------------------------------------------------------------------------------


@org_view(Perm.VIEW_SURVEYS)
def journey_list(request: HttpRequest, scope: Scope) -> HttpResponse:
    journeys = Journey.objects.for_scope(scope).prefetch_related(
        Prefetch(
            "stages",
            queryset=Stage.objects.order_by("rank", "id").prefetch_related(
                Prefetch("touchpoints", queryset=Touchpoint.objects.order_by("rank", "id"))
            ),
        )
    )
    return render(request, "feedback/journeys/journey_list.html", {"journeys": journeys})


@org_view(Perm.MANAGE_SURVEYS)
def journey_create(request: HttpRequest, scope: Scope) -> HttpResponse:
    form = JourneyForm(request.POST or None, organization=scope.organization)
    if request.method == "POST" and form.is_valid():
        try:
            journey = services.journey_create(organization=scope.organization, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Journey “%(name)s” created. Add its stages and touchpoints.")
                % {"name": journey.name},
            )
            return redirect("journey_edit", org_slug=scope.organization.slug, journey_id=journey.pk)
    return render(request, "feedback/journeys/journey_form.html", {"form": form})


@org_view(Perm.MANAGE_SURVEYS)
def journey_edit(request: HttpRequest, scope: Scope, journey_id: int) -> HttpResponse:
    """The editor page; with htmx, a GET answers the stage list and a POST the details form."""
    journey = _journey(scope, journey_id)
    form = JourneyForm(request.POST or None, organization=scope.organization, instance=journey)
    saved = False
    if request.method == "POST" and form.is_valid():
        try:
            services.journey_update(journey=journey, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            saved = True
            if not request.htmx:
                messages.success(request, _("The journey is saved."))
                return redirect(
                    "journey_edit", org_slug=scope.organization.slug, journey_id=journey.pk
                )
    context = {**_editor_context(request, scope, journey), "form": form, "saved": saved}
    if request.htmx and request.method == "POST":
        return render(request, f"{TEMPLATE}#journey-form", context)
    if request.htmx:
        return render(request, f"{TEMPLATE}#stage-list", context)
    return render(request, TEMPLATE, context)


@org_view(Perm.MANAGE_SURVEYS)
def journey_delete(request: HttpRequest, scope: Scope, journey_id: int) -> HttpResponse:
    journey = _journey(scope, journey_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.journey_delete(journey=journey)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        url = reverse("journey_edit", args=[scope.organization.slug, journey.pk])
    else:
        messages.success(request, _("Journey “%(name)s” deleted.") % {"name": journey.name})
        url = reverse("journey_list", args=[scope.organization.slug])
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


# Stages ---------------------------------------------------------------------------------------


@org_view(Perm.MANAGE_SURVEYS)
def stage_create(request: HttpRequest, scope: Scope, journey_id: int) -> HttpResponse:
    journey = _journey(scope, journey_id)
    if request.method != "POST":
        return redirect("journey_edit", org_slug=scope.organization.slug, journey_id=journey.pk)
    form = StageForm(request.POST, auto_id="id_new_stage_%s")
    if not form.is_valid():
        # With htmx the form replaces itself; without, the editor page shows it with errors.
        if request.htmx:
            context = {"journey": journey, "stage_form": form}
            return render(request, "feedback/journeys/forms.html#stage-add", context)
        context = {
            **_editor_context(request, scope, journey),
            "stage_form": form,
            "form": JourneyForm(organization=scope.organization, instance=journey),
        }
        return render(request, TEMPLATE, context)
    stage = services.stage_create(journey=journey, **form.cleaned_data)
    return _after_change(
        request,
        scope,
        journey,
        message=_("Stage “%(name)s” added.") % {"name": stage.name},
        anchor=f"stage-{stage.pk}",
        reset_stage_form=True,
    )


@org_view(Perm.MANAGE_SURVEYS)
def stage_edit(request: HttpRequest, scope: Scope, stage_id: int) -> HttpResponse:
    stage = _stage(scope, stage_id)
    form = StageForm(request.POST or None, instance=stage, auto_id=f"id_stage{stage.pk}_%s")
    if request.method == "POST" and form.is_valid():
        services.stage_update(stage=stage, **form.cleaned_data)
        return _after_change(
            request,
            scope,
            stage.journey,
            message=_("Stage “%(name)s” saved.") % {"name": stage.name},
            focus=f"stage-{stage.pk}-edit",  # back where the person was when the form opened
            anchor=f"stage-{stage.pk}",
        )
    context = {"stage": stage, "journey": stage.journey, "stage_form": form}
    if request.htmx and request.method == "GET":
        form.fields["name_fr"].widget.attrs["autofocus"] = True  # the form appears in place
    if request.htmx:
        return render(request, "feedback/journeys/forms.html#stage-edit", context)
    return render(request, "feedback/journeys/stage_form.html", context)


@org_view(Perm.MANAGE_SURVEYS)
def stage_delete(request: HttpRequest, scope: Scope, stage_id: int) -> HttpResponse:
    stage = _stage(scope, stage_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.stage_delete(stage=stage)
    except ValidationError as error:
        return _after_change(
            request,
            scope,
            stage.journey,
            message=" ".join(error.messages),
            level="error",
            error_on=("stage", stage.pk),
        )
    return _after_change(
        request,
        scope,
        stage.journey,
        message=_("Stage “%(name)s” deleted.") % {"name": stage.name},
    )


@org_view(Perm.MANAGE_SURVEYS)
def stage_move(request: HttpRequest, scope: Scope, stage_id: int) -> HttpResponse:
    stage = _stage(scope, stage_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    direction = request.POST.get("direction", "")
    stages = services.stage_move(stage=stage, direction=direction)
    position = next(i for i, s in enumerate(stages) if s.pk == stage.pk) + 1
    return _after_change(
        request,
        scope,
        stage.journey,
        message=_("“%(name)s” is now stage %(position)s of %(count)s.")
        % {"name": stage.name, "position": position, "count": len(stages)},
        focus=focus_after_move("stage", stage.pk, direction),
        anchor=f"stage-{stage.pk}",
    )


@org_view(Perm.MANAGE_SURVEYS)
def stage_reorder(request: HttpRequest, scope: Scope, journey_id: int) -> HttpResponse:
    """The order set by dragging with the mouse: every stage id of this journey, once."""
    journey = _journey(scope, journey_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.stages_reorder(journey=journey, ordered_ids=request.POST.getlist("order"))
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=400, content_type="text/plain")
    return _after_change(request, scope, journey, message=_("The new order is saved."))


# Touchpoints ----------------------------------------------------------------------------------


@org_view(Perm.MANAGE_SURVEYS)
def touchpoint_create(request: HttpRequest, scope: Scope, stage_id: int) -> HttpResponse:
    stage = _stage(scope, stage_id)
    if request.method != "POST":
        return redirect(
            reverse("journey_edit", args=[scope.organization.slug, stage.journey_id])
            + f"#stage-{stage.pk}"
        )
    form = TouchpointForm(
        request.POST, organization=scope.organization, auto_id=f"id_new_tp{stage.pk}_%s"
    )
    if form.is_valid():
        try:
            touchpoint = services.touchpoint_create(stage=stage, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _after_change(
                request,
                scope,
                stage.journey,
                message=_("Touchpoint “%(name)s” added.") % {"name": touchpoint.name},
                anchor=f"touchpoint-{touchpoint.pk}",
            )
    if request.htmx:
        return render(
            request,
            "feedback/journeys/forms.html#touchpoint-add",
            {"stage": stage, "journey": stage.journey, "touchpoint_form": form},
        )
    return render(
        request,
        "feedback/journeys/touchpoint_form.html",
        {"stage": stage, "journey": stage.journey, "touchpoint_form": form, "touchpoint": None},
    )


@org_view(Perm.MANAGE_SURVEYS)
def touchpoint_edit(request: HttpRequest, scope: Scope, touchpoint_id: int) -> HttpResponse:
    touchpoint = _touchpoint(scope, touchpoint_id)
    form = TouchpointForm(
        request.POST or None,
        organization=scope.organization,
        instance=touchpoint,
        auto_id=f"id_tp{touchpoint.pk}_%s",
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.touchpoint_update(touchpoint=touchpoint, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _after_change(
                request,
                scope,
                touchpoint.stage.journey,
                message=_("Touchpoint “%(name)s” saved.") % {"name": touchpoint.name},
                focus=f"touchpoint-{touchpoint.pk}-edit",
                anchor=f"touchpoint-{touchpoint.pk}",
            )
    context = {
        "touchpoint": touchpoint,
        "stage": touchpoint.stage,
        "journey": touchpoint.stage.journey,
        "touchpoint_form": form,
    }
    if request.htmx and request.method == "GET":
        form.fields["name_fr"].widget.attrs["autofocus"] = True  # the form appears in place
    if request.htmx:
        return render(request, "feedback/journeys/forms.html#touchpoint-edit", context)
    return render(request, "feedback/journeys/touchpoint_form.html", context)


@org_view(Perm.MANAGE_SURVEYS)
def touchpoint_delete(request: HttpRequest, scope: Scope, touchpoint_id: int) -> HttpResponse:
    touchpoint = _touchpoint(scope, touchpoint_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    journey = touchpoint.stage.journey
    try:
        services.touchpoint_delete(touchpoint=touchpoint)
    except ValidationError as error:
        return _after_change(
            request,
            scope,
            journey,
            message=" ".join(error.messages),
            level="error",
            error_on=("touchpoint", touchpoint.pk),
        )
    return _after_change(
        request,
        scope,
        journey,
        message=_("Touchpoint “%(name)s” deleted.") % {"name": touchpoint.name},
    )


@org_view(Perm.MANAGE_SURVEYS)
def touchpoint_move(request: HttpRequest, scope: Scope, touchpoint_id: int) -> HttpResponse:
    touchpoint = _touchpoint(scope, touchpoint_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    direction = request.POST.get("direction", "")
    touchpoints = services.touchpoint_move(touchpoint=touchpoint, direction=direction)
    position = next(i for i, t in enumerate(touchpoints) if t.pk == touchpoint.pk) + 1
    return _after_change(
        request,
        scope,
        touchpoint.stage.journey,
        message=_("“%(name)s” is now touchpoint %(position)s of %(count)s in “%(stage)s”.")
        % {
            "name": touchpoint.name,
            "position": position,
            "count": len(touchpoints),
            "stage": touchpoint.stage.name,
        },
        focus=focus_after_move("touchpoint", touchpoint.pk, direction),
        anchor=f"touchpoint-{touchpoint.pk}",
    )


@org_view(Perm.MANAGE_SURVEYS)
def touchpoint_reorder(request: HttpRequest, scope: Scope, stage_id: int) -> HttpResponse:
    stage = _stage(scope, stage_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.touchpoints_reorder(stage=stage, ordered_ids=request.POST.getlist("order"))
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=400, content_type="text/plain")
    return _after_change(request, scope, stage.journey, message=_("The new order is saved."))
