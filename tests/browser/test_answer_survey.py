"""A customer answers a survey on a phone in French, by keyboard and by touch; axe-core finds
no serious accessibility violation; the widget opens the survey from another site."""

from __future__ import annotations

import http.server
import re
import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE

AXE = Path(__file__).parent / "vendor" / "axe.min.js"


@pytest.fixture
def survey(browser_world, settings):
    from sillage.feedback.tests.factories import build_feedback

    settings.SILLAGE_SURVEY_MIN_SECONDS = 1
    return build_feedback(browser_world.org, browser_world.b1)


@pytest.fixture
def axe_phone(browser):
    """A phone that lets axe-core's script in despite the page's CSP (script nonces)."""
    context = browser.new_context(viewport=PHONE, locale="fr-CA", has_touch=True, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def serious_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("async () => await axe.run(document)")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']]}"
        for v in results["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def test_customer_answers_on_a_phone_in_french_by_keyboard_and_touch(phone, live_server, survey):
    from sillage.feedback.models import Response

    phone.goto(f"{live_server.url}/s/{survey.link.token}")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Visite en succursale")
    assert phone.evaluate("document.documentElement.lang") == "fr"
    follow_up = phone.get_by_role("textbox", name="Que devrions-nous améliorer?")
    expect(follow_up).to_be_hidden()  # revealed only by a low score

    # Keyboard: into the 0-10 group, arrows move the choice, Tab goes on to the follow-up.
    recommend = phone.get_by_role("group", name=re.compile("^Recommanderiez-vous"))
    recommend.get_by_role("radio", name="0 (Pas du tout probable)").focus()
    for _ in range(3):
        phone.keyboard.press("ArrowRight")
    expect(recommend.get_by_role("radio", name="3", exact=True)).to_be_checked()
    expect(follow_up).to_be_visible()
    expect(phone.get_by_role("textbox", name="Qu’avez-vous apprécié?")).to_be_hidden()
    phone.keyboard.press("Tab")
    expect(follow_up).to_be_focused()
    phone.keyboard.type("Plus de conseillers le samedi")

    # Touch: the satisfaction scale, the reason, and the consent block.
    satisfaction = phone.get_by_role("group", name=re.compile("êtes-vous satisfait"))
    four = satisfaction.get_by_role("radio", name="4", exact=True)
    four.tap()  # the radio covers its number box: a tap lands on the control itself
    expect(four).to_be_checked()
    phone.get_by_text("Conseil", exact=True).tap()
    email = phone.get_by_role("textbox", name="Adresse courriel")
    expect(email).to_be_hidden()
    phone.get_by_text("Oui, vous pouvez me contacter").tap()
    expect(email).to_be_visible()
    email.fill("jeanne@example.com")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    phone.wait_for_timeout(1000)  # the minimum fill time set for this test
    phone.get_by_role("button", name="Envoyer mes réponses").tap()

    expect(phone).to_have_url(re.compile(rf"/s/{survey.link.token}/merci\?lang=fr$"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("Merci!")
    expect(phone.get_by_text("Votre avis est transmis à l’équipe")).to_be_visible()
    row = Response.objects.exclude(pk=survey.response.pk).get(link=survey.link)
    assert row.survey_version == survey.version
    assert row.answers == {
        "nps": 3,
        "improve": "Plus de conseillers le samedi",
        "csat": 4,
        "reason": "advice",
        "contact": "yes",
    }
    assert (row.language, row.contact_consent, row.contact_email) == (
        "fr",
        True,
        "jeanne@example.com",
    )


def test_error_summary_takes_the_focus_and_links_to_the_field(phone, live_server, survey):
    phone.goto(f"{live_server.url}/s/{survey.link.token}")
    phone.wait_for_timeout(1000)
    phone.get_by_role("button", name="Envoyer mes réponses").click()

    summary = phone.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Il y a 1 problème dans vos réponses")
    summary.get_by_role("link", name="Cette question demande une réponse.").click()
    expect(phone.get_by_role("radio", name="0 (Pas du tout probable)")).to_be_focused()


def test_answer_page_has_no_serious_accessibility_violation(axe_phone, live_server, survey):
    page = axe_phone
    page.goto(f"{live_server.url}/s/{survey.link.token}")
    assert serious_violations(page) == []

    # With every follow-up and the contact details shown (as without JavaScript).
    page.get_by_role("radio", name="2", exact=True).first.click()
    page.get_by_text("Oui, vous pouvez me contacter").click()
    assert serious_violations(page) == []

    # The page with errors, then the thank-you page.
    page.get_by_role("textbox", name="Adresse courriel").fill("pas-un-courriel")
    page.wait_for_timeout(1000)
    page.get_by_role("button", name="Envoyer mes réponses").click()
    expect(page.get_by_role("alert")).to_contain_text("Saisissez une adresse courriel valide.")
    assert serious_violations(page) == []

    page.goto(f"{live_server.url}/s/{survey.link.token}/merci")
    assert serious_violations(page) == []


@pytest.fixture
def other_site():
    """Another origin embedding the widget: a small HTTP server serving one page per mode."""
    pages: dict[str, str] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server API
            body = pages.get(self.path, "").encode()
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield pages, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def host_page(script: str) -> str:
    return (
        '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Caisse</title></head>'
        f"<body><h1>Notre site</h1><p>Avant</p>{script}<p>Après</p></body></html>"
    )


def test_widget_opens_the_survey_in_a_dialog_that_escape_closes(
    desktop, live_server, survey, other_site
):
    pages, site = other_site
    src = f"{live_server.url}/w/{survey.link.token}.js"
    pages["/modal"] = host_page(f'<script src="{src}" data-mode="modal" async></script>')

    desktop.goto(f"{site}/modal")
    button = desktop.get_by_role("button", name="Donnez votre avis")
    button.click()
    dialog = desktop.get_by_role("dialog", name="Sondage client")
    expect(dialog).to_be_visible()
    frame = desktop.frame_locator("dialog iframe")
    expect(frame.get_by_role("heading", level=1)).to_have_text("Visite en succursale")

    # Escape from inside the survey (another origin) closes the dialog; focus returns.
    frame.get_by_role("radio", name="0 (Pas du tout probable)").focus()
    desktop.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(button).to_be_focused()

    button.press("Enter")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Fermer").click()
    expect(dialog).to_be_hidden()
    expect(button).to_be_focused()


def test_inline_widget_records_an_answer_with_source_widget(
    desktop, live_server, survey, other_site
):
    from sillage.feedback.models import Response

    pages, site = other_site
    src = f"{live_server.url}/w/{survey.link.token}.js"
    pages["/inline"] = host_page(f'<script src="{src}" data-mode="inline" async></script>')

    desktop.goto(f"{site}/inline")
    frame = desktop.frame_locator("script + iframe")
    frame.get_by_role("radio", name="9", exact=True).check()
    frame.get_by_role("textbox", name="Qu’avez-vous apprécié?").fill("L’accueil")
    desktop.wait_for_timeout(1000)
    frame.get_by_role("button", name="Envoyer mes réponses").click()

    expect(frame.get_by_role("heading", level=1)).to_have_text("Merci!")
    row = Response.objects.get(link=survey.link, source="widget")
    assert row.answers == {"nps": 9, "liked": "L’accueil"}
