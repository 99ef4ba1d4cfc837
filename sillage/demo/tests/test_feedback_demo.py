"""The demo's voice of the customer: journeys, surveys, links and a year of responses."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Q
from django.test import override_settings
from django.utils import timezone, translation

from sillage.accounts.models import Membership, Organization
from sillage.demo import comments
from sillage.demo.feedback_demo import HORIZON_TOUCHPOINTS, PER_BRANCH
from sillage.demo.generator import demo_delete
from sillage.demo.names import BRANCHES
from sillage.demo.workshops_demo import RISE_RESPONSES
from sillage.feedback.definition import validate_answers
from sillage.feedback.models import (
    Journey,
    Response,
    Source,
    Survey,
    SurveyLink,
    SurveyStatus,
    Touchpoint,
)

pytestmark = pytest.mark.django_db


def seed(*args: str) -> None:
    call_command("seed_demo", *args, stdout=StringIO())


@pytest.fixture(scope="module")
def full_year(django_db_setup, django_db_blocker):
    """The full demo, built once for the module (about 5 s) and deleted after it: each test
    reads it inside its own transaction."""
    with django_db_blocker.unblock(), override_settings(SILLAGE_DEMO_RESPONSES=60_000):
        seed()
        yield
        demo_delete()


@pytest.fixture
def full_demo(full_year):
    return Organization.objects.get(slug="horizon"), Organization.objects.get(slug="boreale")


def template_pattern(template: str) -> re.Pattern[str]:
    text = re.escape(template)
    text = text.replace(re.escape("{minutes}"), r"\d+").replace(re.escape("{name}"), "(?P<name>.+)")
    return re.compile(f"^{text}$")


def bank_patterns(language: str) -> list[re.Pattern[str]]:
    templates = [t for texts in comments.BANK.values() for t in texts[language]]
    return [template_pattern(t) for t in templates + list(comments.COMPLIMENTS[language])]


def nps_of(responses) -> float:
    scores = Counter(
        "promoter" if n >= 9 else "detractor" if n <= 6 else "passive"
        for n in responses.values_list("nps", flat=True)
    )
    return 100 * (scores["promoter"] - scores["detractor"]) / sum(scores.values())


def test_horizon_has_six_journeys_each_with_a_published_survey(full_demo):
    horizon, boreale = full_demo
    journeys = Journey.objects.filter(organization=horizon).order_by("rank")
    assert [(j.code, j.name_fr, j.name_en) for j in journeys] == [
        ("ouverture", "Ouverture de compte", "Account opening"),
        ("hypotheque", "Prêt hypothécaire", "Mortgage"),
        ("visite", "Visite en succursale", "Branch visit"),
        ("centre-contact", "Appel au centre de contact", "Contact centre call"),
        ("appli", "Application mobile", "Mobile app"),
        ("plainte", "Plainte", "Complaint"),
    ]
    touchpoints = Touchpoint.objects.filter(organization=horizon)
    assert touchpoints.count() == len(HORIZON_TOUCHPOINTS)
    assert not touchpoints.filter(Q(name_fr="") | Q(name_en="") | Q(channel="")).exists()
    assert touchpoints.get(code="cc-clavardage").name_fr == "Clavardage"
    surveys = Survey.objects.filter(organization=horizon)
    assert surveys.count() == 6
    assert set(surveys.values_list("status", flat=True)) == {SurveyStatus.PUBLISHED}
    for survey in surveys:
        keys = [q["key"] for q in survey.latest_version().definition["questions"]]
        assert keys[0] == "nps" and keys[-1] == "contact"
        assert {"improve", "neutral", "liked", "csat"} <= set(keys)
    assert Journey.objects.filter(organization=boreale).count() == 2


def test_every_branch_has_a_link_for_each_branch_touchpoint(full_demo):
    horizon, _boreale = full_demo
    per_branch = [tp for tp in HORIZON_TOUCHPOINTS if tp.served_by in PER_BRANCH]
    links = SurveyLink.objects.filter(organization=horizon)
    assert links.count() == len(BRANCHES) * len(per_branch) == 280
    # Each link points at the branch (complaints) or the branch team serving the touchpoint,
    # with the survey of the touchpoint's journey.
    assert (
        not links.exclude(unit__code__startswith="B-").exclude(unit__code__startswith="T-").exists()
    )
    assert not links.exclude(
        survey__touchpoint__stage__journey=F("touchpoint__stage__journey")
    ).exists()


def test_a_year_of_responses_in_the_expected_volume(full_demo):
    horizon, boreale = full_demo
    responses = Response.objects.filter(organization=horizon)
    assert responses.count() == 60_000 + RISE_RESPONSES  # the workshops step adds its rise
    assert Response.objects.filter(organization=boreale).count() == 1_200
    today = timezone.localdate()
    first, last = (
        responses.order_by("submitted_at").first().submitted_at,
        responses.order_by("submitted_at").last().submitted_at,
    )
    assert today - timedelta(days=367) <= timezone.localdate(first) <= today - timedelta(days=360)
    assert timezone.localdate(last) < today
    by_source = dict(responses.values_list("source").annotate(n=Count("id")))
    assert set(by_source) == {Source.LINK, Source.EMAIL, Source.WIDGET, Source.API}
    served = set(responses.values_list("unit__code", flat=True).distinct())
    branches = {code for code in served if code.startswith(("B-", "T-"))}
    assert len({code.split("-")[2] for code in branches}) == 40
    assert {"CC-T1", "CC-T2", "CC-T3", "DIG"} <= served


def test_every_response_belongs_to_its_organisations_rows(full_demo):
    for organization in full_demo:
        responses = Response.objects.filter(organization=organization)
        assert not responses.exclude(unit__organization=organization).exists()
        assert not responses.exclude(touchpoint__organization=organization).exists()
        assert not responses.exclude(survey__organization=organization).exists()
        assert not responses.exclude(survey_version__survey=F("survey")).exists()
        assert not responses.filter(link__isnull=False).exclude(link__unit=F("unit")).exists()
        assert not responses.exclude(
            survey__touchpoint__stage__journey=F("touchpoint__stage__journey")
        ).exists()


def test_comments_are_in_both_languages_and_in_the_response_language(full_demo):
    horizon, _boreale = full_demo
    responses = Response.objects.filter(organization=horizon)
    english = responses.filter(language="en").count() / responses.count()
    assert 0.2 <= english <= 0.3
    with_comment = responses.exclude(comment="")
    assert 0.4 <= with_comment.count() / responses.count() <= 0.6
    patterns = {language: bank_patterns(language) for language in ("fr", "en")}
    for language, comment in with_comment.values_list("language", "comment")[:3000]:
        assert any(p.match(comment) for p in patterns[language]), (language, comment)


def test_compliments_name_a_real_employee_of_the_team_that_served(full_demo):
    horizon, _boreale = full_demo
    members = {
        m.employee_code: m
        for m in Membership.objects.filter(organization=horizon)
        .exclude(employee_code="")
        .select_related("user")
    }
    compliments = [
        template_pattern(t) for language in ("fr", "en") for t in comments.COMPLIMENTS[language]
    ]
    named = 0
    rows = Response.objects.filter(organization=horizon).exclude(comment="")
    for comment, code, unit_id, nps in rows.values_list("comment", "employee_code", "unit", "nps"):
        match = next((m for p in compliments if (m := p.match(comment))), None)
        if match is None:
            continue
        named += 1
        member = members[code]
        assert match["name"] == member.user.first_name
        assert member.unit_id == unit_id
        assert nps >= 9
    assert named >= 1_000


def test_answers_are_valid_against_the_version_they_answered(full_demo):
    horizon, _boreale = full_demo
    responses = Response.objects.filter(organization=horizon)
    every_120th = list(responses.order_by("id").values_list("id", flat=True))[::120]
    sample = responses.filter(pk__in=every_120th).select_related("survey_version")
    for response in sample:
        data = dict(response.answers)
        if response.contact_consent:
            data["contact_email"] = response.contact_email
            data["contact_phone"] = response.contact_phone
        with translation.override("en"):
            validated = validate_answers(response.survey_version.definition, data)
        assert validated.errors == {}, (response.answers, validated.errors)
        assert (validated.nps, validated.csat, validated.ces) == (
            response.nps,
            response.csat,
            response.ces,
        )
        assert validated.comment == response.comment
        assert validated.contact_consent == response.contact_consent
        if response.contact_consent:
            assert response.contact_email.endswith("@example.com")


def test_seasons_and_branches_differ(full_demo):
    horizon, _boreale = full_demo
    responses = Response.objects.filter(organization=horizon)
    visits = responses.filter(touchpoint__stage__journey__code="visite")
    by_month = Counter(
        timezone.localtime(t).month for t in visits.values_list("submitted_at", flat=True)
    )
    assert by_month[2] > 1.5 * by_month[7]  # the RRSP rush against the summer lull
    mortgages = responses.filter(touchpoint__stage__journey__code="hypotheque")
    by_month = Counter(
        timezone.localtime(t).month for t in mortgages.values_list("submitted_at", flat=True)
    )
    assert by_month[5] > 2 * by_month[1]  # spring renewals
    magog = nps_of(responses.filter(unit__path__startswith=unit_path(horizon, "B-EST-MAGOG")))
    hochelaga = nps_of(
        responses.filter(unit__path__startswith=unit_path(horizon, "B-MTL-HOCHELAGA"))
    )
    assert magog - hochelaga > 40


def unit_path(organization, code):
    return organization.units.get(code=code).path


def test_the_same_seed_gives_the_same_responses(settings):
    settings.SILLAGE_DEMO_RESPONSES = 3_000

    def snapshot():
        return list(
            # A total order: two answers can share a minute, a unit and a touchpoint.
            Response.objects.order_by(
                "submitted_at", "unit__code", "touchpoint__code", "language", "comment", "nps"
            ).values_list(
                "organization__slug",
                "unit__code",
                "touchpoint__code",
                "survey__name_fr",
                "source",
                "submitted_at",
                "language",
                "nps",
                "csat",
                "ces",
                "comment",
                "employee_code",
                "contact_email",
            )
        )

    seed("--reset")
    first = snapshot()
    seed("--reset")  # deletes the responses it made, then builds them again
    assert snapshot() == first
    assert len(first) == 3_000 + 60 + RISE_RESPONSES
    assert Survey.objects.count() == 8
