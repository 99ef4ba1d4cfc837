"""The demo's voice of the customer: journeys, surveys, survey links and a year of responses.

Caisse Horizon gets six journeys (account opening, mortgage, branch visit, contact centre
call, mobile app, complaint), a published survey for each, a link for every branch and
branch touchpoint, and about 60,000 responses over the last twelve months. They carry the
stories a presenter tells: the RRSP rush in February and the mortgage renewals of spring, the
summer lull, branches that are steadily better or worse than the rest, Plateau-Mont-Royal
climbing after its team's workshop, Longueuil sliding as its people turn over, and the mobile
app release that went wrong four months ago. Compliments name real employees of the team
that served the customer. Assurances Boréale gets a small set.

This module is the demo step; what the journeys are lives in `feedback_specs`, the catalogue
and its survey links in `feedback_catalogue`, and the responses in `feedback_responses`.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet

from sillage.accounts.models import Organization
from sillage.demo.context import DemoContext
from sillage.demo.feedback_catalogue import (
    OrgPlan,
    Stream,
    create_catalogue,
    create_streams,
)
from sillage.demo.feedback_responses import (
    APP_INCIDENT,
    DAYS,
    INSERT_CHUNK,
    Calendar,
    demo_today,
    insert_rows,
    write_responses,
)
from sillage.demo.feedback_specs import (
    AREA_CODES,
    BOREALE_JOURNEYS,
    BOREALE_RESPONSES,
    BOREALE_SPEC,
    BOREALE_SURVEYS,
    BOREALE_TOUCHPOINTS,
    BRANCH_ENGLISH,
    BRANCH_SHIFT,
    HORIZON_JOURNEYS,
    HORIZON_RESPONSES,
    HORIZON_SPEC,
    HORIZON_SURVEYS,
    HORIZON_TOUCHPOINTS,
    PER_BRANCH,
    REGION_ENGLISH,
    SIZE_WEIGHT,
    UNIT_ENGLISH,
    UNIT_SHIFT,
    JourneySpec,
    OrgSpec,
    SurveySpec,
    T,
    TouchpointSpec,
)
from sillage.feedback import hooks
from sillage.feedback.models import Response, SurveyLink

# What moved to the sibling modules stays importable from here, where callers and tests look.
__all__ = [
    "APP_INCIDENT",
    "AREA_CODES",
    "BOREALE_JOURNEYS",
    "BOREALE_RESPONSES",
    "BOREALE_SPEC",
    "BOREALE_SURVEYS",
    "BOREALE_TOUCHPOINTS",
    "BRANCH_ENGLISH",
    "BRANCH_SHIFT",
    "DAYS",
    "HORIZON_JOURNEYS",
    "HORIZON_RESPONSES",
    "HORIZON_SPEC",
    "HORIZON_SURVEYS",
    "HORIZON_TOUCHPOINTS",
    "INSERT_CHUNK",
    "PER_BRANCH",
    "REGION_ENGLISH",
    "SIZE_WEIGHT",
    "TEST_RESPONSES",
    "UNIT_ENGLISH",
    "UNIT_SHIFT",
    "Calendar",
    "JourneySpec",
    "OrgPlan",
    "OrgSpec",
    "Stream",
    "SurveySpec",
    "T",
    "TouchpointSpec",
    "build_feedback",
    "clear_feedback",
    "demo_today",
    "insert_rows",
    "response_volume",
]

# The test profile builds a tenth: the demo is seeded by many tests, and none needs a year
# of volume except the ones that ask for it through this setting.
TEST_RESPONSES = 6_000


def response_volume(default: int) -> int:
    """How many responses to build: the full demo's, scaled by the SILLAGE_DEMO_RESPONSES
    setting (Caisse Horizon's count) when there is one, or to a tenth in the test profile."""
    configured = getattr(settings, "SILLAGE_DEMO_RESPONSES", None)
    if configured is not None:
        return int(configured * default / HORIZON_RESPONSES)
    if getattr(settings, "SILLAGE_ENV", "") == "test":
        return int(TEST_RESPONSES * default / HORIZON_RESPONSES)
    return default


def build_feedback(*, context: DemoContext) -> None:
    for spec in (HORIZON_SPEC, BOREALE_SPEC):
        plan = OrgPlan(spec=spec, organization=context.organizations[spec.slug])
        create_catalogue(plan)
        links = create_streams(context, plan)
        written = write_responses(
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
