"""Employee pulse surveys: campaigns, waves, anonymous answers and participation.

The anonymity promise is built into the schema:
- `Response` and `Answer` (the anonymous store) have no link to a person, an invitation or a
  participation, and no time at all: a response keeps only the wave, the unit at answer time
  and the answers. Their primary keys are random (UUID), so that row ids do not reveal the
  order in which people answered.
- `Participation` (person × wave) records only *that* someone answered, without any time; it
  is written in the same transaction as the anonymous rows and its unique constraint stops a
  second answer.
- The anonymity threshold is copied onto the wave when it opens (`Wave.anonymity_threshold`):
  changing the organisation's setting later does not change a wave's promise.
- `WaveNode` is the frozen publication of a closed wave (the unit tree at closing time, which
  groups may be shown, and aggregates of those only): every report reads it.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sillage.accounts.models import (
    Membership,
    Organization,
    OrgScopedQuerySet,
    TenantQuerySet,
    Unit,
    bilingual,
)

DEFAULT_COMMENT_THRESHOLD = 10


def new_token() -> str:
    """128 bits of randomness, URL-safe (22 characters)."""
    return secrets.token_urlsafe(16)


class Dimension(models.TextChoices):
    """What an item measures. The first five are the relations of the involvement quotient."""

    CUSTOMERS = "customers", _("Customers")
    SENIOR_MANAGEMENT = "senior_management", _("Senior management")
    SUPERVISOR = "supervisor", _("Immediate supervisor")
    COLLEAGUES = "colleagues", _("Colleagues")
    OTHER_TEAMS = "other_teams", _("Other teams")
    KNOW = "know", _("I know what customers expect")
    CAN = "can", _("I have the resources to meet it")
    MOTIVATION = "motivation", _("Customer satisfaction motivates me")
    WANT = "want", _("Wanting (le vouloir)")
    ABLE = "able", _("Being able (le pouvoir)")
    BE = "be", _("Being valued (l'être)")
    ENPS = "enps", _("Employee Net Promoter Score")
    COMMENT = "comment", _("Open comment")
    CUSTOM = "custom", _("Custom item")


RELATIONS = (
    Dimension.CUSTOMERS,
    Dimension.SENIOR_MANAGEMENT,
    Dimension.SUPERVISOR,
    Dimension.COLLEAGUES,
    Dimension.OTHER_TEAMS,
)
PILLARS = (Dimension.WANT, Dimension.ABLE, Dimension.BE)


class ItemKind(models.TextChoices):
    AGREEMENT = "agreement", _("Agreement (1–5)")
    ENPS = "enps", _("Recommendation (0–10)")
    COMMENT = "comment", _("Open comment")


class Tenure(models.TextChoices):
    """Self-reported on the answer page; the only attribute a report can be filtered by."""

    UNDER_1 = "lt1", _("Less than a year")
    FROM_1_TO_5 = "1to5", _("1 to 5 years")
    OVER_5 = "gt5", _("More than 5 years")


class Item(models.Model):
    """A question of the bank. Immutable: rewording creates a new item, hence a new series.

    `series` is what trends follow from wave to wave; a series always has the same wording, so
    a change in score cannot come from a change in the question.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    series = models.SlugField(max_length=60)
    kind = models.CharField(max_length=12, choices=ItemKind.choices)
    dimension = models.CharField(max_length=20, choices=Dimension.choices)
    text_fr = models.TextField(_("statement (French)"))
    text_en = models.TextField(_("statement (English)"))
    is_core = models.BooleanField(default=False)
    rank = models.PositiveIntegerField(default=1000)
    replaces = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replaced_by"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    objects = OrgScopedQuerySet.as_manager()

    # Fields that may change after creation; everything else is the question itself.
    MUTABLE_FIELDS = frozenset({"retired_at", "rank"})

    class Meta:
        ordering = ["rank", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "series"], name="pulse_item_series"),
        ]

    def __str__(self) -> str:
        return self.text

    def save(self, *args, **kwargs) -> None:
        # Rewording an item in place would silently break every trend that follows its series.
        update_fields = kwargs.get("update_fields")
        if self.pk and (update_fields is None or not set(update_fields) <= self.MUTABLE_FIELDS):
            raise ValueError("Pulse items are immutable: reword by creating a new item.")
        super().save(*args, **kwargs)

    @property
    def text(self) -> str:
        return bilingual(self.text_fr, self.text_en)

    @property
    def is_scored(self) -> bool:
        return self.kind != ItemKind.COMMENT


class Recurrence(models.TextChoices):
    ONCE = "once", _("One-off")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")


class Campaign(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    audience = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("audience"),
        help_text=_("A unit and everything under it; empty: the whole organisation."),
    )
    recurrence = models.CharField(
        _("recurrence"), max_length=10, choices=Recurrence.choices, default=Recurrence.ONCE
    )
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    reminder_after_days = models.PositiveSmallIntegerField(
        _("send one reminder after (days)"), default=3
    )
    comment_threshold = models.PositiveSmallIntegerField(
        _("comments shown for groups of at least"),
        default=DEFAULT_COMMENT_THRESHOLD,
        help_text=_("Never below the anonymity threshold."),
    )
    # Copied from the organisation when the campaign opens, then never changed.
    anonymity_threshold = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    status = models.CharField(
        max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    items = models.ManyToManyField(Item, through="CampaignItem", related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrgScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="pulse_campaign_window"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return bilingual(self.name_fr, self.name_en)


class CampaignItem(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="campaign_items")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    rank = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["rank", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "item"], name="pulse_campaign_item")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.item_id}"


class WaveStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Wave(models.Model):
    """One period of a campaign: its window, its frozen questionnaire and its locked threshold."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="waves")
    number = models.PositiveIntegerField()
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=WaveStatus.choices)
    anonymity_threshold = models.PositiveSmallIntegerField()
    comment_threshold = models.PositiveSmallIntegerField()
    audience = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    items = models.ManyToManyField(Item, through="WaveItem", related_name="+")
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = OrgScopedQuerySet.as_manager()

    class Meta:
        ordering = ["campaign", "number"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="pulse_wave_number"),
            models.CheckConstraint(
                condition=Q(anonymity_threshold__gte=3), name="pulse_wave_threshold_at_least_3"
            ),
            models.CheckConstraint(
                condition=Q(comment_threshold__gte=models.F("anonymity_threshold")),
                name="pulse_wave_comment_threshold",
            ),
        ]
        indexes = [models.Index(fields=["status", "closes_at"], name="pulse_wave_due")]

    def __str__(self) -> str:
        return f"{self.campaign} #{self.number}"

    @property
    def is_open(self) -> bool:
        return self.status == WaveStatus.OPEN

    @property
    def is_closed(self) -> bool:
        return self.status == WaveStatus.CLOSED


class WaveItem(models.Model):
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="wave_items")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    rank = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["rank", "id"]
        constraints = [models.UniqueConstraint(fields=["wave", "item"], name="pulse_wave_item")]

    def __str__(self) -> str:
        return f"{self.wave_id}: {self.item_id}"


class Invitation(models.Model):
    """A person invited to a wave; the token in their email opens the answer page."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="invitations")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    token = models.CharField(max_length=32, unique=True, default=new_token, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["wave", "id"]
        constraints = [
            models.UniqueConstraint(fields=["wave", "membership"], name="pulse_invitation_once")
        ]

    def __str__(self) -> str:
        return f"{self.membership_id} → {self.wave}"


class Participation(models.Model):
    """That a person answered a wave — and nothing else: no time, no link to the answers.

    Its key is random, like the anonymous rows', so that neither table's ids follow the order
    of submission and the two cannot be lined up.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="participations")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")

    objects = OrgScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["membership", "wave"], name="pulse_participation_once")
        ]

    def __str__(self) -> str:
        return f"{self.membership_id} answered {self.wave_id}"


class Response(models.Model):
    """One anonymous response: the wave, the unit at answer time and the answers. Nothing else.

    No person, no invitation, no time (not even the day: a day would let someone who knows
    when a colleague answered pick their response out), no language (the one English speaker of
    a team would stand out). The scores that need pairing inside one response are columns:
    `know_can_gap` (know − can) and `enps`.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="responses")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    tenure = models.CharField(max_length=4, choices=Tenure.choices)
    enps = models.SmallIntegerField(null=True, blank=True)
    know_can_gap = models.SmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(enps__isnull=True) | Q(enps__gte=0, enps__lte=10), name="pulse_enps"
            ),
            models.CheckConstraint(
                condition=Q(know_can_gap__isnull=True)
                | Q(know_can_gap__gte=-4, know_can_gap__lte=4),
                name="pulse_know_can_gap",
            ),
        ]
        indexes = [models.Index(fields=["wave", "unit"], name="pulse_response_wave_unit")]

    def __str__(self) -> str:
        return f"{self.wave_id}/{self.unit_id}"


class Answer(models.Model):
    """One agreement answer (1–5) of an anonymous response.

    Keyed by (response, item): no sequential id that would tell in which order people answered.
    """

    pk = models.CompositePrimaryKey("response", "item")
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    value = models.SmallIntegerField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gte=1, value__lte=5), name="pulse_answer_value"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.value}"


class WaveNodeQuerySet(TenantQuerySet):
    pass


class WaveNode(models.Model):
    """One group of a closed wave's publication: a unit's subtree, optionally one tenure band.

    Written once when the wave closes, from the unit tree as it was then, so a later reorg
    cannot regroup old answers into new differences. `stats` is filled only for groups that
    may be shown; a hidden group keeps no figure at all.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="nodes")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    parent_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    depth = models.PositiveSmallIntegerField()
    tenure = models.CharField(max_length=4, blank=True)  # "": every band
    visible = models.BooleanField(default=False)
    comments_visible = models.BooleanField(default=False)
    n = models.PositiveIntegerField(default=0)
    stats = models.JSONField(default=dict)

    objects = WaveNodeQuerySet.as_manager()

    class Meta:
        ordering = ["wave", "depth", "unit_id"]
        constraints = [
            models.UniqueConstraint(fields=["wave", "unit", "tenure"], name="pulse_wavenode_once"),
            # A group under the threshold can never be marked visible, whatever the code says.
            models.CheckConstraint(
                condition=Q(visible=False) | Q(n__gte=3), name="pulse_wavenode_min_size"
            ),
        ]
        indexes = [
            models.Index(fields=["wave", "parent_unit", "tenure"], name="pulse_wavenode_children"),
            models.Index(fields=["unit", "tenure"], name="pulse_wavenode_trend"),
        ]

    def __str__(self) -> str:
        return f"{self.wave_id}/{self.unit_id}/{self.tenure or 'all'}"
