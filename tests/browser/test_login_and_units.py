"""A person signs in on a phone in French, switches to English and opens the unit tree."""

import re

from playwright.sync_api import expect

from sillage.accounts.tests.factories import PASSWORD


def sign_in(page, live_server, email):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Adresse courriel").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def test_branch_manager_signs_in_on_a_phone_in_french_then_switches_to_english(
    phone, live_server, browser_world
):
    sign_in(phone, live_server, "beatrice@caisse.test")
    expect(phone).to_have_url(re.compile(r"/o/caisse/$"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("Bonjour, Béatrice")
    assert phone.evaluate("document.documentElement.lang") == "fr"
    # no horizontal scrolling on a 360 px screen
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    phone.get_by_role("button", name="EN").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Hello, Béatrice")
    assert phone.evaluate("document.documentElement.lang") == "en"

    phone.get_by_role("navigation", name="Main").get_by_role("link", name="Units").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Units")
    tree = phone.get_by_role("list", name="Unit tree")
    expect(tree.get_by_role("link", name="Succursale Plateau")).to_be_visible()
    expect(tree.get_by_role("link", name="Équipe conseil")).to_be_visible()
    expect(tree.get_by_role("link", name="Succursale Verdun")).to_have_count(0)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360


def test_keyboard_user_reaches_the_main_content_with_the_skip_link(
    desktop, live_server, browser_world
):
    sign_in(desktop, live_server, "alice@caisse.test")
    expect(desktop).to_have_url(re.compile(r"/o/caisse/$"))
    desktop.keyboard.press("Tab")
    skip = desktop.get_by_role("link", name="Aller au contenu")
    expect(skip).to_be_focused()
    desktop.keyboard.press("Enter")
    expect(desktop).to_have_url(re.compile(r"#main$"))
