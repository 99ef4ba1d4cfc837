"""The employee pulse in a real browser: answering on a phone in French, reading a team report."""

import re

from playwright.sync_api import expect

from sillage.accounts.tests.factories import PASSWORD
from sillage.pulse import services
from sillage.pulse.models import Participation, Response
from sillage.pulse.tests.factories import add_people, answer, open_wave


def sign_in(page, live_server, email):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Adresse courriel").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(re.compile(r"/o/caisse/$"))


def test_employee_answers_on_a_phone_in_french(phone, live_server, browser_world):
    world = browser_world
    wave = open_wave(world.org, audience=world.b1)
    sign_in(phone, live_server, "emile@caisse.test")
    phone.goto(f"{live_server.url}/o/caisse/pulse/")
    phone.get_by_role("link", name="Répondre (2 minutes)").click()

    expect(phone.get_by_role("heading", level=1)).to_have_text("Pouls d'automne")
    expect(phone.get_by_text("Vos réponses sont anonymes.")).to_be_visible()
    expect(phone.get_by_text("Ce seuil de 5 a été verrouillé")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    statements = phone.locator("fieldset.question:has(.scale:not(.scale--eleven))")
    expect(statements).to_have_count(24)
    know = phone.get_by_role("group", name="Je sais ce que nos clients attendent de nous.")
    know.get_by_role("radio", name="Tout à fait d’accord").check()
    can = phone.get_by_role("group", name="J'ai les ressources nécessaires pour répondre")
    can.get_by_role("radio", name="Plutôt en désaccord").check()
    for index in range(statements.count()):
        group = statements.nth(index)
        if not group.locator("input:checked").count():
            group.get_by_role("radio", name="Plutôt d’accord").check()
    phone.get_by_role("group", name=re.compile("recommanderiez-vous")).get_by_role(
        "radio", name="9", exact=True
    ).check()
    phone.get_by_role("radio", name="De 1 à 5 ans").check()
    phone.get_by_label(re.compile("Une chose qui vous aiderait")).fill("Plus de temps au comptoir.")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.get_by_role("button", name="Envoyer mes réponses anonymes").click()

    expect(phone.get_by_role("heading", level=1)).to_have_text("Merci!")
    expect(phone.get_by_text("Personne ne peut les relier à vous.")).to_be_visible()
    stored = Response.objects.get(wave=wave)
    assert (stored.know_can_gap, stored.enps, stored.tenure) == (3, 9, "1to5")
    assert Participation.objects.filter(wave=wave).count() == 1


def test_manager_reads_the_team_report_and_a_small_team_says_not_enough(
    desktop, live_server, browser_world
):
    world = browser_world
    wave = open_wave(world.org, audience=world.b1)
    for person in add_people(world.org, world.b1, 6):
        answer(wave, person, value=4)
    for person in add_people(world.org, world.t1, 2):
        answer(wave, person, value=2)
    services.wave_close(wave=wave)

    sign_in(desktop, live_server, "beatrice@caisse.test")
    desktop.goto(f"{live_server.url}/o/caisse/pulse/")
    desktop.get_by_role("link", name="Pouls d'automne #1").click()
    expect(desktop.get_by_role("heading", level=1)).to_have_text("Succursale Plateau")
    heatmap = desktop.get_by_role("table", name=re.compile("Quotient d’implication par relation"))
    team_row = heatmap.get_by_role("row", name=re.compile("^Succursale Plateau"))
    # (6 × 4 + 2 × 2) / 8 = 3.5 on 1–5 → 62.5, shown as 62 or 63 with the answers count.
    expect(team_row.get_by_role("cell").first).to_have_text(re.compile(r"^6[23]$"))
    expect(team_row.get_by_role("cell").last).to_have_text("8")
    expect(heatmap.get_by_role("row", name=re.compile("Équipe conseil"))).to_contain_text(
        "Masqué : trop peu de réponses"
    )

    heatmap.get_by_role("link", name="Équipe conseil").click()
    expect(
        desktop.get_by_role("heading", level=2, name="Pas assez de réponses pour l’instant")
    ).to_be_visible()
    expect(desktop.get_by_text(re.compile("groupes d’au moins 5 personnes"))).to_be_visible()
    expect(desktop.get_by_role("table")).to_have_count(0)
