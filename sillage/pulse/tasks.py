"""Background work of the pulse: invitation, reminder and results emails.

Each task takes a wave id, re-reads the rows and is safe to run twice: an invitation is sent
once (`sent_at`), a reminder once (`reminded_at`), and only to people who have not answered.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from sillage.accounts.models import ORG_WIDE_ROLES, Membership, Role
from sillage.accounts.scope import scope_for_membership
from sillage.pulse.models import Invitation, Participation, Wave

BATCH = 200


def _language(membership: Membership) -> str:
    return membership.user.language or membership.organization.default_language


def answer_link(invitation: Invitation) -> str:
    return settings.SITE_URL + reverse("public_pulse_answer", args=[invitation.token])


def _invitation_message(invitation: Invitation, *, reminder: bool) -> EmailMultiAlternatives:
    membership = invitation.membership
    wave = invitation.wave
    with translation.override(_language(membership)):
        context = {
            "user": membership.user,
            "organization": membership.organization,
            "campaign": wave.campaign,
            "wave": wave,
            "link": answer_link(invitation),
            "reminder": reminder,
        }
        if reminder:
            subject = _("Reminder: your anonymous pulse survey closes soon")
        else:
            subject = _("Your opinion counts: a two-minute anonymous survey")
        text = render_to_string("pulse/email/invitation.txt", context)
        html = render_to_string("pulse/email/invitation.html", context)
    message = EmailMultiAlternatives(subject, text, to=[membership.user.email])
    message.attach_alternative(html, "text/html")
    return message


def _send(invitations: list[Invitation], *, reminder: bool) -> int:
    if not invitations:
        return 0
    messages = [_invitation_message(i, reminder=reminder) for i in invitations]
    with get_connection() as connection:
        connection.send_messages(messages)
    field = "reminded_at" if reminder else "sent_at"
    Invitation.objects.filter(pk__in=[i.pk for i in invitations]).update(**{field: timezone.now()})
    return len(messages)


def _pending(wave_id: int):
    return Invitation.objects.filter(wave_id=wave_id, membership__is_active=True).select_related(
        "membership__user", "membership__organization", "wave__campaign"
    )


@task()
def send_wave_invitations(*, wave_id: int) -> int:
    sent = 0
    while True:
        batch = list(_pending(wave_id).filter(sent_at__isnull=True).order_by("pk")[:BATCH])
        if not batch:
            return sent
        sent += _send(batch, reminder=False)


@task()
def send_wave_reminders(*, wave_id: int) -> int:
    """One reminder, to the people who have not answered: participation is the only link."""
    answered = Participation.objects.filter(
        wave_id=OuterRef("wave_id"), membership_id=OuterRef("membership_id")
    )
    sent = 0
    while True:
        batch = list(
            _pending(wave_id)
            .filter(reminded_at__isnull=True)
            .exclude(Exists(answered))
            .order_by("pk")[:BATCH]
        )
        if not batch:
            return sent
        sent += _send(batch, reminder=True)


@task()
def send_wave_results(*, wave_id: int) -> int:
    """Tell managers and organisation-wide roles that results are ready.

    The figures in the email come from `pulse_report`, like every other pulse output, so a
    manager whose team is too small reads "not enough answers", nothing more.
    """
    from sillage.pulse.reporting import pulse_report

    wave = Wave.objects.select_related("campaign", "organization", "audience").get(pk=wave_id)
    recipients = (
        Membership.objects.active()
        .filter(organization_id=wave.organization_id, role__in=[*ORG_WIDE_ROLES, Role.MANAGER])
        .select_related("user", "unit", "organization")
    )
    if wave.audience_id:
        audience_path = wave.audience.path
        recipients = [
            m
            for m in recipients
            if m.role in ORG_WIDE_ROLES
            or m.unit.path.startswith(audience_path)
            or audience_path.startswith(m.unit.path)
        ]
    messages = []
    for membership in recipients:
        scope = scope_for_membership(membership)
        with translation.override(_language(membership)):
            report = pulse_report(scope=scope, wave=wave, trend=False)
            context = {
                "user": membership.user,
                "wave": wave,
                "campaign": wave.campaign,
                "report": report,
                "link": settings.SITE_URL
                + reverse("pulse_wave_report", args=[wave.organization.slug, wave.pk]),
            }
            subject = _("Pulse results are ready: %(campaign)s") % {"campaign": wave.campaign.name}
            text = render_to_string("pulse/email/results.txt", context)
        messages.append(EmailMultiAlternatives(subject, text, to=[membership.user.email]))
    if messages:
        with get_connection() as connection:
            connection.send_messages(messages)
    return len(messages)
