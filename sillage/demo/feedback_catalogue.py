"""The demo's feedback catalogue: journeys, stages, touchpoints, published surveys, and a
survey link for each branch touchpoint of each branch.

It also plans who answers where (one `Stream` per touchpoint and unit) for the responses.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sillage.accounts.models import Membership, Organization, Unit
from sillage.demo import names
from sillage.demo.context import DemoContext
from sillage.demo.feedback_specs import (
    PER_BRANCH,
    SIZE_WEIGHT,
    JourneySpec,
    OrgSpec,
    SurveySpec,
    TouchpointSpec,
)
from sillage.demo.organizations import branch_code, team_code
from sillage.feedback.models import (
    Journey,
    Question,
    QuestionType,
    Stage,
    Survey,
    SurveyLink,
    SurveyVersion,
    Touchpoint,
)
from sillage.feedback.services import survey_publish


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


@dataclass
class OrgPlan:
    spec: OrgSpec
    organization: Organization
    versions: dict[str, SurveyVersion] = field(default_factory=dict)  # journey code -> version
    touchpoints: dict[str, Touchpoint] = field(default_factory=dict)
    streams: list[Stream] = field(default_factory=list)
    staff: dict[int, list[tuple[str, str]]] = field(default_factory=dict)  # unit -> names, codes


def create_catalogue(plan: OrgPlan) -> None:
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
    if served_by == "branch":
        return context.unit(names.HORIZON, branch_code(branch))
    teams = {t.code for t in names.BRANCH_TEAMS[branch.size]}
    team = names.TEAM_ADVICE if served_by == "advice" and "CONSEIL" in teams else None
    return context.unit(names.HORIZON, team_code(branch, team or names.TEAM_CUSTOMER))


def create_streams(context: DemoContext, plan: OrgPlan) -> int:
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
