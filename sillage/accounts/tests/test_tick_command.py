"""`manage.py sillage_tick`: one round, or a loop with --every that outlives a failing round."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from sillage.accounts import ticking


@pytest.fixture
def scripted_job():
    """A registered job that plays a script of outcomes, one per round."""
    script: list[object] = []
    calls: list[object] = []

    def lead_test_scripted(now):
        calls.append(now)
        outcome = script.pop(0)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    ticking.tick_job(lead_test_scripted)
    yield script, calls
    ticking._JOBS.pop(f"{lead_test_scripted.__module__}.lead_test_scripted")


@pytest.mark.django_db
def test_one_round_reports_what_each_job_did(scripted_job):
    script, calls = scripted_job
    script.append(3)
    out = StringIO()
    call_command("sillage_tick", only="lead_test_scripted", stdout=out)
    assert len(calls) == 1
    assert out.getvalue().strip().endswith("lead_test_scripted: 3")


@pytest.mark.django_db
def test_every_keeps_running_after_a_failing_round(scripted_job):
    script, calls = scripted_job
    script.extend([RuntimeError("database away"), 1, KeyboardInterrupt()])
    out, err = StringIO(), StringIO()
    call_command("sillage_tick", only="lead_test_scripted", every=0.01, stdout=out, stderr=err)
    assert len(calls) == 3
    assert "tick failed: RuntimeError('database away')" in err.getvalue()
    assert "lead_test_scripted: 1" in out.getvalue()


@pytest.mark.django_db
def test_every_must_be_positive(scripted_job):
    with pytest.raises(CommandError, match="positive"):
        call_command("sillage_tick", only="lead_test_scripted", every=0)
