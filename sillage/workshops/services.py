"""Writes of the live workshop session. Every write that changes a screen bumps the version."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from sillage.accounts.models import Membership, Unit, User
from sillage.workshops.models import (
    STEP_ORDER,
    FeedbackAnswer,
    Idea,
    IdeaStatus,
    Metric,
    Participant,
    Prediction,
    Step,
    Vote,
    Workshop,
)


def workshop_create(
    *,
    unit: Unit,
    title: str,
    scheduled_at: datetime,
    mode: str,
    metric: str,
    votes_per_person: int,
    facilitator: User | None,
) -> Workshop:
    from sillage.workshops.selectors import main_touchpoint_ids

    with transaction.atomic():
        workshop = Workshop.objects.create(
            organization_id=unit.organization_id,
            unit=unit,
            title=title,
            scheduled_at=scheduled_at,
            mode=mode,
            metric=metric,
            votes_per_person=votes_per_person,
            facilitator=facilitator,
        )
        workshop.touchpoints.set(main_touchpoint_ids(workshop))
    return workshop


def workshop_set_step(*, workshop: Workshop, step: str) -> Workshop:
    if step not in STEP_ORDER:
        raise ValidationError(_("Unknown step."))
    now = timezone.now()
    with transaction.atomic():
        locked = Workshop.objects.select_for_update().get(pk=workshop.pk)
        if locked.step == Step.CLOSED:
            raise ValidationError(_("This workshop is closed."))
        fields = {"step": step}
        if locked.started_at is None and step != Step.SCHEDULED:
            fields["started_at"] = now
        if step == Step.CLOSED:
            fields["closed_at"] = now
        Workshop.objects.filter(pk=locked.pk).update(**fields)
        locked.bump()
    workshop.refresh_from_db()
    return workshop


def participant_join(*, workshop: Workshop, user: User) -> Participant:
    participant, created = Participant.objects.get_or_create(
        workshop=workshop, user=user, defaults={"organization_id": workshop.organization_id}
    )
    if created:
        workshop.bump()
    return participant


def _clean_items(items: Iterable[str]) -> list[str]:
    return [item.strip()[:120] for item in items if item and item.strip()][:3]


def predictions_submit(
    *, workshop: Workshop, user: User, entries: Sequence[dict]
) -> list[Prediction]:
    """`entries`: one dict per touchpoint: touchpoint_id, score, appreciated, criticised."""
    if workshop.step != Step.PREDICT:
        raise ValidationError(_("Predictions are closed."))
    allowed = set(workshop.touchpoints.values_list("pk", flat=True))
    low = -100 if workshop.metric == Metric.NPS else 0
    saved = []
    with transaction.atomic():
        participant = participant_join(workshop=workshop, user=user)
        for entry in entries:
            if entry["touchpoint_id"] not in allowed:
                raise ValidationError(_("Unknown touchpoint."))
            score = int(entry["score"])
            if not low <= score <= 100:
                raise ValidationError(_("The score is out of range."))
            prediction, _created = Prediction.objects.update_or_create(
                workshop=workshop,
                user=user,
                touchpoint_id=entry["touchpoint_id"],
                defaults={
                    "organization_id": workshop.organization_id,
                    "score": score,
                    "appreciated": _clean_items(entry.get("appreciated", [])),
                    "criticised": _clean_items(entry.get("criticised", [])),
                },
            )
            saved.append(prediction)
        Participant.objects.filter(pk=participant.pk).update(predicted_at=timezone.now())
        workshop.bump()
    return saved


def idea_submit(
    *,
    workshop: Workshop,
    author: User | None,
    pillar: str,
    text: str,
    concrete: bool,
    immediate: bool,
    own_power: bool,
    note: str = "",
) -> Idea:
    """An idea that fails a criterion goes to the parking lot with its reason: never lost."""
    if workshop.step != Step.IDEAS:
        raise ValidationError(_("Ideas are not being collected now."))
    with transaction.atomic():
        if author is not None:
            participant_join(workshop=workshop, user=author)
        idea = Idea(
            organization_id=workshop.organization_id,
            workshop=workshop,
            author=author,
            pillar=pillar,
            text=text.strip(),
            concrete=concrete,
            immediate=immediate,
            own_power=own_power,
            parked_note=note.strip()[:300],
        )
        idea.status = IdeaStatus.PARKED if idea.failed_criteria() else IdeaStatus.PROPOSED
        idea.full_clean(exclude=["author", "workshop", "organization"])
        idea.save()
        workshop.bump()
    return idea


def idea_recheck(
    *, idea: Idea, concrete: bool, immediate: bool, own_power: bool, note: str = ""
) -> Idea:
    """The facilitator ticks the criteria again (with the team): the idea moves to or from
    the parking lot accordingly."""
    if idea.status == IdeaStatus.CHOSEN:
        raise ValidationError(_("A chosen idea is already an action."))
    idea.concrete, idea.immediate, idea.own_power = concrete, immediate, own_power
    idea.parked_note = note.strip()[:300]
    idea.status = IdeaStatus.PARKED if idea.failed_criteria() else IdeaStatus.PROPOSED
    with transaction.atomic():
        idea.save(update_fields=["concrete", "immediate", "own_power", "parked_note", "status"])
        if idea.status == IdeaStatus.PARKED:
            Vote.objects.filter(idea=idea).delete()
        idea.workshop.bump()
    return idea


class VoteRefused(Exception):
    pass


def vote_toggle(*, workshop: Workshop, idea: Idea, user: User) -> bool:
    """Add the participant's vote for `idea`, or take it back. Returns True when the vote is
    now cast. Refused beyond the workshop's limit: the participant row is locked while the
    free slot is chosen, and the unique (participant, slot) constraint holds even where row
    locks do not exist (SQLite) or a request slips past them."""
    if workshop.step != Step.VOTE:
        raise VoteRefused(_("Voting is not open."))
    if idea.workshop_id != workshop.pk or idea.status != IdeaStatus.PROPOSED:
        raise VoteRefused(_("This idea cannot receive votes."))
    try:
        with transaction.atomic():
            participant = participant_join(workshop=workshop, user=user)
            Participant.objects.select_for_update().filter(pk=participant.pk).first()
            mine = Vote.objects.filter(workshop=workshop, user=user)
            existing = mine.filter(idea=idea).first()
            if existing is not None:
                existing.delete()
                workshop.bump()
                return False
            used = set(mine.values_list("slot", flat=True))
            free = [s for s in range(1, workshop.votes_per_person + 1) if s not in used]
            if not free:
                raise VoteRefused(
                    _("You have used your %(count)s votes.") % {"count": workshop.votes_per_person}
                )
            Vote.objects.create(
                organization_id=workshop.organization_id,
                workshop=workshop,
                idea=idea,
                user=user,
                slot=free[0],
            )
            workshop.bump()
            return True
    except (IntegrityError, OperationalError) as error:
        # A racing request took the slot first (IntegrityError), or SQLite's write lock did
        # not come in time (OperationalError): nothing was written, the person may retry.
        raise VoteRefused(_("Your vote was not counted; please try again.")) from error


def vote_counts(workshop: Workshop) -> dict[int, int]:
    return dict(
        Vote.objects.filter(workshop=workshop)
        .values("idea_id")
        .annotate(n=Count("id"))
        .values_list("idea_id", "n")
    )


def feedback_submit(
    *, workshop: Workshop, user: User, energising: int, engaging: int, concrete: int
) -> None:
    """Store the three answers with no link to the person; participation apart."""
    if workshop.step not in (Step.FEEDBACK, Step.CLOSED):
        raise ValidationError(_("Feedback is not open."))
    for value in (energising, engaging, concrete):
        if not 1 <= value <= 5:
            raise ValidationError(_("Answer from 1 to 5."))
    with transaction.atomic():
        participant = participant_join(workshop=workshop, user=user)
        # The conditional update decides, even when the same person posts twice at once.
        claimed = Participant.objects.filter(pk=participant.pk, feedback_given=False).update(
            feedback_given=True
        )
        if not claimed:
            raise ValidationError(_("You have already given your feedback."))
        FeedbackAnswer.objects.create(
            organization_id=workshop.organization_id,
            workshop=workshop,
            energising=energising,
            engaging=engaging,
            concrete=concrete,
        )
        workshop.bump()


def unit_members(unit: Unit):
    return (
        Membership.objects.active()
        .filter(unit=unit)
        .select_related("user")
        .order_by("user__first_name", "user__last_name")
    )
