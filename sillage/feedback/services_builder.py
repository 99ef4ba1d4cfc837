"""Writes of the journey editor and the survey builder.

Ranks are rewritten as 0..n-1 under a lock on the parent row (journey, stage or survey), so
two people reordering or adding at the same time cannot interleave and leave gaps or ties.
Every change to a survey's draft marks it as having unpublished changes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Model, ProtectedError, QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, ngettext_lazy

from sillage.accounts.models import Organization, User
from sillage.feedback.models import (
    SCORE_TYPES,
    Invitation,
    Journey,
    Question,
    QuestionType,
    Response,
    Stage,
    Survey,
    SurveyLink,
    SurveyStatus,
    Touchpoint,
)

UP, DOWN = "up", "down"
# Types a follow-up condition may depend on: they store an integer answer.
CONDITION_SOURCE_TYPES = frozenset({*SCORE_TYPES, QuestionType.RATING})
KEY_PREFIX = {
    QuestionType.NPS: "nps",
    QuestionType.CSAT: "csat",
    QuestionType.CES: "ces",
    QuestionType.RATING: "rating",
    QuestionType.SINGLE: "choice",
    QuestionType.MULTIPLE: "choices",
    QuestionType.SHORT_TEXT: "text",
    QuestionType.LONG_TEXT: "comment",
    QuestionType.CONSENT: "contact",
}
CHOICE_VALUE = re.compile(r"^[a-z0-9_-]{1,40}$")
COPY_SUFFIX_FR, COPY_SUFFIX_EN = " (copie)", " (copy)"


# Ordering ------------------------------------------------------------------------------------


def _rewrite_ranks(rows: Sequence[Model]) -> None:
    """Give `rows` the ranks 0..n-1 in their list order, touching only the rows that move."""
    changed = []
    for rank, row in enumerate(rows):
        if row.rank != rank:  # type: ignore[attr-defined]
            row.rank = rank  # type: ignore[attr-defined]
            changed.append(row)
    if changed:
        type(changed[0]).objects.bulk_update(changed, ["rank"])


def _reordered(rows: list[Any], ordered_ids: Iterable[object]) -> list[Any]:
    """`rows` in the order of `ordered_ids`, which must name each of them exactly once.

    One message whatever is wrong (an id of another parent, of another organisation, a
    duplicate, a missing one), so the answer does not reveal whether a foreign id exists.
    """
    by_id = {row.pk: row for row in rows}
    try:
        ids = [int(str(value)) for value in ordered_ids]
    except ValueError:
        ids = []
    if len(ids) != len(by_id) or set(ids) != set(by_id):
        raise ValidationError(
            _("The new order must list each item of this list exactly once. Reload the page.")
        )
    return [by_id[pk] for pk in ids]


def _moved(rows: list[Any], row_id: int, direction: str) -> list[Any]:
    index = next(i for i, row in enumerate(rows) if row.pk == row_id)
    target = index - 1 if direction == UP else index + 1
    if direction not in (UP, DOWN) or not 0 <= target < len(rows):
        return rows
    rows = list(rows)
    rows[index], rows[target] = rows[target], rows[index]
    return rows


def _next_rank(queryset: QuerySet) -> int:
    highest = queryset.aggregate(n=Max("rank"))["n"]
    return 0 if highest is None else highest + 1


# Journeys, stages, touchpoints --------------------------------------------------------------


def _code_taken() -> ValidationError:
    return ValidationError({"code": _("Another item of this organisation already uses this code.")})


def journey_create(
    *,
    organization: Organization,
    code: str,
    name_fr: str,
    name_en: str = "",
    description_fr: str = "",
    description_en: str = "",
    is_active: bool = True,
) -> Journey:
    try:
        with transaction.atomic():
            return Journey.objects.create(
                organization=organization,
                code=code,
                name_fr=name_fr,
                name_en=name_en,
                description_fr=description_fr,
                description_en=description_en,
                is_active=is_active,
                rank=_next_rank(Journey.objects.filter(organization=organization)),
            )
    except IntegrityError:  # a concurrent create took the code after the form checked it
        raise _code_taken() from None


JOURNEY_FIELDS = ("code", "name_fr", "name_en", "description_fr", "description_en", "is_active")
STAGE_FIELDS = ("name_fr", "name_en", "description_fr", "description_en")
TOUCHPOINT_FIELDS = ("code", "channel", "name_fr", "name_en", "description_fr", "description_en")


def _update(row: Model, allowed: Sequence[str], fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"cannot update {sorted(unknown)}")
    for name, value in fields.items():
        setattr(row, name, value)
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        raise _code_taken() from None


def journey_update(*, journey: Journey, **fields: Any) -> Journey:
    _update(journey, JOURNEY_FIELDS, fields)
    return journey


def history_count(touchpoints: QuerySet) -> int:
    """Rows that point at these touchpoints and would lose them: responses, links, invitations."""
    return (
        Response.objects.filter(touchpoint__in=touchpoints).count()
        + SurveyLink.objects.filter(touchpoint__in=touchpoints).count()
        + Invitation.objects.filter(touchpoint__in=touchpoints).count()
    )


def _delete_unless_history(
    row: Model, touchpoints: QuerySet, message: Any, **params: object
) -> None:
    """Delete `row` unless history points at `touchpoints`: the database PROTECTs it anyway,
    and saying so in words beats an error page."""
    with transaction.atomic():
        count = history_count(touchpoints)
        if count:
            raise ValidationError(message % {"count": count, **params})
        try:
            with transaction.atomic():
                row.delete()
        except ProtectedError:  # a response arrived between the count and the delete
            raise ValidationError(
                message % {"count": history_count(touchpoints), **params}
            ) from None


JOURNEY_HAS_HISTORY = ngettext_lazy(
    "This journey cannot be deleted: %(count)s response, survey link or invitation refers to "
    "one of its touchpoints, and that history must be kept.",
    "This journey cannot be deleted: %(count)s responses, survey links or invitations refer to "
    "its touchpoints, and that history must be kept.",
    "count",
)
STAGE_HAS_HISTORY = ngettext_lazy(
    "This stage cannot be deleted: %(count)s response, survey link or invitation refers to one "
    "of its touchpoints, and that history must be kept.",
    "This stage cannot be deleted: %(count)s responses, survey links or invitations refer to "
    "its touchpoints, and that history must be kept.",
    "count",
)
TOUCHPOINT_HAS_HISTORY = ngettext_lazy(
    "“%(name)s” cannot be deleted: %(count)s response, survey link or invitation refers to it, "
    "and that history must be kept. Rename it instead if it changed.",
    "“%(name)s” cannot be deleted: %(count)s responses, survey links or invitations refer to "
    "it, and that history must be kept. Rename it instead if it changed.",
    "count",
)


def journey_delete(*, journey: Journey) -> None:
    touchpoints = Touchpoint.objects.filter(stage__journey=journey)
    _delete_unless_history(journey, touchpoints, JOURNEY_HAS_HISTORY)


def stage_create(
    *,
    journey: Journey,
    name_fr: str,
    name_en: str = "",
    description_fr: str = "",
    description_en: str = "",
) -> Stage:
    with transaction.atomic():
        Journey.objects.select_for_update().get(pk=journey.pk)
        return Stage.objects.create(
            organization_id=journey.organization_id,
            journey=journey,
            name_fr=name_fr,
            name_en=name_en,
            description_fr=description_fr,
            description_en=description_en,
            rank=_next_rank(journey.stages.all()),
        )


def stage_update(*, stage: Stage, **fields: Any) -> Stage:
    _update(stage, STAGE_FIELDS, fields)
    return stage


def stage_delete(*, stage: Stage) -> None:
    _delete_unless_history(stage, Touchpoint.objects.filter(stage=stage), STAGE_HAS_HISTORY)
    with transaction.atomic():
        _rewrite_ranks(list(Stage.objects.select_for_update().filter(journey_id=stage.journey_id)))


def stages_reorder(*, journey: Journey, ordered_ids: Iterable[object]) -> list[Stage]:
    with transaction.atomic():
        Journey.objects.select_for_update().get(pk=journey.pk)
        stages = _reordered(list(journey.stages.all()), ordered_ids)
        _rewrite_ranks(stages)
    return stages


def stage_move(*, stage: Stage, direction: str) -> list[Stage]:
    with transaction.atomic():
        Journey.objects.select_for_update().get(pk=stage.journey_id)
        stages = _moved(
            list(Stage.objects.filter(journey_id=stage.journey_id)), stage.pk, direction
        )
        _rewrite_ranks(stages)
    return stages


def touchpoint_create(
    *,
    stage: Stage,
    code: str,
    channel: str,
    name_fr: str,
    name_en: str = "",
    description_fr: str = "",
    description_en: str = "",
) -> Touchpoint:
    try:
        with transaction.atomic():
            Stage.objects.select_for_update().get(pk=stage.pk)
            return Touchpoint.objects.create(
                organization_id=stage.organization_id,
                stage=stage,
                code=code,
                channel=channel,
                name_fr=name_fr,
                name_en=name_en,
                description_fr=description_fr,
                description_en=description_en,
                rank=_next_rank(stage.touchpoints.all()),
            )
    except IntegrityError:
        raise _code_taken() from None


def touchpoint_update(*, touchpoint: Touchpoint, **fields: Any) -> Touchpoint:
    _update(touchpoint, TOUCHPOINT_FIELDS, fields)
    return touchpoint


def touchpoint_delete(*, touchpoint: Touchpoint) -> None:
    """Refused while responses, links or invitations point at it (they are PROTECTed): a
    touchpoint with history is kept, and may be renamed."""
    _delete_unless_history(
        touchpoint,
        Touchpoint.objects.filter(pk=touchpoint.pk),
        TOUCHPOINT_HAS_HISTORY,
        name=touchpoint.name,
    )
    with transaction.atomic():
        _rewrite_ranks(
            list(Touchpoint.objects.select_for_update().filter(stage_id=touchpoint.stage_id))
        )


def touchpoints_reorder(*, stage: Stage, ordered_ids: Iterable[object]) -> list[Touchpoint]:
    with transaction.atomic():
        Stage.objects.select_for_update().get(pk=stage.pk)
        touchpoints = _reordered(list(stage.touchpoints.all()), ordered_ids)
        _rewrite_ranks(touchpoints)
    return touchpoints


def touchpoint_move(*, touchpoint: Touchpoint, direction: str) -> list[Touchpoint]:
    with transaction.atomic():
        Stage.objects.select_for_update().get(pk=touchpoint.stage_id)
        touchpoints = _moved(
            list(Touchpoint.objects.filter(stage_id=touchpoint.stage_id)), touchpoint.pk, direction
        )
        _rewrite_ranks(touchpoints)
    return touchpoints


# Surveys -------------------------------------------------------------------------------------

SURVEY_FIELDS = (
    "name_fr",
    "name_en",
    "intro_fr",
    "intro_en",
    "thanks_fr",
    "thanks_en",
    "touchpoint",
    "reminder_after_days",
)
DEFINITION_FIELDS = ("name_fr", "name_en", "intro_fr", "intro_en", "thanks_fr", "thanks_en")


def _check_touchpoint(organization_id: int, touchpoint: Touchpoint | None) -> None:
    if touchpoint is not None and touchpoint.organization_id != organization_id:
        raise ValidationError(_("This touchpoint belongs to another organisation."))


def survey_mark_changed(*, survey: Survey) -> None:
    """The draft now differs from the latest published version."""
    now = timezone.now()
    Survey.objects.filter(pk=survey.pk).update(has_unpublished_changes=True, updated_at=now)
    survey.has_unpublished_changes, survey.updated_at = True, now


def survey_create(*, organization: Organization, created_by: User | None, **fields: Any) -> Survey:
    unknown = set(fields) - set(SURVEY_FIELDS)
    if unknown:
        raise TypeError(f"cannot set {sorted(unknown)}")
    _check_touchpoint(organization.pk, fields.get("touchpoint"))
    return Survey.objects.create(
        organization=organization,
        created_by=created_by,
        status=SurveyStatus.DRAFT,
        has_unpublished_changes=True,
        **fields,
    )


def survey_update(*, survey: Survey, **fields: Any) -> Survey:
    unknown = set(fields) - set(SURVEY_FIELDS)
    if unknown:
        raise TypeError(f"cannot update {sorted(unknown)}")
    _check_touchpoint(survey.organization_id, fields.get("touchpoint"))
    # The name, introduction and thanks are part of the published definition; the default
    # touchpoint and the reminder delay are not, so changing them needs no new version.
    if any(getattr(survey, name) != fields[name] for name in DEFINITION_FIELDS if name in fields):
        survey.has_unpublished_changes = True
    for name, value in fields.items():
        setattr(survey, name, value)
    survey.save()
    return survey


def _copy_name(name: str, suffix: str) -> str:
    if not name:
        return ""
    return name[: 200 - len(suffix)] + suffix


def survey_duplicate(*, survey: Survey, created_by: User | None) -> Survey:
    """A new draft with the same texts and questions (same keys, so answers compare)."""
    with transaction.atomic():
        copy = Survey.objects.create(
            organization_id=survey.organization_id,
            name_fr=_copy_name(survey.name_fr, COPY_SUFFIX_FR),
            name_en=_copy_name(survey.name_en, COPY_SUFFIX_EN),
            intro_fr=survey.intro_fr,
            intro_en=survey.intro_en,
            thanks_fr=survey.thanks_fr,
            thanks_en=survey.thanks_en,
            touchpoint_id=survey.touchpoint_id,
            reminder_after_days=survey.reminder_after_days,
            status=SurveyStatus.DRAFT,
            has_unpublished_changes=True,
            created_by=created_by,
        )
        Question.objects.bulk_create(
            Question(
                survey=copy,
                key=q.key,
                rank=rank,
                type=q.type,
                text_fr=q.text_fr,
                text_en=q.text_en,
                help_fr=q.help_fr,
                help_en=q.help_en,
                required=q.required,
                options=q.options,
                show_if_key=q.show_if_key,
                show_if_min=q.show_if_min,
                show_if_max=q.show_if_max,
            )
            for rank, q in enumerate(survey.questions.all())
        )
    return copy


# Questions -----------------------------------------------------------------------------------

QUESTION_FIELDS = (
    "text_fr",
    "text_en",
    "help_fr",
    "help_en",
    "required",
    "options",
    "show_if_key",
    "show_if_min",
    "show_if_max",
)


def used_keys(survey: Survey) -> set[str]:
    """Keys of the draft and of every published version: a deleted question's key is never
    given to a new question, so old answers stored under it keep their meaning."""
    keys = set(survey.questions.values_list("key", flat=True))
    for definition in survey.versions.values_list("definition", flat=True):
        keys.update(q.get("key", "") for q in definition.get("questions", []))
    return keys


def new_question_key(question_type: str, taken: set[str]) -> str:
    prefix = KEY_PREFIX.get(question_type, "question")
    if prefix not in taken:
        return prefix
    number = 2
    while f"{prefix}_{number}" in taken:
        number += 1
    return f"{prefix}_{number}"


def with_choice_values(choices: list[dict[str, str]]) -> list[dict[str, str]]:
    """Keep each existing choice's stored value (answers refer to it); give new choices a
    value made from their text, unique within the question."""
    kept = [c.get("value", "") for c in choices if CHOICE_VALUE.match(c.get("value", ""))]
    taken = set()
    result = []
    for choice in choices:
        value = choice.get("value", "")
        if not CHOICE_VALUE.match(value) or value in taken:
            base = slugify(choice.get("fr") or choice.get("en") or "")[:30] or "choice"
            value, number = base, 2
            while value in taken or value in kept:
                value = f"{base}-{number}"
                number += 1
        taken.add(value)
        result.append({"value": value, "fr": choice.get("fr", ""), "en": choice.get("en", "")})
    return result


def _clean_options(question_type: str, options: dict[str, Any]) -> dict[str, Any]:
    options = dict(options or {})
    if question_type in {QuestionType.SINGLE, QuestionType.MULTIPLE}:
        options["choices"] = with_choice_values(options.get("choices", []))
        if not options["choices"]:
            raise ValidationError(_("A choice question needs at least one choice."))
    return options


def scale_of(question: Question) -> tuple[int, int]:
    """The lowest and highest answer of a score or rating question."""
    if question.type in SCORE_TYPES:
        return SCORE_TYPES[question.type]
    options = question.options or {}
    return int(options.get("min", 1)), int(options.get("max", 5))


def check_conditions(questions: Sequence[Question]) -> None:
    """Each condition depends on a score question that comes before it, in this order, and
    its bounds lie on that question's scale (which a rating question may have changed)."""
    seen: dict[str, Question] = {}
    for question in questions:
        if question.show_if_key:
            source = seen.get(question.show_if_key)
            if source is None or source.type not in CONDITION_SOURCE_TYPES:
                raise ValidationError(
                    _(
                        "“%(question)s” is shown depending on the answer to “%(key)s”, which must "
                        "be a score question placed before it."
                    )
                    % {"question": question.text or question.key, "key": question.show_if_key}
                )
            low, high = scale_of(source)
            bounds = [b for b in (question.show_if_min, question.show_if_max) if b is not None]
            if any(not low <= bound <= high for bound in bounds):
                raise ValidationError(
                    _(
                        "“%(question)s” is shown for answers to “%(key)s” outside its scale "
                        "(%(min)s to %(max)s). Change that condition first."
                    )
                    % {
                        "question": question.text or question.key,
                        "key": source.key,
                        "min": low,
                        "max": high,
                    }
                )
        seen[question.key] = question


