"""Organisations, their unit tree, the people in them, and the API tokens bound to them."""

from __future__ import annotations

import hashlib
import secrets
from typing import TYPE_CHECKING

from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from sillage.accounts.scope import Scope

LANGUAGE_CHOICES = [("fr", "Français"), ("en", "English")]
MIN_ANONYMITY_THRESHOLD = 3
PATH_STEP = 10  # each level of a unit path is its id, zero-padded to 10 digits, then "/"

hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour such as #0B6E4F."))


def bilingual(fr: str, en: str) -> str:
    """The text in the active language, falling back to the other one when it is empty."""
    if (get_language() or "fr").startswith("en"):
        return en or fr
    return fr or en


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: object) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person who signs in with an email address; may belong to several organisations."""

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("email address"), unique=True)
    language = models.CharField(
        _("language"),
        max_length=2,
        choices=LANGUAGE_CHOICES,
        blank=True,
        help_text=_("Empty: the organisation's language, then the browser's."),
    )
    last_organization = models.ForeignKey(
        "Organization", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []
    objects = UserManager()  # type: ignore[misc]

    def __str__(self) -> str:
        return self.get_full_name() or self.email


class Organization(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name in addresses"), max_length=60, unique=True)
    default_language = models.CharField(
        _("default language"), max_length=2, choices=LANGUAGE_CHOICES, default="fr"
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="America/Toronto")
    anonymity_threshold = models.PositiveSmallIntegerField(
        _("anonymity threshold"),
        default=5,
        validators=[MinValueValidator(MIN_ANONYMITY_THRESHOLD)],
        help_text=_("Smallest group whose anonymous employee answers may be shown (3 or more)."),
    )
    brand_colour = models.CharField(
        _("brand colour"), max_length=7, default="#0B6E4F", validators=[hex_colour]
    )
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    contact_frequency_days = models.PositiveSmallIntegerField(
        _("days between two invitations to the same customer"),
        default=30,
        help_text=_("No new survey invitation to the same person within this many days."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=Q(anonymity_threshold__gte=MIN_ANONYMITY_THRESHOLD),
                name="organization_threshold_at_least_3",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from zoneinfo import available_timezones

        if self.time_zone not in available_timezones():
            raise ValidationError({"time_zone": _("Unknown time zone.")})


class TenantQuerySet(models.QuerySet):
    """Every tenant-owned model's queryset: `for_scope` is the one way views read rows."""

    unit_lookup: str | None = "unit"

    def for_organization(self, organization: Organization) -> TenantQuerySet:
        return self.filter(organization=organization)

    def for_scope(self, scope: Scope) -> TenantQuerySet:
        qs = self.filter(organization=scope.organization)
        if scope.unit_path is None or self.unit_lookup is None:
            return qs
        if scope.subtree:
            return qs.filter(**{f"{self.unit_lookup}__path__startswith": scope.unit_path})
        return qs.filter(**{f"{self.unit_lookup}__path": scope.unit_path})


class OrgScopedQuerySet(TenantQuerySet):
    """Rows that belong to the organisation as a whole, not to a unit: every scope of the
    organisation reads them."""

    unit_lookup = None


