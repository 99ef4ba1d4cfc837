"""A whole MC2 workshop in real browsers: a facilitator's shared screen and three
participants' phones, each in its own browser context, kept in sync by polling."""

import re

from django.test import Client
from playwright.sync_api import expect

from sillage.workshops.models import IdeaStatus, Prediction, TeamAction, Vote
from sillage.workshops.tests.factories import build_team

LIVE = 2_000  # a contribution must reach the shared screen within 2 seconds


def signed_in(browser, live_server, user, *, phone):
    client = Client()
    client.force_login(user)
    viewport = {"width": 360, "height": 740} if phone else {"width": 1280, "height": 800}
    context = browser.new_context(viewport=viewport, locale="fr-CA", has_touch=phone)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def next_step(screen, name):
    screen.get_by_role("button", name=re.compile(f"Suivant : {name}")).click()
    expect(screen.locator(".ws-steps [aria-current=step]")).to_have_text(name)


def submit_idea(phone, pillar, text, *, own_power=True):
    value = {"Le vouloir": "vouloir", "Le pouvoir": "pouvoir", "L’être": "etre"}[pillar]
    phone.locator(f"input[name=pillar][value={value}]").check()
    phone.get_by_label("Votre idée").fill(text)
    phone.get_by_label("Concrète").check()
    phone.get_by_label("Applicable immédiatement").check()
    if own_power:
        phone.get_by_label(re.compile("À la portée de l’équipe")).check()
    phone.get_by_role("button", name="Envoyer mon idée").click()


def test_facilitator_and_three_participants_run_a_workshop(browser, live_server, browser_world):
    world = browser_world
    team = build_team(world, votes=2)
    workshop, cat = team.workshop, team.catalogue
    base = f"{live_server.url}/o/caisse/workshops/{workshop.pk}/"
    contexts = []
    try:
        ctx, screen = signed_in(browser, live_server, team.facilitator, phone=False)
        contexts.append(ctx)
        phones = []
        for user in (team.emile, team.fanny, team.gabriel):
            ctx, phone = signed_in(browser, live_server, user, phone=True)
            contexts.append(ctx)
            phone.goto(base + "live/")
            expect(phone.get_by_role("heading", level=1)).to_have_text("Planifié")
            phones.append(phone)
        emile, fanny, gabriel = phones
        screen.goto(base + "screen/")
        expect(screen.get_by_test_id("joined")).to_have_text("3 / 4", timeout=LIVE)

        # Step 1 — "Je pense que": the phones follow the facilitator by themselves.
        next_step(screen, "Je pense que")
        for phone, (counter, desk) in zip(phones, [(70, 40), (50, 30), (60, 50)], strict=True):
            expect(phone.get_by_role("heading", level=1)).to_have_text("Je pense que")
            phone.locator(f"#score_{cat.counter.pk}").fill(str(counter))
            phone.locator(f"#score_{cat.desk.pk}").fill(str(desk))
            phone.locator(f"#score_{cat.app.pk}").fill("80")
            phone.locator(f"#a_{cat.counter.pk}_1").fill("Accueil chaleureux")
            assert phone.evaluate("document.documentElement.scrollWidth") <= 360
            phone.get_by_role("button", name="Enregistrer mes prédictions").click()
            expect(phone.get_by_text("Vos prédictions sont enregistrées.")).to_be_visible()
        expect(screen.get_by_test_id("predicted")).to_have_text("3", timeout=LIVE)
        assert Prediction.objects.filter(workshop=workshop).count() == 9

        # Step 2 — "L'espace client": the team's gap for all, one's own gap for oneself.
        next_step(screen, "L’espace client")
        expect(screen.get_by_text("Écart de perception (équipe)").first).to_be_visible()
        expect(screen.locator(".ws-gap").first).to_have_text("+48")  # (70+50+60)/3 − 12.5
        expect(emile.get_by_test_id("own-gap").first).to_contain_text("écart +58")  # 70 − 12.5
        expect(fanny.get_by_test_id("own-gap").first).to_contain_text("écart +38")
        assert "+58" not in fanny.content() and "+58" not in screen.content()
        assert "vous pensiez" not in screen.content()

        # Step 3 — ideas under the pillars; one goes to the parking lot.
        next_step(screen, "Idées")
        submit_idea(emile, "Le pouvoir", "Un aide-mémoire au comptoir")
        expect(screen.get_by_text("Un aide-mémoire au comptoir")).to_be_visible(timeout=LIVE)
        submit_idea(fanny, "L’être", "Une prime pour l’équipe", own_power=False)
        expect(fanny.get_by_text(re.compile("Votre idée va au stationnement"))).to_be_visible()
        parking = screen.locator(".ws-pillar--parked")
        expect(parking.get_by_text("Une prime pour l’équipe")).to_be_visible(timeout=LIVE)
        expect(parking).to_contain_text("À la portée de l’équipe elle-même")
        submit_idea(gabriel, "Le vouloir", "Lire trois commentaires le lundi")
        submit_idea(emile, "Le vouloir", "Rappeler les clients insatisfaits")
        expect(screen.get_by_text("Rappeler les clients insatisfaits")).to_be_visible(timeout=LIVE)
        assert workshop.ideas.filter(status=IdeaStatus.PARKED).count() == 1

        # Step 4 — vote: two votes each, the third refused.
        next_step(screen, "Vote")
        for text in ("Un aide-mémoire au comptoir", "Rappeler les clients insatisfaits"):
            form = emile.locator("form.ws-vote", has_text=text)
            form.get_by_role("button", name="Vote").click()
            expect(emile.locator("form.ws-vote", has_text=text).get_by_role("button")).to_have_text(
                "Retirer mon vote"
            )
        emile.locator("form.ws-vote", has_text="Lire trois commentaires").get_by_role(
            "button"
        ).click()
        expect(emile.get_by_text("Vous avez utilisé vos 2 votes.")).to_be_visible()
        expect(emile.get_by_test_id("votes-left")).to_have_text("0 vote restant.")
        fanny.locator("form.ws-vote", has_text="Un aide-mémoire").get_by_role("button").click()
        card = screen.locator(".ws-card", has_text="Un aide-mémoire au comptoir")
        expect(card.locator(".ws-votes")).to_have_text("2 votes", timeout=LIVE)
        expect(screen.get_by_test_id("voted")).to_have_text("2")
        assert Vote.objects.filter(workshop=workshop, user=team.emile).count() == 2

        # Step 5 — commit the most voted idea as a team action.
        next_step(screen, "Engagement")
        first = screen.locator("details[open]")
        expect(first.locator("summary")).to_contain_text("Un aide-mémoire au comptoir")
        first.get_by_label("Émile Gauthier").check()
        first.get_by_label("Premier pas").fill("L’afficher lundi")
        first.get_by_label("Échéance").fill("2030-01-15")
        first.get_by_role("button", name="En faire une action d’équipe").click()
        expect(screen.get_by_text("L’idée est maintenant une action d’équipe.")).to_be_visible()
        action = TeamAction.objects.get(workshop=workshop)
        assert (action.title, action.pillar, str(action.due_date)) == (
            "Un aide-mémoire au comptoir", "pouvoir", "2030-01-15"
        )  # fmt: skip
        assert list(action.owners.all()) == [team.emile]
        expect(emile.get_by_role("heading", level=1)).to_have_text("Engagement")
    finally:
        for context in contexts:
            context.close()
