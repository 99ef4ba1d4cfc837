"""Email invitations: contacts, the contact-frequency rule, sending, one reminder, unsubscribe.

The CSV upload and the API both go through `contacts_clean` (every bad value reported, with
where it is) and `invitations_create` (one transaction: all the contacts or none). Sending is
a background task; the single reminder is a `sillage_tick` job.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import formataddr, parseaddr
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sillage.accounts.imports import MAX_BYTES, RowError, decode, read_rows
from sillage.accounts.models import Membership, Organization, Unit
from sillage.feedback.definition import text_in
from sillage.feedback.models import (
    Contact,
    Invitation,
    InvitationStatus,
    Survey,
    SurveyStatus,
    SurveyVersion,
    Touchpoint,
)
from sillage.feedback.services_distribution import survey_url

logger = logging.getLogger(__name__)

CONTACT_COLUMNS = [
    "email",
    "name",
    "language",
    "unit_code",
    "touchpoint_code",
    "employee_code",
    "external_id",
]
REQUIRED_COLUMNS = ["email", "unit_code"]
LANGUAGES = ("fr", "en")
MAX_CONTACTS_PER_FILE = 10_000
MAX_CONTACTS_PER_CALL = 1_000
SEND_CHUNK = 100  # invitation ids per background task
REMINDER_BATCH = 500  # reminders claimed per survey per tick; the rest wait for the next tick
# A reminder more than this late (the tick was stopped, or invitations predate the feature)
# is not sent at all: a reminder weeks after the visit would only annoy.
REMINDER_GRACE = timedelta(days=7)
ERROR_MAX = 300

# Why an invitation was not sent, stored in Invitation.error for status "skipped".
SKIP_UNSUBSCRIBED = "unsubscribed"
SKIP_RECENT = "recently_invited"
SKIP_REASONS = {
    SKIP_UNSUBSCRIBED: gettext_lazy("unsubscribed"),
    SKIP_RECENT: gettext_lazy("invited too recently (contact rule)"),
}
ALREADY_INVITED = "already_invited"


@dataclass(frozen=True)
class FieldError:
    """A bad value: `key` is the CSV line or the API list index, `field` the column."""

    key: int
    field: str
    message: str


@dataclass(frozen=True)
class CleanContact:
    email: str
    name: str
    language: str  # "" keeps the contact's language (the organisation's for a new one)
    unit: Unit
    touchpoint: Touchpoint
    employee_code: str
    external_id: str


@dataclass
class Outcome:
    key: int
    email: str
    status: str  # "created", "skipped" or "existing"
    reason: str  # "", SKIP_UNSUBSCRIBED, SKIP_RECENT or ALREADY_INVITED
    invitation: Invitation


@dataclass
class BatchResult:
    outcomes: list[Outcome] = field(default_factory=list)
    contacts_created: int = 0
    contacts_updated: int = 0

    def count(self, status: str, reason: str | None = None) -> int:
        return sum(
            1
            for o in self.outcomes
            if o.status == status and (reason is None or o.reason == reason)
        )

    @property
    def created(self) -> int:
        return self.count("created")

    @property
    def skipped(self) -> int:
        return self.count("skipped")

    @property
    def existing(self) -> int:
        return self.count("existing")


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def survey_can_invite(survey: Survey) -> bool:
    return survey.status == SurveyStatus.PUBLISHED


# ---------------------------------------------------------------------------------------------
# Checking contacts


def _language(raw: str) -> str | None:
    """ "fr", "FR", "fr-CA", "fr_CA" → "fr"; "" → ""; anything else → None (an error)."""
    value = raw.strip().lower().replace("_", "-").split("-")[0]
    if not value:
        return ""
    return value if value in LANGUAGES else None


def _as_text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _as_id(value: object) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(str(value))
    except ValueError:
        return -1


class _Lookups:
    """The organisation's units, touchpoints and employee codes that the items name."""

    def __init__(self, organization: Organization, items: list[tuple[int, dict[str, Any]]]):
        unit_codes = {_as_text(row.get("unit_code")) for _k, row in items} - {""}
        unit_ids = {_as_id(row.get("unit_id")) for _k, row in items} - {None}
        tp_codes = {_as_text(row.get("touchpoint_code")) for _k, row in items} - {""}
        tp_ids = {_as_id(row.get("touchpoint_id")) for _k, row in items} - {None}
        codes = {_as_text(row.get("employee_code")) for _k, row in items} - {""}
        units = Unit.objects.filter(organization=organization)
        self.units_by_code: dict[str, Unit] = {}
        self.units_by_id: dict[int, Unit] = {}
        for unit in units.filter(code__in=unit_codes) | units.filter(pk__in=unit_ids):
            self.units_by_code[unit.code] = unit
            self.units_by_id[unit.pk] = unit
        touchpoints = Touchpoint.objects.filter(organization=organization)
        self.tps_by_code: dict[str, Touchpoint] = {}
        self.tps_by_id: dict[int, Touchpoint] = {}
        for touchpoint in touchpoints.filter(code__in=tp_codes) | touchpoints.filter(pk__in=tp_ids):
            self.tps_by_code[touchpoint.code] = touchpoint
            self.tps_by_id[touchpoint.pk] = touchpoint
        self.employee_codes = set(
            Membership.objects.filter(organization=organization, employee_code__in=codes)
            .values_list("employee_code", flat=True)
            .distinct()
        )


