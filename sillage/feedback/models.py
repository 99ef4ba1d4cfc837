"""Voice of the customer: journeys, surveys and their frozen versions, distribution, responses.

A survey is edited as a draft (its Question rows); publishing freezes the draft into an
immutable SurveyVersion whose `definition` is what the public page renders and what every
response records, so old answers keep their meaning when the survey changes.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sillage.accounts.models import Organization, OrgScopedQuerySet, TenantQuerySet, Unit, bilingual


def new_token() -> str:
    """128 bits of randomness, URL-safe (22 characters)."""
    return secrets.token_urlsafe(16)


class Channel(models.TextChoices):
    BRANCH = "branch", _("Branch")
    CONTACT_CENTRE = "contact_centre", _("Contact centre")
    WEB = "web", _("Website")
    MOBILE_APP = "mobile_app", _("Mobile app")
    EMAIL = "email", _("Email")
    CHAT = "chat", _("Chat")
    OTHER = "other", _("Other")


class BilingualNamed(models.Model):
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return bilingual(self.name_fr, self.name_en)

    @property
    def description(self) -> str:
        return bilingual(self.description_fr, self.description_en)

    @property
    def missing_languages(self) -> list[str]:
        return [code for code, text in (("fr", self.name_fr), ("en", self.name_en)) if not text]


class Journey(BilingualNamed):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    code = models.SlugField(_("code"), max_length=60)
    rank = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(_("active"), default=True)

    objects = OrgScopedQuerySet.as_manager()

    class Meta:
        ordering = ["rank", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="journey_code_unique")
        ]


class Stage(BilingualNamed):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="stages")
    rank = models.PositiveIntegerField(default=0)

    objects = OrgScopedQuerySet.as_manager()

    class Meta:
        ordering = ["journey", "rank", "id"]


class Touchpoint(BilingualNamed):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="touchpoints")
    code = models.SlugField(
        _("code"),
        max_length=60,
        help_text=_("Your identifier for this touchpoint, used by imports and the API."),
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    rank = models.PositiveIntegerField(default=0)

    objects = OrgScopedQuerySet.as_manager()

    class Meta:
        ordering = ["stage__journey__rank", "stage__rank", "rank", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="touchpoint_code_unique")
        ]


class QuestionType(models.TextChoices):
    NPS = "nps", _("Net Promoter Score (0–10)")
    CSAT = "csat", _("Satisfaction (1–5)")
    CES = "ces", _("Effort (1–7)")
    RATING = "rating", _("Rating scale")
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    SHORT_TEXT = "short_text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")
    CONSENT = "consent", _("Contact consent")


SCORE_TYPES = {QuestionType.NPS: (0, 10), QuestionType.CSAT: (1, 5), QuestionType.CES: (1, 7)}


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class Survey(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    intro_fr = models.TextField(_("introduction (French)"), blank=True)
    intro_en = models.TextField(_("introduction (English)"), blank=True)
    thanks_fr = models.TextField(_("thank-you message (French)"), blank=True)
    thanks_en = models.TextField(_("thank-you message (English)"), blank=True)
    touchpoint = models.ForeignKey(
        Touchpoint,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="surveys",
        verbose_name=_("default touchpoint"),
    )
    reminder_after_days = models.PositiveSmallIntegerField(
        _("send one reminder after (days)"), default=3
    )
    status = models.CharField(max_length=12, choices=SurveyStatus.choices, default="draft")
    # True when the draft questions differ from the latest published version.
    has_unpublished_changes = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrgScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return bilingual(self.name_fr, self.name_en)

    def latest_version(self) -> SurveyVersion | None:
        return self.versions.order_by("-number").first()


class Question(models.Model):
    """A draft question. `key` is stable across versions: answers are stored under it."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(max_length=40)
    rank = models.PositiveIntegerField(default=0)
    type = models.CharField(_("type"), max_length=20, choices=QuestionType.choices)
    text_fr = models.TextField(_("question (French)"), blank=True)
    text_en = models.TextField(_("question (English)"), blank=True)
    help_fr = models.CharField(_("help (French)"), max_length=300, blank=True)
    help_en = models.CharField(_("help (English)"), max_length=300, blank=True)
    required = models.BooleanField(_("required"), default=False)
    # choices: [{"value": "a", "fr": "…", "en": "…"}]; rating: {"min": 1, "max": 5,
    # "min_label_fr": …}; consent asks name/email/phone when the customer agrees.
    options = models.JSONField(default=dict, blank=True)
    # Show only when the answer to `show_if_key` lies in [show_if_min, show_if_max].
    show_if_key = models.SlugField(max_length=40, blank=True)
    show_if_min = models.SmallIntegerField(null=True, blank=True)
    show_if_max = models.SmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["rank", "id"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "key"], name="question_key_unique")
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return bilingual(self.text_fr, self.text_en)

    @property
    def missing_languages(self) -> list[str]:
        if self.type == QuestionType.CONSENT and not (self.text_fr or self.text_en):
            return []
        missing = [c for c, t in (("fr", self.text_fr), ("en", self.text_en)) if not t]
        for choice in self.options.get("choices", []):
            missing += [c for c in ("fr", "en") if not choice.get(c) and c not in missing]
        return missing


