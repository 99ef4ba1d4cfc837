"""The closed loop in a real browser: a branch manager receives a case on her phone, logs a
call and resolves it."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.browser.test_answer_survey import serious_violations
from tests.browser.test_login_and_units import sign_in


@pytest.fixture
def phone(browser):
    """A French phone; CSP bypassed only so that the accessibility checker can be injected."""
    context = browser.new_context(viewport=PHONE, locale="fr-CA", has_touch=True, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_branch_manager_receives_a_case_logs_a_call_and_resolves_it(
    phone, live_server, browser_world
):
    from sillage.cases.models import Case
    from sillage.cases.services import alerts_apply
    from sillage.cases.tests.factories import make_response

    world = browser_world
    response = make_response(
        world.org, world.b1, nps=2, comment="Trois visites pour un simple changement d'adresse."
    )
    alerts_apply(response_ids=[response.pk], notify=False)
    case = Case.objects.get(response=response)

    sign_in(phone, live_server, "beatrice@caisse.test")
    expect(phone).to_have_url(re.compile(r"/o/caisse/$"))
    phone.goto(f"{live_server.url}/o/caisse/cases/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Mes dossiers")
    phone.get_by_role("link", name=f"#{case.pk}").click()

    expect(phone.get_by_role("heading", level=1)).to_have_text(
        f"Dossier n° {case.pk} · Succursale Plateau"
    )
    expect(phone.get_by_test_id("contact-name")).to_have_text("Marie Client")
    expect(phone.get_by_test_id("case-status")).to_have_text("Nouveau")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert serious_violations(phone) == []

    contact = phone.locator(
        "form", has=phone.get_by_role("group", name="Consigner une tentative de contact")
    )
    contact.get_by_label("Canal").select_option("phone")
    contact.get_by_label("Résultat").select_option("reached")
    contact.get_by_label("Ce qui a été dit").fill(
        "Excuses présentées; adresse corrigée au téléphone."
    )
    contact.get_by_role("button", name="Consigner la tentative").click()
    expect(phone.get_by_text("Tentative de contact consignée.")).to_be_visible()
    expect(phone.get_by_test_id("case-status")).to_have_text("Client joint")

    status = phone.locator("form", has=phone.get_by_role("group", name="Changer le statut"))
    status.get_by_label("Nouveau statut").select_option("resolved")
    status.get_by_label("Résolution").fill("Adresse corrigée et frais de relevé remboursés.")
    status.get_by_label("Cause première").select_option(label="Erreur de transaction ou de dossier")
    status.get_by_role("button", name="Changer le statut").click()

    expect(phone.get_by_text("Statut modifié.")).to_be_visible()
    expect(phone.get_by_test_id("case-status")).to_have_text("Résolu")
    timeline = phone.get_by_role("list").filter(has_text="Tentative de contact")
    expect(timeline).to_contain_text("Téléphone · Client joint")
    case.refresh_from_db()
    assert (case.status, case.root_cause.code) == ("resolved", "erreur")
    assert case.first_contacted_at is not None


def test_cx_lead_previews_a_rule_before_saving_it(phone, live_server, browser_world):
    from sillage.cases.models import AlertRule
    from sillage.cases.tests.factories import make_response

    world = browser_world
    make_response(world.org, world.b1, nps=8, comment="On m'a parlé d'une FRAUDE possible")
    make_response(world.org, world.b2, nps=9, comment="Fraudé? Non, tout va bien", consent=False)
    make_response(world.org, world.b2, nps=9, comment="Parfait")

    sign_in(phone, live_server, "chloe@caisse.test")
    expect(phone).to_have_url(re.compile(r"/o/caisse/$"))
    phone.goto(f"{live_server.url}/o/caisse/cases/rules/new/")
    phone.get_by_label("Nom (français)").fill("Fraude (test)")
    phone.get_by_label("Mots dans le commentaire").fill("fraude*")
    phone.get_by_role("button", name="Aperçu : combien de réponses repérerait-elle?").click()
    expect(phone.get_by_test_id("rule-preview")).to_have_text(
        "Aurait repéré 2 réponses au cours des 90 derniers jours "
        "(1 avec consentement à être contacté)."
    )
    assert serious_violations(phone) == []
    phone.get_by_role("button", name="Enregistrer").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Règles d’alerte")
    assert AlertRule.objects.filter(name_fr="Fraude (test)", keywords="fraude*").exists()
