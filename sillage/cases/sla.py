"""SLA follow-through: warnings before a deadline, escalation after it, the daily digest.

Each step claims its case with a conditional UPDATE on the values it read (the escalation
level and deadline, or an empty `warned_at`): when two ticks run at once, one of them updates
the row and sends the email, the other updates nothing and sends nothing.
"""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce

from sillage.accounts.models import User
from sillage.cases.models import (
    OPEN_STATUSES,
    Case,
    CaseEvent,
    EventKind,
    NotificationPreference,
)
from sillage.cases.notifications import digest_message, enqueue_case_email
from sillage.cases.services import OrgContext

DIGEST_HOUR = time(7, 0)
BATCH = 200


def _context(cache: dict[int, OrgContext], case: Case) -> OrgContext:
    if case.organization_id not in cache:
        cache[case.organization_id] = OrgContext(case.organization)
    return cache[case.organization_id]


def warn_due(*, now: datetime) -> int:
    due = (
        Case.objects.filter(status__in=OPEN_STATUSES, warn_at__lte=now, warned_at__isnull=True)
        .select_related("organization")
        .order_by("warn_at")[:BATCH]
    )
    sent = 0
    for case in due:
        with transaction.atomic():
            claimed = Case.objects.filter(pk=case.pk, warned_at__isnull=True).update(warned_at=now)
            if not claimed or case.due_at <= now:
                continue  # another tick warned; or the deadline passed: escalation says it
            CaseEvent.objects.create(
                organization_id=case.organization_id,
                case=case,
                kind=EventKind.WARNED,
                created_at=now,
            )
            if case.owner_id:
                enqueue_case_email(kind="warning", case_id=case.pk, user_id=case.owner_id)
                sent += 1
    return sent


def case_escalate(*, case: Case, now: datetime, context: OrgContext) -> bool:
    """Escalate a case whose deadline passed to the next manager up the tree (then the CX
    lead). Returns False when another tick did it first."""
    current = case.escalated_to_id or case.owner_id
    target = context.router.next_after(context.unit(case.unit_id), current)
    first_minutes = context.policy.delay_minutes(case.priority)[0]
    updates: dict[str, object] = {
        "breached_at": Coalesce(F("breached_at"), now),
        "next_escalation_at": context.calendar.add(now, first_minutes) if target else None,
    }
    if target is not None:
        updates.update(escalation_level=F("escalation_level") + 1, escalated_to_id=target)
        updates["escalated_at"] = now
    with transaction.atomic():
        claimed = Case.objects.filter(
            pk=case.pk,
            status__in=OPEN_STATUSES,
            escalation_level=case.escalation_level,
            next_escalation_at=case.next_escalation_at,
        ).update(**updates)
        if not claimed:
            return False
        if target is not None:
            case.watchers.add(target)
            CaseEvent.objects.create(
                organization_id=case.organization_id,
                case=case,
                kind=EventKind.ESCALATED,
                created_at=now,
                to_user_id=target,
                body=str(case.escalation_level + 1),
            )
            enqueue_case_email(kind="escalated", case_id=case.pk, user_id=target)
        if case.breached_at is None and case.owner_id:
            enqueue_case_email(kind="breach", case_id=case.pk, user_id=case.owner_id)
    return True


def escalate_due(*, now: datetime) -> int:
    due = (
        Case.objects.filter(status__in=OPEN_STATUSES, next_escalation_at__lte=now)
        .select_related("organization")
        .order_by("next_escalation_at")[:BATCH]
    )
    cache: dict[int, OrgContext] = {}
    return sum(case_escalate(case=case, now=now, context=_context(cache, case)) for case in due)


def digests_send(*, now: datetime) -> int:
    """Once a day, after 7:00 in the organisation's time zone, to those who asked."""
    sent = 0
    preferences = NotificationPreference.objects.filter(daily_digest=True).select_related(
        "organization"
    )
    for preference in preferences:
        local = now.astimezone(ZoneInfo(preference.organization.time_zone))
        if local.time() < DIGEST_HOUR or preference.digest_sent_on == local.date():
            continue
        claimed = (
            NotificationPreference.objects.filter(pk=preference.pk)
            .exclude(digest_sent_on=local.date())
            .update(digest_sent_on=local.date())
        )
        if not claimed:
            continue
        user = User.objects.filter(pk=preference.user_id, is_active=True).first()
        cases = list(
            Case.objects.filter(
                organization=preference.organization,
                owner_id=preference.user_id,
                status__in=OPEN_STATUSES,
            ).select_related("unit", "organization")
        )
        if user is None or not cases:
            continue
        digest_message(user=user, organization=preference.organization, cases=cases).send()
        sent += 1
    return sent
