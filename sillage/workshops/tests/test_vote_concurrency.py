"""Eight votes of one participant posted at the same moment, on PostgreSQL: exactly the
workshop's limit (3) is recorded, in distinct slots.

Runs against a real server (pytest-django's live_server, one thread per request, each with its
own database connection): the row lock on the participant and the unique (participant, slot)
constraint decide, not the application's count.
"""

from __future__ import annotations

import os
import threading
import urllib.error
import urllib.request

import pytest

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="needs PostgreSQL (DATABASE_URL=postgres://…)",
)

ATTEMPTS = 8


def post(url: str, cookie: str, csrf: str, results: list, barrier: threading.Barrier) -> None:
    request = urllib.request.Request(  # noqa: S310 - the local live server
        url,
        data=f"csrfmiddlewaretoken={csrf}".encode(),
        headers={
            "Cookie": cookie,
            "Referer": url,
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    barrier.wait()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            results.append(response.status)
    except urllib.error.HTTPError as error:
        results.append(error.code)


def test_concurrent_votes_never_exceed_the_limit(live_server, transactional_db):
    from django.middleware.csrf import _get_new_csrf_string
    from django.test import Client

    from sillage.accounts.tests.factories import build_world
    from sillage.workshops import services
    from sillage.workshops.models import Vote
    from sillage.workshops.tests.factories import build_team

    world = build_world()
    team = build_team(world, votes=3)
    workshop = team.workshop
    services.workshop_set_step(workshop=workshop, step="ideas")
    ideas = [
        services.idea_submit(workshop=workshop, author=team.emile, pillar="vouloir",
                             text=f"Idée {i}", concrete=True, immediate=True, own_power=True)
        for i in range(ATTEMPTS)
    ]  # fmt: skip
    services.workshop_set_step(workshop=workshop, step="vote")
    services.participant_join(workshop=workshop, user=team.fanny)
    client = Client()
    client.force_login(team.fanny)
    csrf = _get_new_csrf_string()
    cookie = f"sessionid={client.cookies['sessionid'].value}; csrftoken={csrf}"
    base = f"{live_server.url}/o/caisse/workshops/{workshop.pk}/ideas/"
    results: list[int] = []
    barrier = threading.Barrier(ATTEMPTS)
    threads = [
        threading.Thread(
            target=post, args=(f"{base}{idea.pk}/vote/", cookie, csrf, results, barrier)
        )
        for idea in ideas
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(results) == ATTEMPTS
    assert set(results) == {200}, results  # every request ends on the phone page, none fails
    votes = Vote.objects.filter(workshop=workshop, user=team.fanny)
    assert sorted(votes.values_list("slot", flat=True)) == [1, 2, 3]
