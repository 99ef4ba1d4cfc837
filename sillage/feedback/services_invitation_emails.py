"""Invitation emails: sending them, the one reminder, and what the unsubscribe link does.

Sending is a background task (`invitations_send`); the single reminder is a `sillage_tick` job
(`reminders_send_due`). Invitations are created in services_invitations.py.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from email.utils import formataddr, parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sillage.accounts.models import Organization
from sillage.feedback.definition import text_in
from sillage.feedback.models import (
    Contact,
    Invitation,
    InvitationStatus,
    Survey,
    SurveyStatus,
    SurveyVersion,
)
from sillage.feedback.services_contacts import LANGUAGES
from sillage.feedback.services_distribution import survey_url
from sillage.feedback.services_invitations import SKIP_UNSUBSCRIBED

logger = logging.getLogger(__name__)

REMINDER_BATCH = 500  # reminders claimed per survey per tick; the rest wait for the next tick
# A reminder more than this late (the tick was stopped, or invitations predate the feature)
# is not sent at all: a reminder weeks after the visit would only annoy.
REMINDER_GRACE = timedelta(days=7)
ERROR_MAX = 300


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
