"""The live session: the facilitator's shared screen and each participant's phone.

Both poll every second. The shared screen sends the version it shows and gets 204 while
nothing changed, else the board partial; a phone sends its step and gets 204, or a refresh
when the facilitator moved on (so that nobody loses what they were typing).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from sillage.accounts.decorators import org_view
from sillage.accounts.scope import Perm, Scope
from sillage.textai.selectors import theme_options
from sillage.workshops import selectors, services
from sillage.workshops.access import (
    can_facilitate,
    get_workshop,
    is_participant,
    only,
    require_facilitator,
    require_participant,
)
from sillage.workshops.forms import CommitForm, FeedbackForm, IdeaForm, RecheckForm
from sillage.workshops.models import STEP_ORDER, Idea, IdeaStatus, Participant, Step, Workshop
from sillage.workshops.services_actions import action_commit

VIEW = Perm.VIEW_WORKSHOPS


def _messages_of(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


# --- Shared screen ------------------------------------------------------------------------------


@org_view(VIEW)
def screen(request: HttpRequest, scope: Scope, workshop_id: int) -> HttpResponse:
    workshop = get_workshop(scope, workshop_id)
    if (refused := only(request, "GET")) is not None:
        return refused
    require_facilitator(scope, workshop)
    if request.htmx and request.GET.get("v") == str(workshop.version):
        return HttpResponse(status=204)
    context = {
        "workshop": workshop,
        "board": selectors.board(workshop),
        "steps": Step.choices,
        "step_index": STEP_ORDER.index(workshop.step),
    }
    if workshop.reached(Step.REVEAL):
        context["facts"] = selectors.customer_facts(workshop)
    if workshop.step in (Step.FEEDBACK, Step.CLOSED):
        context["feedback"] = selectors.feedback_result(workshop)
    if request.htmx:
        return render(request, "workshops/_screen_board.html", context)
    if workshop.step == Step.COMMIT:
        verbatims = [v for f in context["facts"] for v in (*f.criticised, *f.appreciated)]
        context["commit_forms"] = [
            (
                row,
                CommitForm(
                    unit=workshop.unit,
                    verbatims=verbatims,
                    prefix=f"i{row.idea.pk}",
                    initial={"title": row.idea.text[:300]},
                ),
            )
            for row in sorted(
                (r for rows in context["board"].by_pillar.values() for r in rows),
                key=lambda r: -r.votes,
            )
        ]
    context["recheck"] = workshop.step in (Step.IDEAS, Step.VOTE)
    return render(request, "workshops/screen.html", context)


@org_view(VIEW)
def set_step(request: HttpRequest, scope: Scope, workshop_id: int) -> HttpResponse:
    workshop = get_workshop(scope, workshop_id)
    if (refused := only(request, "POST")) is not None:
        return refused
    require_facilitator(scope, workshop)
    try:
        services.workshop_set_step(workshop=workshop, step=request.POST.get("step", ""))
    except ValidationError as error:
        messages.error(request, _messages_of(error))
    return redirect("workshops_screen", scope.organization.slug, workshop.pk)


@org_view(VIEW)
def idea_recheck(
    request: HttpRequest, scope: Scope, workshop_id: int, idea_id: int
) -> HttpResponse:
    workshop = get_workshop(scope, workshop_id)
    if (refused := only(request, "POST")) is not None:
        return refused
    require_facilitator(scope, workshop)
    idea = get_object_or_404(Idea, pk=idea_id, workshop=workshop)
    form = RecheckForm(request.POST)
    if form.is_valid():
        try:
            services.idea_recheck(idea=idea, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, _messages_of(error))
    return redirect("workshops_screen", scope.organization.slug, workshop.pk)


@org_view(VIEW)
def commit(request: HttpRequest, scope: Scope, workshop_id: int, idea_id: int) -> HttpResponse:
    workshop = get_workshop(scope, workshop_id)
    if (refused := only(request, "POST")) is not None:
        return refused
    require_facilitator(scope, workshop)
    idea = get_object_or_404(Idea, pk=idea_id, workshop=workshop, status=IdeaStatus.PROPOSED)
    facts = selectors.customer_facts(workshop, with_predictions=False)
    verbatims = [v for f in facts for v in (*f.criticised, *f.appreciated)]
    form = CommitForm(request.POST, unit=workshop.unit, verbatims=verbatims, prefix=f"i{idea.pk}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            action_commit(
                workshop=workshop,
                idea=idea,
                title=data["title"],
                owners=list(data["owners"]),
                first_step=data["first_step"],
                due_date=data["due_date"],
                response_ids=data["responses"],
            )
            messages.success(request, _("The idea is now a team action."))
        except ValidationError as error:
            messages.error(request, _messages_of(error))
    else:
        errors = [f"{form.fields[name].label}: {' '.join(e)}" for name, e in form.errors.items()]
        messages.error(request, " ".join(errors))
    return redirect("workshops_screen", scope.organization.slug, workshop.pk)


# --- Participant's phone ------------------------------------------------------------------------


@org_view(VIEW)
def live(request: HttpRequest, scope: Scope, workshop_id: int) -> HttpResponse:
    workshop = get_workshop(scope, workshop_id)
    if (refused := only(request, "GET")) is not None:
        return refused
    require_participant(scope, workshop)
    if request.htmx:
        changed = request.GET.get("step") != workshop.step
        response = HttpResponse(status=200 if changed else 204)
        if changed:
            response["HX-Refresh"] = "true"
        return response
    services.participant_join(workshop=workshop, user=request.user)
    participant = Participant.objects.get(workshop=workshop, user=request.user)
    context = {"workshop": workshop, "participant": participant}
    if workshop.step == Step.PREDICT:
        mine = {p.touchpoint_id: p for p in workshop.predictions.filter(user=request.user)}
        context["touchpoints"] = [
            _prediction_row(tp, mine.get(tp.pk)) for tp in workshop.touchpoints.all()
        ]
        context["themes"] = theme_options(workshop.organization)
        context["low"] = -100 if workshop.metric == "nps" else 0
    if workshop.reached(Step.REVEAL):
        facts = selectors.customer_facts(workshop)
        context["facts"] = facts
        context["own_gaps"] = selectors.own_gaps(workshop, request.user, facts)
    if workshop.step == Step.IDEAS:
        context["idea_form"] = IdeaForm()
        context["my_ideas"] = workshop.ideas.filter(author=request.user)
    if workshop.step == Step.VOTE:
        context["board"] = selectors.board(workshop, user=request.user)
        context["votes_left"] = (
            workshop.votes_per_person - workshop.votes.filter(user=request.user).count()
        )
    if workshop.step in (Step.FEEDBACK, Step.CLOSED):
        context["feedback_form"] = FeedbackForm()
    return render(request, "workshops/live.html", context)


def _prediction_row(touchpoint, prediction) -> tuple:
    def three(items: list[str]) -> list[str]:
        return (list(items) + ["", "", ""])[:3]

    if prediction is None:
        return touchpoint, None, three([]), three([])
    return touchpoint, prediction.score, three(prediction.appreciated), three(prediction.criticised)


def _back(scope: Scope, workshop: Workshop) -> HttpResponse:
    return redirect("workshops_live", scope.organization.slug, workshop.pk)


@org_view(VIEW)
def predict(request: HttpRequest, scope: Scope, workshop_id: int) -> HttpResponse:
    workshop = get_workshop(scope, workshop_id)
    if (refused := only(request, "POST")) is not None:
        return refused
    require_participant(scope, workshop)
    entries = []
    try:
        for touchpoint in workshop.touchpoints.all():
            raw = request.POST.get(f"score_{touchpoint.pk}", "").strip()
            if raw == "":
                raise ValidationError(_("Give a score for every touchpoint."))
            entries.append(
                {
                    "touchpoint_id": touchpoint.pk,
                    "score": int(raw),
                    "appreciated": request.POST.getlist(f"appreciated_{touchpoint.pk}"),
                    "criticised": request.POST.getlist(f"criticised_{touchpoint.pk}"),
                }
            )
        services.predictions_submit(workshop=workshop, user=request.user, entries=entries)
        messages.success(request, _("Your predictions are saved. Only you will see your gap."))
    except (ValidationError, ValueError) as error:
        messages.error(
            request,
            _messages_of(error)
            if isinstance(error, ValidationError)
            else _("Scores are whole numbers."),
        )
    return _back(scope, workshop)


def _may_add_ideas(scope: Scope, workshop: Workshop) -> bool:
    return is_participant(scope, workshop) or can_facilitate(scope, workshop)


@org_view(VIEW)
def idea_submit(request: HttpRequest, scope: Scope, workshop_id: int) -> HttpResponse:
    workshop = get_workshop(scope, workshop_id)
    if (refused := only(request, "POST")) is not None:
        return refused
    if not _may_add_ideas(scope, workshop):
        raise Http404
    form = IdeaForm(request.POST)
    if form.is_valid():
        try:
            idea = services.idea_submit(
                workshop=workshop,
                author=request.user if is_participant(scope, workshop) else None,
                **form.cleaned_data,
            )
            if idea.status == IdeaStatus.PARKED:
                messages.warning(
                    request,
                    _(
                        "Your idea goes to the parking lot: %(reason)s. It is kept, to be raised "
                        "elsewhere."
                    )
                    % {"reason": idea.parked_reason()},
                )
            else:
                messages.success(request, _("Your idea is on the shared screen."))
        except ValidationError as error:
            messages.error(request, _messages_of(error))
    else:
        messages.error(request, _("Choose a pillar and write your idea."))
    if not is_participant(scope, workshop):
        return redirect("workshops_screen", scope.organization.slug, workshop.pk)
    return _back(scope, workshop)


@org_view(VIEW)
def vote(request: HttpRequest, scope: Scope, workshop_id: int, idea_id: int) -> HttpResponse:
    workshop = get_workshop(scope, workshop_id)
    if (refused := only(request, "POST")) is not None:
        return refused
    require_participant(scope, workshop)
    idea = get_object_or_404(Idea, pk=idea_id, workshop=workshop)
    try:
        services.vote_toggle(workshop=workshop, idea=idea, user=request.user)
    except services.VoteRefused as error:
        messages.error(request, str(error))
        return HttpResponse(status=409) if request.htmx else _back(scope, workshop)
    return _back(scope, workshop)


@org_view(VIEW)
def feedback(request: HttpRequest, scope: Scope, workshop_id: int) -> HttpResponse:
    workshop = get_workshop(scope, workshop_id)
    if (refused := only(request, "POST")) is not None:
        return refused
    require_participant(scope, workshop)
    form = FeedbackForm(request.POST)
    if form.is_valid():
        try:
            services.feedback_submit(workshop=workshop, user=request.user, **form.cleaned_data)
            messages.success(request, _("Thank you! Your answers are anonymous."))
        except ValidationError as error:
            messages.error(request, _messages_of(error))
    else:
        messages.error(request, _("Answer the three questions."))
    return _back(scope, workshop)