class UnitType(models.Model):
    """A level of the tree (region, branch, team…), configurable per organisation."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    code = models.SlugField(_("code"), max_length=40)
    name_fr = models.CharField(_("name (French)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    rank = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = OrgScopedQuerySet.as_manager()

    class Meta:
        ordering = ["rank", "code"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="unittype_code_unique")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return bilingual(self.name_fr, self.name_en)


class UnitQuerySet(TenantQuerySet):
    unit_lookup = None

    def for_scope(self, scope: Scope) -> UnitQuerySet:
        qs = self.filter(organization=scope.organization)
        if scope.unit_path is None:
            return qs
        if scope.subtree:
            return qs.filter(path__startswith=scope.unit_path)
        return qs.filter(path=scope.unit_path)

    def active(self) -> UnitQuerySet:
        return self.filter(archived_at__isnull=True)

    def subtree_of(self, unit: Unit) -> UnitQuerySet:
        return self.filter(organization_id=unit.organization_id, path__startswith=unit.path)


class Unit(models.Model):
    """A node of the organisation's tree, stored as a materialised path for subtree queries.

    `path` is the chain of ancestor ids, each zero-padded to 10 digits and followed by "/", so
    that a subtree is one indexed `path LIKE 'prefix%'` and a reorg is one UPDATE.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="units")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, editable=False, db_index=True)
    depth = models.PositiveSmallIntegerField(editable=False, default=0)
    unit_type = models.ForeignKey(
        UnitType, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("type")
    )
    code = models.CharField(
        _("code"),
        max_length=40,
        validators=[RegexValidator(r"^[A-Za-z0-9_.-]+$", _("Letters, digits, - _ . only."))],
        help_text=_("Your own identifier for this unit, used by imports and the API."),
    )
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="unit_code_unique"),
        ]
        indexes = [models.Index(fields=["organization", "path"], name="unit_org_path")]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return bilingual(self.name_fr, self.name_en)

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def ancestor_paths(self) -> list[str]:
        step = PATH_STEP + 1
        return [self.path[: step * i] for i in range(1, self.depth + 1)]

    def ancestors(self) -> UnitQuerySet:
        return Unit.objects.filter(organization_id=self.organization_id).filter(
            path__in=self.ancestor_paths()
        )

    def is_descendant_of(self, other: Unit) -> bool:
        return self.path.startswith(other.path) and self.pk != other.pk

    @classmethod
    def add(cls, *, organization: Organization, parent: Unit | None, **fields: object) -> Unit:
        """Create a unit under `parent` (None: a root) and give it its path."""
        if parent is not None and parent.organization_id != organization.pk:
            raise ValidationError(_("The parent unit belongs to another organisation."))
        with transaction.atomic():
            unit = cls.objects.create(
                organization=organization, parent=parent, path="", depth=0, **fields
            )
            unit.path = f"{parent.path if parent else ''}{unit.pk:0{PATH_STEP}d}/"
            unit.depth = (parent.depth + 1) if parent else 1
            unit.save(update_fields=["path", "depth"])
        return unit

    def move_to(self, new_parent: Unit | None) -> None:
        """Move this unit and its whole subtree under `new_parent` (a reorg).

        One UPDATE rewrites the prefix of every path in the subtree; the rows keep their ids,
        so the history attached to them follows the units.
        """
        if new_parent is not None:
            if new_parent.organization_id != self.organization_id:
                raise ValidationError(_("The new parent belongs to another organisation."))
            if new_parent.pk == self.pk or new_parent.path.startswith(self.path):
                raise ValidationError(_("A unit cannot be moved under itself."))
        with transaction.atomic():
            # Lock the subtree so that two concurrent moves cannot interleave their rewrites.
            locked = Unit.objects.select_for_update().get(pk=self.pk)
            old_prefix = locked.path
            new_prefix = f"{new_parent.path if new_parent else ''}{self.pk:0{PATH_STEP}d}/"
            depth_change = (new_parent.depth + 1 if new_parent else 1) - locked.depth
            Unit.objects.filter(
                organization_id=self.organization_id, path__startswith=old_prefix
            ).update(
                path=Concat(Value(new_prefix), Substr("path", len(old_prefix) + 1)),
                depth=F("depth") + depth_change,
            )
            Unit.objects.filter(pk=self.pk).update(parent=new_parent)
        self.refresh_from_db()

    def archive(self) -> None:
        """Archive the unit and its subtree; rows keep pointing at them, so nothing is lost."""
        Unit.objects.subtree_of(self).filter(archived_at__isnull=True).update(
            archived_at=timezone.now()
        )
        self.refresh_from_db()

    def restore(self) -> None:
        Unit.objects.filter(pk=self.pk).update(archived_at=None)
        self.refresh_from_db()


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    CX_LEAD = "cx_lead", _("CX lead")
    EXECUTIVE = "executive", _("Executive")
    MANAGER = "manager", _("Manager")
    EMPLOYEE = "employee", _("Front-line employee")


ORG_WIDE_ROLES = frozenset({Role.ADMIN, Role.CX_LEAD, Role.EXECUTIVE})


class MembershipQuerySet(TenantQuerySet):
    def active(self) -> MembershipQuerySet:
        return self.filter(is_active=True)


class Membership(models.Model):
    """A person's place in one organisation: a unit, a role, and optional capabilities."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("unit")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.EMPLOYEE)
    is_facilitator = models.BooleanField(_("workshop facilitator"), default=False)
    is_ambassador = models.BooleanField(_("CX ambassador"), default=False)
    employee_code = models.CharField(_("employee code"), max_length=40, blank=True)
    job_title = models.CharField(_("job title"), max_length=120, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["user__last_name", "user__first_name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="membership_one_per_org"),
            models.UniqueConstraint(
                fields=["organization", "employee_code"],
                condition=~Q(employee_code=""),
                name="membership_employee_code_unique",
            ),
        ]
        indexes = [models.Index(fields=["organization", "unit"], name="membership_org_unit")]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"

    def clean(self) -> None:
        if (
            self.unit_id
            and self.organization_id
            and self.unit.organization_id != self.organization_id
        ):
            raise ValidationError({"unit": _("This unit belongs to another organisation.")})


class ApiTokenQuerySet(TenantQuerySet):
    unit_lookup = None

    def live(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """An organisation-bound bearer token. Only its SHA-256 is stored; it is shown once."""

    PREFIX = "sil_"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.CX_LEAD)
    unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name=_("unit"),
        help_text=_("For manager and employee tokens: the part of the tree they may read."),
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(max_length=12, editable=False)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @staticmethod
    def hash(raw: str) -> str:
        # Tokens carry 256 random bits, so a fast hash cannot be brute-forced; it keeps the
        # per-request check cheap.
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def issue(cls, **fields: object) -> tuple[ApiToken, str]:
        raw = cls.PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(token_hash=cls.hash(raw), hint=raw[:8], **fields)
        return token, raw
