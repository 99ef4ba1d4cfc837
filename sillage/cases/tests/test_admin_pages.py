"""Alert rules with their preview, the SLA policy and holidays, root causes, metrics,
flags and notification preferences; and every page in French."""

from datetime import date

import pytest

from sillage.cases.defaults import policy_for
from sillage.cases.models import AlertRule, CasePolicy, Holiday, NotificationPreference, RootCause
from sillage.cases.services import alerts_apply
from sillage.cases.services_work import (
    case_change_status,
    case_leader_join,
    case_log_contact,
    follow_up_answer,
)
from sillage.cases.tests.factories import make_case, make_response
from tests.test_i18n import english_left_behind

pytestmark = pytest.mark.django_db


def test_cx_lead_creates_a_keyword_rule(world, client_for):
    client = client_for(world.cx_lead)
    assert "Détracteurs (NPS 0 à 6)" in client.get("/o/caisse/cases/rules/").content.decode()
    response = client.post(
        "/o/caisse/cases/rules/new/",
        {
            "name_fr": "Frais",
            "name_en": "Fees",
            "is_active": "on",
            "keywords": "frais, fee*",
            "priority": "high",
            "opens_case": "on",
        },
    )
    assert response.status_code == 302
    rule = AlertRule.objects.get(name_en="Fees")
    assert (rule.keywords, rule.priority, rule.organization) == ("frais, fee*", "high", world.org)


def test_a_rule_without_condition_is_refused(world, client_for):
    page = client_for(world.cx_lead).post(
        "/o/caisse/cases/rules/new/", {"name_fr": "Vide", "priority": "normal"}
    )
    assert page.status_code == 200
    assert "Indiquez au moins une condition" in page.content.decode()
    assert not AlertRule.objects.filter(name_fr="Vide").exists()


