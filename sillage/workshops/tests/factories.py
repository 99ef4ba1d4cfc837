"""A Plateau team with customer answers in the last 90 days, and a workshop for it.

B1 Plateau's customers, last 90 days (NPS):
  Comptoir (counter)  10 10 9 9 8 6 3 0  -> 4 promoters, 3 detractors of 8: NPS +12.5
  Bureau (desk)        9 9 7 2           -> 2 promoters, 1 detractor of 4:  NPS +25
  Application          10                -> NPS +100 (n = 1)
Participants: Émile (world.employee), Fanny and Gabriel, all employees of B1; Béatrice (the
branch manager, also of B1) facilitates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from sillage.accounts.models import Role, User
from sillage.accounts.tests.factories import make_member
from sillage.insights.services import rollups_rebuild
from sillage.insights.tests.factories import Catalogue, add_response, build_catalogue
from sillage.workshops import services
from sillage.workshops.models import Workshop

COUNTER = [
    (10, "Accueil chaleureux, merci Émile!"),
    (10, ""),
    (9, "Service rapide au comptoir"),
    (9, ""),
    (8, ""),
    (6, "Attente trop longue au comptoir"),
    (3, "Personne pour répondre à mes questions"),
    (0, "Erreur dans mon dossier, jamais rappelé"),
]
DESK = [(9, "Conseillère très patiente"), (9, ""), (7, ""), (2, "Rendez-vous annulé deux fois")]


@dataclass
class Team:
    catalogue: Catalogue
    workshop: Workshop
    emile: User
    fanny: User
    gabriel: User
    facilitator: User


def add_customers(world) -> Catalogue:
    cat = build_catalogue(world.org)
    now = timezone.now()
    for touchpoint, rows in ((cat.counter, COUNTER), (cat.desk, DESK)):
        for i, (nps, comment) in enumerate(rows):
            add_response(
                world.org,
                world.b1,
                now - timedelta(days=3 + i),
                nps=nps,
                comment=comment,
                touchpoint=touchpoint,
                survey=cat.survey,
                contact_email="client@example.com" if comment else "",
            )
    add_response(world.org, world.b1, now - timedelta(days=2), nps=10, touchpoint=cat.app)
    rollups_rebuild(organization=world.org)
    return cat


def build_team(world, *, votes: int = 3) -> Team:
    cat = add_customers(world)
    fanny = make_member(world.org, world.b1, Role.EMPLOYEE, "fanny@caisse.test", "Fanny", "Roy")
    gabriel = make_member(
        world.org, world.b1, Role.EMPLOYEE, "gabriel@caisse.test", "Gabriel", "Côté"
    )
    workshop = services.workshop_create(
        unit=world.b1,
        title="Atelier Plateau",
        scheduled_at=timezone.now(),
        mode="in_person",
        metric="nps",
        votes_per_person=votes,
        facilitator=world.branch_manager,
    )
    return Team(cat, workshop, world.employee, fanny.user, gabriel.user, world.branch_manager)


def step(workshop: Workshop, to: str) -> Workshop:
    return services.workshop_set_step(workshop=workshop, step=to)
