"""Scheduling a workshop: who may, for which team, and what it records."""

import pytest

from sillage.workshops.models import Workshop

pytestmark = pytest.mark.django_db


def form(unit, **extra):
    return {
        "unit": unit.pk,
        "title": "Atelier MC2",
        "scheduled_at": "2030-03-05T09:00",
        "mode": "remote",
        "metric": "csat",
        "votes_per_person": 2,
        **extra,
    }


def test_manager_schedules_a_workshop_for_a_team_of_the_subtree(team, client, world):
    client.force_login(world.regional_manager)
    response = client.post("/o/caisse/workshops/new/", form(world.b2))
    workshop = Workshop.objects.get(unit=world.b2)
    assert response.status_code == 302
    assert response["Location"] == f"/o/caisse/workshops/{workshop.pk}/"
    assert (workshop.mode, workshop.metric, workshop.votes_per_person) == ("remote", "csat", 2)
    assert workshop.facilitator == world.regional_manager
    assert workshop.step == "scheduled"


def test_manager_cannot_schedule_outside_the_subtree(team, client, world):
    client.force_login(world.branch_manager)
    page = client.post("/o/caisse/workshops/new/", form(world.b2)).content.decode()
    assert "Select a valid choice." in page
    assert not Workshop.objects.filter(unit=world.b2).exists()


def test_employees_cannot_schedule(team, client, world):
    client.force_login(world.employee)
    assert client.get("/o/caisse/workshops/new/").status_code == 404
    assert client.post("/o/caisse/workshops/new/", form(world.b1)).status_code == 404
    assert "Schedule a workshop" not in client.get("/o/caisse/workshops/").content.decode()


def test_facilitator_flag_schedules_for_any_team(team, client, world):
    membership = world.membership(world.sibling_employee)
    membership.is_facilitator = True
    membership.save()
    client.force_login(world.sibling_employee)
    # B1 is outside her own scope (B2): the flag makes her a facilitator for any team.
    assert client.post("/o/caisse/workshops/new/", form(world.b1)).status_code == 302
    assert Workshop.objects.get(facilitator=world.sibling_employee).unit == world.b1


def test_the_list_shows_each_viewer_their_scope(team, client, world):
    client.force_login(world.sibling_employee)
    assert "Atelier Plateau" not in client.get("/o/caisse/workshops/").content.decode()
    client.force_login(world.employee)
    page = client.get("/o/caisse/workshops/").content.decode()
    assert "Atelier Plateau" in page
    assert "Join “Atelier Plateau”" in page