def _pick(
    row: dict[str, Any],
    key: int,
    name: str,
    by_code: dict[str, Any],
    by_id: dict[int, Any],
    errors: list[FieldError],
) -> Any:
    """The unit or touchpoint named by `<name>_code` or `<name>_id`, or None with an error."""
    code = _as_text(row.get(f"{name}_code"))
    raw_id = _as_id(row.get(f"{name}_id"))
    by_code_obj = by_code.get(code) if code else None
    by_id_obj = by_id.get(raw_id) if raw_id is not None else None
    if code and by_code_obj is None:
        errors.append(FieldError(key, f"{name}_code", _unknown(name, code)))
        return None
    if raw_id is not None and by_id_obj is None:
        errors.append(FieldError(key, f"{name}_id", _unknown(name, str(raw_id))))
        return None
    if by_code_obj is not None and by_id_obj is not None and by_code_obj != by_id_obj:
        errors.append(
            FieldError(key, f"{name}_id", _("The code and the id name two different things."))
        )
        return None
    return by_code_obj or by_id_obj


def _unknown(name: str, value: str) -> str:
    if name == "unit":
        return _("Unknown unit “%(code)s”.") % {"code": value}
    return _("Unknown touchpoint “%(code)s”.") % {"code": value}


def contacts_clean(
    *,
    survey: Survey,
    items: list[tuple[int, dict[str, Any]]],
    where: Callable[[int], str],
) -> tuple[list[tuple[int, CleanContact]], list[FieldError]]:
    """Check every contact; returns the clean ones and every error (all of them, not the first).

    `where(key)` names an item in messages ("line 3", "contacts.2"). An item's unit is
    `unit_code` or `unit_id`; its touchpoint `touchpoint_code`,
    `touchpoint_id`, or else the survey's default touchpoint.
    """
    organization = survey.organization
    lookups = _Lookups(organization, items)
    default_touchpoint = survey.touchpoint
    errors: list[FieldError] = []
    clean: list[tuple[int, CleanContact]] = []
    seen: dict[str, int] = {}
    for key, row in items:
        before = len(errors)
        email = _as_text(row.get("email")).lower()
        if not email:
            errors.append(FieldError(key, "email", _("An email address is required.")))
        else:
            try:
                validate_email(email)
            except ValidationError:
                errors.append(
                    FieldError(
                        key, "email", _("“%(value)s” is not an email address.") % {"value": email}
                    )
                )
            if email in seen:
                errors.append(
                    FieldError(
                        key,
                        "email",
                        _("This address appears twice (also %(other)s).")
                        % {"other": where(seen[email])},
                    )
                )
            seen.setdefault(email, key)
        name = _as_text(row.get("name"))
        if len(name) > 200:
            errors.append(FieldError(key, "name", _("At most 200 characters.")))
        language = _language(_as_text(row.get("language")))
        if language is None:
            errors.append(FieldError(key, "language", _("Use fr or en.")))
        unit = _pick(row, key, "unit", lookups.units_by_code, lookups.units_by_id, errors)
        if unit is None and not (_as_text(row.get("unit_code")) or row.get("unit_id")):
            errors.append(FieldError(key, "unit_code", _("A unit is required.")))
        elif unit is not None and unit.is_archived:
            errors.append(FieldError(key, "unit_code", _("This unit is archived.")))
        touchpoint = _pick(row, key, "touchpoint", lookups.tps_by_code, lookups.tps_by_id, errors)
        named_touchpoint = _as_text(row.get("touchpoint_code")) or row.get("touchpoint_id")
        if touchpoint is None and not named_touchpoint:
            touchpoint = default_touchpoint
            if touchpoint is None:
                errors.append(
                    FieldError(
                        key,
                        "touchpoint_code",
                        _("A touchpoint is required: this survey has no default touchpoint."),
                    )
                )
        employee_code = _as_text(row.get("employee_code"))
        if employee_code and employee_code not in lookups.employee_codes:
            errors.append(
                FieldError(
                    key,
                    "employee_code",
                    _("No member of the organisation has the employee code “%(code)s”.")
                    % {"code": employee_code},
                )
            )
        external_id = _as_text(row.get("external_id"))
        if len(external_id) > 100:
            errors.append(FieldError(key, "external_id", _("At most 100 characters.")))
        if len(errors) == before:
            clean.append(
                (
                    key,
                    CleanContact(
                        email=email,
                        name=name,
                        language=language or "",
                        unit=unit,
                        touchpoint=touchpoint,
                        employee_code=employee_code,
                        external_id=external_id,
                    ),
                )
            )
    return clean, errors


