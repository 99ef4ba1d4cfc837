"""The closed loop: alert rules, cases with a business-hours SLA, flags, root causes, recovery.

A case is opened from one response (by a rule or by hand) and never twice for the same
response: the database's unique constraint decides, even when the listener runs twice.
Status changes are conditional UPDATEs on the expected current status, so two people acting
on the same case at once never silently overwrite each other; notes are rows of their own.
"""

from __future__ import annotations

import secrets
from datetime import time

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sillage.accounts.models import Organization, OrgScopedQuerySet, TenantQuerySet, Unit, bilingual


def new_token() -> str:
    return secrets.token_urlsafe(24)


class CaseStatus(models.TextChoices):
    NEW = "new", _("New")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    CONTACTED = "contacted", _("Customer contacted")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (CaseStatus.NEW, CaseStatus.ACKNOWLEDGED, CaseStatus.CONTACTED)
# Where each status may go; "reopen" is resolved/closed -> acknowledged.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    CaseStatus.NEW: (CaseStatus.ACKNOWLEDGED, CaseStatus.CONTACTED, CaseStatus.RESOLVED),
    CaseStatus.ACKNOWLEDGED: (CaseStatus.CONTACTED, CaseStatus.RESOLVED),
    CaseStatus.CONTACTED: (CaseStatus.RESOLVED,),
    CaseStatus.RESOLVED: (CaseStatus.CLOSED, CaseStatus.ACKNOWLEDGED),
    CaseStatus.CLOSED: (CaseStatus.ACKNOWLEDGED,),
}


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


PRIORITY_RANK = {Priority.LOW: 0, Priority.NORMAL: 1, Priority.HIGH: 2, Priority.URGENT: 3}
# Business days: (first contact, resolution) per priority.
DEFAULT_DELAYS_DAYS = {
    Priority.URGENT: (0.5, 2),
    Priority.HIGH: (1, 3),
    Priority.NORMAL: (2, 5),
    Priority.LOW: (3, 10),
}


