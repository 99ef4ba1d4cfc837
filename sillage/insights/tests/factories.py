"""Responses for insights tests, written straight to the table (as imports and the demo do),
then summed with the rollup hooks the tests are about."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sillage.accounts.models import Organization, Unit
from sillage.feedback.models import Channel, Journey, Response, Stage, Survey, Touchpoint

TORONTO = ZoneInfo("America/Toronto")


@dataclass
class Catalogue:
    visit: Journey
    welcome: Stage
    advice: Stage
    counter: Touchpoint
    desk: Touchpoint
    web: Journey
    login: Stage
    app: Touchpoint
    survey: Survey


def build_catalogue(org: Organization) -> Catalogue:
    visit = Journey.objects.create(
        organization=org, code="visite", name_fr="Visite en succursale", name_en="Branch visit"
    )
    welcome = Stage.objects.create(
        organization=org, journey=visit, name_fr="Accueil", name_en="Welcome", rank=0
    )
    advice = Stage.objects.create(
        organization=org, journey=visit, name_fr="Conseil", name_en="Advice", rank=1
    )
    counter = Touchpoint.objects.create(
        organization=org,
        stage=welcome,
        code="comptoir",
        channel=Channel.BRANCH,
        name_fr="Comptoir",
        name_en="Counter",
    )
    desk = Touchpoint.objects.create(
        organization=org,
        stage=advice,
        code="bureau",
        channel=Channel.BRANCH,
        name_fr="Bureau du conseiller",
        name_en="Advisor's desk",
    )
    web = Journey.objects.create(
        organization=org, code="web", name_fr="Services en ligne", name_en="Online", rank=1
    )
    login = Stage.objects.create(
        organization=org, journey=web, name_fr="Connexion", name_en="Sign-in"
    )
    app = Touchpoint.objects.create(
        organization=org,
        stage=login,
        code="appli",
        channel=Channel.MOBILE_APP,
        name_fr="Application mobile",
        name_en="Mobile app",
    )
    survey = Survey.objects.create(organization=org, name_fr="Visite", name_en="Visit")
    return Catalogue(visit, welcome, advice, counter, desk, web, login, app, survey)


def add_response(
    org: Organization,
    unit: Unit,
    when: datetime,
    *,
    nps: int | None = None,
    csat: int | None = None,
    ces: int | None = None,
    comment: str = "",
    touchpoint: Touchpoint | None = None,
    survey: Survey | None = None,
    language: str = "fr",
    employee_code: str = "",
    **extra: object,
) -> Response:
    answers = {k: v for k, v in (("nps", nps), ("csat", csat), ("ces", ces)) if v is not None}
    return Response.objects.create(
        organization=org,
        unit=unit,
        touchpoint=touchpoint,
        survey=survey,
        source="link",
        language=language,
        submitted_at=when,
        answers=answers,
        nps=nps,
        csat=csat,
        ces=ces,
        comment=comment,
        employee_code=employee_code,
        **extra,
    )


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    """A moment in Toronto, the test organisations' time zone."""
    return datetime(year, month, day, hour, minute, tzinfo=TORONTO)
