"""A small, hand-countable set of responses in the shared `world` (Caisse Test).

March 2025 (the period the tests look at), in America/Toronto:
  B1 Plateau   10 responses, NPS 10 10 9 9 9 8 7 6 3 0  -> 5 promoters, 3 detractors: NPS +20
  T1 Conseil    4 responses, NPS 10 9 8 2               -> NPS +25  (T1 is under B1)
  B2 Verdun     6 responses, NPS 9 ×6                   -> NPS +100
  B3 Limoilou   3 responses, NPS 0 1 2                  -> NPS -100
February 2025 (the previous period of the same length): B1 has 4 responses, NPS 0 0 9 10.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from sillage.accounts.models import Membership
from sillage.insights.services import rollups_rebuild
from sillage.insights.tests.factories import Catalogue, add_response, at, build_catalogue

MARCH = "from=2025-03-01&to=2025-03-31"


@dataclass
class Insights:
    catalogue: Catalogue
    march: str = MARCH


@pytest.fixture
def insights(world):
    org = world.org
    cat = build_catalogue(org)
    Membership.objects.filter(user=world.employee).update(employee_code="E1")
    b1 = [
        (10, 5, 7, "Prêt hypothécaire réglé en une journée, bravo!", cat.counter, "fr"),
        (10, 5, 6, "", cat.counter, "fr"),
        (9, 4, 6, "Great advisor, very helpful", cat.desk, "en"),
        (9, 4, None, "", cat.desk, "fr"),
        (9, None, None, "", cat.app, "fr"),
        (8, 4, 5, "Correct, sans plus.", cat.counter, "fr"),
        (7, 3, 4, "", cat.counter, "fr"),
        (6, 3, 3, "Attente trop longue au comptoir", cat.counter, "fr"),
        (3, 2, 2, '=HYPERLINK("http://evil.example","clic")', cat.desk, "fr"),
        (0, 1, 1, "L'APPLICATION PLANTE, les prêts sont introuvables", cat.app, "fr"),
    ]
    for day, (nps, csat, ces, comment, touchpoint, language) in enumerate(b1, start=1):
        add_response(
            org,
            world.b1,
            at(2025, 3, day * 2, 10),
            nps=nps,
            csat=csat,
            ces=ces,
            comment=comment,
            touchpoint=touchpoint,
            survey=cat.survey,
            language=language,
            employee_code="E1" if day % 2 else "",
        )
    for day, nps in enumerate([10, 9, 8, 2], start=1):
        add_response(org, world.t1, at(2025, 3, day, 15), nps=nps, touchpoint=cat.desk)
    for day in range(6):
        add_response(
            org, world.b2, at(2025, 3, 10 + day, 9), nps=9, csat=5, touchpoint=cat.counter,
            comment="Service rapide et courtois" if day == 0 else "",
        )  # fmt: skip
    for day, nps in enumerate([0, 1, 2]):
        add_response(org, world.b3, at(2025, 3, 20 + day, 11), nps=nps, touchpoint=cat.app)
    for day, nps in enumerate([0, 0, 9, 10]):
        add_response(org, world.b1, at(2025, 2, 10 + day, 11), nps=nps, touchpoint=cat.counter)
    rollups_rebuild(organization=org)
    return Insights(catalogue=cat)


@pytest.fixture
def sign_in(client):
    """`sign_in(user, language="en")`: the test client signed in, pages in that language."""

    def sign(user, language="en"):
        user.language = language
        user.save(update_fields=["language"])
        client.force_login(user)
        return client

    return sign
