"""Text analytics in a real browser: a branch manager on a phone filters the verbatims by
theme, sees the evidence highlighted, and corrects a sentiment in one click (htmx)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sillage.insights.services import rollups_rebuild
from sillage.insights.tests.factories import add_response
from sillage.textai.models import Correction
from sillage.textai.processing import analyse_responses
from tests.browser.test_dashboard import csp_errors
from tests.browser.test_login_and_units import sign_in


@pytest.fixture
def text_world(browser_world):
    world = browser_world
    now = timezone.now()
    rows = [
        (world.b1, "Attente trop longue au comptoir, une seule caissière.", 2),
        (world.b1, "Conseillère courtoise et compétente, merci!", 10),
        (world.t1, "J'ai attendu 40 minutes pour un simple dépôt.", 3),
        (world.b2, "Attente interminable à Verdun.", 1),
    ]
    ids = [
        add_response(world.org, unit, now - timedelta(days=2 + i), nps=nps, comment=text).pk
        for i, (unit, text, nps) in enumerate(rows)
    ]
    analyse_responses(organization=world.org, response_ids=ids)  # the real default engine
    rollups_rebuild(organization=world.org)
    world.response_ids = ids
    return world


def test_manager_filters_by_theme_sees_evidence_and_corrects_a_sentiment(
    phone, live_server, text_world
):
    errors = csp_errors(phone)
    sign_in(phone, live_server, "beatrice@caisse.test")
    phone.goto(f"{live_server.url}/o/caisse/insights/verbatims/")
    phone.get_by_label("Thème", exact=True).select_option(label="Temps d'attente")
    phone.locator("form.filters button[type=submit]").click()
    expect(phone).to_have_url(re.compile(r"theme=wait_time"))
    items = phone.locator("li.verbatim")
    expect(items).to_have_count(2)  # Verdun's wait is not in her subtree
    expect(items.nth(0).locator("mark").first).to_have_text(re.compile(r"^Attente$", re.I))
    expect(items.nth(1).locator("mark").first).to_have_text(re.compile(r"^attendu$", re.I))
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    first = items.nth(0)
    button = first.get_by_role("button", name=re.compile("Neutre"))
    expect(button).to_have_attribute("aria-pressed", "false")
    button.click()
    expect(first.get_by_role("button", name=re.compile("Neutre"))).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(first.locator(".sentiment")).to_contain_text("corrigé")
    assert "theme=wait_time" in phone.url  # no page load: the row was swapped in place
    correction = Correction.objects.get()
    assert (correction.field, correction.new_value) == ("sentiment", "neutral")
    assert correction.user.email == "beatrice@caisse.test"
    assert errors == []