def test_preview_says_how_many_responses_would_have_matched(world, client_for):
    make_response(world.org, world.b1, nps=9, comment="Des frais cachés!")
    make_response(world.org, world.b2, nps=9, comment="Frais", consent=False)
    make_response(world.org, world.b1, nps=9, comment="Rien à dire")
    page = client_for(world.cx_lead).post(
        "/o/caisse/cases/rules/preview/",
        {"name_fr": "Frais", "keywords": "frais", "priority": "normal"},
        headers={"HX-Request": "true"},
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "Aurait repéré 2 réponses au cours des 90 derniers jours" in html
    assert "(1 avec consentement à être contacté)" in html
    assert "<html" not in html


def test_managers_and_employees_cannot_edit_rules(world, client_for):
    policy_for(world.org)
    rule = AlertRule.objects.filter(organization=world.org).first()
    for user in (world.branch_manager, world.employee, world.executive):
        client = client_for(user)
        assert client.get("/o/caisse/cases/rules/").status_code == 404
        assert client.post(f"/o/caisse/cases/rules/{rule.pk}/", {"name_fr": "x"}).status_code == 404


def test_policy_change_changes_future_deadlines(world, client_for):
    client = client_for(world.cx_lead)
    assert client.get("/o/caisse/cases/settings/").status_code == 200
    data = {
        "time_zone": "America/Vancouver",
        "opens_at": "09:00",
        "closes_at": "17:00",
        "warn_percent": 50,
        "alert_window_days": 7,
        "follow_up_enabled": "on",
        "workdays_list": ["0", "1", "2", "3", "4"],
    }
    for priority in ("low", "normal", "high", "urgent"):
        data[f"first_{priority}"] = "8"
        data[f"resolve_{priority}"] = "24"
    assert client.post("/o/caisse/cases/settings/", data).status_code == 302
    policy = CasePolicy.objects.get(organization=world.org)
    assert (policy.zone_name, policy.delay_minutes("normal")) == ("America/Vancouver", (480, 1440))


def test_add_and_remove_a_holiday(world, client_for):
    client = client_for(world.cx_lead)
    client.post(
        "/o/caisse/cases/settings/holidays/",
        {
            "holiday-date": "2026-12-26",
            "holiday-name_fr": "Lendemain de Noël",
            "holiday-name_en": "Boxing Day",
        },
    )
    holiday = Holiday.objects.get(organization=world.org, date=date(2026, 12, 26))
    client.post(f"/o/caisse/cases/settings/holidays/{holiday.pk}/delete/")
    assert not Holiday.objects.filter(pk=holiday.pk).exists()


def test_root_causes_are_editable_and_bilingual(world, client_for):
    client = client_for(world.cx_lead)
    assert (
        "Frais de service ou tarification"
        in client.get("/o/caisse/cases/root-causes/").content.decode()
    )
    client.post(
        "/o/caisse/cases/root-causes/",
        {
            "code": "guichet",
            "name_fr": "Guichet automatique",
            "name_en": "ATM",
            "rank": 20,
            "is_active": "on",
        },
    )
    cause = RootCause.objects.get(organization=world.org, code="guichet")
    client.post(
        f"/o/caisse/cases/root-causes/{cause.pk}/",
        {"code": "guichet", "name_fr": "GAB", "name_en": "ATM", "rank": 20},
    )
    cause.refresh_from_db()
    assert (cause.name_fr, cause.is_active) == ("GAB", False)


def _closed_loop(world):
    """Two detractor cases: one contacted in time, resolved, followed up and recovered."""
    policy_for(world.org)
    cause = RootCause.objects.get(organization=world.org, code="frais")
    won = make_case(world.org, world.b1, nps=3)
    case_log_contact(case=won, author=world.branch_manager, channel="phone", outcome="reached")
    case_leader_join(case=won, leader=world.executive, take=False)
    case_change_status(
        case=won,
        to_status="resolved",
        expected_status="contacted",
        user=None,
        resolution="Frais remboursés",
        root_cause=cause,
        send_follow_up=True,
    )
    follow_up_answer(follow_up=won.follow_up, resolved=True, nps=9)
    late = make_case(world.org, world.b2, nps=1)
    return won, late


def test_loop_metrics_page(world, client_for):
    won, late = _closed_loop(world)
    page = client_for(world.cx_lead).get("/o/caisse/cases/metrics/")
    html = page.content.decode()
    assert page.status_code == 200
    assert ">50,0 %<" in html  # 1 of 2 detractors contacted in time
    assert "détracteurs contactés dans le délai (1 sur 2)" in html
    assert "(1 sur 1 qui ont répondu au suivi)" in html
    assert "Frais de service ou tarification" in html
    assert "&detractor=1&sla=met" in html
    assert "Frais de service ou tarification (1 · 100,0 %)" in html  # B1's own Pareto
    inbox = client_for(world.cx_lead).get(
        "/o/caisse/cases/?days=90&status=&tab=team&detractor=1&sla=met"
    )
    assert f"/cases/{won.pk}/" in inbox.content.decode()
    assert f"/cases/{late.pk}/" not in inbox.content.decode()


def test_flags_page_shows_no_contact_data(world, client_for):
    response = make_response(world.org, world.b1, nps=0, comment="Jamais plus", consent=False)
    alerts_apply(response_ids=[response.pk])
    html = client_for(world.employee).get("/o/caisse/cases/flags/").content.decode()
    assert "Jamais plus" in html and "Détracteurs (NPS 0 à 6)" in html


def test_daily_digest_preference(world, client_for):
    client = client_for(world.branch_manager)
    client.post("/o/caisse/cases/preferences/", {"daily_digest": "on"})
    assert NotificationPreference.objects.get(user=world.branch_manager).daily_digest is True


def test_dashboard_links_to_the_loop_metrics(world, client_for):
    html = client_for(world.cx_lead).get("/o/caisse/insights/").content.decode()
    assert "/o/caisse/cases/metrics/" in html


PAGES = [
    ("branch_manager", "/o/caisse/cases/"),
    ("regional_manager", "/o/caisse/cases/?tab=team"),
    ("branch_manager", "/o/caisse/cases/{case}/"),
    ("employee", "/o/caisse/cases/{case}/"),
    ("executive", "/o/caisse/cases/{case}/"),
    ("cx_lead", "/o/caisse/cases/metrics/"),
    ("cx_lead", "/o/caisse/cases/flags/"),
    ("cx_lead", "/o/caisse/cases/rules/"),
    ("cx_lead", "/o/caisse/cases/rules/new/"),
    ("cx_lead", "/o/caisse/cases/settings/"),
    ("cx_lead", "/o/caisse/cases/root-causes/"),
    ("branch_manager", "/o/caisse/cases/preferences/"),
    (None, "/r/{token}/"),
]


@pytest.mark.parametrize(("who", "url"), PAGES)
def test_case_pages_in_french_leave_no_english_behind(client, world, who, url):
    won, _late = _closed_loop(world)
    from sillage.cases.models import FollowUp

    fresh = make_case(world.org, world.b1, nps=2, comment="Très déçu")
    case_change_status(
        case=fresh,
        to_status="resolved",
        expected_status="new",
        user=None,
        resolution="Rappel fait",
        send_follow_up=True,
    )
    token = FollowUp.objects.get(case=fresh).token
    if who:
        client.force_login(getattr(world, who))
    page = client.get(url.format(case=won.pk, token=token), headers={"Accept-Language": "fr"})
    assert page.status_code == 200
    assert english_left_behind(page.content.decode()) == set()


def test_the_dashboard_loads_the_loops_headline_figures(world, client_for):
    """The insights dashboard asks for the panel after the page; it shows the figures."""
    from sillage.cases.tests.factories import make_case

    make_case(world.org, world.b1, nps=2, comment="Jamais rappelé")
    client = client_for(world.cx_lead)
    dashboard = client.get("/o/caisse/insights/").content.decode()
    assert 'hx-get="/o/caisse/cases/metrics/panel/"' in dashboard
    panel = client.get("/o/caisse/cases/metrics/panel/").content.decode()
    assert "(0 of 1)" in panel or "(0 sur 1)" in panel
    assert client_for(world.outsider).get("/o/caisse/cases/metrics/panel/").status_code == 404