# ---------------------------------------------------------------------------------------------
# Creating invitations


def _upsert_contacts(
    organization: Organization, contacts: list[CleanContact], result: BatchResult
) -> dict[str, Contact]:
    emails = [c.email for c in contacts]
    existing: dict[str, Contact] = {}
    for chunk in _chunks(emails, 500):
        existing.update(
            (c.email, c) for c in Contact.objects.filter(organization=organization, email__in=chunk)
        )
    new = [
        Contact(
            organization=organization,
            email=c.email,
            name=c.name,
            language=c.language or organization.default_language,
            external_id=c.external_id,
        )
        for c in contacts
        if c.email not in existing
    ]
    # ignore_conflicts: a concurrent batch may have just created the same address.
    Contact.objects.bulk_create(new, ignore_conflicts=True, batch_size=500)
    result.contacts_created = len(new)
    changed: list[Contact] = []
    for data in contacts:
        contact = existing.get(data.email)
        if contact is None:
            continue
        before = (contact.name, contact.language, contact.external_id)
        contact.name = data.name or contact.name
        contact.language = data.language or contact.language
        contact.external_id = data.external_id or contact.external_id
        if (contact.name, contact.language, contact.external_id) != before:
            changed.append(contact)
    Contact.objects.bulk_update(changed, ["name", "language", "external_id"], batch_size=500)
    result.contacts_updated = len(changed)
    # Lock the batch's contacts (in id order, so that two batches cannot deadlock) so that
    # the frequency rule below cannot be passed twice by concurrent batches.
    locked: dict[str, Contact] = {}
    for chunk in _chunks(emails, 500):
        locked.update(
            (c.email, c)
            for c in Contact.objects.select_for_update()
            .filter(organization=organization, email__in=chunk)
            .order_by("pk")
        )
    return locked


