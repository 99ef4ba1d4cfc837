"""Text analytics: the organisation's themes, each comment's analysis, the corrections people
make, and the daily theme rollups that the pages read.

A `CommentAnalysis` is one per response with a comment. It records the engine's name and
version so that `analyze_comments` can re-run only what an engine change made stale, and
copies the few response fields the rollups group by (unit, local day, NPS), so a rollup
refresh is one GROUP BY over the analyses of a few days.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sillage.accounts.models import Organization, OrgScopedQuerySet, TenantQuerySet, Unit, bilingual


class Sentiment(models.TextChoices):
    POSITIVE = "positive", _("Positive")
    NEUTRAL = "neutral", _("Neutral")
    NEGATIVE = "negative", _("Negative")


class Theme(models.Model):
    """A subject customers talk about, with the words that reveal it in both languages."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    code = models.SlugField(_("code"), max_length=60)
    name_fr = models.CharField(_("name (French)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    keywords_fr = models.JSONField(_("keywords (French)"), default=list, blank=True)
    keywords_en = models.JSONField(_("keywords (English)"), default=list, blank=True)
    examples = models.JSONField(_("example sentences"), default=list, blank=True)
    active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrgScopedQuerySet.as_manager()

    class Meta:
        ordering = ["order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="textai_theme_code")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return bilingual(self.name_fr, self.name_en)


class AnalysisQuerySet(TenantQuerySet):
    unit_lookup = "unit"


class CommentAnalysis(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    response = models.OneToOneField(
        "feedback.Response", on_delete=models.CASCADE, related_name="text_analysis"
    )
    # Copies of the response's fields that the rollups group by (responses do not move).
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", db_index=False)
    touchpoint = models.ForeignKey(
        "feedback.Touchpoint",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    day = models.DateField()  # local day of submission in the organisation's time zone
    submitted_at = models.DateTimeField()
    nps = models.SmallIntegerField(null=True, blank=True)
    engine = models.CharField(max_length=40)
    engine_version = models.CharField(max_length=40)
    language = models.CharField(max_length=8)
    sentiment = models.CharField(max_length=10, choices=Sentiment.choices)
    score = models.FloatField(default=0.0)
    sentences = models.JSONField(default=list, blank=True)
    sentiment_corrected = models.BooleanField(default=False)
    themes_corrected = models.BooleanField(default=False)
    analysed_at = models.DateTimeField()

    objects = AnalysisQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["organization", "day"], name="textai_analysis_org_day"),
            models.Index(fields=["organization", "engine", "engine_version"], name="textai_eng"),
        ]

    def __str__(self) -> str:
        return f"{self.response_id} {self.sentiment}"


class ThemeSource(models.TextChoices):
    ENGINE = "engine", _("Engine")
    CORRECTION = "correction", _("Correction")


class CommentTheme(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    analysis = models.ForeignKey(CommentAnalysis, on_delete=models.CASCADE, related_name="themes")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="+")
    evidence = models.JSONField(default=list, blank=True)
    source = models.CharField(max_length=12, choices=ThemeSource.choices, default="engine")

    objects = OrgScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["analysis", "theme"], name="textai_comment_theme")
        ]
        indexes = [models.Index(fields=["theme", "analysis"], name="textai_ct_theme")]

    def __str__(self) -> str:
        return f"{self.analysis_id} {self.theme_id}"


class CorrectionField(models.TextChoices):
    SENTIMENT = "sentiment", _("Sentiment")
    THEME_ADDED = "theme_added", _("Theme added")
    THEME_REMOVED = "theme_removed", _("Theme removed")


class Correction(models.Model):
    """What a person changed in an analysis. Kept forever: a re-analysis honours it and the
    organisation's adapter learns from it."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    response = models.ForeignKey(
        "feedback.Response", on_delete=models.CASCADE, related_name="text_corrections"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    field = models.CharField(max_length=16, choices=CorrectionField.choices)
    old_value = models.CharField(max_length=60, blank=True)
    new_value = models.CharField(max_length=60, blank=True)

    objects = OrgScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "field"], name="textai_corr_org")]

    def __str__(self) -> str:
        return f"{self.response_id} {self.field}: {self.old_value} → {self.new_value}"


class TextSettings(models.Model):
    """Per organisation: which engine, the adapter learnt from corrections, the email."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="text_settings"
    )
    engine = models.CharField(_("engine"), max_length=40, blank=True)  # "": the default
    adapter = models.BinaryField(null=True, blank=True)
    adapter_meta = models.JSONField(default=dict, blank=True)
    email_emerging = models.BooleanField(
        _("email emerging topics to CX leads each week"), default=False
    )
    last_emailed_week = models.DateField(null=True, blank=True)
    # The backlog tick claims an organisation with a conditional UPDATE, then works outside
    # any transaction (an engine may take seconds: no write lock is held meanwhile).
    backlog_claimed_until = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrgScopedQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.organization_id} {self.engine or 'default'}"


class ThemeDayRollup(models.Model):
    """Analysed comments per organisation × local day × unit × theme; `theme` NULL holds the
    totals of every analysed comment, so "responses not mentioning a theme" is a difference.
    Every counter is additive."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    day = models.DateField()
    week = models.DateField()
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    touchpoint = models.ForeignKey(
        "feedback.Touchpoint",
        null=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    theme = models.ForeignKey(
        Theme,
        null=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    n = models.IntegerField(default=0)
    positive = models.IntegerField(default=0)
    neutral = models.IntegerField(default=0)
    negative = models.IntegerField(default=0)
    score_sum = models.FloatField(default=0.0)
    nps_n = models.IntegerField(default=0)
    promoters = models.IntegerField(default=0)
    passives = models.IntegerField(default=0)
    detractors = models.IntegerField(default=0)

    objects = AnalysisQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["organization", "day"], name="textai_roll_org_day"),
            models.Index(fields=["organization", "week", "theme"], name="textai_roll_week"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.theme_id} {self.day}"


class TopicKind(models.TextChoices):
    RISING = "rising", _("Theme rising")
    NEW = "new", _("New topic")


class EmergingTopic(models.Model):
    """A weekly finding: a theme whose share rose beyond its normal range, or a group of
    comments that match no theme, named by its distinctive words."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    week = models.DateField()  # Monday of the week it was found in
    kind = models.CharField(max_length=8, choices=TopicKind.choices)
    key = models.CharField(max_length=120)  # theme code, or the cluster's words
    theme = models.ForeignKey(Theme, null=True, blank=True, on_delete=models.CASCADE)
    words = models.JSONField(default=list, blank=True)
    count = models.IntegerField(default=0)
    share = models.FloatField(default=0.0)  # of the week's analysed comments, 0–1
    baseline_mean = models.FloatField(null=True, blank=True)
    baseline_sd = models.FloatField(null=True, blank=True)
    example_ids = models.JSONField(default=list, blank=True)  # response ids
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrgScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-week", "kind", "-count"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "week", "kind", "key"], name="textai_topic_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.week} {self.kind} {self.key}"


class TopicRun(models.Model):
    """That a week's emerging topics were computed (the tick does it once per week)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    week = models.DateField()
    finished_at = models.DateTimeField(auto_now_add=True)

    objects = OrgScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "week"], name="textai_topicrun_org_week"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.week}"
