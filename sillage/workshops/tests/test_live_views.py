"""The live pages: who may open them, the polling answers, and the privacy of predictions."""

import re

import pytest

from sillage.workshops import services
from sillage.workshops.models import Idea, IdeaStatus, Prediction, Step
from sillage.workshops.tests.factories import step

pytestmark = pytest.mark.django_db


def url(team, name=""):
    return f"/o/caisse/workshops/{team.workshop.pk}/{name}"


def post_predictions(client, team, counter, desk, app=50):
    cat = team.catalogue
    return client.post(
        url(team, "predict/"),
        {
            f"score_{cat.counter.pk}": counter,
            f"score_{cat.desk.pk}": desk,
            f"score_{cat.app.pk}": app,
            f"appreciated_{cat.counter.pk}": ["Accueil", "Rapidité", ""],
            f"criticised_{cat.counter.pk}": ["Attente", "", ""],
        },
    )


def test_participant_joins_and_predicts_from_the_phone_page(team, client):
    step(team.workshop, Step.PREDICT)
    client.force_login(team.emile)
    page = client.get(url(team, "live/"))
    assert page.status_code == 200
    content = page.content.decode()
    assert "Counter" in content and "Mobile app" in content
    response = post_predictions(client, team, 60, 20)
    assert response.status_code == 302
    saved = Prediction.objects.get(user=team.emile, touchpoint=team.catalogue.counter)
    assert (saved.score, saved.appreciated, saved.criticised) == (
        60, ["Accueil", "Rapidité"], ["Attente"]
    )  # fmt: skip


def test_members_of_other_units_and_managers_above_cannot_join(team, client, world):
    step(team.workshop, Step.PREDICT)
    for user in (world.sibling_employee, world.regional_manager, world.outsider):
        client.force_login(user)
        assert client.get(url(team, "live/")).status_code == 404, user
        assert post_predictions(client, team, 1, 1).status_code == 404, user
    assert not Prediction.objects.exists()


def test_only_facilitators_open_the_shared_screen(team, client, world):
    allowed = [world.branch_manager, world.regional_manager, world.admin, world.cx_lead]
    refused = [world.employee, world.sibling_employee, world.outsider]
    for user in allowed:
        client.force_login(user)
        assert client.get(url(team, "screen/")).status_code == 200, user
    for user in refused:
        client.force_login(user)
        assert client.get(url(team, "screen/")).status_code == 404, user
        assert client.post(url(team, "step/"), {"step": "ideas"}).status_code == 404, user
    team.workshop.refresh_from_db()
    assert team.workshop.step == Step.SCHEDULED


def test_facilitator_flag_opens_the_screen_of_any_team(team, client, world):
    membership = world.membership(world.sibling_employee)
    membership.is_facilitator = True
    membership.save()
    client.force_login(world.sibling_employee)
    assert client.get(url(team, "screen/")).status_code == 200


def test_screen_poll_answers_204_while_nothing_changed(team, client):
    client.force_login(team.facilitator)
    headers = {"HX-Request": "true"}
    version = team.workshop.version
    assert client.get(url(team, f"screen/?v={version}"), headers=headers).status_code == 204
    step(team.workshop, Step.PREDICT)
    client.force_login(team.emile)
    post_predictions(client, team, 60, 20)
    client.force_login(team.facilitator)
    changed = client.get(url(team, f"screen/?v={version}"), headers=headers)
    assert changed.status_code == 200
    assert re.search(r'data-testid="predicted">1<', changed.content.decode())


def test_phone_poll_refreshes_when_the_step_changes(team, client):
    client.force_login(team.emile)
    headers = {"HX-Request": "true"}
    assert client.get(url(team, "live/?step=scheduled"), headers=headers).status_code == 204
    step(team.workshop, Step.PREDICT)
    moved = client.get(url(team, "live/?step=scheduled"), headers=headers)
    assert (moved.status_code, moved["HX-Refresh"]) == (200, "true")


def test_a_participant_sees_only_their_own_gap(team, client):
    step(team.workshop, Step.PREDICT)
    client.force_login(team.emile)
    post_predictions(client, team, 61, 20)
    client.force_login(team.fanny)
    post_predictions(client, team, 43, 30)
    step(team.workshop, Step.REVEAL)

    fanny = client.get(url(team, "live/")).content.decode()
    own = re.findall(r'data-testid="own-gap">(.*?)</li>', fanny, re.S)
    assert "you thought 43, customers gave 13" in own[0].replace("\n", " ")
    assert "+31" in own[0] and "+49" not in fanny  # Émile's gap: 61 − 12.5 = 48.5
    # The team average (52 → gap 39.5 on the counter) is for everyone.
    assert "+40" in fanny

    client.force_login(team.gabriel)  # made no prediction
    gabriel = client.get(url(team, "live/")).content.decode()
    assert 'data-testid="own-gap"' not in gabriel
    assert "+31" not in gabriel and "+49" not in gabriel

    client.force_login(team.facilitator)
    screen = client.get(url(team, "screen/")).content.decode()
    assert "+40" in screen
    assert "+31" not in screen and "+49" not in screen and "you thought" not in screen


def test_ideas_go_to_the_screen_or_the_parking_lot(team, client):
    step(team.workshop, Step.IDEAS)
    client.force_login(team.emile)
    client.post(
        url(team, "ideas/"),
        {"pillar": "pouvoir", "text": "Un aide-mémoire au comptoir", "concrete": "on",
         "immediate": "on", "own_power": "on"},
    )  # fmt: skip
    response = client.post(
        url(team, "ideas/"),
        {"pillar": "etre", "text": "Prime annuelle", "concrete": "on", "note": "Décision RH"},
        follow=True,
    )
    assert (
        "Your idea goes to the parking lot: Not met: Applicable immediately, Within"
        in response.content.decode()
    )
    parked = Idea.objects.get(text="Prime annuelle")
    assert parked.status == IdeaStatus.PARKED
    client.force_login(team.facilitator)
    screen = client.get(url(team, "screen/")).content.decode()
    assert "Un aide-mémoire au comptoir" in screen
    assert "Not met: Applicable immediately, Within the team&#x27;s own power" in screen
    csv = client.get(url(team, "parking-lot.csv")).content.decode("utf-8-sig")
    assert "Prime annuelle" in csv and "Décision RH" in csv
    assert "aide-mémoire" not in csv


def test_votes_past_the_limit_are_refused_on_the_phone(team, client):
    step(team.workshop, Step.IDEAS)
    ideas = [
        services.idea_submit(workshop=team.workshop, author=team.emile, pillar="vouloir",
                             text=f"Idée {i}", concrete=True, immediate=True, own_power=True)
        for i in range(4)
    ]  # fmt: skip
    step(team.workshop, Step.VOTE)
    client.force_login(team.fanny)
    for item in ideas[:3]:
        client.post(url(team, f"ideas/{item.pk}/vote/"))
    page = client.post(url(team, f"ideas/{ideas[3].pk}/vote/"), follow=True).content.decode()
    assert "You have used your 3 votes." in page
    assert "0 votes left." in page
    assert team.workshop.votes.filter(user=team.fanny).count() == 3
