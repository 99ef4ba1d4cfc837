"""Commit, the team action board, notes, the library and the check-in reminders."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from sillage.feedback.models import Response
from sillage.workshops import services
from sillage.workshops.models import ActionReminder, ActionStatus, IdeaStatus, TeamAction
from sillage.workshops.services_actions import action_adopt, action_commit, reminders_send
from sillage.workshops.tests.factories import step

pytestmark = pytest.mark.django_db


def committed(team, **extra):
    step(team.workshop, "ideas")
    idea = services.idea_submit(
        workshop=team.workshop, author=team.emile, pillar="pouvoir",
        text="Rappeler les clients en attente", concrete=True, immediate=True, own_power=True,
    )  # fmt: skip
    step(team.workshop, "commit")
    verbatim = Response.objects.get(comment="Attente trop longue au comptoir")
    values = {
        "workshop": team.workshop,
        "idea": idea,
        "title": "Rappeler chaque client en attente",
        "owners": [team.emile, team.fanny],
        "first_step": "Liste des appels lundi",
        "due_date": timezone.localdate() + timedelta(weeks=4),
        "response_ids": [verbatim.pk],
        **extra,
    }
    return action_commit(**values), verbatim


def test_commit_turns_the_idea_into_a_team_action(team):
    action, verbatim = committed(team)
    assert action.unit_id == team.workshop.unit_id
    assert action.pillar == "pouvoir"
    assert set(action.owners.all()) == {team.emile, team.fanny}
    assert action.response_ids == [verbatim.pk]
    action.idea.refresh_from_db()
    assert action.idea.status == IdeaStatus.CHOSEN


def test_owners_must_be_members_of_the_team(team, world):
    with pytest.raises(ValidationError, match="Owners must be members of the team."):
        committed(team, owners=[world.sibling_employee])
    assert not TeamAction.objects.exists()


def test_verbatims_of_other_teams_are_not_linked(team, world):
    from sillage.insights.tests.factories import add_response

    other = add_response(world.org, world.b2, timezone.now(), nps=1, comment="Ailleurs")
    action, verbatim = committed(team, response_ids=[other.pk])
    assert action.response_ids == []


def test_commit_form_on_the_screen(team, client):
    step(team.workshop, "ideas")
    idea = services.idea_submit(
        workshop=team.workshop, author=team.emile, pillar="etre", text="Souligner les bons coups",
        concrete=True, immediate=True, own_power=True,
    )  # fmt: skip
    step(team.workshop, "commit")
    client.force_login(team.facilitator)
    screen = client.get(f"/o/caisse/workshops/{team.workshop.pk}/screen/").content.decode()
    assert "Make it a team action" in screen
    response = client.post(
        f"/o/caisse/workshops/{team.workshop.pk}/ideas/{idea.pk}/commit/",
        {
            f"i{idea.pk}-title": "Souligner un bon coup chaque vendredi",
            f"i{idea.pk}-owners": [team.gabriel.pk],
            f"i{idea.pk}-first_step": "Tableau dans la salle de pause",
            f"i{idea.pk}-due_date": "2030-01-15",
        },
    )
    assert response.status_code == 302
    action = TeamAction.objects.get()
    assert (action.title, action.pillar, str(action.due_date)) == (
        "Souligner un bon coup chaque vendredi", "etre", "2030-01-15"
    )  # fmt: skip
    assert list(action.owners.all()) == [team.gabriel]


def test_board_lists_actions_by_status_for_the_scope(team, client, world):
    action, _ = committed(team)
    client.force_login(world.regional_manager)
    page = client.get("/o/caisse/actions/").content.decode()
    assert "Rappeler chaque client en attente" in page
    client.force_login(world.sibling_employee)
    assert "Rappeler chaque client" not in client.get("/o/caisse/actions/").content.decode()
    assert client.get(f"/o/caisse/actions/{action.pk}/").status_code == 404


def test_dropping_an_action_needs_a_reason(team, client):
    action, _ = committed(team)
    client.force_login(team.fanny)
    page = client.post(f"/o/caisse/actions/{action.pk}/", {"form": "status", "status": "dropped"})
    assert "Say why the action is dropped." in page.content.decode()
    action.refresh_from_db()
    assert action.status == ActionStatus.TODO
    client.post(
        f"/o/caisse/actions/{action.pk}/",
        {"form": "status", "status": "dropped", "reason": "Remplacée par le rappel automatique"},
    )
    action.refresh_from_db()
    assert (action.status, action.dropped_reason) == (
        "dropped",
        "Remplacée par le rappel automatique",
    )


def test_evidence_notes_and_who_may_not_write_them(team, client, world):
    action, _ = committed(team)
    client.force_login(team.emile)
    client.post(
        f"/o/caisse/actions/{action.pk}/",
        {"form": "note", "text": "Trois clients rappelés, tous contents", "is_evidence": "on"},
    )
    note = action.notes.get()
    assert (note.text, note.is_evidence, note.author) == (
        "Trois clients rappelés, tous contents", True, team.emile
    )  # fmt: skip
    client.force_login(world.executive)  # runs workshops org-wide: reads and keeps the board
    assert client.get(f"/o/caisse/actions/{action.pk}/").status_code == 200
    client.force_login(world.sibling_employee)
    response = client.post(f"/o/caisse/actions/{action.pk}/", {"form": "note", "text": "x"})
    assert response.status_code == 404
    assert action.notes.count() == 1


def test_shared_action_is_adopted_by_another_team(team, client, world):
    action, _ = committed(team)
    client.force_login(team.emile)
    client.post(f"/o/caisse/actions/{action.pk}/", {"form": "share", "shared": "1"})
    client.force_login(world.sibling_employee)
    library = client.get("/o/caisse/actions/library/").content.decode()
    assert "Rappeler chaque client en attente" in library
    response = client.post(
        f"/o/caisse/actions/{action.pk}/adopt/",
        {"unit": world.b2.pk, "owner": world.sibling_employee.pk, "due_date": "2030-02-01"},
    )
    assert response.status_code == 302
    copy = TeamAction.objects.get(unit=world.b2)
    assert (copy.title, copy.adopted_from, copy.status) == (action.title, action, "todo")
    assert list(copy.owners.all()) == [world.sibling_employee]


def test_unshared_action_cannot_be_adopted(team, client, world):
    action, _ = committed(team)
    client.force_login(world.sibling_employee)
    response = client.post(
        f"/o/caisse/actions/{action.pk}/adopt/",
        {"unit": world.b2.pk, "owner": world.sibling_employee.pk, "due_date": "2030-02-01"},
    )
    assert response.status_code == 404
    with pytest.raises(ValidationError):
        action_adopt(source=action, unit=world.b2, owners=[world.sibling_employee],
                     due_date=timezone.localdate())  # fmt: skip


def test_checkin_reminders_reach_owners_in_their_language_once(team, smtp_server):
    action, _ = committed(team)
    team.emile.language = "en"
    team.emile.save()
    team.fanny.language = "fr"
    team.fanny.save()
    created = timezone.now() - timedelta(weeks=2, hours=1)
    TeamAction.objects.filter(pk=action.pk).update(created_at=created)
    assert reminders_send(timezone.now()) == 1
    assert reminders_send(timezone.now()) == 0  # the tick is idempotent
    by_recipient = {m["X-Envelope-To"]: m for m in smtp_server}
    assert set(by_recipient) == {"emile@caisse.test", "fanny@caisse.test"}
    assert by_recipient["emile@caisse.test"]["Subject"] == (
        "Check-in at 2 weeks: Rappeler chaque client en attente"
    )
    assert (
        "Suivi à 2 semaines : Rappeler chaque client"
        in by_recipient["fanny@caisse.test"]["Subject"]
    )
    body = by_recipient["emile@caisse.test"].get_body(("plain",)).get_content()
    assert f"/o/caisse/actions/{action.pk}/" in body
    # Four weeks later: the +4 check-in, once.
    TeamAction.objects.filter(pk=action.pk).update(created_at=created - timedelta(weeks=2))
    assert reminders_send(timezone.now()) == 1
    assert sorted(ActionReminder.objects.values_list("week", flat=True)) == [2, 4]


def test_no_reminder_for_done_actions(team, smtp_server):
    action, _ = committed(team)
    TeamAction.objects.filter(pk=action.pk).update(
        created_at=timezone.now() - timedelta(weeks=3), status="done"
    )
    assert reminders_send(timezone.now()) == 0
    assert smtp_server == []