def question_create(*, survey: Survey, question_type: str, **fields: Any) -> Question:
    unknown = set(fields) - set(QUESTION_FIELDS)
    if unknown or question_type not in QuestionType.values:
        raise TypeError(f"cannot set {sorted(unknown)} or type {question_type!r}")
    fields["options"] = _clean_options(question_type, fields.get("options", {}))
    with transaction.atomic():
        locked = Survey.objects.select_for_update().get(pk=survey.pk)
        questions = list(locked.questions.all())
        if question_type == QuestionType.CONSENT and any(
            q.type == QuestionType.CONSENT for q in questions
        ):
            raise ValidationError(_("This survey already has a contact-consent block."))
        question = Question(
            survey=locked,
            type=question_type,
            key=new_question_key(question_type, used_keys(locked)),
            rank=len(questions),
            **fields,
        )
        check_conditions([*questions, question])
        _rewrite_ranks(questions)  # close any gap so that the new rank follows the last one
        question.save()
        survey_mark_changed(survey=survey)
    return question


def question_update(*, question: Question, **fields: Any) -> Question:
    """Change a question's texts, options or condition; its key and type never change."""
    unknown = set(fields) - set(QUESTION_FIELDS)
    if unknown:
        raise TypeError(f"cannot update {sorted(unknown)}")
    if "options" in fields:
        fields["options"] = _clean_options(question.type, fields["options"])
    with transaction.atomic():
        Survey.objects.select_for_update().get(pk=question.survey_id)
        for name, value in fields.items():
            setattr(question, name, value)
        questions = [
            question if q.pk == question.pk else q
            for q in Question.objects.filter(survey_id=question.survey_id)
        ]
        check_conditions(questions)
        question.save()
        survey_mark_changed(survey=question.survey)
    return question


