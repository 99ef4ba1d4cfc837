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


@pytest.mark.django_db(transaction=True)
def test_a_response_queues_one_task_however_many_apps_listen(world, client, settings, heard):
    """With a task worker (database backend), the request pays for one queued task; the
    listeners, rollups among them, run in the worker."""
    from django_tasks_db.models import DBTaskResult

    from sillage.feedback.tasks import notify_listeners

    feedback = build_feedback(world.org, world.b1)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    heard.clear()
    before = DBTaskResult.objects.count()
    response = client.post(
        "/api/v1/responses",
        {"unit": world.b1.pk, "touchpoint": feedback.touchpoint.pk, "nps": 4},
        content_type="application/json",
        headers={"Authorization": f"Bearer {world.admin_raw_token}"},
    )
    assert response.status_code == 201, response.content
    assert DBTaskResult.objects.count() == before + 1
    assert heard == []  # not in the request
    queued = DBTaskResult.objects.order_by("-enqueued_at").first()
    assert queued.task_path == notify_listeners.module_path
    notify_listeners.call(**queued.args_kwargs["kwargs"])
    assert heard == [[response.json()[0]["id"]]]


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
