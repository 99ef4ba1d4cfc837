"""Team actions: commit from a workshop, the board, notes, the library, reminders."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sillage.accounts.models import Membership, Unit, User
from sillage.feedback.models import Response
from sillage.workshops.models import (
    CHECKIN_WEEKS,
    ActionNote,
    ActionReminder,
    ActionStatus,
    Idea,
    IdeaStatus,
    Step,
    TeamAction,
    Workshop,
)


def _check_owners(unit: Unit, owners: Sequence[User]) -> None:
    if not owners:
        raise ValidationError(_("Choose at least one owner."))
    members = set(Membership.objects.active().filter(unit=unit).values_list("user_id", flat=True))
    if any(owner.pk not in members for owner in owners):
        raise ValidationError(_("Owners must be members of the team."))


def action_commit(
    *,
    workshop: Workshop,
    idea: Idea,
    title: str,
    owners: Sequence[User],
    first_step: str,
    due_date: date,
    response_ids: Sequence[int] = (),
) -> TeamAction:
    """A chosen idea becomes a team action with owners among the team's members."""
    if workshop.step != Step.COMMIT:
        raise ValidationError(_("Actions are committed at the commit step."))
    if idea.workshop_id != workshop.pk or idea.status != IdeaStatus.PROPOSED:
        raise ValidationError(_("Only a proposed idea of this workshop can be committed."))
    _check_owners(workshop.unit, owners)
    # Only verbatims of the team's own customers may be linked.
    valid_ids = list(
        Response.objects.filter(
            organization_id=workshop.organization_id,
            unit__path__startswith=workshop.unit.path,
            pk__in=list(response_ids),
        ).values_list("pk", flat=True)
    )
    with transaction.atomic():
        action = TeamAction.objects.create(
            organization_id=workshop.organization_id,
            unit=workshop.unit,
            workshop=workshop,
            idea=idea,
            title=(title or idea.text)[:300],
            pillar=idea.pillar,
            first_step=first_step,
            due_date=due_date,
            response_ids=sorted(valid_ids),
        )
        action.owners.set(owners)
        Idea.objects.filter(pk=idea.pk).update(status=IdeaStatus.CHOSEN)
        workshop.bump()
    return action


def action_set_status(
    *, action: TeamAction, status: str, reason: str = "", author: User | None = None
) -> TeamAction:
    if status not in ActionStatus.values:
        raise ValidationError(_("Unknown status."))
    if status == ActionStatus.DROPPED and not reason.strip():
        raise ValidationError(_("Say why the action is dropped."))
    action.status = status
    action.dropped_reason = reason.strip()[:300] if status == ActionStatus.DROPPED else ""
    action.done_at = timezone.now() if status == ActionStatus.DONE else None
    action.save(update_fields=["status", "dropped_reason", "done_at", "updated_at"])
    return action


def action_note_add(
    *, action: TeamAction, author: User | None, text: str, is_evidence: bool = False
) -> ActionNote:
    text = text.strip()
    if not text:
        raise ValidationError(_("Write the note."))
    return ActionNote.objects.create(
        organization_id=action.organization_id,
        action=action,
        author=author,
        text=text,
        is_evidence=is_evidence,
        checkin_week=checkin_week_due(action, timezone.now()),
    )


def checkin_week_due(action: TeamAction, now: datetime) -> int | None:
    """The latest check-in (2, 4 or 8 weeks after the action was committed) that is due."""
    due = [w for w in CHECKIN_WEEKS if action.created_at + timedelta(weeks=w) <= now]
    return due[-1] if due else None


def action_share(*, action: TeamAction, shared: bool) -> TeamAction:
    action.shared = shared
    action.save(update_fields=["shared", "updated_at"])
    return action


def action_adopt(
    *, source: TeamAction, unit: Unit, owners: Sequence[User], due_date: date
) -> TeamAction:
    """Another team copies a shared action to its own board (collective intelligence)."""
    if not source.shared or source.organization_id != unit.organization_id:
        raise ValidationError(_("Only a shared action can be adopted."))
    _check_owners(unit, owners)
    with transaction.atomic():
        action = TeamAction.objects.create(
            organization_id=unit.organization_id,
            unit=unit,
            title=source.title,
            pillar=source.pillar,
            first_step=source.first_step,
            due_date=due_date,
            adopted_from=source,
        )
        action.owners.set(owners)
    return action


# --- Check-in reminders -------------------------------------------------------------------------


def reminders_send(now: datetime) -> int:
    """Email the owners of every open action whose 2-, 4- or 8-week check-in has come, once.

    The reminder row is written first under its unique constraint: a second machine running
    the same tick fails to insert it and skips; an email that fails rolls the row back, so the
    next tick tries again."""
    sent = 0
    oldest = now - timedelta(weeks=max(CHECKIN_WEEKS) + 1)
    candidates = (
        TeamAction.objects.open()
        .filter(created_at__gte=oldest, created_at__lte=now - timedelta(weeks=min(CHECKIN_WEEKS)))
        .select_related("organization", "unit")
        .prefetch_related("owners", "reminders")
    )
    for action in candidates:
        done = {r.week for r in action.reminders.all()}
        week = checkin_week_due(action, now)
        if week is None or week in done:
            continue
        try:
            with transaction.atomic():
                ActionReminder.objects.create(
                    organization_id=action.organization_id, action=action, week=week
                )
                for owner in action.owners.all():
                    _send_reminder(action, owner, week)
        except IntegrityError:
            continue
        sent += 1
    return sent


def _send_reminder(action: TeamAction, owner: User, week: int) -> None:
    organization = action.organization
    with translation.override(owner.language or organization.default_language):
        url = settings.SITE_URL + reverse(
            "workshops_action_detail", args=[organization.slug, action.pk]
        )
        context = {"action": action, "owner": owner, "week": week, "url": url}
        subject = _("Check-in at %(weeks)s weeks: %(title)s") % {
            "weeks": week,
            "title": action.title[:80],
        }
        text = render_to_string("workshops/email/checkin.txt", context)
        html = render_to_string("workshops/email/checkin.html", context)
    message = EmailMultiAlternatives(subject, text, to=[owner.email])
    message.attach_alternative(html, "text/html")
    message.send()
