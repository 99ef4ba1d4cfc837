"""Insights in a real browser: a branch manager on a phone and an executive on a desktop open
the dashboard, click a figure, and land on the verbatims behind it."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sillage.insights.services import rollups_rebuild
from sillage.insights.tests.factories import add_response, build_catalogue
from tests.browser.conftest import DESKTOP
from tests.browser.test_answer_survey import serious_violations
from tests.browser.test_login_and_units import sign_in


@pytest.fixture
def dashboard_world(browser_world):
    world = browser_world
    cat = build_catalogue(world.org)
    now = timezone.now()
    plan = [
        (world.b1, [10, 9, 9, 3, 8, 0, 10], cat.counter),
        (world.t1, [9, 6], cat.desk),
        (world.b2, [9, 9, 9, 9], cat.counter),
        (world.b3, [2, 1, 7], cat.app),
    ]
    comments = ["Prêt obtenu très vite, merci!", "", "Attente trop longue", ""]
    for unit, scores, touchpoint in plan:
        for index, nps in enumerate(scores):
            add_response(
                world.org,
                unit,
                now - timedelta(days=3 + index, hours=2),
                nps=nps,
                csat=4 if nps >= 7 else 2,
                comment=comments[index % len(comments)],
                touchpoint=touchpoint,
            )
    rollups_rebuild(organization=world.org)
    world.journey_id = cat.visit.pk
    return world


def csp_errors(page) -> list[str]:
    errors: list[str] = []
    page.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    return errors


def test_branch_manager_on_a_phone_opens_the_verbatims_behind_her_nps(
    phone, live_server, dashboard_world
):
    errors = csp_errors(phone)
    sign_in(phone, live_server, "beatrice@caisse.test")
    phone.goto(f"{live_server.url}/o/caisse/insights/")
    nps = phone.locator('a.kpi__value[data-metric="nps"]')
    expect(nps).to_have_text("+22")  # B1 and T1: 5 promoters, 3 detractors of 9
    meta = phone.locator(".kpi").first.locator(".kpi__meta")
    expect(meta).to_contain_text("9")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    # The charts are drawn by the vendored Chart.js, from the JSON block, within the CSP.
    phone.wait_for_function(
        "() => window.Chart && Chart.getChart(document.querySelector('canvas[data-chart=trend]'))"
    )
    assert "Verdun" not in phone.content()

    nps.click()
    expect(phone).to_have_url(re.compile(r"/o/caisse/insights/verbatims/\?.*band=nps"))
    expect(phone.locator("#results-title")).to_have_text(re.compile(r"^9 "))
    items = phone.locator("li.verbatim")
    expect(items).to_have_count(9)
    units = set(items.locator(".verbatim__head a").all_inner_texts())
    assert units == {"Succursale Plateau", "Équipe conseil"}
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    phone.get_by_label(re.compile("Mots dans le commentaire|Words in the comment")).fill("PRET")
    phone.locator("form.filters button[type=submit]").click()
    expect(phone.locator("li.verbatim mark")).to_have_text(["Prêt"] * 3)  # 2 in B1, 1 in T1
    assert errors == []


def test_executive_on_a_desktop_clicks_a_region_and_reads_its_verbatims(
    desktop, live_server, dashboard_world
):
    errors = csp_errors(desktop)
    sign_in(desktop, live_server, "edouard@caisse.test")
    desktop.goto(f"{live_server.url}/o/caisse/insights/")
    expect(desktop.locator('a.kpi__value[data-metric="responses"]')).to_have_text("16")
    row = desktop.locator("#units-table tbody tr").filter(has_text=re.compile("Montr"))
    expect(row).to_have_count(1)
    count = row.locator('a.figure[data-metric="responses"]')
    expect(count).to_have_text("13")  # B1 7 + T1 2 + B2 4
    row.locator('a.figure[data-metric="nps"]').click()
    expect(desktop).to_have_url(re.compile(rf"unit={dashboard_world.r1.pk}"))
    expect(desktop.locator("#results-title")).to_have_text(re.compile(r"^13 "))
    expect(desktop.locator("li.verbatim")).to_have_count(13)
    heads = set(desktop.locator("li.verbatim .verbatim__head a").all_inner_texts())
    assert heads == {"Succursale Plateau", "Équipe conseil", "Succursale Verdun"}
    assert errors == []


@pytest.fixture
def axe_desktop(browser):
    """A desktop that lets axe-core's script in despite the page's CSP."""
    context = browser.new_context(viewport=DESKTOP, locale="fr-CA", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_insights_pages_have_no_serious_accessibility_violation(
    axe_desktop, live_server, dashboard_world
):
    page = axe_desktop
    sign_in(page, live_server, "edouard@caisse.test")
    for path in (
        "/o/caisse/insights/",
        f"/o/caisse/insights/units/{dashboard_world.b1.pk}/",
        "/o/caisse/insights/verbatims/?q=pret",
    ):
        page.goto(f"{live_server.url}{path}")
        assert serious_violations(page) == [], path
