"""Two people on the same case at once: no lost note, no silently lost status change."""

import threading
import time

import pytest
from django.db import OperationalError, connection

from sillage.cases.models import Case, CaseEvent
from sillage.cases.services_work import Conflict, case_add_note, case_change_status
from sillage.cases.tests.factories import make_case


def _run_together(case_id, *functions):
    """Each thread reads the case on its own connection, waits for the other, then acts.

    SQLite's in-memory test database refuses a second writer at once ("table is locked")
    instead of waiting like a file database or PostgreSQL would: the runner waits and retries
    then, which is what the database's busy timeout does in production.
    """
    barrier = threading.Barrier(len(functions))
    results: list = [None] * len(functions)

    def runner(index, function):
        try:
            seen = Case.objects.get(pk=case_id)  # both read "new" before either writes
            barrier.wait()
            for _attempt in range(50):
                try:
                    results[index] = function(seen)
                    break
                except OperationalError as error:
                    if "locked" not in str(error):
                        raise
                    time.sleep(0.02)
        except Exception as error:  # noqa: BLE001 - reported to the test
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_two_notes_at_once_are_both_kept(world):
    case = make_case(world.org, world.b1)
    _run_together(
        case.pk,
        lambda seen: case_add_note(case=seen, author=world.branch_manager, body="Appelé"),
        lambda seen: case_add_note(case=seen, author=world.regional_manager, body="Je rappelle"),
    )
    bodies = set(CaseEvent.objects.filter(case=case, kind="note").values_list("body", flat=True))
    assert bodies == {"Appelé", "Je rappelle"}


@pytest.mark.django_db(transaction=True)
def test_two_status_changes_from_the_same_status_one_wins_one_is_told(world):
    case = make_case(world.org, world.b1)

    def change(to_status, user):
        return lambda seen: case_change_status(
            case=seen,
            to_status=to_status,
            expected_status="new",
            user=user,
            resolution="Remboursé" if to_status == "resolved" else None,
        )

    results = _run_together(
        case.pk,
        change("acknowledged", world.branch_manager),
        change("resolved", world.regional_manager),
    )
    conflicts = [r for r in results if isinstance(r, Conflict)]
    winners = [r for r in results if isinstance(r, Case)]
    assert len(conflicts) == 1 and len(winners) == 1
    case.refresh_from_db()
    assert case.status == winners[0].status
    assert conflicts[0].current == case.status
    assert "Someone else changed this case" in str(conflicts[0]) or "Quelqu" in str(conflicts[0])
    assert CaseEvent.objects.filter(case=case, kind="status").count() == 1
