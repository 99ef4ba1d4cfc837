"""The printable workshop kit: customer facts and verbatims, the pillars, blank cards."""

import re

import pytest

from sillage.workshops import services
from sillage.workshops.tests.factories import step

pytestmark = pytest.mark.django_db


def test_kit_carries_the_teams_facts_pillars_and_blank_cards_but_no_prediction(team, client):
    step(team.workshop, "predict")
    services.predictions_submit(
        workshop=team.workshop, user=team.emile,
        entries=[{"touchpoint_id": team.catalogue.counter.pk, "score": 77,
                  "appreciated": ["Sourire secret"]}],
    )  # fmt: skip
    client.force_login(team.facilitator)
    response = client.get(f"/o/caisse/workshops/{team.workshop.pk}/kit/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Attente trop longue au comptoir" in html  # a real verbatim
    assert "client@example.com" not in html  # never contact data
    assert "n = 8" in html  # the counter's NPS sample
    for pillar in ("Le vouloir (want)", "Le pouvoir (can)", "L&#x27;être (be)"):
        assert pillar in html
    assert html.count('class="ws-idea-card"') == 6
    # The text people read (not attributes: a nonce or token may hold "77" by chance).
    text = re.sub(r"<[^>]*>", " ", html)
    assert not re.search(r"\b77\b", text) and "Sourire secret" not in html
    assert "workshops/workshops.css" in html  # the stylesheet with the @media print rules


def test_print_rules_hide_the_navigation_and_break_pages():
    from pathlib import Path

    from django.conf import settings

    css = (Path(settings.BASE_DIR) / "static/workshops/workshops.css").read_text()
    print_rules = css[css.index("@media print") :]
    assert "@page" in print_rules
    assert ".topbar" in print_rules and "display: none" in print_rules
    assert "break-after: page" in print_rules


def test_kit_is_404_outside_the_scope(team, client, world):
    client.force_login(world.sibling_employee)
    assert client.get(f"/o/caisse/workshops/{team.workshop.pk}/kit/").status_code == 404
