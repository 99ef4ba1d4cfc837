"""Survey links for each unit × touchpoint, their public addresses and their QR codes."""

from __future__ import annotations

import io
from collections.abc import Iterable

import segno
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from sillage.accounts.models import Unit
from sillage.feedback.models import Survey, SurveyLink, Touchpoint

# Q recovers from 25 % damage: a poster in a branch gets scratched, folded and taped over,
# and the URL is short enough that Q stays a small, easily scanned symbol (version 3-4).
QR_ERROR = "q"
QR_BORDER = 4  # the quiet zone the QR standard asks for, in modules
QR_PNG_SCALE = 10
MAX_LINKS_PER_BATCH = 5000


def public_path(url_name: str, token: str, fallback: str) -> str:
    """The path of a public page reached by a token.

    The public pages are another part of the app; until they are routed, the documented
    path keeps links and QR codes printable (the address is stable either way).
    """
    try:
        return reverse(url_name, kwargs={"token": token})
    except NoReverseMatch:
        return fallback % {"token": token}


def survey_url(token: str) -> str:
    """The absolute address a customer opens: /s/<token> on the public site."""
    return settings.SITE_URL + public_path("public_survey", token, "/s/%(token)s")


def link_url(link: SurveyLink) -> str:
    return survey_url(link.token)


def widget_script_url(link: SurveyLink) -> str:
    return settings.SITE_URL + public_path("public_widget_js", link.token, "/w/%(token)s.js")


def short_url(url: str) -> str:
    """The address as printed on a poster: without the scheme, which people need not type."""
    return url.split("://", 1)[-1]


def qr_code(url: str) -> segno.QRCode:
    return segno.make(url, error=QR_ERROR, boost_error=False, micro=False)


def qr_svg(url: str, *, title: str = "") -> bytes:
    buffer = io.BytesIO()
    qr_code(url).save(
        buffer, kind="svg", scale=4, border=QR_BORDER, xmldecl=True, title=title or None
    )
    return buffer.getvalue()


def qr_svg_inline(url: str, *, scale: int = 8) -> str:
    """An <svg> element to place in a page: no XML declaration, scales with its box."""
    return qr_code(url).svg_inline(
        scale=scale, border=QR_BORDER, svgclass="qr", lineclass=None, omitsize=True
    )


def qr_png(url: str, *, scale: int = QR_PNG_SCALE) -> bytes:
    buffer = io.BytesIO()
    qr_code(url).save(buffer, kind="png", scale=scale, border=QR_BORDER)
    return buffer.getvalue()


def links_generate(
    *, survey: Survey, units: Iterable[Unit], touchpoints: Iterable[Touchpoint]
) -> tuple[int, int]:
    """Make sure a link exists for every unit × touchpoint; returns (created, already there).

    Existing links keep their token (it is printed on posters) and their active flag.
    """
    units = list(units)
    touchpoints = list(touchpoints)
    organization_id = survey.organization_id
    if any(u.organization_id != organization_id for u in units) or any(
        t.organization_id != organization_id for t in touchpoints
    ):
        raise ValidationError(_("Unit or touchpoint of another organisation."))
    wanted = {(u.pk, t.pk) for u in units for t in touchpoints}
    if len(wanted) > MAX_LINKS_PER_BATCH:
        raise ValidationError(
            _("That would make %(count)s links; make at most %(max)s at once.")
            % {"count": len(wanted), "max": MAX_LINKS_PER_BATCH}
        )
    with transaction.atomic():
        existing = set(
            SurveyLink.objects.filter(
                survey=survey, unit__in=units, touchpoint__in=touchpoints
            ).values_list("unit_id", "touchpoint_id")
        )
        missing = sorted(wanted - existing)
        # ignore_conflicts: a concurrent request making the same links is not an error; the
        # unique constraint on (survey, unit, touchpoint) keeps one of each.
        SurveyLink.objects.bulk_create(
            [
                SurveyLink(
                    organization_id=organization_id,
                    survey=survey,
                    unit_id=unit_id,
                    touchpoint_id=touchpoint_id,
                )
                for unit_id, touchpoint_id in missing
            ],
            ignore_conflicts=True,
        )
    return len(missing), len(wanted & existing)


def link_set_active(*, link: SurveyLink, is_active: bool) -> SurveyLink:
    SurveyLink.objects.filter(pk=link.pk).update(is_active=is_active)
    link.is_active = is_active
    return link
