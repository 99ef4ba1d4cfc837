"""With a worker, a busy day's rollups are recomputed at most once per interval: the passes in
between leave it to one queued refresh, which counts every answer they handed over."""

from datetime import UTC, date, datetime

import pytest
from django.db.models import Sum

from sillage.feedback import hooks
from sillage.feedback.definition import validate_answers
from sillage.feedback.services import response_create
from sillage.feedback.tests.factories import build_feedback
from sillage.insights import services
from sillage.insights.spacing import DaySpacing
from sillage.insights.tasks import refresh_rollups

DAY = date(2025, 3, 12)
OTHER_DAY = date(2025, 3, 13)


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(1_000_000.0)
    monkeypatch.setattr("sillage.insights.spacing.time.time", clock)
    monkeypatch.setattr("sillage.insights.spacing.time.perf_counter", clock)
    return clock


@pytest.fixture
def worker_backend(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    settings.SILLAGE_ROLLUP_INTERVAL = 5
    services._SPACING.reset()
    yield
    services._SPACING.reset()


def _queued(task):
    from django_tasks_db.models import DBTaskResult

    return list(
        DBTaskResult.objects.filter(task_path=task.module_path).order_by("enqueued_at", "pk")
    )


@pytest.mark.django_db(transaction=True)
def test_a_day_refreshed_within_the_interval_is_left_to_one_queued_refresh(clock, worker_backend):
    spacing = DaySpacing(refresh_rollups)
    assert spacing.due_now(7, [DAY]) == {DAY}  # never refreshed: now
    clock.now += 1
    assert spacing.due_now(7, [DAY, OTHER_DAY]) == {OTHER_DAY}
    queued = _queued(refresh_rollups)
    assert len(queued) == 1
    assert queued[0].args_kwargs["kwargs"] == {"organization_id": 7, "days": ["2025-03-12"]}
    # Due when the interval that began with the first refresh ends, not before.
    assert queued[0].run_after == datetime.fromtimestamp(1_000_005.0, tz=UTC)
    clock.now += 2
    assert spacing.due_now(7, [DAY]) == set()  # the queued refresh comes after this call
    assert len(_queued(refresh_rollups)) == 1
    assert spacing.due_now(8, [DAY]) == {DAY}  # another organisation: its own slice


@pytest.mark.django_db(transaction=True)
def test_after_the_queued_refresh_is_due_a_new_one_is_queued_for_the_next_interval(
    clock, worker_backend
):
    spacing = DaySpacing(refresh_rollups)
    spacing.due_now(7, [DAY])
    clock.now += 1
    spacing.due_now(7, [DAY])  # queued for +5
    clock.now += 5  # +6: the queued one may have started already; the next interval is open
    assert spacing.due_now(7, [DAY]) == set()
    queued = _queued(refresh_rollups)
    assert [q.run_after for q in queued] == [
        datetime.fromtimestamp(1_000_005.0, tz=UTC),
        datetime.fromtimestamp(1_000_010.0, tz=UTC),
    ]
    clock.now += 10  # long after: refreshed at once again
    assert spacing.due_now(7, [DAY]) == {DAY}


@pytest.mark.django_db(transaction=True)
def test_a_day_that_takes_long_to_refresh_is_spaced_by_twenty_times_its_duration(
    clock, worker_backend
):
    """A refresh of 1 s: the day is not recomputed again before 20 s (5 % of the time);
    a quick day keeps the interval."""
    spacing = DaySpacing(refresh_rollups)
    assert spacing.due_now(7, [DAY, OTHER_DAY]) == {DAY, OTHER_DAY}
    with spacing.timed(7, [DAY]):
        clock.now += 1  # the recompute of a busy day
    with spacing.timed(7, [OTHER_DAY]):
        clock.now += 0.01
    clock.now += 5  # 6.01 s after the first refresh
    assert spacing.due_now(7, [DAY, OTHER_DAY]) == {OTHER_DAY}
    (queued,) = _queued(refresh_rollups)
    assert queued.run_after == datetime.fromtimestamp(1_000_020.0, tz=UTC)
    clock.now += 15  # 21.01 s: the queued refresh is due; the next one is 20 s after it
    assert spacing.due_now(7, [DAY]) == set()
    assert _queued(refresh_rollups)[-1].run_after == datetime.fromtimestamp(1_000_040.0, tz=UTC)


@pytest.mark.django_db(transaction=True)
def test_the_queued_refresh_times_itself(world, clock, worker_backend, monkeypatch):
    real = services.rollups.refresh_days

    def slow(organization, days):
        clock.now += 2
        return real(organization, days)

    monkeypatch.setattr(services.rollups, "refresh_days", slow)
    refresh_rollups.call(organization_id=world.org.pk, days=[DAY.isoformat()])
    # 2 s of work: the day waits 40 s from the start of that refresh.
    assert services._SPACING.due_now(world.org.pk, [DAY]) == set()
    (queued,) = _queued(refresh_rollups)
    assert queued.run_after == datetime.fromtimestamp(1_000_040.0, tz=UTC)


@pytest.mark.django_db
def test_without_a_worker_or_with_no_interval_every_day_is_refreshed_at_once(clock, settings):
    spacing = DaySpacing(refresh_rollups)
    settings.SILLAGE_ROLLUP_INTERVAL = 5  # the immediate backend (tests, make run)
    assert spacing.due_now(7, [DAY]) == {DAY}
    assert spacing.due_now(7, [DAY]) == {DAY}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    settings.SILLAGE_ROLLUP_INTERVAL = 0
    assert spacing.due_now(7, [DAY]) == {DAY}
    assert spacing.due_now(7, [DAY]) == {DAY}


def _record(world, feedback, nps):
    return response_create(
        organization=world.org,
        unit=world.b1,
        touchpoint=feedback.touchpoint,
        source="link",
        validated=validate_answers(feedback.version.definition, {"nps": str(nps)}),
        language="fr",
        survey_version=feedback.version,
        submitted_at=datetime(2025, 3, 12, 15, 0, tzinfo=UTC),
    )[0]


def _detractors(world):
    from sillage.insights.models import OrgDayRollup

    rows = OrgDayRollup.objects.filter(organization=world.org, day=DAY)
    return rows.aggregate(d=Sum("detractors"))["d"] or 0


@pytest.mark.django_db(transaction=True)
def test_answers_of_a_busy_day_reach_the_dashboard_with_the_queued_refresh(
    world, clock, worker_backend, settings
):
    """Two follow-up passes a second apart: the first recomputes the day, the second leaves
    it to the queued refresh, which counts both passes' answers."""
    from sillage.insights.listeners import on_responses_recorded

    settings.SILLAGE_FOLLOW_UP_DELAY = 60
    hooks._next_schedule = 0.0
    feedback = build_feedback(world.org, world.b1)
    first = _record(world, feedback, 2)
    on_responses_recorded([first.pk])
    assert _detractors(world) == 1
    clock.now += 1
    second = _record(world, feedback, 3)
    on_responses_recorded([second.pk])
    assert _detractors(world) == 1  # not yet: the day waits for the interval's end
    (queued,) = _queued(refresh_rollups)
    refresh_rollups.call(**queued.args_kwargs["kwargs"])
    assert _detractors(world) == 2
    hooks._next_schedule = 0.0


@pytest.mark.django_db(transaction=True)
def test_a_refresh_that_waited_long_holds_the_day_back_a_minute_at_most(clock, worker_backend):
    spacing = DaySpacing(refresh_rollups)
    spacing.due_now(7, [DAY])
    with spacing.timed(7, [DAY]):
        clock.now += 30  # e.g. behind an import's write lock
    clock.now += 31  # 61 s after it began
    assert spacing.due_now(7, [DAY]) == {DAY}
