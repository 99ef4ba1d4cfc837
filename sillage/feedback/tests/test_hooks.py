"""Apps above feedback learn of new responses, whichever way they arrive, after commit."""

import pytest

from sillage.feedback import hooks
from sillage.feedback.definition import validate_answers
from sillage.feedback.services import response_create
from sillage.feedback.tests.factories import build_feedback


@pytest.fixture
def heard():
    calls = []

    def listener(ids):
        calls.append(list(ids))

    hooks.on_responses_recorded(listener)
    yield calls
    hooks._response_listeners.remove(listener)


@pytest.mark.django_db(transaction=True)
def test_listeners_hear_a_response_after_commit(world, heard):
    feedback = build_feedback(world.org, world.b1)
    heard.clear()
    response, created = response_create(
        organization=world.org,
        unit=world.b1,
        touchpoint=feedback.touchpoint,
        source="link",
        validated=validate_answers(feedback.version.definition, {"nps": "3"}),
        language="fr",
        survey_version=feedback.version,
    )
    assert created
    assert heard == [[response.pk]]


@pytest.mark.django_db(transaction=True)
def test_api_batch_is_heard_once_with_every_id(world, client, heard):
    feedback = build_feedback(world.org, world.b1)
    heard.clear()
    response = client.post(
        "/api/v1/responses",
        {"responses": [{"unit": world.b1.pk, "nps": 9}, {"unit": world.b2.pk, "nps": 2}]},
        content_type="application/json",
        headers={"Authorization": f"Bearer {world.admin_raw_token}"},
    )
    assert response.status_code == 201, response.content
    assert heard == [[item["id"] for item in response.json()]]
    assert feedback.touchpoint.pk


@pytest.fixture
def worker_backend(settings):
    """The database task backend, as with a worker, and a fresh follow-up window."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    settings.SILLAGE_FOLLOW_UP_DELAY = 60
    hooks._next_schedule = 0.0
    yield
    hooks._next_schedule = 0.0


def _feedback(world, heard):
    """A survey (its factory records a response: its pass is run), and a fresh window."""
    feedback = build_feedback(world.org, world.b1)
    hooks.follow_up_pending()
    heard.clear()
    hooks._next_schedule = 0.0
    return feedback


def _post(client, world, touchpoint, nps):
    response = client.post(
        "/api/v1/responses",
        {"unit": world.b1.pk, "touchpoint": touchpoint.pk, "nps": nps},
        content_type="application/json",
        headers={"Authorization": f"Bearer {world.admin_raw_token}"},
    )
    assert response.status_code == 201, response.content
    return response.json()[0]["id"]


@pytest.mark.django_db(transaction=True)
def test_responses_of_one_window_cost_one_queued_task_and_one_pass(
    world, client, heard, worker_backend
):
    """With a worker, the listeners (rollups, text analysis, alert rules) run in the worker,
    once for every response of the window, not once per response nor in the request."""
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from sillage.feedback.models import Response
    from sillage.feedback.tasks import follow_up_responses

    feedback = _feedback(world, heard)
    before = DBTaskResult.objects.count()
    ids = [_post(client, world, feedback.touchpoint, nps) for nps in (4, 9, 10)]
    assert DBTaskResult.objects.count() == before + 1  # one task for the three
    assert heard == []  # not in the request
    assert set(Response.objects.filter(follow_up_pending=True).values_list("pk", flat=True)) == set(
        ids
    )
    queued = DBTaskResult.objects.order_by("-enqueued_at").first()
    assert queued.task_path == follow_up_responses.module_path
    assert queued.run_after > timezone.now()  # due at the end of the window

    assert follow_up_responses.call() == 3
    assert heard == [ids]
    assert not Response.objects.filter(follow_up_pending=True).exists()
    assert follow_up_responses.call() == 0  # a second pass finds nothing
    assert heard == [ids]


@pytest.mark.django_db(transaction=True)
def test_a_new_window_queues_a_new_pass(world, client, heard, worker_backend):
    from django_tasks_db.models import DBTaskResult

    feedback = _feedback(world, heard)
    before = DBTaskResult.objects.count()
    _post(client, world, feedback.touchpoint, 3)
    hooks._next_schedule = 0.0  # the window is over
    _post(client, world, feedback.touchpoint, 8)
    assert DBTaskResult.objects.count() == before + 2


@pytest.mark.django_db(transaction=True)
def test_the_tick_takes_up_responses_whose_pass_was_lost(world, client, heard, worker_backend):
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from sillage.feedback import tick

    feedback = _feedback(world, heard)
    ids = [_post(client, world, feedback.touchpoint, nps) for nps in (2, 7)]
    DBTaskResult.objects.all().delete()  # the worker died with the queued pass
    assert tick.follow_up_responses(timezone.now()) == 2
    assert heard == [ids]
    assert tick.follow_up_responses(timezone.now()) == 0


@pytest.mark.django_db(transaction=True)
def test_a_pass_goes_through_the_backlog_in_chunks(world, client, heard, worker_backend):
    feedback = _feedback(world, heard)
    ids = [_post(client, world, feedback.touchpoint, nps) for nps in range(5)]
    assert hooks.follow_up_pending(chunk=2) == 5
    assert heard == [ids[:2], ids[2:4], ids[4:]]


@pytest.mark.django_db(transaction=True)
def test_a_failing_listener_clears_the_flags_and_raises(world, client, heard, worker_backend):
    from sillage.feedback.models import Response

    def broken(ids):
        raise RuntimeError("listener failed")

    feedback = _feedback(world, heard)
    ids = [_post(client, world, feedback.touchpoint, nps) for nps in (1, 6)]
    hooks._response_listeners.insert(0, broken)
    try:
        with pytest.raises(RuntimeError):
            hooks.follow_up_pending()
    finally:
        hooks._response_listeners.remove(broken)
    assert heard == [ids]  # the others heard
    assert not Response.objects.filter(follow_up_pending=True).exists()


@pytest.mark.django_db(transaction=True)
def test_batches_told_at_once_are_not_flagged(world, heard):
    """The demo's and imports' rows reach the listeners in one batch and wait for no pass."""
    from sillage.feedback.models import Response

    feedback = build_feedback(world.org, world.b1)
    row = Response.objects.create(
        organization=world.org,
        unit=world.b1,
        touchpoint=feedback.touchpoint,
        source="import",
        submitted_at="2026-01-05T10:00:00Z",
        nps=5,
    )
    heard.clear()
    hooks.responses_recorded([row.pk])
    assert heard == [[row.pk]]
    assert not Response.objects.filter(follow_up_pending=True).exists()


@pytest.mark.django_db(transaction=True)
def test_a_failing_listener_does_not_silence_the_others(world, heard):
    def broken(ids):
        raise RuntimeError("listener failed")

    hooks._response_listeners.insert(0, broken)
    try:
        with pytest.raises(RuntimeError):
            hooks.notify(response_ids=[1, 2])
    finally:
        hooks._response_listeners.remove(broken)
    assert heard == [[1, 2]]
