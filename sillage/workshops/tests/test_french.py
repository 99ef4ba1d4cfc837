"""The workshop pages in French leave no English behind, at every step of a session."""

import pytest
from django.utils import timezone

from sillage.workshops import services
from sillage.workshops.models import Step
from sillage.workshops.services_actions import action_commit
from tests.test_i18n import english_left_behind

pytestmark = pytest.mark.django_db


@pytest.fixture
def french(team, world):
    from sillage.accounts.models import User

    User.objects.update(language="fr")
    return team


def page(client, user, url):
    client.force_login(user)
    response = client.get(url, headers={"Accept-Language": "fr-CA"})
    assert response.status_code == 200, url
    assert response["Content-Language"] == "fr"
    return response.content.decode()


def check(client, user, url):
    html = page(client, user, url)
    assert english_left_behind(html) == set(), url
    return html


def test_session_pages_in_french_at_every_step(french, client, world):
    team, w = french, french.workshop
    base = f"/o/caisse/workshops/{w.pk}/"
    for step in [Step.SCHEDULED, Step.PREDICT]:
        services.workshop_set_step(workshop=w, step=step)
        check(client, team.facilitator, base + "screen/")
        check(client, team.emile, base + "live/")
    services.predictions_submit(
        workshop=w, user=team.emile,
        entries=[{"touchpoint_id": team.catalogue.counter.pk, "score": 40}],
    )  # fmt: skip
    services.predictions_submit(
        workshop=w, user=team.fanny,
        entries=[{"touchpoint_id": team.catalogue.counter.pk, "score": 20}],
    )  # fmt: skip
    services.workshop_set_step(workshop=w, step=Step.REVEAL)
    html = check(client, team.facilitator, base + "screen/")
    assert "Écart de perception (équipe)" in html
    assert "Votre propre écart (vous seul le voyez)" in check(client, team.emile, base + "live/")
    services.workshop_set_step(workshop=w, step=Step.IDEAS)
    kept = services.idea_submit(
        workshop=w, author=team.emile, pillar="pouvoir", text="Un aide-mémoire",
        concrete=True, immediate=True, own_power=True,
    )  # fmt: skip
    services.idea_submit(
        workshop=w, author=team.fanny, pillar="etre", text="Une prime",
        concrete=True, immediate=False, own_power=False,
    )  # fmt: skip
    html = check(client, team.facilitator, base + "screen/")
    assert (
        "Critères non respectés : Applicable immédiatement, À la portée de l’équipe elle-même"
        in html
    )
    check(client, team.emile, base + "live/")
    services.workshop_set_step(workshop=w, step=Step.VOTE)
    check(client, team.facilitator, base + "screen/")
    assert "3 votes restants." in check(client, team.emile, base + "live/")
    services.workshop_set_step(workshop=w, step=Step.COMMIT)
    check(client, team.facilitator, base + "screen/")
    check(client, team.emile, base + "live/")
    action = action_commit(
        workshop=w, idea=kept, title="Un aide-mémoire", owners=[team.emile],
        first_step="L’écrire", due_date=timezone.localdate(),
    )  # fmt: skip
    services.workshop_set_step(workshop=w, step=Step.FEEDBACK)
    check(client, team.emile, base + "live/")
    services.workshop_set_step(workshop=w, step=Step.CLOSED)
    check(client, team.facilitator, base + "screen/")
    for url in [base, base + "kit/"]:
        check(client, team.facilitator, url)
    services_actions_pages(client, team, world, action)


def services_actions_pages(client, team, world, action):
    from sillage.workshops.services_actions import action_share

    action_share(action=action, shared=True)
    for url in [
        "/o/caisse/workshops/",
        "/o/caisse/workshops/new/",
        "/o/caisse/workshops/organisation/",
        "/o/caisse/actions/",
        f"/o/caisse/actions/{action.pk}/",
        "/o/caisse/actions/library/",
    ]:
        check(client, world.branch_manager, url)
    check(client, team.emile, "/o/caisse/workshops/")