def invitations_create(
    *,
    survey: Survey,
    contacts: list[tuple[int, CleanContact]],
    send: bool = True,
    now: datetime | None = None,
) -> BatchResult:
    """Create or update the contacts and one invitation each, in one transaction.

    Contact rule: nobody invited by the organisation within `contact_frequency_days` is
    invited again (the invitation is recorded as skipped), nor anyone who unsubscribed. A
    contact already invited to this same survey in that window is not invited twice: the
    existing invitation is returned, so that a retried upload or API call changes nothing.
    """
    if not survey_can_invite(survey):
        raise ValidationError(_("Publish the survey before inviting customers to answer it."))
    organization = survey.organization
    now = now or timezone.now()
    window = now - timedelta(days=organization.contact_frequency_days)
    result = BatchResult()
    with transaction.atomic():
        by_email = _upsert_contacts(organization, [c for _k, c in contacts], result)
        already: dict[int, Invitation] = {}
        recent = (
            Invitation.objects.filter(
                survey=survey,
                contact__in=list(by_email.values()),
                created_at__gte=min(window, now - timedelta(days=1)),
            )
            .exclude(status=InvitationStatus.SKIPPED)
            .order_by("created_at")
        )
        for invitation in recent:
            already[invitation.contact_id] = invitation
        pending: list[tuple[int, Invitation]] = []
        invited: list[Contact] = []
        for key, data in contacts:
            contact = by_email[data.email]
            if contact.pk in already:
                result.outcomes.append(
                    Outcome(key, data.email, "existing", ALREADY_INVITED, already[contact.pk])
                )
                continue
            invitation = Invitation(
                organization=organization,
                contact=contact,
                survey=survey,
                unit=data.unit,
                touchpoint=data.touchpoint,
                employee_code=data.employee_code,
            )
            reason = ""
            if contact.unsubscribed_at is not None:
                reason = SKIP_UNSUBSCRIBED
            elif contact.last_invited_at is not None and contact.last_invited_at > window:
                reason = SKIP_RECENT
            if reason:
                invitation.status = InvitationStatus.SKIPPED
                invitation.error = reason
            else:
                contact.last_invited_at = now
                invited.append(contact)
            pending.append((key, invitation))
            status = "skipped" if reason else "created"
            result.outcomes.append(Outcome(key, data.email, status, reason, invitation))
        Invitation.objects.bulk_create([i for _k, i in pending], batch_size=500)
        Contact.objects.bulk_update(invited, ["last_invited_at"], batch_size=500)
        to_send = [
            i.pk for _k, i in pending if i.status == InvitationStatus.PENDING and i.pk is not None
        ]
        if send and to_send:
            transaction.on_commit(lambda: invitations_enqueue(to_send))
    result.outcomes.sort(key=lambda o: o.key)
    return result


def invitations_enqueue(invitation_ids: Iterable[int]) -> None:
    from sillage.feedback.tasks import send_invitations

    for chunk in _chunks(list(invitation_ids), SEND_CHUNK):
        send_invitations.enqueue(invitation_ids=list(chunk))


def invitations_retry_failed(*, survey: Survey) -> int:
    """Send again the invitations whose first sending failed."""
    ids = list(
        Invitation.objects.filter(
            survey=survey, status=InvitationStatus.FAILED, reminded_at__isnull=True
        ).values_list("pk", flat=True)
    )
    with transaction.atomic():
        Invitation.objects.filter(pk__in=ids, status=InvitationStatus.FAILED).update(
            status=InvitationStatus.PENDING, sent_at=None, error=""
        )
        transaction.on_commit(lambda: invitations_enqueue(ids))
    return len(ids)


@dataclass
class CsvReport:
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0
    result: BatchResult | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


def invitations_import_csv(*, survey: Survey, raw: bytes, send: bool = True) -> CsvReport:
    """Contacts from a spreadsheet: every bad line reported by line and column, and nothing
    written while any line is bad."""
    report = CsvReport()
    if len(raw) > MAX_BYTES:
        report.errors.append(RowError(1, "", _("The file is larger than 10 MB.")))
        return report
    header, rows = read_rows(decode(raw))
    report.rows = len(rows)
    for column in REQUIRED_COLUMNS:
        if column not in header:
            report.errors.append(RowError(1, column, _("This required column is missing.")))
    for column in header:
        if column and column not in CONTACT_COLUMNS:
            report.errors.append(
                RowError(
                    1,
                    column,
                    _("Unknown column; the columns are %(columns)s.")
                    % {"columns": ", ".join(CONTACT_COLUMNS)},
                )
            )
    if report.errors:
        return report
    if not rows:
        report.errors.append(RowError(2, "", _("The file has no data line.")))
        return report
    if len(rows) > MAX_CONTACTS_PER_FILE:
        report.errors.append(
            RowError(
                MAX_CONTACTS_PER_FILE + 2,
                "",
                _("At most %(max)s contacts per file; split the file.")
                % {"max": MAX_CONTACTS_PER_FILE},
            )
        )
        return report
    clean, errors = contacts_clean(
        survey=survey, items=rows, where=lambda line: _("line %(line)s") % {"line": line}
    )
    report.errors = [RowError(e.key, e.field, e.message) for e in errors]
    if report.errors:
        return report
    report.result = invitations_create(survey=survey, contacts=clean, send=send)
    return report


