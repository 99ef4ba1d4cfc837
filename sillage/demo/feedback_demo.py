"""The demo's voice of the customer: journeys, surveys, survey links and a year of responses.

Caisse Horizon gets six journeys (account opening, mortgage, branch visit, contact centre
call, mobile app, complaint), a published survey for each, a link for every branch and
branch touchpoint, and about 60,000 responses over the last twelve months. They carry the
stories a presenter tells: the RRSP rush in February and the mortgage renewals of spring, the
summer lull, branches that are steadily better or worse than the rest, Plateau-Mont-Royal
climbing after its team's workshop, Longueuil sliding as its people turn over, and the mobile
app release that went wrong four months ago. Compliments name real employees of the team
that served the customer. Assurances Boréale gets a small set.

Responses are written with one `executemany` per chunk: 60,000 rows through `bulk_create`
would take several seconds on SQLite (ARCHITECTURE.md), and `bulk_create` would also stamp
them all as received now.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, models
from django.db.models import QuerySet
from django.utils import timezone

from sillage.accounts.models import Membership, Organization, Unit
from sillage.demo import comments, names
from sillage.feedback import hooks
from sillage.feedback.models import (
    Channel,
    Journey,
    Question,
    QuestionType,
    Response,
    Source,
    Stage,
    Survey,
    SurveyLink,
    SurveyVersion,
    Touchpoint,
)
from sillage.feedback.services import survey_publish

if TYPE_CHECKING:
    # The generator imports this module to register its step: its helpers are imported
    # where they are used, so that either module can be imported first.
    from sillage.demo.generator import DemoContext

HORIZON_RESPONSES = 60_000
BOREALE_RESPONSES = 1_200
# The test profile builds a tenth: the demo is seeded by many tests, and none needs a year
# of volume except the ones that ask for it through this setting.
TEST_RESPONSES = 6_000
DAYS = 365
INSERT_CHUNK = 5_000


# --- What the journeys are ----------------------------------------------------------------------


class TouchpointSpec(NamedTuple):
    journey: str
    stage: int  # rank of its stage in the journey
    code: str
    channel: str
    name_fr: str
    name_en: str
    served_by: str  # counter, advice or branch (in every branch), or a unit code
    weight: int  # share of the journey's responses


class SurveySpec(NamedTuple):
    name_fr: str
    name_en: str
    nps_fr: str
    nps_en: str
    csat_fr: str
    csat_en: str
    ces_fr: str = ""  # empty: no effort question
    ces_en: str = ""


class JourneySpec(NamedTuple):
    code: str
    name_fr: str
    name_en: str
    description_fr: str
    description_en: str
    stages: tuple[tuple[str, str], ...]  # (French, English), in order
    share: float  # of the organisation's responses
    mean: float  # the journey's typical latent score, on the 0–10 scale
    volume: tuple[float, ...] = (1.0,) * 12  # by month, January first
    mood: tuple[float, ...] = (0.0,) * 12  # score shift by month


# fmt: off
HORIZON_JOURNEYS = (
    JourneySpec(
        "ouverture", "Ouverture de compte", "Account opening",
        "Du premier contact aux premières semaines d'un nouveau membre.",
        "From first contact to a new member's first weeks.",
        (("Prise de rendez-vous", "Booking"), ("Rencontre en succursale", "Branch meeting"),
         ("Premières semaines", "First weeks")),
        0.10, 8.4,
        (0.9, 0.9, 1.0, 1.0, 1.0, 1.1, 1.4, 1.5, 1.4, 1.0, 0.9, 0.7),  # July 1st, back to school
    ),
    JourneySpec(
        "hypotheque", "Prêt hypothécaire", "Mortgage",
        "De la demande de prêt au renouvellement, en passant par la signature chez le notaire.",
        "From the loan application to the renewal, through the signing at the notary's.",
        (("Demande", "Application"), ("Approbation", "Approval"), ("Renouvellement", "Renewal")),
        0.10, 8.1,
        (0.6, 0.8, 1.2, 1.7, 1.9, 1.6, 0.9, 0.8, 0.9, 0.8, 0.7, 0.5),  # spring renewals
        (0.0, 0.0, -0.2, -0.4, -0.5, -0.3, 0.0, 0.0, 0.0, 0.1, 0.1, 0.1),  # and their delays
    ),
    JourneySpec(
        "visite", "Visite en succursale", "Branch visit",
        "L'accueil, le comptoir et les rencontres avec un conseiller.",
        "The welcome, the counter and meetings with an advisor.",
        (("Accueil", "Welcome"), ("Service au comptoir", "Counter service"),
         ("Rencontre avec un conseiller", "Meeting an advisor")),
        0.40, 8.3,
        (1.0, 1.35, 1.1, 1.0, 1.0, 0.95, 0.7, 0.75, 1.0, 1.05, 1.0, 0.8),  # RRSP in February
        (0.0, -0.35, -0.1, 0.0, 0.0, 0.0, 0.15, 0.15, 0.0, 0.0, 0.0, -0.1),  # and its waits
    ),
    JourneySpec(
        "centre-contact", "Appel au centre de contact", "Contact centre call",
        "Les appels, le clavardage et les courriels au centre de contact.",
        "Calls, chats and emails to the contact centre.",
        (("Joindre la caisse", "Reaching us"), ("Conversation", "Conversation"),
         ("Suivi", "Follow-up")),
        0.20, 7.9,
        (1.0, 1.3, 1.2, 1.0, 1.0, 0.9, 0.8, 0.8, 1.0, 1.0, 1.0, 0.85),
        (0.0, -0.45, -0.25, 0.0, 0.0, 0.0, 0.1, 0.1, 0.0, 0.0, 0.0, 0.0),
    ),
    JourneySpec(
        "appli", "Application mobile", "Mobile app",
        "Se connecter, payer, virer et déposer des chèques avec l'appli.",
        "Signing in, paying, transferring and depositing cheques with the app.",
        (("Connexion", "Signing in"), ("Paiements et virements", "Payments and transfers"),
         ("Dépôt mobile", "Mobile deposit")),
        0.15, 7.9,
    ),
    JourneySpec(
        "plainte", "Plainte", "Complaint",
        "Le dépôt d'une plainte, son traitement et sa résolution.",
        "Filing a complaint, its handling and its resolution.",
        (("Dépôt de la plainte", "Filing"), ("Résolution", "Resolution")),
        0.05, 5.6,
    ),
)
T = TouchpointSpec
HORIZON_TOUCHPOINTS = (
    T("ouverture", 0, "ouverture-rdv-web", "web", "Réservation en ligne", "Online booking",
      "DIG", 2),
    T("ouverture", 1, "ouverture-rencontre", "branch", "Rencontre d'ouverture",
      "Opening meeting", "advice", 6),
    T("ouverture", 2, "ouverture-appli", "mobile_app", "Activation de l'appli", "App activation",
      "DIG", 1),
    T("ouverture", 2, "ouverture-courriel", "email", "Courriel de bienvenue", "Welcome email",
      "DIG", 1),
    T("hypotheque", 0, "hypo-demande-web", "web", "Demande en ligne", "Online application",
      "DIG", 1),
    T("hypotheque", 0, "hypo-rencontre", "branch", "Rencontre hypothécaire", "Mortgage meeting",
      "advice", 4),
    T("hypotheque", 1, "hypo-suivi", "contact_centre", "Suivi du dossier", "File follow-up",
      "CC-T1", 2),
    T("hypotheque", 2, "hypo-renouvellement", "branch", "Renouvellement", "Renewal",
      "advice", 3),
    T("visite", 0, "succursale-accueil", "branch", "Accueil", "Welcome desk", "counter", 2),
    T("visite", 1, "succursale-comptoir", "branch", "Comptoir", "Counter", "counter", 5),
    T("visite", 2, "succursale-conseil", "branch", "Rencontre conseil", "Advice meeting",
      "advice", 3),
    T("centre-contact", 0, "cc-menu-vocal", "contact_centre", "Menu vocal et attente",
      "Phone menu and hold", "CC-T1", 2),
    T("centre-contact", 1, "cc-appel", "contact_centre", "Appel avec un agent",
      "Call with an agent", "CC-T1", 5),
    T("centre-contact", 1, "cc-clavardage", "chat", "Clavardage", "Chat", "CC-T2", 3),
    T("centre-contact", 1, "cc-entreprises", "contact_centre", "Soutien aux entreprises",
      "Business support", "CC-T3", 1),
    T("centre-contact", 2, "cc-suivi-courriel", "email", "Suivi par courriel", "Email follow-up",
      "CC-T2", 1),
    T("appli", 0, "appli-connexion", "mobile_app", "Connexion", "Sign-in", "DIG", 2),
    T("appli", 1, "appli-virement", "mobile_app", "Virements Interac", "Interac transfers",
      "DIG", 3),
    T("appli", 2, "appli-depot", "mobile_app", "Dépôt de chèque", "Cheque deposit", "DIG", 2),
    T("plainte", 0, "plainte-web", "web", "Formulaire en ligne", "Online form", "CC-T2", 1),
    T("plainte", 0, "plainte-telephone", "contact_centre", "Par téléphone", "By phone",
      "CC-T1", 2),
    T("plainte", 0, "plainte-succursale", "branch", "En succursale", "At the branch",
      "branch", 2),
    T("plainte", 1, "plainte-resolution", "email", "Réponse finale", "Final answer", "CC-T2", 2),
)
HORIZON_SURVEYS = {
    "ouverture": SurveySpec(
        "Ouverture de compte", "Account opening",
        "Recommanderiez-vous Caisse Horizon à un proche qui veut ouvrir un compte?",
        "Would you recommend Caisse Horizon to someone who wants to open an account?",
        "Êtes-vous satisfait de l'ouverture de votre compte?",
        "How satisfied are you with opening your account?",
        "Dans quelle mesure a-t-il été facile d'ouvrir votre compte?",
        "How easy was it to open your account?",
    ),
    "hypotheque": SurveySpec(
        "Prêt hypothécaire", "Mortgage",
        "Recommanderiez-vous Caisse Horizon pour un prêt hypothécaire?",
        "Would you recommend Caisse Horizon for a mortgage?",
        "Êtes-vous satisfait de l'accompagnement reçu pour votre prêt?",
        "How satisfied are you with the support you received for your mortgage?",
        "Dans quelle mesure a-t-il été facile d'obtenir votre prêt?",
        "How easy was it to get your mortgage?",
    ),
    "visite": SurveySpec(
        "Visite en succursale", "Branch visit",
        "Recommanderiez-vous votre succursale à un proche?",
        "Would you recommend your branch to a friend or relative?",
        "Dans l'ensemble, êtes-vous satisfait de votre visite?",
        "Overall, how satisfied are you with your visit?",
    ),
    "centre-contact": SurveySpec(
        "Appel au centre de contact", "Contact centre call",
        "Recommanderiez-vous le service à la clientèle de Caisse Horizon à un proche?",
        "Would you recommend Caisse Horizon's customer service to a friend?",
        "Êtes-vous satisfait de la réponse obtenue?",
        "How satisfied are you with the answer you got?",
        "Dans quelle mesure a-t-il été facile de régler votre demande?",
        "How easy was it to get your request handled?",
    ),
    "appli": SurveySpec(
        "Application mobile", "Mobile app",
        "Recommanderiez-vous l'appli de Caisse Horizon à un proche?",
        "Would you recommend the Caisse Horizon app to a friend?",
        "Êtes-vous satisfait de l'appli?",
        "How satisfied are you with the app?",
        "Dans quelle mesure a-t-il été facile de faire ce que vous vouliez?",
        "How easy was it to do what you wanted?",
    ),
    "plainte": SurveySpec(
        "Traitement de votre plainte", "Handling of your complaint",
        "Après le traitement de votre plainte, recommanderiez-vous Caisse Horizon?",
        "After the handling of your complaint, would you recommend Caisse Horizon?",
        "Êtes-vous satisfait du traitement de votre plainte?",
        "How satisfied are you with how your complaint was handled?",
        "Dans quelle mesure a-t-il été facile de faire entendre votre plainte?",
        "How easy was it to have your complaint heard?",
    ),
}

BOREALE_JOURNEYS = (
    JourneySpec(
        "sinistre", "Réclamation", "Claim",
        "De la déclaration du sinistre au règlement.",
        "From reporting the loss to the settlement.",
        (("Déclaration du sinistre", "Reporting the loss"),
         ("Expertise et règlement", "Adjustment and settlement")),
        0.7, 7.2,
        (1.4, 1.3, 1.1, 1.2, 0.9, 0.8, 0.9, 1.0, 0.9, 0.9, 1.0, 1.3),  # ice, snow, water damage
        (-0.2, -0.2, 0.0, 0.0, 0.0, 0.1, 0.1, 0.1, 0.0, 0.0, 0.0, -0.1),
    ),
    JourneySpec(
        "renouvellement-police", "Renouvellement de police", "Policy renewal",
        "Le renouvellement annuel de l'assurance auto et habitation.",
        "The yearly renewal of car and home insurance.",
        (("Renouvellement", "Renewal"),),
        0.3, 7.6,
    ),
)
BOREALE_TOUCHPOINTS = (
    T("sinistre", 0, "sinistre-appel", "contact_centre", "Déclaration par téléphone",
      "Phone report", "APPELS", 3),
    T("sinistre", 0, "sinistre-web", "web", "Déclaration en ligne", "Online report", "RECL", 1),
    T("sinistre", 1, "sinistre-reglement", "email", "Règlement", "Settlement", "RECL", 3),
    T("renouvellement-police", 0, "police-renouvellement", "contact_centre",
      "Appel de renouvellement", "Renewal call", "APPELS", 1),
)
BOREALE_SURVEYS = {
    "sinistre": SurveySpec(
        "Votre réclamation", "Your claim",
        "Recommanderiez-vous Assurances Boréale à un proche?",
        "Would you recommend Boréale Insurance to a friend or relative?",
        "Êtes-vous satisfait du traitement de votre réclamation?",
        "How satisfied are you with how your claim was handled?",
        "Dans quelle mesure a-t-il été facile de faire votre réclamation?",
        "How easy was it to make your claim?",
    ),
    "renouvellement-police": SurveySpec(
        "Renouvellement de votre police", "Your policy renewal",
        "Recommanderiez-vous Assurances Boréale à un proche?",
        "Would you recommend Boréale Insurance to a friend or relative?",
        "Êtes-vous satisfait de votre renouvellement?",
        "How satisfied are you with your renewal?",
    ),
}
# fmt: on

# Branches steadily better or worse than the rest (latent score shift), for the story.
BRANCH_SHIFT = {
    "MAGOG": 0.8,
    "BSP": 0.9,
    "OUTREMONT": 0.6,
    "SILLERY": 0.6,
    "COATICOOK": 0.5,
    "HOCHELAGA": -0.9,
    "LACHINE": -0.8,
    "STHENRI": -0.6,
    "CHATEAUGUAY": -0.5,
}
UNIT_SHIFT = {"CC-T1": -0.25, "CC-T2": 0.15, "CC-T3": 0.45, "APPELS": -0.2, "RECL": 0.1}
# Share of English-speaking respondents where it differs from the region's.
REGION_ENGLISH = {"MTL": 0.32, "CN": 0.07, "MON": 0.2, "EST": 0.22}
BRANCH_ENGLISH = {
    "CDN": 0.55,
    "STLAURENT": 0.45,
    "GRIFFINTOWN": 0.5,
    "VIEUXMTL": 0.45,
    "VERDUN": 0.35,
    "BROSSARD": 0.4,
    "VAUDREUIL": 0.45,
    "CHATEAUGUAY": 0.35,
    "SHERBROOKE": 0.3,
    "MAGOG": 0.28,
    "HOCHELAGA": 0.12,
    "ROSEMONT": 0.15,
}
UNIT_ENGLISH = {"CC-T1": 0.25, "CC-T2": 0.3, "CC-T3": 0.2, "DIG": 0.3, "APPELS": 0.15, "RECL": 0.12}
AREA_CODES = {"MTL": "514", "CN": "418", "MON": "450", "EST": "819"}
SIZE_WEIGHT = {"L": 3.0, "M": 2.0, "S": 1.0}


def response_volume(default: int) -> int:
    """How many responses to build: the full demo's, scaled by the SILLAGE_DEMO_RESPONSES
    setting (Caisse Horizon's count) when there is one, or to a tenth in the test profile."""
    configured = getattr(settings, "SILLAGE_DEMO_RESPONSES", None)
    if configured is not None:
        return int(configured * default / HORIZON_RESPONSES)
    if getattr(settings, "SILLAGE_ENV", "") == "test":
        return int(TEST_RESPONSES * default / HORIZON_RESPONSES)
    return default


def demo_today(zone: ZoneInfo) -> date:
    """Today in the organisation's time zone. The demo year ends the day before, so that a
    demo loaded at any hour of a day holds the same responses."""
    return timezone.localdate(timezone=zone)


# --- Building -----------------------------------------------------------------------------------


@dataclass
class Stream:
    """Responses of one touchpoint at one unit."""

    journey: JourneySpec
    touchpoint: Touchpoint
    spec: TouchpointSpec
    unit: Unit
    branch: names.Branch | None
    link_id: int | None
    weight: float
    count: int = 0


class OrgSpec(NamedTuple):
    slug: str
    journeys: tuple[JourneySpec, ...]
    touchpoints: tuple[TouchpointSpec, ...]
    surveys: dict[str, SurveySpec]
    responses: int  # in the full demo


HORIZON_SPEC = OrgSpec(
    names.HORIZON, HORIZON_JOURNEYS, HORIZON_TOUCHPOINTS, HORIZON_SURVEYS, HORIZON_RESPONSES
)
BOREALE_SPEC = OrgSpec(
    names.BOREALE, BOREALE_JOURNEYS, BOREALE_TOUCHPOINTS, BOREALE_SURVEYS, BOREALE_RESPONSES
)
PER_BRANCH = {"counter", "advice", "branch"}


@dataclass
class OrgPlan:
    spec: OrgSpec
    organization: Organization
    versions: dict[str, SurveyVersion] = field(default_factory=dict)  # journey code -> version
    touchpoints: dict[str, Touchpoint] = field(default_factory=dict)
    streams: list[Stream] = field(default_factory=list)
    staff: dict[int, list[tuple[str, str]]] = field(default_factory=dict)  # unit -> names, codes


def build_feedback(*, context: DemoContext) -> None:
    for spec in (HORIZON_SPEC, BOREALE_SPEC):
        plan = OrgPlan(spec=spec, organization=context.organizations[spec.slug])
        _catalogue(plan)
        links = _streams(context, plan)
        written = _write_responses(
            plan, context.rng(f"feedback:{spec.slug}"), response_volume(spec.responses)
        )
        # Raw inserts bypass response_create: tell the apps that build on responses.
        hooks.responses_recorded(
            Response.objects.filter(organization=plan.organization).values_list("pk", flat=True)
        )
        context.log(
            f"feedback: {plan.organization.name}, {len(spec.journeys)} journeys, "
            f"{links} survey links, {written} responses"
        )


def clear_feedback(*, organizations: QuerySet[Organization]) -> int:
    """Responses and links hold units and touchpoints with PROTECT: they go first. Surveys,
    journeys and the rest follow the organisations' cascade."""
    deleted = Response.objects.filter(organization__in=organizations).delete()[0]
    deleted += SurveyLink.objects.filter(organization__in=organizations).delete()[0]
    return deleted


def _catalogue(plan: OrgPlan) -> None:
    """Journeys, stages, touchpoints, and a published survey per journey."""
    organization = plan.organization
    for rank, spec in enumerate(plan.spec.journeys):
        journey = Journey.objects.create(
            organization=organization,
            code=spec.code,
            rank=rank,
            name_fr=spec.name_fr,
            name_en=spec.name_en,
            description_fr=spec.description_fr,
            description_en=spec.description_en,
        )
        stages = [
            Stage.objects.create(
                organization=organization, journey=journey, rank=i, name_fr=fr, name_en=en
            )
            for i, (fr, en) in enumerate(spec.stages)
        ]
        mine = [tp for tp in plan.spec.touchpoints if tp.journey == spec.code]
        for tp in mine:
            plan.touchpoints[tp.code] = Touchpoint.objects.create(
                organization=organization,
                stage=stages[tp.stage],
                code=tp.code,
                channel=tp.channel,
                rank=sum(1 for other in mine[: mine.index(tp)] if other.stage == tp.stage),
                name_fr=tp.name_fr,
                name_en=tp.name_en,
            )
        # The survey's default touchpoint: where most of its answers come from.
        main = max(mine, key=lambda tp: tp.weight)
        survey = _survey(organization, plan.spec.surveys[spec.code], plan.touchpoints[main.code])
        plan.versions[spec.code] = survey_publish(survey=survey, user=None)


def _question(key: str, kind: str, fr: str, en: str, **extra: Any) -> dict[str, Any]:
    return {"key": key, "type": kind, "text_fr": fr, "text_en": en, **extra}


def _survey(organization: Organization, spec: SurveySpec, touchpoint: Touchpoint | None) -> Survey:
    survey = Survey.objects.create(
        organization=organization,
        name_fr=spec.name_fr,
        name_en=spec.name_en,
        intro_fr="Deux minutes pour nous dire comment ça s'est passé? Vos réponses nous aident "
        "à nous améliorer.",
        intro_en="Two minutes to tell us how it went? Your answers help us improve.",
        thanks_fr="Merci! Votre avis est transmis à l'équipe qui vous a servi.",
        thanks_en="Thank you! Your feedback goes to the team that served you.",
        touchpoint=touchpoint,
        has_unpublished_changes=False,
    )
    rows = [
        _question("nps", QuestionType.NPS, spec.nps_fr, spec.nps_en, required=True),
        _question(
            "improve",
            QuestionType.LONG_TEXT,
            "Que devrions-nous améliorer en priorité?",
            "What should we improve first?",
            show_if_key="nps",
            show_if_min=0,
            show_if_max=6,
        ),
        _question(
            "neutral",
            QuestionType.LONG_TEXT,
            "Que nous aurait-il fallu pour mériter un 10?",
            "What would it have taken for a 10?",
            show_if_key="nps",
            show_if_min=7,
            show_if_max=8,
        ),
        _question(
            "liked",
            QuestionType.LONG_TEXT,
            "Qu'avez-vous le plus apprécié?",
            "What did you appreciate most?",
            show_if_key="nps",
            show_if_min=9,
            show_if_max=10,
        ),
        _question("csat", QuestionType.CSAT, spec.csat_fr, spec.csat_en),
    ]
    if spec.ces_fr:
        rows.append(_question("ces", QuestionType.CES, spec.ces_fr, spec.ces_en))
    rows.append(
        _question(
            "contact",
            QuestionType.CONSENT,
            "Pouvons-nous communiquer avec vous au sujet de votre réponse?",
            "May we contact you about your answer?",
        )
    )
    Question.objects.bulk_create(
        Question(survey=survey, rank=rank, **row) for rank, row in enumerate(rows)
    )
    return survey


def _served_unit(context: DemoContext, branch: names.Branch, served_by: str) -> Unit:
    from sillage.demo.generator import branch_code, team_code

    if served_by == "branch":
        return context.unit(names.HORIZON, branch_code(branch))
    teams = {t.code for t in names.BRANCH_TEAMS[branch.size]}
    team = names.TEAM_ADVICE if served_by == "advice" and "CONSEIL" in teams else None
    return context.unit(names.HORIZON, team_code(branch, team or names.TEAM_CUSTOMER))


def _streams(context: DemoContext, plan: OrgPlan) -> int:
    """Who answers where: one stream per touchpoint and unit, and a survey link for each
    branch touchpoint of each branch. Returns the number of links."""
    organization, spec = plan.organization, plan.spec
    journeys = {j.code: j for j in spec.journeys}
    links: list[tuple[Stream, SurveyLink]] = []
    branch_total = sum(SIZE_WEIGHT[b.size] for b in names.BRANCHES)
    for tp in spec.touchpoints:
        journey = journeys[tp.journey]
        total = sum(other.weight for other in spec.touchpoints if other.journey == tp.journey)
        share = journey.share * tp.weight / total
        touchpoint = plan.touchpoints[tp.code]
        if tp.served_by not in PER_BRANCH:
            unit = context.unit(spec.slug, tp.served_by)
            plan.streams.append(Stream(journey, touchpoint, tp, unit, None, None, share))
            continue
        for branch in names.BRANCHES:
            unit = _served_unit(context, branch, tp.served_by)
            weight = share * SIZE_WEIGHT[branch.size] / branch_total
            stream = Stream(journey, touchpoint, tp, unit, branch, None, weight)
            plan.streams.append(stream)
            link = SurveyLink(
                organization=organization,
                survey_id=plan.versions[tp.journey].survey_id,
                unit=unit,
                touchpoint=touchpoint,
            )
            links.append((stream, link))
    SurveyLink.objects.bulk_create(link for _stream, link in links)
    for stream, link in links:
        stream.link_id = link.pk
    plan.staff = _staff(organization)
    return len(links)


def _staff(organization: Organization) -> dict[int, list[tuple[str, str]]]:
    """First names and employee codes of each unit's front-line people."""
    staff: dict[int, list[tuple[str, str]]] = defaultdict(list)
    rows = (
        Membership.objects.filter(organization=organization, role="employee")
        .exclude(employee_code="")
        .order_by("pk")
        .values_list("unit_id", "user__first_name", "employee_code")
    )
    for unit_id, first_name, code in rows:
        staff[unit_id].append((first_name, code))
    return dict(staff)


# --- Responses ----------------------------------------------------------------------------------


def _allocate(streams: list[Stream], total: int) -> None:
    """Exactly `total` responses, shared by weight (largest remainders get the rest)."""
    weight = sum(s.weight for s in streams)
    exact = [total * s.weight / weight for s in streams]
    for stream, value in zip(streams, exact, strict=True):
        stream.count = int(value)
    rest = total - sum(s.count for s in streams)
    by_remainder = sorted(
        range(len(streams)), key=lambda i: (exact[i] - int(exact[i]), -i), reverse=True
    )
    for i in by_remainder[:rest]:
        streams[i].count += 1


class Calendar:
    """The demo year: which days a journey's customers answer, and the day's mood."""

    def __init__(self, today: date) -> None:
        self.days = [today - timedelta(days=DAYS - i) for i in range(DAYS)]
        self._cumulative: dict[tuple[str, str], list[float]] = {}

    def cumulative(self, journey: JourneySpec, channel: str) -> list[float]:
        key = (journey.code, channel)
        if key not in self._cumulative:
            total, cumulative = 0.0, []
            for index, day in enumerate(self.days):
                total += (
                    journey.volume[day.month - 1]
                    * _weekday_factor(channel, day.weekday())
                    * _event_volume(journey.code, index)
                    * (1 + 0.3 * index / DAYS if journey.code == "appli" else 1.0)
                )
                cumulative.append(total)
            self._cumulative[key] = cumulative
        return self._cumulative[key]


def _weekday_factor(channel: str, weekday: int) -> float:
    if channel == Channel.BRANCH:
        return (1.0, 1.0, 1.0, 1.25, 1.1, 0.3, 0.0)[weekday]
    if channel in {Channel.CONTACT_CENTRE, Channel.CHAT}:
        return (1.2, 1.0, 1.0, 1.0, 0.9, 0.4, 0.25)[weekday]
    return (1.0, 1.0, 1.0, 1.0, 1.0, 0.85, 0.8)[weekday]


APP_INCIDENT = range(DAYS - 130, DAYS - 109)  # the release that broke cheque deposits


def _event_volume(journey_code: str, day_index: int) -> float:
    if day_index in APP_INCIDENT and journey_code in {"appli", "plainte"}:
        return 2.2
    return 1.0


def _event_shift(stream: Stream, day_index: int) -> float:
    shift = 0.0
    if day_index in APP_INCIDENT and stream.spec.channel == Channel.MOBILE_APP:
        shift -= 2.0
    branch = stream.branch
    if branch is not None and branch.code == "PLATEAU":
        # The Plateau team's workshop, seven months before the end of the demo year.
        shift += -0.5 + 1.2 * min(max((day_index - (DAYS - 210)) / 75, 0.0), 1.0)
    elif branch is not None and branch.code == "LONGUEUIL":
        shift += 0.3 - 1.3 * day_index / DAYS  # turnover: the experienced people left
    return shift + 0.25 * day_index / DAYS  # the whole network improves a little


def _hour(rng: random.Random, channel: str, weekday: int) -> int:
    if channel == Channel.BRANCH:
        closing = 19 if weekday == 3 else (14 if weekday == 5 else 17)
        return rng.randint(9, closing - 1)
    if channel in {Channel.CONTACT_CENTRE, Channel.CHAT}:
        return rng.randint(8, 19)
    return min(23, max(6, int(rng.gauss(14, 4.5))))


def _write_responses(plan: OrgPlan, rng: random.Random, total: int) -> int:
    organization = plan.organization
    zone = ZoneInfo(organization.time_zone)
    calendar = Calendar(demo_today(zone))
    _allocate(plan.streams, total)
    shifts = _unit_shifts(plan, rng)
    rows: list[dict[str, Any]] = []
    crm_number = 0
    for stream in plan.streams:
        if not stream.count:
            continue
        channel = stream.spec.channel
        version = plan.versions[stream.journey.code]
        has_ces = any(q["key"] == "ces" for q in version.definition["questions"])
        english = _english_share(stream)
        staff = plan.staff.get(stream.unit.pk, [])
        cumulative = calendar.cumulative(stream.journey, channel)
        day_indices = rng.choices(range(DAYS), cum_weights=cumulative, k=stream.count)
        for day_index in sorted(day_indices):
            day = calendar.days[day_index]
            local = datetime(
                day.year,
                day.month,
                day.day,
                _hour(rng, channel, day.weekday()),
                rng.randint(0, 59),
                rng.randint(0, 59),
                tzinfo=zone,
            )
            latent = (
                stream.journey.mean
                + shifts.get(stream.unit.pk, 0.0)
                + stream.journey.mood[day.month - 1]
                + _event_shift(stream, day_index)
                + rng.gauss(0, 1.7)
            )
            language = "en" if rng.random() < english else "fr"
            row = _response(
                rng,
                stream=stream,
                version=version,
                has_ces=has_ces,
                latent=latent,
                language=language,
                staff=staff,
                area=AREA_CODES.get(stream.branch.region if stream.branch else "MTL", "514"),
            )
            submitted_at = local.astimezone(UTC)
            source, link_id, external_id = _source(stream)
            if source == Source.LINK and stream.spec.served_by == "advice" and rng.random() < 0.1:
                # Meetings booked in the CRM, whose own survey posts to the API.
                crm_number += 1
                source, link_id, external_id = Source.API, None, f"crm-{crm_number:06d}"
            row.update(
                organization_id=organization.pk,
                survey_id=version.survey_id,
                survey_version_id=version.pk,
                unit_id=stream.unit.pk,
                touchpoint_id=stream.touchpoint.pk,
                source=source,
                link_id=link_id,
                external_id=external_id,
                language=language,
                submitted_at=submitted_at,
                received_at=submitted_at + timedelta(seconds=rng.randint(1, 90)),
            )
            rows.append(row)
    # Ids in the order responses arrived, as in a real database.
    rows.sort(key=lambda row: row["received_at"])
    return insert_rows(Response, rows)


def _unit_shifts(plan: OrgPlan, rng: random.Random) -> dict[int, float]:
    shifts: dict[int, float] = {}
    for stream in plan.streams:
        unit = stream.unit
        if unit.pk in shifts:
            continue
        if stream.branch is not None:
            base = BRANCH_SHIFT.get(stream.branch.code)
            shifts[unit.pk] = base if base is not None else rng.gauss(0, 0.3)
        else:
            shifts[unit.pk] = UNIT_SHIFT.get(unit.code, 0.0)
    return shifts


def _english_share(stream: Stream) -> float:
    if stream.branch is None:
        return UNIT_ENGLISH.get(stream.unit.code, 0.2)
    branch = stream.branch
    return BRANCH_ENGLISH.get(branch.code, REGION_ENGLISH[branch.region])


def _source(stream: Stream) -> tuple[str, int | None, str | None]:
    channel = stream.spec.channel
    if stream.link_id is not None:
        return Source.LINK, stream.link_id, None
    if channel in {Channel.MOBILE_APP, Channel.WEB}:
        return Source.WIDGET, None, None
    return Source.EMAIL, None, None


def _clamp(value: float, low: int, high: int) -> int:
    return min(high, max(low, int(math.floor(value + 0.5))))


def _response(
    rng: random.Random,
    *,
    stream: Stream,
    version: SurveyVersion,
    has_ces: bool,
    latent: float,
    language: str,
    staff: list[tuple[str, str]],
    area: str,
) -> dict[str, Any]:
    nps = _clamp(latent, 0, 10)
    tone, follow_up = ("neg", "improve") if nps <= 6 else ("mid", "neutral")
    if nps >= 9:
        tone, follow_up = "pos", "liked"
    answers: dict[str, Any] = {"nps": nps}
    row: dict[str, Any] = {"nps": nps, "csat": None, "ces": None, "employee_code": ""}
    comment = ""
    if rng.random() < {"neg": 0.68, "mid": 0.38, "pos": 0.5}[tone]:
        comment, row["employee_code"] = _comment(rng, stream, tone, language, staff)
        answers[follow_up] = comment
    elif staff and stream.spec.served_by in {"advice", "CC-T1", "CC-T3"}:
        if rng.random() < 0.3:  # the CRM knows who served the customer
            row["employee_code"] = rng.choice(staff)[1]
    if rng.random() < 0.85:
        row["csat"] = answers["csat"] = _clamp(1 + latent * 0.42 + rng.gauss(0, 0.45), 1, 5)
    if has_ces and rng.random() < 0.75:
        row["ces"] = answers["ces"] = _clamp(1 + latent * 0.6 + rng.gauss(0, 0.7), 1, 7)
    row.update(
        comment=comment,
        contact_consent=False,
        contact_name="",
        contact_email="",
        contact_phone="",
    )
    if rng.random() < {"neg": 0.25, "mid": 0.08, "pos": 0.05}[tone]:
        answers["contact"] = "yes"
        row.update(_contact(rng, language, area))
    row["answers"] = answers
    return row


def _comment(
    rng: random.Random, stream: Stream, tone: str, language: str, staff: list[tuple[str, str]]
) -> tuple[str, str]:
    """A comment, and the employee code of the person it names (or "")."""
    if tone == "pos" and staff and rng.random() < 0.3:
        first_name, code = rng.choice(staff)
        return rng.choice(comments.COMPLIMENTS[language]).format(name=first_name), code
    themes, weights = zip(*comments.THEMES[stream.journey.code][tone], strict=True)
    theme = rng.choices(themes, weights=weights)[0]
    text = rng.choice(comments.texts(theme, tone, language))
    if "{minutes}" in text:
        text = text.format(minutes=rng.choice((12, 15, 20, 25, 30, 35, 40, 45)))
    return text, ""


def _contact(rng: random.Random, language: str, area: str) -> dict[str, Any]:
    from sillage.demo.generator import email_local_part

    feminine = rng.random() < 0.5
    if language == "en":
        first = rng.choice(names.ENGLISH_FIRST_NAMES_F if feminine else names.ENGLISH_FIRST_NAMES_M)
        last = rng.choice(names.ENGLISH_LAST_NAMES)
    else:
        first = rng.choice(names.FRENCH_FIRST_NAMES_F if feminine else names.FRENCH_FIRST_NAMES_M)
        last = rng.choice(names.FRENCH_LAST_NAMES)
    # example.com is reserved (RFC 2606) and 555-01xx numbers are fictional: nobody real is
    # ever written to or called from the demo.
    email = f"{email_local_part(first, last)}{rng.randint(1, 99)}@example.com"
    phone = f"{area} 555-01{rng.randint(0, 99):02d}" if rng.random() < 0.5 else ""
    return {
        "contact_consent": True,
        "contact_name": f"{first} {last}",
        "contact_email": email,
        "contact_phone": phone,
    }


# --- Writing ------------------------------------------------------------------------------------


def insert_rows(model: type[models.Model], rows: Iterable[dict[str, Any]]) -> int:
    """Write many rows at once: COPY on PostgreSQL, executemany in chunks elsewhere (each
    an order of magnitude faster than the other way round on its database). Columns the
    rows leave out get the model's default, so that a field added later does not break the
    demo."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    defaults = {f.attname: f.get_default() for f in fields}
    adapters = [(f.attname, _adapter(f)) for f in fields]
    values = (
        tuple(adapt(row[name] if name in row else defaults[name]) for name, adapt in adapters)
        for row in rows
    )
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
                    count += 1
            return count
        marks = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 - model names
        chunk: list[tuple[Any, ...]] = []
        for row in values:
            chunk.append(row)
            if len(chunk) == INSERT_CHUNK:
                cursor.executemany(sql, chunk)
                count, chunk = count + len(chunk), []
        if chunk:
            cursor.executemany(sql, chunk)
            count += len(chunk)
    return count


def _adapter(model_field: models.Field) -> Any:
    if isinstance(model_field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(model_field, models.JSONField):
        return lambda value: model_field.get_db_prep_save(value, connection=connection)
    return lambda value: value
