"""A CX lead reorders survey questions on a desktop: with the keyboard (focus stays on the
moved question) and by dragging with the mouse; then a journey's stages."""

import re

from playwright.sync_api import expect

from sillage.accounts.models import Organization
from sillage.feedback.models import Channel
from sillage.feedback.services_builder import journey_create, stage_create, touchpoint_create
from sillage.feedback.tests.factories import build_feedback, make_survey
from tests.browser.test_login_and_units import sign_in

CSAT = "Dans l’ensemble, êtes-vous satisfait de votre visite?"


def question_keys(page):
    return page.locator("#question-list > li code").all_inner_texts()


def watch_console(page):
    problems = []
    page.on(
        "console",
        lambda m: (
            problems.append(f"{m.text} {m.location.get('url')}")
            if m.type == "error" and not m.location.get("url", "").endswith("/favicon.ico")
            else None
        ),
    )
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on(
        "response",
        lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None,
    )
    return problems


def test_cx_lead_moves_a_question_up_twice_with_the_keyboard(desktop, live_server, browser_world):
    survey = make_survey(Organization.objects.get(slug="caisse"))
    problems = watch_console(desktop)
    sign_in(desktop, live_server, "chloe@caisse.test")
    expect(desktop).to_have_url(re.compile(r"/o/caisse/$"))
    desktop.goto(f"{live_server.url}/o/caisse/surveys/{survey.pk}/")
    assert question_keys(desktop) == ["nps", "improve", "liked", "csat", "reason", "contact"]

    up = desktop.get_by_role("button", name=f"Monter « {CSAT} »")
    up.focus()
    desktop.keyboard.press("Enter")
    expect(desktop.locator("#editor-status")).to_contain_text("en position 3 sur 6")
    assert question_keys(desktop) == ["nps", "improve", "csat", "liked", "reason", "contact"]
    # the list was swapped in place, and focus stayed on the moved question's button
    expect(desktop.get_by_role("button", name=f"Monter « {CSAT} »")).to_be_focused()

    desktop.keyboard.press("Enter")
    expect(desktop.locator("#editor-status")).to_contain_text("en position 2 sur 6")
    assert question_keys(desktop) == ["nps", "csat", "improve", "liked", "reason", "contact"]
    expect(desktop.get_by_role("button", name=f"Monter « {CSAT} »")).to_be_focused()
    assert desktop.evaluate("document.activeElement.id").endswith("-up")

    # at the top, "move up" is inactive (aria-disabled) but keeps focus
    desktop.keyboard.press("Enter")
    expect(desktop.locator("#editor-status")).to_contain_text("en position 1 sur 6")
    top_up = desktop.get_by_role("button", name=f"Monter « {CSAT} »")
    expect(top_up).to_be_focused()
    expect(top_up).to_have_attribute("aria-disabled", "true")
    assert question_keys(desktop) == ["csat", "nps", "improve", "liked", "reason", "contact"]

    # a follow-up cannot go above the score question it depends on: refused, in words
    desktop.get_by_role("button", name="Monter « Que devrions-nous améliorer? »").focus()
    desktop.keyboard.press("Enter")
    expect(desktop.locator("#editor-status .notice--error")).to_contain_text(
        "s’affiche selon la réponse à « nps »"
    )
    assert question_keys(desktop) == ["csat", "nps", "improve", "liked", "reason", "contact"]
    desktop.reload()
    assert question_keys(desktop) == ["csat", "nps", "improve", "liked", "reason", "contact"]
    assert problems == []


def test_cx_lead_drags_a_question_with_the_mouse(desktop, live_server, browser_world):
    survey = make_survey(Organization.objects.get(slug="caisse"))
    problems = watch_console(desktop)
    sign_in(desktop, live_server, "chloe@caisse.test")
    expect(desktop).to_have_url(re.compile(r"/o/caisse/$"))
    desktop.goto(f"{live_server.url}/o/caisse/surveys/{survey.pk}/")
    # both the dragged handle and the drop target on screen: a drag does not scroll
    desktop.set_viewport_size({"width": 1280, "height": 4000})
    items = desktop.locator("#question-list > li")
    handle = items.nth(4).locator("[data-reorder-handle]")  # "reason"
    expect(handle).to_be_visible()
    start, target = handle.bounding_box(), items.nth(3).bounding_box()  # above "csat"
    desktop.mouse.move(start["x"] + 4, start["y"] + 8)
    desktop.mouse.down()
    desktop.mouse.move(start["x"] + 8, start["y"] - 20, steps=5)
    desktop.mouse.move(target["x"] + 20, target["y"] + 10, steps=10)
    desktop.mouse.up()
    expect(desktop.locator("#editor-status")).to_contain_text("Le nouvel ordre est enregistré.")
    assert question_keys(desktop) == ["nps", "improve", "liked", "reason", "csat", "contact"]
    desktop.reload()
    assert question_keys(desktop) == ["nps", "improve", "liked", "reason", "csat", "contact"]
    assert problems == []


