"""Email invitations: creating them for a list of contacts under the contact-frequency rule,
the CSV upload, and sending again what failed.

The CSV upload and the API both go through `contacts_clean` (services_contacts.py: every bad
value reported, with where it is) and `invitations_create` (one transaction: all the contacts
or none). Sending is a background task and the single reminder a `sillage_tick` job; both, and
unsubscribing, are in services_invitation_emails.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sillage.accounts.imports import MAX_BYTES, RowError, decode, read_rows
from sillage.accounts.models import Organization
from sillage.feedback.models import (
    Contact,
    Invitation,
    InvitationStatus,
    Survey,
    SurveyStatus,
)
from sillage.feedback.services_contacts import CleanContact, contacts_clean

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
MAX_CONTACTS_PER_FILE = 10_000
MAX_CONTACTS_PER_CALL = 1_000
SEND_CHUNK = 100  # invitation ids per background task

# Why an invitation was not sent, stored in Invitation.error for status "skipped".
SKIP_UNSUBSCRIBED = "unsubscribed"
SKIP_RECENT = "recently_invited"
SKIP_REASONS = {
    SKIP_UNSUBSCRIBED: gettext_lazy("unsubscribed"),
    SKIP_RECENT: gettext_lazy("invited too recently (contact rule)"),
}
ALREADY_INVITED = "already_invited"


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
