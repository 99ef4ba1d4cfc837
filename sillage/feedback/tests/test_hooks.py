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
