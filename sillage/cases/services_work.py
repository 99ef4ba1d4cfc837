"""Working a case: notes, contact attempts, status changes, reassignment, leaders, recovery.

Concurrency: a note or a contact attempt is a new row, so two people writing at once both
keep what they wrote. A status change is a conditional UPDATE on the status the person saw
(`expected_status`); when someone changed it in between, nothing is written and `Conflict`
says so, instead of the second click silently undoing the first.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sillage.accounts.models import User
from sillage.cases.models import (
    OPEN_STATUSES,
    TRANSITIONS,
    Case,
    CaseEvent,
    CaseStatus,
    ContactOutcome,
    EventKind,
    FollowUp,
    RootCause,
)

LEADER_ROLES = ("executive", "admin")


class Conflict(Exception):
    """Someone else changed the case first; nothing was written."""

    def __init__(self, current: str) -> None:
        self.current = current
        label = CaseStatus(current).label if current in CaseStatus.values else current
        super().__init__(
            _(
                "Someone else changed this case at the same time: it is now “%(status)s”. "
                "Nothing was changed; check the timeline and try again."
            )
            % {"status": label}
        )


def _event(case: Case, kind: str, author: User | None, now: datetime, **fields) -> CaseEvent:
    return CaseEvent.objects.create(
        organization_id=case.organization_id,
        case_id=case.pk,
        kind=kind,
        author=author,
        created_at=now,
        **fields,
    )


def _context(case: Case):
    from sillage.cases.services import OrgContext

    return OrgContext(case.organization)


def case_add_note(
    *, case: Case, author: User | None, body: str, author_label: str = "", now=None
) -> CaseEvent:
    body = (body or "").strip()
    if not body:
        raise ValidationError(_("Write the note first."))
    return _event(
        case, EventKind.NOTE, author, now or timezone.now(), body=body, author_label=author_label
    )


def case_log_contact(
    *, case: Case, author: User | None, channel: str, outcome: str, body: str = "", now=None
) -> CaseEvent:
    """A contact attempt. The first attempt, whatever its outcome, stops the first-contact
    clock; reaching the customer moves a new or acknowledged case to "customer contacted"."""
    now = now or timezone.now()
    with transaction.atomic():
        event = _event(
            case, EventKind.CONTACT, author, now, channel=channel, outcome=outcome, body=body
        )
        first = Case.objects.filter(pk=case.pk, first_contacted_at__isnull=True)
        if first.exists():
            context = _context(case)
            resolution_minutes = context.policy.delay_minutes(case.priority)[1]
            share = context.policy.warn_percent / 100
            first.update(
                first_contacted_at=now,
                warn_at=context.calendar.add(case.opened_at, resolution_minutes * share),
                warned_at=None,
                next_escalation_at=max(case.resolution_due, now),
            )
        if outcome == ContactOutcome.REACHED:
            moved = Case.objects.filter(
                pk=case.pk, status__in=(CaseStatus.NEW, CaseStatus.ACKNOWLEDGED)
            ).update(status=CaseStatus.CONTACTED)
            if moved:
                _event(
                    case,
                    EventKind.STATUS,
                    author,
                    now,
                    from_status=case.status,
                    to_status=CaseStatus.CONTACTED,
                )
    case.refresh_from_db()
    return event


def case_change_status(
    *,
    case: Case,
    to_status: str,
    expected_status: str,
    user: User | None,
    resolution: str | None = None,
    root_cause: RootCause | None = None,
    send_follow_up: bool = False,
    author_label: str = "",
    now: datetime | None = None,
) -> Case:
    """Move the case from `expected_status` to `to_status`, or raise Conflict."""
    now = now or timezone.now()
    if to_status not in TRANSITIONS.get(expected_status, ()):
        raise ValidationError(_("This change of status is not possible."))
    if root_cause is not None and root_cause.organization_id != case.organization_id:
        raise ValidationError(_("Unknown root cause."))
    updates: dict[str, object] = {"status": to_status}
    if to_status == CaseStatus.CONTACTED and case.first_contacted_at is None:
        updates["first_contacted_at"] = now
    if to_status == CaseStatus.RESOLVED:
        if not (resolution or case.resolution).strip():
            raise ValidationError(_("Say how the case was resolved."))
        updates.update(resolved_at=now, warn_at=None, next_escalation_at=None)
    if to_status == CaseStatus.CLOSED:
        updates["closed_at"] = now
    if to_status == CaseStatus.ACKNOWLEDGED and expected_status in (
        CaseStatus.RESOLVED,
        CaseStatus.CLOSED,
    ):  # reopened: a new resolution delay from now
        context = _context(case)
        due = context.calendar.add(now, context.policy.delay_minutes(case.priority)[1])
        updates.update(resolved_at=None, closed_at=None, resolution_due=due, next_escalation_at=due)
    if resolution is not None:
        updates["resolution"] = resolution.strip()
    if root_cause is not None:
        updates["root_cause"] = root_cause
    with transaction.atomic():
        changed = Case.objects.filter(pk=case.pk, status=expected_status).update(**updates)
        if not changed:
            current = Case.objects.filter(pk=case.pk).values_list("status", flat=True).first()
            raise Conflict(current or "")
        _event(
            case,
            EventKind.STATUS,
            user,
            now,
            from_status=expected_status,
            to_status=to_status,
            body=updates.get("resolution", "") if to_status == CaseStatus.RESOLVED else "",
            author_label=author_label,
        )
        case.refresh_from_db()
        if to_status == CaseStatus.RESOLVED and send_follow_up:
            follow_up_send(case=case, now=now)
    return case


def case_assign(
    *, case: Case, owner: User, by: User | None, now: datetime | None = None, notify=True
) -> bool:
    """Give the case to `owner` (a member who may work cases of its unit)."""
    from sillage.cases.selectors import assignable_people

    now = now or timezone.now()
    if not assignable_people(case.organization, case.unit).filter(pk=owner.pk).exists():
        raise ValidationError(_("This person cannot work cases of this unit."))
    with transaction.atomic():
        changed = Case.objects.filter(pk=case.pk).exclude(owner=owner).update(owner=owner)
        if not changed:
            return False
        _event(case, EventKind.ASSIGNED, by, now, to_user=owner)
    case.refresh_from_db()
    if notify and owner.pk != getattr(by, "pk", None):
        from sillage.cases.notifications import enqueue_case_email

        enqueue_case_email(kind="assigned", case_id=case.pk, user_id=owner.pk)
    return True


def case_watch(*, case: Case, user: User, by: User | None, now: datetime | None = None) -> None:
    if case.watchers.filter(pk=user.pk).exists():
        return
    case.watchers.add(user)
    _event(case, EventKind.WATCHER, by, now or timezone.now(), to_user=user)


def case_leader_join(*, case: Case, leader: User, take: bool, now: datetime | None = None) -> None:
    """An executive takes the case (becomes its owner) or joins it (becomes a watcher)."""
    now = now or timezone.now()
    with transaction.atomic():
        previous_owner = case.owner
        Case.objects.filter(pk=case.pk).update(leader_involved=True)
        if take and case.owner_id != leader.pk:
            Case.objects.filter(pk=case.pk).update(owner=leader)
            if previous_owner is not None:
                case.watchers.add(previous_owner)
        if not take:
            case.watchers.add(leader)
        _event(
            case,
            EventKind.LEADER,
            leader,
            now,
            body="take" if take else "join",
            to_user=leader if take else None,
        )
    case.refresh_from_db()


# --- Recovery -----------------------------------------------------------------------------------


def follow_up_send(*, case: Case, now: datetime | None = None) -> FollowUp | None:
    """Create the single-use follow-up and email it after commit; None without an address."""
    response = case.response
    if not response.contact_email:
        return None
    follow_up, created = FollowUp.objects.get_or_create(
        case=case,
        defaults={
            "organization_id": case.organization_id,
            "language": response.language if response.language in ("fr", "en") else "fr",
            "original_nps": response.nps,
        },
    )
    if not created and follow_up.sent_at is not None:
        return follow_up
    FollowUp.objects.filter(pk=follow_up.pk).update(sent_at=now or timezone.now())
    _event(case, EventKind.FOLLOW_UP, None, now or timezone.now(), body="sent")
    from sillage.cases.notifications import enqueue_follow_up_email

    enqueue_follow_up_email(follow_up_id=follow_up.pk)
    return follow_up


class AlreadyAnswered(Exception):
    pass


def follow_up_answer(
    *, follow_up: FollowUp, resolved: bool, nps: int | None, now: datetime | None = None
) -> FollowUp:
    """Record the customer's answer once: the conditional UPDATE refuses a second one."""
    now = now or timezone.now()
    if nps is not None and not 0 <= nps <= 10:
        raise ValidationError(_("Choose a score from 0 to 10."))
    changed = FollowUp.objects.filter(pk=follow_up.pk, answered_at__isnull=True).update(
        answered_at=now, resolved=resolved, nps=nps
    )
    if not changed:
        raise AlreadyAnswered
    follow_up.refresh_from_db()
    body = "answered"
    _event(follow_up.case, EventKind.FOLLOW_UP, None, now, body=body)
    return follow_up


def open_case_filter() -> Q:
    return Q(status__in=OPEN_STATUSES)