def test_cx_lead_reorders_stages_with_the_keyboard(desktop, live_server, browser_world):
    organization = Organization.objects.get(slug="caisse")
    journey = journey_create(organization=organization, code="pret", name_fr="Prêt")
    for name in ("Demande", "Analyse", "Signature"):
        stage = stage_create(journey=journey, name_fr=name)
    touchpoint_create(stage=stage, code="bureau", channel=Channel.BRANCH, name_fr="Bureau")
    sign_in(desktop, live_server, "chloe@caisse.test")
    expect(desktop).to_have_url(re.compile(r"/o/caisse/$"))
    desktop.goto(f"{live_server.url}/o/caisse/journeys/{journey.pk}/")
    down = desktop.get_by_role("button", name="Descendre « Demande »")
    down.focus()
    desktop.keyboard.press("Enter")
    titles = desktop.locator("#stage-list .stage__title")
    expect(titles.first).to_have_text("Analyse")
    expect(desktop.get_by_role("button", name="Descendre « Demande »")).to_be_focused()
    desktop.keyboard.press("Enter")
    expect(titles.last).to_have_text("Demande")
    # at the bottom, "move down" is inactive (aria-disabled) and keeps focus
    bottom_down = desktop.get_by_role("button", name="Descendre « Demande »")
    expect(bottom_down).to_be_focused()
    expect(bottom_down).to_have_attribute("aria-disabled", "true")
    desktop.keyboard.press("Enter")  # changes nothing
    expect(desktop.locator("#editor-status")).to_contain_text("l’étape 3 sur 3")
    expect(titles.last).to_have_text("Demande")
    expect(bottom_down).to_be_focused()


def test_cx_lead_builds_a_survey_without_page_reloads(desktop, live_server, browser_world):
    organization = Organization.objects.get(slug="caisse")
    feedback = build_feedback(organization, organization.units.get(code="B1"))
    problems = watch_console(desktop)
    desktop.on("dialog", lambda dialog: dialog.accept())  # "delete question 8?"
    sign_in(desktop, live_server, "chloe@caisse.test")
    expect(desktop).to_have_url(re.compile(r"/o/caisse/$"))
    desktop.goto(f"{live_server.url}/o/caisse/surveys/{feedback.survey.pk}/")
    desktop.evaluate("window.sameDocument = true")
    status = desktop.locator("#editor-status")

    desktop.get_by_role("link", name="Texte court").click()
    expect(desktop.get_by_label("Question en français")).to_be_focused()
    desktop.get_by_label("Question en français").fill("Le nom de votre conseiller?")
    desktop.get_by_role("button", name="Ajouter la question").click()
    expect(status).to_contain_text("Question 7 ajoutée")
    expect(desktop.locator("#question-form-new")).to_have_count(0)
    expect(desktop.locator("#survey-status")).to_contain_text("Modifications non publiées")
    expect(desktop.locator("#language-summary")).to_contain_text("Question 7 (text)")
    expect(desktop.get_by_role("link", name="Modifier (question 7)")).to_be_focused()

    desktop.get_by_role("link", name="Modifier (question 4)").click()
    question_list = desktop.locator("#question-list")
    expect(question_list.get_by_label("Question en français")).to_be_focused()
    question_list.get_by_label("Question en français").fill("Satisfait de la visite?")
    question_list.get_by_role("button", name="Enregistrer la question").click()
    expect(status).to_contain_text("Question 4 enregistrée.")
    expect(question_list).to_contain_text("Satisfait de la visite?")
    expect(desktop.get_by_role("link", name="Modifier (question 4)")).to_be_focused()

    desktop.get_by_role("link", name="Choix multiples").click()
    desktop.get_by_label("Question en français").fill("Quels services?")
    desktop.get_by_label("Choix 1 en français").fill("Épargne")
    desktop.get_by_role("button", name="Ajouter un choix").click()
    expect(desktop.get_by_label("Choix 3 en français")).to_be_visible()
    expect(desktop.get_by_label("Choix 1 en français")).to_have_value("Épargne")
    desktop.get_by_role("button", name="Ajouter la question").click()
    expect(status).to_contain_text("Question 8 ajoutée")

    desktop.get_by_role("button", name="Supprimer (question 8)").click()
    expect(status).to_contain_text("Question 8 supprimée")
    assert desktop.evaluate("window.sameDocument") is True

    desktop.get_by_role("button", name="Publier la version 2").click()
    expect(desktop.locator(".messages")).to_contain_text("La version 2 est publiée")
    assert problems == []
