"""Emails of the closed loop, in the recipient's language, through Django's email backend.

Staff emails (assigned, warning, breach, escalated, digest) never carry the customer's
contact details: the link leads to the case page, which applies the privacy rule.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from sillage.accounts.models import User
from sillage.cases.models import Case, FollowUp

KINDS = ("assigned", "warning", "breach", "escalated")


def _subject(kind: str, case: Case) -> str:
    values = {"number": case.pk, "unit": case.unit.name}
    subjects = {
        "assigned": _("Case #%(number)s is yours: a customer of %(unit)s to call back"),
        "warning": _("Case #%(number)s (%(unit)s): its deadline is near"),
        "breach": _("Case #%(number)s (%(unit)s) missed its deadline"),
        "escalated": _("Case #%(number)s (%(unit)s) was escalated to you"),
    }
    return subjects[kind] % values


def case_link(case: Case) -> str:
    return settings.SITE_URL + reverse("case_detail", args=[case.organization.slug, case.pk])


def case_message(*, kind: str, case: Case, user: User) -> EmailMultiAlternatives:
    language = user.language or case.organization.default_language
    with translation.override(language):
        context = {
            "user": user,
            "case": case,
            "kind": kind,
            "link": case_link(case),
            "due": case.due_at,
            "zone": case.organization.time_zone,
        }
        subject = _subject(kind, case)
        text = render_to_string("cases/email/case.txt", context)
    return EmailMultiAlternatives(subject, text, to=[user.email])


@task()
def send_case_email(*, kind: str, case_id: int, user_id: int) -> int:
    case = Case.objects.select_related("organization", "unit", "response").filter(pk=case_id)
    case = case.first()
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if case is None or user is None or kind not in KINDS:
        return 0
    return case_message(kind=kind, case=case, user=user).send()


def enqueue_case_email(*, kind: str, case_id: int, user_id: int) -> None:
    transaction.on_commit(
        lambda: send_case_email.enqueue(kind=kind, case_id=case_id, user_id=user_id)
    )


@task()
def send_follow_up_email(*, follow_up_id: int) -> int:
    follow_up = (
        FollowUp.objects.select_related("case__response", "organization")
        .filter(pk=follow_up_id, answered_at__isnull=True)
        .first()
    )
    if follow_up is None or not follow_up.case.response.contact_email:
        return 0
    response = follow_up.case.response
    with translation.override(follow_up.language):
        context = {
            "name": response.contact_name,
            "organization": follow_up.organization,
            "link": settings.SITE_URL + reverse("public_case_follow_up", args=[follow_up.token]),
        }
        subject = _("%(organization)s: did we resolve your issue?") % {
            "organization": follow_up.organization.name
        }
        text = render_to_string("cases/email/follow_up.txt", context)
    return EmailMultiAlternatives(subject, text, to=[response.contact_email]).send()


def enqueue_follow_up_email(*, follow_up_id: int) -> None:
    transaction.on_commit(lambda: send_follow_up_email.enqueue(follow_up_id=follow_up_id))


def digest_message(*, user: User, organization, cases: list[Case]) -> EmailMultiAlternatives:
    with translation.override(user.language or organization.default_language):
        context = {
            "user": user,
            "cases": [(case, case_link(case)) for case in cases],
            "inbox": settings.SITE_URL + reverse("case_inbox", args=[organization.slug]),
        }
        subject = _("Your open cases today: %(count)s") % {"count": len(cases)}
        text = render_to_string("cases/email/digest.txt", context)
    return EmailMultiAlternatives(subject, text, to=[user.email])
