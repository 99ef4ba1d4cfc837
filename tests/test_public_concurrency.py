"""Ten customers' browsers submit the same invitation at the same moment, on PostgreSQL:
exactly one response is recorded, the nine others see "you already answered" (never a 500).

Runs against a real server (pytest-django's live_server, one thread per request, each with its
own database connection), so the race is decided by PostgreSQL's unique constraint.
"""

from __future__ import annotations

import os
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.core import signing

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="needs PostgreSQL (DATABASE_URL=postgres://…)",
)

SUBMISSIONS = 10


def submit(url: str, body: bytes, results: list, barrier: threading.Barrier) -> None:
    request = urllib.request.Request(  # noqa: S310 - the local live server
        url,
        data=body,
        headers={"Accept-Language": "fr-CA", "Content-Type": "application/x-www-form-urlencoded"},
    )
    barrier.wait()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            results.append((response.status, response.read().decode()))
    except urllib.error.HTTPError as error:
        results.append((error.code, error.read().decode()))


def test_ten_concurrent_submissions_of_one_invitation_record_exactly_one_response(
    live_server, transactional_db
):
    from django.core.cache import cache

    from sillage.accounts.tests.factories import build_world
    from sillage.feedback.models import Response
    from sillage.feedback.public import STAMP_SALT
    from sillage.feedback.tests.factories import build_feedback

    cache.clear()
    world = build_world()
    fw = build_feedback(world.org, world.b1)
    token = fw.invitation.token
    stamp = signing.dumps({"t": token, "at": time.time() - 10}, salt=STAMP_SALT, compress=True)
    body = urllib.parse.urlencode({"sv.lang": "fr", "sv.stamp": stamp, "nps": "4"}).encode()
    url = f"{live_server.url}/s/{token}"
    results: list[tuple[int, str]] = []
    barrier = threading.Barrier(SUBMISSIONS)
    threads = [
        threading.Thread(target=submit, args=(url, body, results, barrier))
        for _ in range(SUBMISSIONS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(results) == SUBMISSIONS
    statuses = sorted(status for status, _html in results)
    # urllib follows the 303 to the thank-you page: the winner ends on a 200.
    assert statuses == [200] + [409] * (SUBMISSIONS - 1), statuses
    winners = [html for status, html in results if status == 200]
    assert "<h1>Merci!</h1>" in winners[0]
    for status, html in results:
        if status == 409:
            assert "<h1>Vous avez déjà répondu</h1>" in html
    assert Response.objects.filter(invitation=fw.invitation).count() == 1
    cache.clear()
