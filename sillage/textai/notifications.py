"""The weekly email of emerging topics to CX leads, in each recipient's language."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from sillage.accounts.models import Membership, Organization, Role
from sillage.textai.models import EmergingTopic, TextSettings


def emerging_email_send(*, organization: Organization, week: date) -> int:
    """Send the week's topics once: the conditional UPDATE claims the week, so two machines
    running the tick at once send one email."""
    claimed = (
        TextSettings.objects.filter(organization=organization, email_emerging=True)
        .exclude(last_emailed_week=week)
        .update(last_emailed_week=week)
    )
    if not claimed:
        return 0
    topics = list(
        EmergingTopic.objects.filter(organization=organization, week=week).select_related("theme")
    )
    if not topics:
        return 0
    recipients = (
        Membership.objects.active()
        .filter(organization=organization, role=Role.CX_LEAD)
        .select_related("user")
    )
    link = settings.SITE_URL + reverse("textai_themes", args=[organization.slug])
    messages = []
    for membership in recipients:
        language = membership.user.language or organization.default_language
        with translation.override(language):
            context = {"user": membership.user, "organization": organization, "week": week,
                       "topics": topics, "link": link}  # fmt: skip
            subject = _("Emerging topics in customer comments, week of %(week)s") % {
                "week": week.isoformat()
            }
            text = render_to_string("textai/email/emerging.txt", context)
        messages.append(EmailMultiAlternatives(subject, text, to=[membership.user.email]))
    if messages:
        with get_connection() as connection:
            connection.send_messages(messages)
    return len(messages)
