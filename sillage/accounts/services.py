"""Writes on organisations, units, people and tokens. Views call these; nothing else writes."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from sillage.accounts.models import ApiToken, Membership, Organization, Role, Unit, User
from sillage.accounts.tasks import send_invitation


def unit_create(
    *,
    organization: Organization,
    parent: Unit | None,
    code: str,
    name_fr: str,
    name_en: str = "",
    unit_type_id: int | None = None,
) -> Unit:
    return Unit.add(
        organization=organization,
        parent=parent,
        code=code,
        name_fr=name_fr,
        name_en=name_en,
        unit_type_id=unit_type_id,
    )


def unit_move(*, unit: Unit, new_parent: Unit | None) -> Unit:
    unit.move_to(new_parent)
    return unit


def unit_archive(*, unit: Unit) -> Unit:
    if (
        unit.parent_id is None
        and not Unit.objects.filter(
            organization_id=unit.organization_id, parent__isnull=True, archived_at__isnull=True
        )
        .exclude(pk=unit.pk)
        .exists()
    ):
        raise ValidationError(_("The last active root of the tree cannot be archived."))
    unit.archive()
    return unit


def membership_invite(
    *,
    organization: Organization,
    email: str,
    first_name: str,
    last_name: str,
    unit: Unit,
    role: str,
    invited_by: User | None,
    language: str = "",
    is_facilitator: bool = False,
    is_ambassador: bool = False,
    employee_code: str = "",
) -> Membership:
    """Add a person to the organisation and email them a link to choose their password."""
    if unit.organization_id != organization.pk:
        raise ValidationError(_("This unit belongs to another organisation."))
    email = email.strip().lower()
    with transaction.atomic():
        user, created = User.objects.get_or_create(
            email=email,
            defaults={"first_name": first_name, "last_name": last_name, "language": language},
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        if Membership.objects.filter(user=user, organization=organization).exists():
            raise ValidationError(_("This person is already a member of the organisation."))
        membership = Membership.objects.create(
            user=user,
            organization=organization,
            unit=unit,
            role=role,
            is_facilitator=is_facilitator,
            is_ambassador=is_ambassador,
            employee_code=employee_code,
        )
        inviter_id = invited_by.pk if invited_by else None
        transaction.on_commit(
            lambda: send_invitation.enqueue(membership_id=membership.pk, inviter_id=inviter_id)
        )
    return membership


def invitation_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.SITE_URL + reverse("invite_accept", args=[uid, token])


def invitation_email_send(*, membership: Membership, inviter: User | None) -> None:
    """Send the invitation in the invitee's language (their own, else the organisation's)."""
    user = membership.user
    organization = membership.organization
    language = user.language or organization.default_language
    with translation.override(language):
        context = {
            "organization": organization,
            "user": user,
            "inviter": inviter,
            "link": invitation_link(user),
            "role": membership.get_role_display(),
        }
        subject = _("You are invited to %(organization)s on Sillage") % {
            "organization": organization.name
        }
        text = render_to_string("accounts/email/invitation.txt", context)
        html = render_to_string("accounts/email/invitation.html", context)
    message = EmailMultiAlternatives(subject, text, to=[user.email])
    message.attach_alternative(html, "text/html")
    message.send()


def membership_update(*, membership: Membership, **fields: object) -> Membership:
    unit = fields.get("unit")
    if isinstance(unit, Unit) and unit.organization_id != membership.organization_id:
        raise ValidationError(_("This unit belongs to another organisation."))
    if (
        membership.role == Role.ADMIN
        and fields.get("role", Role.ADMIN) != Role.ADMIN
        or membership.role == Role.ADMIN
        and fields.get("is_active") is False
    ):
        _ensure_another_admin(membership)
    for name, value in fields.items():
        setattr(membership, name, value)
    membership.full_clean()
    membership.save()
    return membership


def _ensure_another_admin(membership: Membership) -> None:
    others = Membership.objects.filter(
        organization_id=membership.organization_id, role=Role.ADMIN, is_active=True
    ).exclude(pk=membership.pk)
    if not others.exists():
        raise ValidationError(_("The organisation must keep at least one active administrator."))


def organization_switch(*, user: User, organization: Organization) -> None:
    if not Membership.objects.filter(user=user, organization=organization, is_active=True).exists():
        raise ValidationError(_("You are not a member of this organisation."))
    user.last_organization = organization
    user.save(update_fields=["last_organization"])


def user_set_language(*, user: User, language: str) -> None:
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise ValidationError(_("Unknown language."))
    user.language = language
    user.save(update_fields=["language"])


def api_token_create(
    *,
    organization: Organization,
    name: str,
    role: str = Role.CX_LEAD,
    unit: Unit | None = None,
    created_by: User | None = None,
) -> tuple[ApiToken, str]:
    """Issue a token; the raw value is returned once and never stored."""
    if role in {Role.MANAGER, Role.EMPLOYEE} and unit is None:
        raise ValidationError(_("A manager or employee token needs a unit."))
    if unit is not None and unit.organization_id != organization.pk:
        raise ValidationError(_("This unit belongs to another organisation."))
    return ApiToken.issue(
        organization=organization, name=name, role=role, unit=unit, created_by=created_by
    )


def api_token_revoke(*, token: ApiToken) -> None:
    from django.utils import timezone

    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
