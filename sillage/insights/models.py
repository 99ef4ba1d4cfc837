"""Insights: rollups that keep dashboards fast, whatever the number of responses.

Responses are summed per organisation and LOCAL day (the organisation's time zone) into
four tables that hold the same counters at different grains:

- `OrgDayRollup`         (day, touchpoint, survey, language): the whole organisation, for
  viewers who see all of it (a few rows a day);
- `UnitDayRollup`        (day, unit): units, subtrees, movers;
- `TouchpointDayRollup`  (day, unit, touchpoint): journeys and stages within a subtree;
- `DayRollup`            (day, unit, touchpoint, survey, language, employee code): any
  other combination of filters.

A query reads the smallest table that has every dimension it filters or groups by, so its
cost grows with units × touchpoints × days, never with the number of responses. Every
counter is additive (counts, sums and sums of squares), so any period or subtree is a SUM.

Each (organisation, day) slice of every table is recomputed from the raw responses of that
day in one transaction (see `rollups.py`): exact, idempotent, safe to run twice.
"""

from __future__ import annotations

from django.db import models

from sillage.accounts.models import Organization, Unit


# Rollup rows are derived from responses, which hold the real foreign keys: their own keys
# carry no database constraint (measured: the per-row checks made a rebuild several times
# slower). Django still cascades deletions of organisations, units, touchpoints, surveys.
def _organization() -> models.ForeignKey:
    return models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )


class Counters(models.Model):
    """The additive counters behind every metric (see `metrics.Counts`)."""

    organization = _organization()
    day = models.DateField()  # local day in the organisation's time zone
    week = models.DateField()  # Monday of that day's ISO week
    month = models.DateField()  # first day of its month
    quarter = models.DateField()  # first day of its quarter
    n = models.IntegerField(default=0)
    nps_n = models.IntegerField(default=0)
    promoters = models.IntegerField(default=0)  # NPS 9–10
    passives = models.IntegerField(default=0)  # NPS 7–8
    detractors = models.IntegerField(default=0)  # NPS 0–6
    csat_n = models.IntegerField(default=0)
    csat_sum = models.IntegerField(default=0)
    csat_sumsq = models.IntegerField(default=0)
    csat_top2 = models.IntegerField(default=0)  # CSAT 4–5
    ces_n = models.IntegerField(default=0)
    ces_sum = models.IntegerField(default=0)
    ces_sumsq = models.IntegerField(default=0)
    ces_easy = models.IntegerField(default=0)  # CES 5–7 (7 = very easy)
    comments = models.IntegerField(default=0)

    class Meta:
        abstract = True


def _unit() -> models.ForeignKey:
    return models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )


def _touchpoint() -> models.ForeignKey:
    return models.ForeignKey(
        "feedback.Touchpoint",
        null=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )


def _survey() -> models.ForeignKey:
    return models.ForeignKey(
        "feedback.Survey",
        null=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )


class OrgDayRollup(Counters):
    touchpoint = _touchpoint()
    survey = _survey()
    language = models.CharField(max_length=8)

    class Meta:
        indexes = [models.Index(fields=["organization", "day"], name="ins_orgday_org_day")]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.day}"


class UnitDayRollup(Counters):
    unit = _unit()

    class Meta:
        indexes = [
            models.Index(fields=["organization", "day"], name="ins_unitday_org_day"),
            models.Index(fields=["organization", "unit", "day"], name="ins_unitday_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day}"


class TouchpointDayRollup(Counters):
    unit = _unit()
    touchpoint = _touchpoint()

    class Meta:
        indexes = [
            models.Index(fields=["organization", "day"], name="ins_tpday_org_day"),
            models.Index(fields=["organization", "unit", "day"], name="ins_tpday_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.touchpoint_id} {self.day}"


class DayRollup(Counters):
    unit = _unit()
    touchpoint = _touchpoint()
    survey = _survey()
    language = models.CharField(max_length=8)
    employee_code = models.CharField(max_length=40)

    class Meta:
        indexes = [
            models.Index(fields=["organization", "day"], name="ins_day_org_day"),
            models.Index(fields=["organization", "unit", "day"], name="ins_day_unit"),
            models.Index(fields=["organization", "employee_code", "day"], name="ins_day_emp"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day}"


class InvitationDayRollup(models.Model):
    """Invitations sent per LOCAL day of sending, and how many of them were answered (at any
    time since): the response rate of a period is answered / sent for the invitations sent in
    it. Invitations carry no language, so a language filter has no response rate."""

    organization = _organization()
    day = models.DateField()
    week = models.DateField()
    month = models.DateField()
    quarter = models.DateField()
    unit = _unit()
    touchpoint = _touchpoint()
    survey = _survey()
    employee_code = models.CharField(max_length=40)
    sent = models.IntegerField(default=0)
    answered = models.IntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["organization", "day"], name="ins_inv_org_day")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day}"


class VerbatimIndex(models.Model):
    """A searchable copy of each comment: lower case, accents folded, punctuation as spaces,
    wrapped in spaces so that `LIKE '% word%'` finds words starting with `word`.

    Keyed by the response id without a foreign key: deleting responses stays a fast delete,
    and a row whose response is gone matches nothing (searches join the responses)."""

    response_id = models.BigIntegerField(primary_key=True)
    organization = _organization()
    submitted_at = models.DateTimeField()
    folded = models.TextField()

    class Meta:
        indexes = [
            models.Index(fields=["organization", "submitted_at"], name="ins_verbatim_org_time")
        ]

    def __str__(self) -> str:
        return str(self.response_id)


class RollupCursor(models.Model):
    """How far the periodic safety net has read (the highest response id it has seen)."""

    name = models.CharField(max_length=40, unique=True)
    position = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name}: {self.position}"
