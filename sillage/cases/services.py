"""Opening cases: by an alert rule (the listener on new responses) or by hand."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from sillage.accounts.models import Organization, Unit, User
from sillage.cases.businesstime import BusinessCalendar
from sillage.cases.defaults import calendar_of, policy_for
from sillage.cases.matching import CompiledRule, compile_rule, matching_rules
from sillage.cases.models import (
    PRIORITY_RANK,
    AlertRule,
    Case,
    CaseEvent,
    CasePolicy,
    EventKind,
    Flag,
    Origin,
)
from sillage.cases.routing import Router
from sillage.feedback.models import Response

CHUNK = 500
RESPONSE_FIELDS = (
    "id",
    "organization_id",
    "unit_id",
    "touchpoint_id",
    "touchpoint__stage__journey_id",
    "nps",
    "csat",
    "ces",
    "comment",
    "contact_consent",
    "contact_email",
    "contact_phone",
    "submitted_at",
)


class OrgContext:
    """Per-organisation things a batch needs once: policy, calendar, rules, routing."""

    def __init__(self, organization: Organization) -> None:
        self.organization = organization
        self.policy: CasePolicy = policy_for(organization)
        self.calendar: BusinessCalendar = calendar_of(self.policy)
        self.router = Router(organization.pk)
        self._rules: list[CompiledRule] | None = None
        self._units: dict[int, Unit] = {}

    def rules(self) -> list[CompiledRule]:
        if self._rules is None:
            active = AlertRule.objects.filter(organization=self.organization, is_active=True)
            self._rules = [compile_rule(rule) for rule in active]
        return self._rules

    def unit(self, unit_id: int) -> Unit:
        if unit_id not in self._units:
            self._units[unit_id] = Unit.objects.get(pk=unit_id)
        return self._units[unit_id]

    def deadlines(self, start: datetime, priority: str) -> dict[str, datetime]:
        first, resolution = self.policy.delay_minutes(priority)
        share = self.policy.warn_percent / 100
        first_due = self.calendar.add(start, first)
        return {
            "first_contact_due": first_due,
            "resolution_due": self.calendar.add(start, resolution),
            "warn_at": self.calendar.add(start, first * share),
            "next_escalation_at": first_due,
        }


def case_open(
    *,
    response: Response,
    priority: str,
    origin: str = Origin.MANUAL,
    rule_ids: Iterable[int] = (),
    opened_by: User | None = None,
    owner_id: int | None = None,
    now: datetime | None = None,
    notify: bool = True,
    context: OrgContext | None = None,
) -> tuple[Case, bool]:
    """Open the response's case; returns (case, created). A response has one case at most:
    when it has one already (a second run of the listener, two people at once), that one."""
    now = now or timezone.now()
    context = context or OrgContext(response.organization)
    unit = context.unit(response.unit_id)
    if owner_id is None:
        owner_id = context.router.owner_for(unit)
    case = Case(
        organization_id=response.organization_id,
        response_id=response.pk,
        unit=unit,
        origin=origin,
        owner_id=owner_id,
        priority=priority,
        opened_at=now,
        opened_by=opened_by,
        **context.deadlines(now, priority),
    )
    try:
        with transaction.atomic():
            case.save()
            rule_ids = list(rule_ids)
            if rule_ids:
                case.rules.add(*rule_ids)
            CaseEvent.objects.create(
                organization_id=case.organization_id,
                case=case,
                kind=EventKind.OPENED,
                author=opened_by,
                created_at=now,
                to_user_id=owner_id,
            )
    except IntegrityError:
        existing = Case.objects.filter(response_id=response.pk).first()
        if existing is None:
            raise
        return existing, False
    if notify and owner_id is not None and owner_id != getattr(opened_by, "pk", None):
        from sillage.cases.notifications import enqueue_case_email

        enqueue_case_email(kind="assigned", case_id=case.pk, user_id=owner_id)
    return case, True


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def alerts_apply(
    *, response_ids: Iterable[int], now: datetime | None = None, notify: bool = True
) -> dict[str, int]:
    """Run the alert rules on recorded responses: open cases (with contact consent) or flag
    the responses. Safe to run twice on the same ids. Only responses submitted within the
    policy's window are considered, so an import of last year's data opens nothing."""
    now = now or timezone.now()
    ids = sorted(set(response_ids))
    done = {"cases": 0, "flags": 0}
    contexts: dict[int, OrgContext] = {}
    earliest = now - timedelta(days=60)
    for chunk in _chunks(ids):
        rows = list(
            Response.objects.filter(pk__in=chunk, submitted_at__gte=earliest)
            .filter(cases__isnull=True, case_flag__isnull=True)
            .values(*RESPONSE_FIELDS)
        )
        flags: list[Flag] = []
        for row in rows:
            org_id = row["organization_id"]
            if org_id not in contexts:
                contexts[org_id] = OrgContext(Organization.objects.get(pk=org_id))
            context = contexts[org_id]
            window = timedelta(days=context.policy.alert_window_days)
            if row["submitted_at"] < now - window:
                continue
            row["journey_id"] = row.pop("touchpoint__stage__journey_id")
            matched = matching_rules(context.rules(), row)
            if not matched:
                continue
            top = max(matched, key=lambda r: PRIORITY_RANK[r.priority])
            reachable = row["contact_consent"] and (row["contact_email"] or row["contact_phone"])
            if reachable and any(r.opens_case for r in matched):
                response = Response(pk=row["id"], organization_id=org_id, unit_id=row["unit_id"])
                response.organization = context.organization
                _case, created = case_open(
                    response=response,
                    priority=top.priority,
                    origin=Origin.RULE,
                    rule_ids=[r.id for r in matched],
                    now=now,
                    notify=notify,
                    context=context,
                )
                done["cases"] += int(created)
            else:
                flags.append(
                    Flag(
                        organization_id=org_id,
                        response_id=row["id"],
                        unit_id=row["unit_id"],
                        rule_id=top.id,
                        priority=top.priority,
                        created_at=now,
                    )
                )
        if flags:
            Flag.objects.bulk_create(flags, ignore_conflicts=True)
            done["flags"] += len(flags)
    return done


def rule_preview(*, rule: AlertRule, organization: Organization, days: int = 90) -> dict[str, int]:
    """How many responses of the last `days` days the (unsaved) rule would have matched,
    and how many of them had the customer's consent to be contacted."""
    since = timezone.now() - timedelta(days=days)
    responses = Response.objects.filter(organization=organization, submitted_at__gte=since)
    for name in ("nps", "csat", "ces"):
        low, high = getattr(rule, f"{name}_min"), getattr(rule, f"{name}_max")
        if low is not None:
            responses = responses.filter(**{f"{name}__gte": low})
        if high is not None:
            responses = responses.filter(**{f"{name}__lte": high})
    if rule.touchpoint_id:
        responses = responses.filter(touchpoint_id=rule.touchpoint_id)
    if rule.journey_id:
        responses = responses.filter(touchpoint__stage__journey_id=rule.journey_id)
    compiled = compile_rule(rule)
    if compiled.keywords:
        responses = responses.exclude(comment="")
    matched = consent = 0
    fields = ("nps", "csat", "ces", "comment", "touchpoint_id", "contact_consent")
    for row in responses.values(*fields, journey_id=_journey()).iterator(chunk_size=2000):
        if compiled.matches(row):
            matched += 1
            consent += int(bool(row["contact_consent"]))
    return {"matched": matched, "consent": consent, "days": days}


def _journey():
    from django.db.models import F

    return F("touchpoint__stage__journey_id")
