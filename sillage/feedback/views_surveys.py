"""The survey list and the survey builder: questions, follow-up conditions, versions.

Question changes work as plain form posts (redirect back to the builder) and, with htmx, swap
the question list in place together with the parts of the page they affect (status badges,
missing-language notice, the live region).
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django_htmx.http import reswap, retarget

from sillage.accounts.decorators import org_view
from sillage.accounts.scope import Perm, Scope
from sillage.feedback import services
from sillage.feedback import services_builder as builder
from sillage.feedback.forms_builder import (
    CHOICE_TYPES,
    SCALE_TYPES,
    QuestionEditor,
    SurveyForm,
    editor_with_more_choices,
    preset_initial,
)
from sillage.feedback.models import (
    Question,
    QuestionType,
    Response,
    Survey,
    SurveyVersion,
)
from sillage.feedback.views_journeys import SWAP, focus_after_move

FOCUS_ID = re.compile(r"^question-\d+-(up|down|edit)$")
BUILDER = "feedback/surveys/survey_edit.html"


def _count(queryset: QuerySet, field: str) -> Coalesce:
    """A correlated COUNT, so that several counts on one row do not multiply each other."""
    return Coalesce(
        Subquery(
            queryset.filter(**{field: OuterRef("pk")})
            .order_by()
            .values(field)
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


def survey_rows(scope: Scope) -> QuerySet:
    latest = SurveyVersion.objects.filter(survey=OuterRef("pk")).order_by("-number")
    return (
        Survey.objects.for_scope(scope)
        .select_related("touchpoint")
        .annotate(
            version_number=Subquery(latest.values("number")[:1]),
            response_count=_count(Response.objects.all(), "survey"),
            question_count=_count(Question.objects.all(), "survey"),
        )
    )


def _survey(scope: Scope, survey_id: int) -> Survey:
    return get_object_or_404(
        Survey.objects.for_scope(scope).select_related("touchpoint"), pk=survey_id
    )


def _question(scope: Scope, survey_id: int, question_id: int) -> tuple[Survey, Question]:
    survey = _survey(scope, survey_id)
    return survey, get_object_or_404(Question.objects.filter(survey=survey), pk=question_id)


def _survey_gaps(survey: Survey) -> list[str]:
    """Survey texts written in one language only (both empty is not a gap: nothing to show)."""
    gaps = []
    pairs = [
        (survey.name_fr, survey.name_en, _("the French name"), _("the English name")),
        (
            survey.intro_fr,
            survey.intro_en,
            _("the French introduction"),
            _("the English introduction"),
        ),
        (
            survey.thanks_fr,
            survey.thanks_en,
            _("the French thank-you message"),
            _("the English thank-you message"),
        ),
    ]
    for french, english, french_label, english_label in pairs:
        if english and not french:
            gaps.append(french_label)
        elif french and not english:
            gaps.append(english_label)
    return gaps


def _describe(questions: list[Question]) -> None:
    """Attach what the question cards show: position, scale, the question a condition uses."""
    by_key = {q.key: q for q in questions}
    for position, question in enumerate(questions, start=1):
        question.position = position
        question.is_first, question.is_last = position == 1, position == len(questions)
        question.scale = builder.scale_of(question) if question.type in SCALE_TYPES else None
        question.choice_list = (
            question.options.get("choices", []) if question.type in CHOICE_TYPES else []
        )
        question.source = by_key.get(question.show_if_key) if question.show_if_key else None


def _builder_context(request: HttpRequest, survey: Survey) -> dict[str, Any]:
    questions = list(survey.questions.all())
    _describe(questions)
    focus = request.GET.get("focus", "")
    return {
        "survey": survey,
        "questions": questions,
        "survey_gaps": _survey_gaps(survey),
        "questions_missing": [q for q in questions if q.missing_languages],
        "latest_version": survey.latest_version(),
        "question_types": QuestionType.choices,
        "has_nps": any(q.type == QuestionType.NPS for q in questions),
        "has_consent": any(q.type == QuestionType.CONSENT for q in questions),
        "focus": focus if FOCUS_ID.match(focus) else "",
    }


def _builder_updated(
    request: HttpRequest,
    survey: Survey,
    *,
    message: str = "",
    level: str = "success",
    focus: str = "",
    anchor: str = "",
    error_on: int | None = None,
) -> HttpResponse:
    """With htmx: the question list and what depends on it; a refusal is also shown on the
    question concerned. Without: back to the builder."""
    survey.refresh_from_db()
    if request.htmx:
        context = _builder_context(request, survey)
        context.update(message=message, level=level, focus=focus, oob=True, error_on=error_on)
        response = render(request, "feedback/surveys/builder_update.html", context)
        return reswap(retarget(response, "#question-list"), SWAP)
    if message:
        messages.add_message(
            request, messages.ERROR if level == "error" else messages.SUCCESS, message
        )
    url = reverse("survey_edit", args=[survey.organization.slug, survey.pk])
    if focus:
        # autofocus scrolls to the element; Chrome ignores autofocus when the URL has a
        # fragment, so no anchor then
        url += f"?focus={focus}"
    elif anchor and level != "error":  # an error is shown at the top of the page
        url += f"#{anchor}"
    return redirect(url)


# Surveys --------------------------------------------------------------------------------------


@org_view(Perm.VIEW_SURVEYS)
def survey_list(request: HttpRequest, scope: Scope) -> HttpResponse:
    return render(request, "feedback/surveys/survey_list.html", {"surveys": survey_rows(scope)})


@org_view(Perm.MANAGE_SURVEYS)
def survey_create(request: HttpRequest, scope: Scope) -> HttpResponse:
    form = SurveyForm(request.POST or None, organization=scope.organization)
    if request.method == "POST" and form.is_valid():
        survey = builder.survey_create(
            organization=scope.organization, created_by=request.user, **form.cleaned_data
        )
        messages.success(
            request,
            _("Survey “%(name)s” created. Add its questions.") % {"name": survey.name},
        )
        return redirect("survey_edit", org_slug=scope.organization.slug, survey_id=survey.pk)
    return render(request, "feedback/surveys/survey_form.html", {"form": form})


@org_view(Perm.MANAGE_SURVEYS)
def survey_edit(request: HttpRequest, scope: Scope, survey_id: int) -> HttpResponse:
    """The builder. A POST saves the survey's texts and settings; an htmx GET answers the
    question list (used by "cancel" in an inline editor)."""
    survey = _survey(scope, survey_id)
    form = SurveyForm(request.POST or None, organization=scope.organization, instance=survey)
    if request.method == "POST" and form.is_valid():
        builder.survey_update(survey=survey, **form.cleaned_data)
        messages.success(request, _("The survey’s texts and settings are saved."))
        return redirect("survey_edit", org_slug=scope.organization.slug, survey_id=survey.pk)
    if request.htmx and request.method == "GET":
        return _builder_updated(request, survey)
    versions = (
        survey.versions.select_related("published_by")
        .annotate(response_count=Count("responses"))
        .order_by("-number")
    )
    context = {
        **_builder_context(request, survey),
        "form": form,
        "versions": versions,
        "settings_open": form.is_bound,
    }
    return render(request, BUILDER, context)


@org_view(Perm.MANAGE_SURVEYS)
def survey_publish(request: HttpRequest, scope: Scope, survey_id: int) -> HttpResponse:
    survey = _survey(scope, survey_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        version = services.survey_publish(survey=survey, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Version %(number)s is published: new answers use it; earlier answers keep theirs.")
            % {"number": version.number},
        )
    return redirect("survey_edit", org_slug=scope.organization.slug, survey_id=survey.pk)


@org_view(Perm.MANAGE_SURVEYS)
def survey_duplicate(request: HttpRequest, scope: Scope, survey_id: int) -> HttpResponse:
    survey = _survey(scope, survey_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    copy = builder.survey_duplicate(survey=survey, created_by=request.user)
    messages.success(request, _("“%(name)s” is a new draft, ready to edit.") % {"name": copy.name})
    return redirect("survey_edit", org_slug=scope.organization.slug, survey_id=copy.pk)


# Questions ------------------------------------------------------------------------------------


def _editor_response(
    request: HttpRequest, editor: QuestionEditor, status: int = 200
) -> HttpResponse:
    context = {"editor": editor, "survey": editor.survey, "question": editor.question}
    if request.htmx and request.method == "GET":
        # the editor appears in place: move focus into it, as a page load would
        editor.form.fields["text_fr"].widget.attrs["autofocus"] = True
    if request.htmx:
        return render(request, "feedback/surveys/question_form.html#question-editor", context)
    return render(request, "feedback/surveys/question_form.html", context, status=status)


@org_view(Perm.MANAGE_SURVEYS)
def question_create(request: HttpRequest, scope: Scope, survey_id: int) -> HttpResponse:
    survey = _survey(scope, survey_id)
    question_type = request.POST.get("type") or request.GET.get("type", "")
    if question_type not in QuestionType.values:
        return redirect(
            reverse("survey_edit", args=[scope.organization.slug, survey.pk]) + "#add-question"
        )
    if request.method == "POST" and "add_choice" in request.POST:
        editor = editor_with_more_choices(
            request.POST, survey=survey, question_type=question_type, question=None
        )
        return _editor_response(request, editor)
    if request.method != "POST":
        initial = preset_initial(survey, request.GET.get("preset", ""))
        editor = QuestionEditor(survey=survey, question_type=question_type, initial=initial)
        return _editor_response(request, editor)
    editor = QuestionEditor(request.POST, survey=survey, question_type=question_type)
    if editor.is_valid():
        try:
            question = builder.question_create(
                survey=survey, question_type=question_type, **editor.values()
            )
        except ValidationError as error:
            editor.form.add_error(None, error)
        else:
            return _builder_updated(
                request,
                survey,
                message=_("Question %(position)s added (%(type)s).")
                % {"position": question.rank + 1, "type": question.get_type_display()},
                focus=f"question-{question.pk}-edit",  # the new question, not the page top
                anchor=f"question-{question.pk}",
            )
    return _editor_response(request, editor)


@org_view(Perm.MANAGE_SURVEYS)
def question_edit(
    request: HttpRequest, scope: Scope, survey_id: int, question_id: int
) -> HttpResponse:
    survey, question = _question(scope, survey_id, question_id)
    if request.method == "POST" and "add_choice" in request.POST:
        editor = editor_with_more_choices(
            request.POST, survey=survey, question_type=question.type, question=question
        )
        return _editor_response(request, editor)
    if request.method != "POST":
        return _editor_response(
            request, QuestionEditor(survey=survey, question_type=question.type, question=question)
        )
    editor = QuestionEditor(
        request.POST, survey=survey, question_type=question.type, question=question
    )
    if editor.is_valid():
        try:
            builder.question_update(question=question, **editor.values())
        except ValidationError as error:
            editor.form.add_error(None, error)
        else:
            return _builder_updated(
                request,
                survey,
                message=_("Question %(position)s saved.") % {"position": question.rank + 1},
                focus=f"question-{question.pk}-edit",  # back where the person was
                anchor=f"question-{question.pk}",
            )
    return _editor_response(request, editor)


@org_view(Perm.MANAGE_SURVEYS)
def question_delete(
    request: HttpRequest, scope: Scope, survey_id: int, question_id: int
) -> HttpResponse:
    survey, question = _question(scope, survey_id, question_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    position = question.rank + 1
    try:
        builder.question_delete(question=question)
    except ValidationError as error:
        return _builder_updated(
            request,
            survey,
            message=" ".join(error.messages),
            level="error",
            error_on=question.pk,
        )
    return _builder_updated(
        request,
        survey,
        message=_("Question %(position)s deleted. Published versions keep it.")
        % {"position": position},
    )


@org_view(Perm.MANAGE_SURVEYS)
def question_required(
    request: HttpRequest, scope: Scope, survey_id: int, question_id: int
) -> HttpResponse:
    survey, question = _question(scope, survey_id, question_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    required = request.POST.get("required") == "1"
    try:
        builder.question_set_required(question=question, required=required)
    except ValidationError as error:
        return _builder_updated(
            request, survey, message=" ".join(error.messages), level="error", error_on=question.pk
        )
    message = (
        _("Question %(position)s now requires an answer.")
        if required
        else _("Question %(position)s is now optional.")
    ) % {"position": question.rank + 1}
    return _builder_updated(request, survey, message=message, anchor=f"question-{question.pk}")


@org_view(Perm.MANAGE_SURVEYS)
def question_move(
    request: HttpRequest, scope: Scope, survey_id: int, question_id: int
) -> HttpResponse:
    survey, question = _question(scope, survey_id, question_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    direction = request.POST.get("direction", "")
    try:
        questions = builder.question_move(question=question, direction=direction)
    except ValidationError as error:
        return _builder_updated(
            request,
            survey,
            message=" ".join(error.messages),
            level="error",
            focus=focus_after_move("question", question.pk, direction),
            error_on=question.pk,
        )
    index = next(i for i, q in enumerate(questions) if q.pk == question.pk)
    return _builder_updated(
        request,
        survey,
        message=_("Question “%(text)s” is now number %(position)s of %(count)s.")
        % {"text": question.text or question.key, "position": index + 1, "count": len(questions)},
        focus=focus_after_move("question", question.pk, direction),
        anchor=f"question-{question.pk}",
    )


@org_view(Perm.MANAGE_SURVEYS)
def question_reorder(request: HttpRequest, scope: Scope, survey_id: int) -> HttpResponse:
    """The order set by dragging with the mouse: every question id of this survey, once."""
    survey = _survey(scope, survey_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        builder.questions_reorder(survey=survey, ordered_ids=request.POST.getlist("order"))
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=400, content_type="text/plain")
    return _builder_updated(request, survey, message=_("The new order is saved."))