class SurveyVersion(models.Model):
    """An immutable, published snapshot of a survey: what a response answered."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    definition = models.JSONField()
    published_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    objects = OrgScopedQuerySet.as_manager()

    class Meta:
        ordering = ["survey", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "number"], name="surveyversion_unique")
        ]

    def __str__(self) -> str:
        return f"{self.survey} v{self.number}"


class LinkQuerySet(TenantQuerySet):
    pass


class SurveyLink(models.Model):
    """A survey link for one unit × touchpoint: printed as a QR code, posted, embedded."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="links")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="survey_links")
    touchpoint = models.ForeignKey(Touchpoint, on_delete=models.PROTECT, related_name="links")
    token = models.CharField(max_length=32, unique=True, default=new_token, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = LinkQuerySet.as_manager()

    class Meta:
        ordering = ["unit__path", "touchpoint__rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "unit", "touchpoint"], name="surveylink_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.touchpoint}"


class Contact(models.Model):
    """A customer who may receive email invitations."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    email = models.EmailField(_("email"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=2, default="fr")
    external_id = models.CharField(_("external id"), max_length=100, blank=True)
    unsubscribe_token = models.CharField(max_length=32, unique=True, default=new_token)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    last_invited_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrgScopedQuerySet.as_manager()

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "email"], name="contact_email_unique")
        ]

    def __str__(self) -> str:
        return self.email


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("To send")
    SENT = "sent", _("Sent")
    REMINDED = "reminded", _("Reminded")
    ANSWERED = "answered", _("Answered")
    SKIPPED = "skipped", _("Not sent (contact rule)")
    FAILED = "failed", _("Failed")


class Invitation(models.Model):
    """A single-use email invitation for one contact to answer one survey."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="invitations")
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    touchpoint = models.ForeignKey(Touchpoint, on_delete=models.PROTECT, related_name="+")
    employee_code = models.CharField(max_length=40, blank=True)
    token = models.CharField(max_length=32, unique=True, default=new_token, editable=False)
    status = models.CharField(max_length=10, choices=InvitationStatus.choices, default="pending")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "sent_at"], name="invitation_due")]

    def __str__(self) -> str:
        return f"{self.contact} → {self.survey}"


class Source(models.TextChoices):
    LINK = "link", _("Survey link")
    EMAIL = "email", _("Email invitation")
    WIDGET = "widget", _("Embedded widget")
    API = "api", _("API")
    IMPORT = "import", _("Import")


class ResponseQuerySet(TenantQuerySet):
    pass


