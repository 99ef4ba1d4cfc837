"""The demo's closed loop at Caisse Horizon: cases opened from the feedback demo's unhappy
members who agreed to be contacted, across the branches.

Recent responses (within the alert window) go through the real alert rules, exactly as the
listener would handle them, so that the listener running after the demo commits finds them
done and sends no email. Older ones tell the whole story: called back (mostly on time),
resolved with a root cause, closed, some followed up and won back, a few past their deadline
and escalated to the regional director, and some taken or joined by the executives. Notes
are in Quebec French, or in English for English-speaking members.

Every email-sending path is avoided (the demo writes the rows the services would write), so
loading the demo never sends anything.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone

from sillage.accounts.models import Membership, Organization, Role
from sillage.cases.defaults import policy_for
from sillage.cases.models import (
    Case,
    CaseEvent,
    EventKind,
    Flag,
    FollowUp,
    Origin,
    RootCause,
)
from sillage.cases.services import OrgContext, alerts_apply, case_open
from sillage.cases.services_work import (
    case_add_note,
    case_change_status,
    case_leader_join,
    case_log_contact,
)
from sillage.demo.names import HORIZON
from sillage.feedback.models import Response

if TYPE_CHECKING:
    from sillage.demo.generator import DemoContext

HISTORY_DAYS = 120
HISTORY_CASES = 140
ROOT_CAUSE_WEIGHTS = {
    "attente": 30,
    "frais": 20,
    "conseil": 14,
    "erreur": 10,
    "suivi": 8,
    "numerique": 7,
    "attitude": 5,
    "credit": 4,
    "autre": 2,
}
NOTES = {
    "fr": [
        "Le membre attendait depuis 40 minutes au comptoir; je me suis excusée au nom de l'équipe.",
        "Message laissé dans sa boîte vocale, je rappelle demain en avant-midi.",
        "Le membre préfère un suivi par courriel. Je lui écris cet après-midi.",
        "Vérifié avec la conseillère : le dossier hypothécaire était incomplet de notre côté.",
        "On en parle au caucus de jeudi : deux plaintes semblables cette semaine.",
    ],
    "en": [
        "Member waited 40 minutes at the counter; I apologised on behalf of the team.",
        "Left a voicemail, will call back tomorrow morning.",
        "Checked with the advisor: the mortgage file was incomplete on our side.",
    ],
}
RESOLUTIONS = {
    "fr": [
        "Frais de 15 $ remboursés et excuses présentées.",
        "Rendez-vous fixé avec une conseillère d'expérience; le membre est rassuré.",
        "Erreur de virement corrigée le jour même.",
        "Politique expliquée; geste commercial accordé (un mois sans frais).",
    ],
    "en": [
        "Fees refunded and apologies made.",
        "Meeting booked with a senior advisor; the member is reassured.",
        "Transfer error corrected the same day.",
    ],
}


def build_cases_demo(*, context: DemoContext) -> None:
    organization = context.organizations[HORIZON]
    rng = context.rng("cases")
    now = timezone.now()
    policy = policy_for(organization)
    org_context = OrgContext(organization)
    recent_since = now - timedelta(days=policy.alert_window_days)
    # Every demo organisation's recent responses, so that the listener finds them handled.
    recent = list(
        Response.objects.filter(
            organization__in=list(context.organizations.values()), submitted_at__gte=recent_since
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    opened = alerts_apply(response_ids=recent, now=now, notify=False)
    history = _history(organization, rng, now, recent_since, org_context)
    context.log(
        f"cases: {organization.name}, {opened['cases']} recent cases and {opened['flags']} "
        f"flags from the alert rules, {history} cases with their history"
    )


def clear_cases_demo(*, organizations: QuerySet[Organization]) -> int:
    """Cases and flags hold responses and units with PROTECT: they go first."""
    deleted = 0
    for model in (CaseEvent, FollowUp, Flag):
        deleted += model.objects.filter(organization__in=organizations).delete()[0]
    deleted += Case.objects.filter(organization__in=organizations).delete()[0]
    return deleted


def _history(
    organization: Organization,
    rng: random.Random,
    now,
    until,
    org_context: OrgContext,
) -> int:
    candidates = list(
        Response.objects.filter(
            organization=organization,
            contact_consent=True,
            nps__lte=6,
            submitted_at__gte=now - timedelta(days=HISTORY_DAYS),
            submitted_at__lt=until,
        )
        .exclude(contact_email="", contact_phone="")
        .order_by("pk")
    )
    if not candidates:
        return 0
    chosen = sorted(
        rng.sample(candidates, min(HISTORY_CASES, len(candidates))), key=lambda r: r.submitted_at
    )
    leaders = list(
        Membership.objects.filter(
            organization=organization, role__in=(Role.EXECUTIVE, Role.ADMIN), is_active=True
        )
        .select_related("user")
        .order_by("role", "pk")
    )
    causes = {c.code: c for c in RootCause.objects.filter(organization=organization)}
    codes = [code for code in ROOT_CAUSE_WEIGHTS if code in causes]
    weights = [ROOT_CAUSE_WEIGHTS[code] for code in codes]
    rule_ids = [r.id for r in org_context.rules() if r.ranges and r.ranges[0][0] == "nps"]
    count = 0
    for response in chosen:
        response.organization = organization
        opened_at = response.submitted_at + timedelta(minutes=rng.randint(2, 90))
        case, created = case_open(
            response=response,
            priority="high" if (response.nps or 0) <= 2 else "normal",
            origin=Origin.RULE,
            rule_ids=rule_ids,
            now=opened_at,
            notify=False,
            context=org_context,
        )
        if not created:
            continue
        count += 1
        _story(case, response, rng, now, leaders, causes[rng.choices(codes, weights)[0]])
    return count


def _story(case: Case, response: Response, rng: random.Random, now, leaders, cause) -> None:
    language = "en" if response.language == "en" else "fr"
    owner = case.owner
    draw = rng.random()
    if leaders and rng.random() < 0.12:
        leader = rng.choice(leaders).user
        case_leader_join(
            case=case,
            leader=leader,
            take=rng.random() < 0.5,
            now=case.opened_at + timedelta(hours=rng.randint(1, 20)),
        )
        owner = case.owner
    if draw < 0.1 and case.first_contact_due < now:
        _breach(case, now)
        return
    on_time = rng.random() < 0.8
    span = case.first_contact_due - case.opened_at
    contact_at = case.opened_at + span * (rng.uniform(0.1, 0.9) if on_time else rng.uniform(1.1, 2))
    if contact_at >= now:
        return  # still waiting for its first call, within its delay
    if rng.random() < 0.3:
        case_log_contact(
            case=case, author=owner, channel="phone", outcome="voicemail", now=contact_at
        )
        case_add_note(
            case=case,
            author=owner,
            body=NOTES[language][1],
            now=contact_at + timedelta(minutes=2),
        )
        contact_at += timedelta(hours=rng.randint(18, 30))
    case_log_contact(
        case=case,
        author=owner,
        channel=rng.choice(["phone", "phone", "email", "in_person"]),
        outcome="reached",
        body=rng.choice(NOTES[language]),
        now=contact_at,
    )
    resolved_at = contact_at + timedelta(hours=rng.randint(2, 60))
    if resolved_at >= now or rng.random() < 0.1:
        return  # contacted, still being worked on
    case_change_status(
        case=case,
        to_status="resolved",
        expected_status="contacted",
        user=owner,
        resolution=rng.choice(RESOLUTIONS[language]),
        root_cause=cause,
        now=resolved_at,
    )
    if rng.random() < 0.55:
        _follow_up(case, response, rng, resolved_at, now)
    closed_at = resolved_at + timedelta(days=rng.randint(1, 6))
    if closed_at < now and rng.random() < 0.8:
        case_change_status(
            case=case, to_status="closed", expected_status="resolved", user=owner, now=closed_at
        )


def _follow_up(case: Case, response: Response, rng: random.Random, sent_at, now) -> None:
    answered = sent_at + timedelta(hours=rng.randint(3, 72))
    answers = answered < now and rng.random() < 0.7
    new_nps = None
    if answers:
        new_nps = rng.choice([9, 9, 8, 8, 7, 10, 6, 5, 3])
    FollowUp.objects.create(
        organization_id=case.organization_id,
        case=case,
        language=response.language if response.language in ("fr", "en") else "fr",
        original_nps=response.nps,
        sent_at=sent_at,
        answered_at=answered if answers else None,
        resolved=(new_nps or 0) >= 7 if answers else None,
        nps=new_nps,
    )
    CaseEvent.objects.create(
        organization_id=case.organization_id,
        case=case,
        kind=EventKind.FOLLOW_UP,
        created_at=sent_at,
        body="sent",
    )
    if answers:
        CaseEvent.objects.create(
            organization_id=case.organization_id,
            case=case,
            kind=EventKind.FOLLOW_UP,
            created_at=answered,
            body="answered",
        )


def _breach(case: Case, now) -> None:
    """Past its first-contact deadline without a call: escalated once, as the tick would
    have done (written directly so that loading the demo sends no email)."""
    context = OrgContext(case.organization)
    target = context.router.next_after(context.unit(case.unit_id), case.owner_id)
    due = case.first_contact_due
    Case.objects.filter(pk=case.pk).update(
        breached_at=due,
        escalation_level=1 if target else 0,
        escalated_to_id=target,
        escalated_at=due if target else None,
        next_escalation_at=max(now + timedelta(hours=4), due),
        warned_at=case.warn_at,
    )
    if target is not None:
        case.watchers.add(target)
        CaseEvent.objects.create(
            organization_id=case.organization_id,
            case=case,
            kind=EventKind.ESCALATED,
            created_at=due,
            to_user_id=target,
            body="1",
        )
