"""The customer's one-question follow-up: single use, in their language, recovery recorded."""

import pytest

from sillage.cases.models import FollowUp
from sillage.cases.services_work import case_change_status
from sillage.cases.tests.factories import make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def follow_up(world):
    case = make_case(world.org, world.b1, nps=3, language="en")
    case_change_status(
        case=case,
        to_status="resolved",
        expected_status="new",
        user=None,
        resolution="Called back",
        send_follow_up=True,
    )
    return FollowUp.objects.get(case=case)


def test_page_in_the_customers_language(client, follow_up):
    page = client.get(f"/r/{follow_up.token}/", headers={"Accept-Language": "fr"})
    assert page.status_code == 200
    assert "<h1>Did we resolve your issue?</h1>" in page.content.decode()


def test_a_detractor_answering_7_or_more_is_recovered(client, follow_up):
    page = client.post(f"/r/{follow_up.token}/", {"resolved": "yes", "nps": "8"})
    assert page.status_code == 200 and "<h1>Thank you!</h1>" in page.content.decode()
    follow_up.refresh_from_db()
    assert (follow_up.resolved, follow_up.nps, follow_up.original_nps) == (True, 8, 3)
    assert follow_up.recovered is True
    assert follow_up.case.events.filter(kind="follow_up").count() == 2


def test_the_link_works_once(client, follow_up):
    client.post(f"/r/{follow_up.token}/", {"resolved": "no", "nps": "2"})
    again = client.post(f"/r/{follow_up.token}/", {"resolved": "yes", "nps": "10"})
    assert again.status_code == 409
    assert "<h1>You have already answered</h1>" in again.content.decode()
    follow_up.refresh_from_db()
    assert (follow_up.resolved, follow_up.nps, follow_up.recovered) == (False, 2, False)


def test_unknown_token_is_404(client, follow_up):
    assert client.get("/r/not-a-token/").status_code == 404


def test_the_first_question_is_required(client, follow_up):
    page = client.post(f"/r/{follow_up.token}/", {"nps": "9"})
    assert page.status_code == 200
    assert "Please answer the first question." in page.content.decode()
    follow_up.refresh_from_db()
    assert follow_up.answered_at is None