class Response(models.Model):
    """One customer's answers. Scores that dashboards aggregate are real columns."""

    # Every index is paid on each insert (an import writes millions of rows), so: no
    # single-column index on organization, unit or submitted_at (the composite indexes below
    # start with them, and every query is scoped to an organisation); the foreign keys that
    # most rows leave empty (link, version, invitation, import) are indexed only where set.
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    survey = models.ForeignKey(
        Survey, null=True, blank=True, on_delete=models.PROTECT, related_name="responses"
    )
    survey_version = models.ForeignKey(
        SurveyVersion,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="responses",
        db_index=False,
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="responses", db_index=False
    )
    touchpoint = models.ForeignKey(
        Touchpoint, null=True, blank=True, on_delete=models.PROTECT, related_name="responses"
    )
    source = models.CharField(max_length=10, choices=Source.choices)
    link = models.ForeignKey(
        SurveyLink,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    # One response per invitation: the database refuses a second one, even under races
    # (the partial unique constraint `response_invitation_unique` below).
    invitation = models.ForeignKey(
        Invitation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="responses",
        db_index=False,
    )
    external_id = models.CharField(max_length=100, null=True, blank=True)
    language = models.CharField(max_length=8, default="fr")
    submitted_at = models.DateTimeField()
    received_at = models.DateTimeField(auto_now_add=True)
    answers = models.JSONField(default=dict)
    nps = models.SmallIntegerField(null=True, blank=True)
    csat = models.SmallIntegerField(null=True, blank=True)
    ces = models.SmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True)
    employee_code = models.CharField(max_length=40, blank=True)
    contact_consent = models.BooleanField(default=False)
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    # Set when the row is written one call at a time (a public page, the API): the apps that
    # build on responses hear of it in the next coalesced pass (`hooks.follow_up_pending`),
    # which clears it. Imports and the demo tell the listeners in one batch and leave it unset.
    follow_up_pending = models.BooleanField(default=False, editable=False)
    import_job = models.ForeignKey(
        "ImportJob",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )

    objects = ResponseQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "external_id"],
                condition=Q(external_id__isnull=False),
                name="response_external_id_unique",
            ),
            models.UniqueConstraint(
                fields=["invitation"],
                condition=Q(invitation__isnull=False),
                name="response_invitation_unique",
            ),
            models.CheckConstraint(
                condition=Q(nps__isnull=True) | Q(nps__gte=0, nps__lte=10), name="response_nps"
            ),
            models.CheckConstraint(
                condition=Q(csat__isnull=True) | Q(csat__gte=1, csat__lte=5),
                name="response_csat",
            ),
            models.CheckConstraint(
                condition=Q(ces__isnull=True) | Q(ces__gte=1, ces__lte=7), name="response_ces"
            ),
        ]
        indexes = [
            models.Index(
                fields=["organization", "unit", "submitted_at"], name="response_unit_time"
            ),
            models.Index(fields=["organization", "submitted_at"], name="response_org_time"),
            # Where set only (`= x` implies `IS NOT NULL`: these serve lookups by the key).
            models.Index(fields=["link"], condition=Q(link__isnull=False), name="response_link"),
            models.Index(
                fields=["survey_version"],
                condition=Q(survey_version__isnull=False),
                name="response_version",
            ),
            models.Index(
                fields=["import_job"],
                condition=Q(import_job__isnull=False),
                name="response_import_job",
            ),
            # Small at any time: only the responses whose follow-up pass has not run yet.
            models.Index(
                fields=["id"], condition=Q(follow_up_pending=True), name="response_follow_up"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.submitted_at:%Y-%m-%d}"


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    MAPPED = "mapped", _("Mapped")
    VALIDATING = "validating", _("Checking")
    INVALID = "invalid", _("Has errors")
    VALID = "valid", _("Ready to import")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")


class ImportJob(models.Model):
    """An import of past responses: uploaded, mapped, checked, then committed all at once."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    file = models.FileField(upload_to="imports/%Y/%m/")
    original_name = models.CharField(max_length=255)
    detected_format = models.CharField(max_length=30, blank=True)
    header = models.JSONField(default=list)
    mapping = models.JSONField(default=dict)
    options = models.JSONField(default=dict)
    status = models.CharField(max_length=12, choices=ImportStatus.choices, default="uploaded")
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    imported_rows = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list)
    error_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = OrgScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def progress(self) -> int:
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else 0


class ImportMapping(models.Model):
    """The last column mapping used for a given file layout, offered again next time."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    signature = models.CharField(max_length=64)
    mapping = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrgScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "signature"], name="importmapping_unique"
            )
        ]

    def __str__(self) -> str:
        return self.signature