# ---------------------------------------------------------------------------------------------
# Sending


def _ink_on(colour: str) -> str:
    """Black or white text, whichever reads better on the organisation's colour."""
    try:
        red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    except (ValueError, IndexError):
        return "#ffffff"
    return "#111111" if (0.299 * red + 0.587 * green + 0.114 * blue) > 160 else "#ffffff"


def unsubscribe_url(contact: Contact) -> str:
    return settings.SITE_URL + reverse(
        "public_unsubscribe", kwargs={"token": contact.unsubscribe_token}
    )


def contact_language(contact: Contact, organization: Organization) -> str:
    return contact.language if contact.language in LANGUAGES else organization.default_language


def invitation_email(
    invitation: Invitation, *, definition: dict[str, Any] | None, reminder: bool = False
) -> EmailMultiAlternatives:
    """The invitation (or its reminder) in the contact's language, with the organisation's name
    and colour, the first question as a teaser, and a working unsubscribe link."""
    contact = invitation.contact
    organization = invitation.organization
    language = contact_language(contact, organization)
    definition = definition or {}
    questions = definition.get("questions") or [{}]
    teaser, _fallback = text_in(questions[0].get("text"), language)
    survey_name, _fallback = text_in(definition.get("name"), language)
    stop_url = unsubscribe_url(contact)
    with translation.override(language):
        context = {
            "organization": organization,
            "contact": contact,
            "survey_name": survey_name,
            "teaser": teaser,
            "answer_url": survey_url(invitation.token),
            "unsubscribe_url": stop_url,
            "reminder": reminder,
            "brand": organization.brand_colour,
            "brand_ink": _ink_on(organization.brand_colour),
            "language": language,
        }
        if reminder:
            subject = _("Reminder: %(organization)s would like your opinion") % {
                "organization": organization.name
            }
        else:
            subject = _("%(organization)s would like your opinion") % {
                "organization": organization.name
            }
        text = render_to_string("feedback/email/invitation.txt", context)
        html = render_to_string("feedback/email/invitation.html", context)
    sender = formataddr((organization.name, parseaddr(settings.DEFAULT_FROM_EMAIL)[1]))
    message = EmailMultiAlternatives(
        subject,
        text,
        from_email=sender,
        to=[contact.email],
        headers={
            # RFC 8058: mail clients show an "Unsubscribe" button that POSTs to this address.
            "List-Unsubscribe": f"<{stop_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Content-Language": language,
        },
    )
    message.attach_alternative(html, "text/html")
    return message


class _Definitions:
    """Each survey's latest published definition, read once per batch."""

    def __init__(self) -> None:
        self._cache: dict[int, dict[str, Any] | None] = {}

    def __call__(self, survey_id: int) -> dict[str, Any] | None:
        if survey_id not in self._cache:
            version = (
                SurveyVersion.objects.filter(survey_id=survey_id)
                .order_by("-number")
                .only("definition")
                .first()
            )
            self._cache[survey_id] = version.definition if version else None
        return self._cache[survey_id]


def _error_text(prefix: str, exc: Exception) -> str:
    return f"{prefix}{type(exc).__name__}: {exc}"[:ERROR_MAX]


def _load(invitation_id: int) -> Invitation | None:
    return (
        Invitation.objects.select_related("contact", "organization")
        .filter(pk=invitation_id)
        .first()
    )