def question_set_required(*, question: Question, required: bool) -> Question:
    if question.type == QuestionType.CONSENT:
        raise ValidationError(_("Agreeing to be contacted is always optional."))
    return question_update(question=question, required=required)


def dependants(question: Question) -> list[Question]:
    return list(
        Question.objects.filter(survey_id=question.survey_id, show_if_key=question.key).exclude(
            pk=question.pk
        )
    )


def question_delete(*, question: Question) -> None:
    """Refused while another question's condition depends on it."""
    with transaction.atomic():
        Survey.objects.select_for_update().get(pk=question.survey_id)
        depending = dependants(question)
        if depending:
            raise ValidationError(
                ngettext(
                    "This question cannot be deleted: %(count)s question is shown depending on "
                    "its answer (%(keys)s). Remove that condition first.",
                    "This question cannot be deleted: %(count)s questions are shown depending "
                    "on its answer (%(keys)s). Remove those conditions first.",
                    len(depending),
                )
                % {"count": len(depending), "keys": ", ".join(q.key for q in depending)}
            )
        question.delete()
        _rewrite_ranks(list(Question.objects.filter(survey_id=question.survey_id)))
        survey_mark_changed(survey=question.survey)


def _apply_order(survey: Survey, questions: list[Question]) -> list[Question]:
    check_conditions(questions)
    _rewrite_ranks(questions)
    survey_mark_changed(survey=survey)
    return questions


def questions_reorder(*, survey: Survey, ordered_ids: Iterable[object]) -> list[Question]:
    """Refused when a follow-up question would come before the question it depends on."""
    with transaction.atomic():
        Survey.objects.select_for_update().get(pk=survey.pk)
        questions = _reordered(list(survey.questions.all()), ordered_ids)
        return _apply_order(survey, questions)


def question_move(*, question: Question, direction: str) -> list[Question]:
    with transaction.atomic():
        Survey.objects.select_for_update().get(pk=question.survey_id)
        current = list(Question.objects.filter(survey_id=question.survey_id))
        questions = _moved(current, question.pk, direction)
        if [q.pk for q in questions] == [q.pk for q in current]:
            return current
        return _apply_order(question.survey, questions)