class CasePolicy(models.Model):
    """Business hours, time zone and SLA delays of one organisation (created on first use)."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="case_policy"
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        help_text=_("Empty: the organisation's time zone."),
    )
    workdays = models.CharField(
        _("working days"), max_length=20, default="0,1,2,3,4", help_text=_("0 is Monday.")
    )
    opens_at = models.TimeField(_("opens at"), default=time(8, 30))
    closes_at = models.TimeField(_("closes at"), default=time(17, 0))
    # {"normal": [first contact minutes, resolution minutes], ...} in business minutes.
    delays = models.JSONField(default=dict)
    warn_percent = models.PositiveSmallIntegerField(
        _("warn owners when this share of the delay has elapsed (%)"), default=75
    )
    alert_window_days = models.PositiveSmallIntegerField(
        _("open cases for responses submitted within (days)"),
        default=7,
        help_text=_("Older responses (imports of past data) are not turned into cases."),
    )
    follow_up_enabled = models.BooleanField(
        _("offer a follow-up question to customers after resolution"), default=True
    )

    objects = OrgScopedQuerySet.as_manager()

    def __str__(self) -> str:
        return str(self.organization)

    @property
    def zone_name(self) -> str:
        return self.time_zone or self.organization.time_zone

    @property
    def day_minutes(self) -> int:
        opens = self.opens_at.hour * 60 + self.opens_at.minute
        closes = self.closes_at.hour * 60 + self.closes_at.minute
        return max(closes - opens, 1)

    def delay_minutes(self, priority: str) -> tuple[int, int]:
        if priority in self.delays:
            first, resolution = self.delays[priority]
            return int(first), int(resolution)
        first_days, resolution_days = DEFAULT_DELAYS_DAYS.get(priority, (2, 5))
        return round(first_days * self.day_minutes), round(resolution_days * self.day_minutes)


class Holiday(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    date = models.DateField(_("date"))
    name_fr = models.CharField(_("name (French)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)

    objects = OrgScopedQuerySet.as_manager()

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "date"], name="holiday_unique")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return bilingual(self.name_fr, self.name_en)


class AlertRule(models.Model):
    """Conditions on a response; every condition set must hold (keywords: any of them)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    name_fr = models.CharField(_("name (French)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    nps_min = models.SmallIntegerField(_("NPS from"), null=True, blank=True)
    nps_max = models.SmallIntegerField(_("NPS to"), null=True, blank=True)
    csat_min = models.SmallIntegerField(_("CSAT from"), null=True, blank=True)
    csat_max = models.SmallIntegerField(_("CSAT to"), null=True, blank=True)
    ces_min = models.SmallIntegerField(_("CES from"), null=True, blank=True)
    ces_max = models.SmallIntegerField(_("CES to"), null=True, blank=True)
    keywords = models.TextField(
        _("words in the comment"),
        blank=True,
        help_text=_(
            "One per line or separated by commas, French and English; accents and case are "
            "ignored. A word ending with * also matches longer words (plaint* : plaintes)."
        ),
    )
    journey = models.ForeignKey(
        "feedback.Journey",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("journey"),
    )
    touchpoint = models.ForeignKey(
        "feedback.Touchpoint",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("touchpoint"),
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    opens_case = models.BooleanField(
        _("open a case"),
        default=True,
        help_text=_(
            "Only when the customer agreed to be contacted; otherwise the response is "
            "flagged for the team, without contact details."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrgScopedQuerySet.as_manager()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return bilingual(self.name_fr, self.name_en)


class RootCause(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    code = models.SlugField(_("code"), max_length=40)
    name_fr = models.CharField(_("name (French)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    rank = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    objects = OrgScopedQuerySet.as_manager()

    class Meta:
        ordering = ["rank", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="rootcause_code_unique")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return bilingual(self.name_fr, self.name_en)


class CaseQuerySet(TenantQuerySet):
    def open(self) -> CaseQuerySet:
        return self.filter(status__in=OPEN_STATUSES)


class Origin(models.TextChoices):
    RULE = "rule", _("Alert rule")
    MANUAL = "manual", _("By hand")


class Case(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    response = models.ForeignKey(
        "feedback.Response", on_delete=models.PROTECT, related_name="cases"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.RULE)
    rules = models.ManyToManyField(AlertRule, blank=True, related_name="cases")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_cases",
    )
    watchers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="watched_cases"
    )
    priority = models.CharField(max_length=10, choices=Priority.choices, default="normal")
    status = models.CharField(max_length=14, choices=CaseStatus.choices, default="new")
    opened_at = models.DateTimeField()
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_contact_due = models.DateTimeField()
    resolution_due = models.DateTimeField()
    warn_at = models.DateTimeField(null=True, blank=True)
    warned_at = models.DateTimeField(null=True, blank=True)
    next_escalation_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(default=0)
    escalated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    escalated_at = models.DateTimeField(null=True, blank=True)
    first_contacted_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    root_cause = models.ForeignKey(
        RootCause, null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    resolution = models.TextField(blank=True)
    leader_involved = models.BooleanField(default=False)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            # One case per response, whoever opens it and however often the listener runs.
            models.UniqueConstraint(fields=["response"], name="case_one_per_response"),
        ]
        indexes = [
            models.Index(fields=["organization", "status", "opened_at"], name="case_org_status"),
            models.Index(fields=["status", "next_escalation_at"], name="case_escalation_due"),
            models.Index(fields=["status", "warn_at"], name="case_warn_due"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def due_at(self):
        return self.first_contact_due if self.first_contacted_at is None else self.resolution_due


class EventKind(models.TextChoices):
    OPENED = "opened", _("Opened")
    NOTE = "note", _("Note")
    CONTACT = "contact", _("Contact attempt")
    STATUS = "status", _("Status change")
    ASSIGNED = "assigned", _("Reassigned")
    ESCALATED = "escalated", _("Escalated")
    WARNED = "warned", _("Deadline warning")
    LEADER = "leader", _("Leader took part")
    WATCHER = "watcher", _("Watcher added")
    FOLLOW_UP = "follow_up", _("Customer follow-up")


class ContactChannel(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("Email")
    IN_PERSON = "in_person", _("In person")
    SMS = "sms", _("Text message")
    CHAT = "chat", _("Chat")


class ContactOutcome(models.TextChoices):
    REACHED = "reached", _("Reached the customer")
    VOICEMAIL = "voicemail", _("Left a message")
    NO_ANSWER = "no_answer", _("No answer")
    WRONG_NUMBER = "wrong_number", _("Wrong number or address")


class CaseEventQuerySet(TenantQuerySet):
    unit_lookup = "case__unit"


class CaseEvent(models.Model):
    """One line of a case's timeline. Never updated: what a person writes is never lost."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=EventKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_label = models.CharField(max_length=120, blank=True)  # an API token's name
    created_at = models.DateTimeField()
    body = models.TextField(blank=True)
    channel = models.CharField(max_length=12, choices=ContactChannel.choices, blank=True)
    outcome = models.CharField(max_length=14, choices=ContactOutcome.choices, blank=True)
    from_status = models.CharField(max_length=14, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(max_length=14, choices=CaseStatus.choices, blank=True)
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CaseEventQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


class Flag(models.Model):
    """A response a rule matched but that cannot become a case (no contact consent, or the
    rule opens none): the team sees it, without any contact detail."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    response = models.OneToOneField(
        "feedback.Response", on_delete=models.CASCADE, related_name="case_flag"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    rule = models.ForeignKey(AlertRule, null=True, blank=True, on_delete=models.SET_NULL)
    priority = models.CharField(max_length=10, choices=Priority.choices, default="normal")
    created_at = models.DateTimeField()
    seen_at = models.DateTimeField(null=True, blank=True)
    seen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"flag {self.response_id}"


class FollowUp(models.Model):
    """The one-question follow-up sent to the customer after resolution (single use)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="follow_up")
    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    language = models.CharField(max_length=8, default="fr")
    sent_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    resolved = models.BooleanField(null=True, blank=True)
    nps = models.SmallIntegerField(null=True, blank=True)
    original_nps = models.SmallIntegerField(null=True, blank=True)

    objects = OrgScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(nps__isnull=True) | Q(nps__gte=0, nps__lte=10), name="followup_nps"
            ),
        ]

    def __str__(self) -> str:
        return f"follow-up {self.case_id}"

    @property
    def recovered(self) -> bool:
        """A detractor (0–6) who answers 7 or more after the repair."""
        return (
            self.original_nps is not None
            and self.original_nps <= 6
            and self.nps is not None
            and self.nps >= 7
        )


class NotificationPreference(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    daily_digest = models.BooleanField(
        _("a daily summary of my open cases by email"), default=False
    )
    digest_sent_on = models.DateField(null=True, blank=True)

    objects = OrgScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="casepref_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} digest={self.daily_digest}"