def invitations_send(*, invitation_ids: Iterable[int], now: datetime | None = None) -> int:
    """Send the pending invitations among `invitation_ids`; returns how many went out.

    Each invitation is claimed by one conditional UPDATE before its email is sent, so that
    two workers (or a task run twice) never send it twice. A failure is recorded on the
    invitation and the batch goes on.
    """
    definitions = _Definitions()
    sent = 0
    connection = get_connection()
    try:
        for invitation_id in invitation_ids:
            now = now or timezone.now()
            claimed = Invitation.objects.filter(
                pk=invitation_id, status=InvitationStatus.PENDING, sent_at__isnull=True
            ).update(sent_at=now)
            if not claimed:
                continue
            invitation = _load(invitation_id)
            if invitation is None:
                continue
            if invitation.contact.unsubscribed_at is not None:
                Invitation.objects.filter(pk=invitation_id).update(
                    status=InvitationStatus.SKIPPED, sent_at=None, error=SKIP_UNSUBSCRIBED
                )
                continue
            try:
                message = invitation_email(invitation, definition=definitions(invitation.survey_id))
                connection.send_messages([message])
            except Exception as exc:  # noqa: BLE001 - any failure is recorded, never raised
                logger.warning("Invitation %s not sent: %s", invitation_id, exc)
                Invitation.objects.filter(pk=invitation_id).update(
                    status=InvitationStatus.FAILED, error=_error_text("", exc)
                )
                connection.close()  # the next message opens a fresh connection
                continue
            Invitation.objects.filter(pk=invitation_id, status=InvitationStatus.PENDING).update(
                status=InvitationStatus.SENT
            )
            sent += 1
    finally:
        connection.close()
    return sent


def _claim_reminders(survey_id: int, due: datetime, now: datetime) -> list[int]:
    with transaction.atomic():
        # skip_locked: a second machine running the tick at the same moment takes other rows
        # (on SQLite the IMMEDIATE transaction serialises the two instead).
        ids = list(
            Invitation.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                survey_id=survey_id,
                status=InvitationStatus.SENT,
                reminded_at__isnull=True,
                sent_at__lte=due,
                sent_at__gt=due - REMINDER_GRACE,
                contact__unsubscribed_at__isnull=True,
            )
            .order_by("pk")
            .values_list("pk", flat=True)[:REMINDER_BATCH]
        )
        # The conditional UPDATE is what guarantees "never a second reminder": a row that
        # is already reminded does not match, whatever ran before.
        Invitation.objects.filter(
            pk__in=ids, status=InvitationStatus.SENT, reminded_at__isnull=True
        ).update(status=InvitationStatus.REMINDED, reminded_at=now)
    return ids


def reminders_send_due(*, now: datetime) -> int:
    """Send the one reminder of every invitation sent `reminder_after_days` ago and not
    answered. Returns how many reminders went out. Idempotent; 0 days means no reminder."""
    surveys = (
        Survey.objects.filter(
            reminder_after_days__gt=0,
            invitations__status=InvitationStatus.SENT,
            invitations__reminded_at__isnull=True,
        )
        .exclude(status=SurveyStatus.ARCHIVED)
        .values_list("pk", "reminder_after_days")
        .distinct()
    )
    definitions = _Definitions()
    sent = 0
    connection = get_connection()
    try:
        for survey_id, days in list(surveys):
            for invitation_id in _claim_reminders(survey_id, now - timedelta(days=days), now):
                invitation = _load(invitation_id)
                if invitation is None:
                    continue
                try:
                    message = invitation_email(
                        invitation, definition=definitions(survey_id), reminder=True
                    )
                    connection.send_messages([message])
                except Exception as exc:  # noqa: BLE001 - recorded, the batch goes on
                    logger.warning("Reminder for invitation %s not sent: %s", invitation_id, exc)
                    Invitation.objects.filter(
                        pk=invitation_id, status=InvitationStatus.REMINDED
                    ).update(
                        status=InvitationStatus.FAILED,
                        error=_error_text(_("Reminder: "), exc),
                    )
                    connection.close()
                    continue
                sent += 1
    finally:
        connection.close()
    return sent


# ---------------------------------------------------------------------------------------------
# Unsubscribing


def contact_unsubscribe(*, contact: Contact, now: datetime | None = None) -> bool:
    """Stop every invitation to this person. Returns False when they had already unsubscribed.

    Invitations not sent yet are marked skipped; reminders check the flag too.
    """
    now = now or timezone.now()
    with transaction.atomic():
        changed = Contact.objects.filter(pk=contact.pk, unsubscribed_at__isnull=True).update(
            unsubscribed_at=now
        )
        Invitation.objects.filter(
            contact=contact, status=InvitationStatus.PENDING, sent_at__isnull=True
        ).update(status=InvitationStatus.SKIPPED, error=SKIP_UNSUBSCRIBED)
    contact.refresh_from_db(fields=["unsubscribed_at"])
    return bool(changed)
