"""The before/after panel and the organisation's overview."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from sillage.insights.services import rollups_rebuild
from sillage.insights.tests.factories import add_response, build_catalogue
from sillage.pulse import services as pulse_services
from sillage.pulse.tests.factories import add_people, answer, open_wave
from sillage.workshops import services
from sillage.workshops.followup import before_after, overview
from sillage.workshops.models import TeamAction, Workshop

pytestmark = pytest.mark.django_db


def workshop_at(world, when, unit=None, step="closed"):
    workshop = services.workshop_create(
        unit=unit or world.b1, title="Atelier", scheduled_at=when, mode="in_person",
        metric="nps", votes_per_person=3, facilitator=None,
    )  # fmt: skip
    Workshop.objects.filter(pk=workshop.pk).update(step=step)
    workshop.refresh_from_db()
    return workshop


def closed_wave(world, closes_at, people):
    from sillage.pulse.models import Wave

    wave = open_wave(world.org, audience=world.b1)
    for person in people:
        answer(wave, person, value=4)
    pulse_services.wave_close(wave=wave)
    Wave.objects.filter(pk=wave.pk).update(closes_at=closes_at, closed_at=closes_at)
    wave.refresh_from_db()
    return wave


def test_customer_metrics_eight_weeks_before_and_after_with_n_and_margin(world):
    cat = build_catalogue(world.org)
    when = timezone.now() - timedelta(days=60)
    for days, score in [(50, 0), (40, 10), (30, 5), (20, 9)]:  # before: NPS 0 (2 of 4 ± …)
        add_response(world.org, world.b1, when - timedelta(days=days), nps=score,
                     touchpoint=cat.counter)  # fmt: skip
    for days, score in [(5, 10), (15, 9), (25, 10), (35, 3)]:  # after: 3 promoters, 1 detractor
        add_response(world.org, world.t1, when + timedelta(days=days), nps=score,
                     touchpoint=cat.counter)  # fmt: skip
    add_response(world.org, world.b2, when + timedelta(days=5), nps=0, touchpoint=cat.counter)
    add_response(world.org, world.b1, when + timedelta(days=70), nps=0, touchpoint=cat.counter)
    rollups_rebuild(organization=world.org)
    panel = before_after(workshop_at(world, when))
    assert (panel.before.nps.value, panel.before.nps.n) == (0.0, 4)
    assert (panel.after.nps.value, panel.after.nps.n) == (50.0, 4)
    assert panel.after.nps.margin == pytest.approx(84.87, abs=0.01)
    assert panel.complete is True
    assert panel.after.end - panel.after.start == timedelta(days=55)


def test_pulse_results_come_through_the_report_and_hide_small_groups(world):
    when = timezone.now() - timedelta(days=40)
    big = add_people(world.org, world.b1, 6)
    closed_wave(world, when - timedelta(days=10), big[:3])  # 3 answers: under the threshold
    closed_wave(world, when + timedelta(days=20), big)  # 6 answers
    panel = before_after(workshop_at(world, when))
    assert panel.pulse_before.shown is False and panel.pulse_before.qi is None
    assert panel.pulse_after.shown is True
    assert (panel.pulse_after.qi, panel.pulse_after.n) == (75.0, 6)


def test_detail_page_labels_the_panel_as_observation_not_proof(world, client):
    workshop = workshop_at(world, timezone.now() - timedelta(days=10))
    client.force_login(world.branch_manager)
    page = client.get(f"/o/caisse/workshops/{workshop.pk}/").content.decode()
    assert "Observation, not proof" in page
    assert "no pulse survey closed" in page
    assert "The eight weeks after are not over yet." in page


def test_overview_counts_workshops_units_without_and_completion(world, client):
    workshop_at(world, timezone.now() - timedelta(days=30))
    workshop_at(world, timezone.now() + timedelta(days=7), unit=world.b2, step="scheduled")
    for status, pillar in [("done", "vouloir"), ("done", "pouvoir"), ("todo", "pouvoir"),
                           ("dropped", "etre")]:  # fmt: skip
        TeamAction.objects.create(
            organization=world.org, unit=world.b1, title="A", pillar=pillar, first_step="x",
            due_date=date(2030, 1, 1), status=status,
            dropped_reason="Plus utile" if status == "dropped" else "",
        )  # fmt: skip
    result = overview(
        world.membership(world.regional_manager) and _scope(world.regional_manager, world)
    )
    assert [(r.unit.code, r.held, r.planned) for r in result.units] == [("B1", 1, 0), ("B2", 0, 1)]
    assert [u.code for u in result.without] == ["B2"]  # teams: units with employees
    assert result.completion == pytest.approx(200 / 3)
    assert [(p.pillar, p.total, p.done) for p in result.pillars] == [
        ("vouloir", 1, 1), ("pouvoir", 2, 1), ("etre", 1, 0)
    ]  # fmt: skip
    client.force_login(world.regional_manager)
    page = client.get("/o/caisse/workshops/organisation/").content.decode()
    assert 'data-testid="completion">67 %<' in page


def test_overview_is_limited_to_the_viewers_scope(world):
    workshop_at(world, timezone.now() - timedelta(days=30), unit=world.b3)
    result = overview(_scope(world.branch_manager, world))
    assert result.units == []
    assert [u.code for u in result.without] == ["B1"]


def _scope(user, world):
    from sillage.accounts.scope import scope_for_membership

    return scope_for_membership(world.membership(user))
