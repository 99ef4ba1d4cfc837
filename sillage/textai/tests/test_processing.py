"""Analysing comments: stored with the engine's name and version, re-run only when stale,
corrections kept across re-analyses, rollups maintained."""

from __future__ import annotations

import pytest

from sillage.textai import processing
from sillage.textai.models import (
    CommentAnalysis,
    CommentTheme,
    Correction,
    Theme,
    ThemeDayRollup,
)
from sillage.textai.services import sentiment_correct, theme_remove
from sillage.textai.tests.conftest import comment

pytestmark = pytest.mark.django_db


def test_first_analysis_seeds_the_bilingual_taxonomy_and_stores_the_results(world, fake_engine):
    response = comment(world.org, world.b1, "Attente trop longue au comptoir", nps=3)
    done = processing.analyse_responses(organization=world.org, response_ids=[response.pk])
    assert done == 1
    wait = Theme.objects.get(organization=world.org, code="wait_time")
    assert (wait.name_fr, wait.name_en) == ("Temps d'attente", "Wait time")
    analysis = CommentAnalysis.objects.get(response=response)
    assert (analysis.engine, analysis.engine_version) == ("fake", "1")
    assert analysis.sentiment == "negative"
    assert analysis.unit == world.b1 and analysis.nps == 3
    assert analysis.sentences[0]["sentiment"] == "negative"
    link = CommentTheme.objects.get(analysis=analysis)
    assert (link.theme.code, link.evidence, link.source) == ("wait_time", ["attente"], "engine")


def test_another_organisations_ids_are_ignored(world, fake_engine):
    foreign = comment(world.other_org, world.other_unit, "Attente trop longue")
    done = processing.analyse_responses(organization=world.org, response_ids=[foreign.pk])
    assert done == 0
    assert not CommentAnalysis.objects.exists()


def test_responses_without_comment_are_not_analysed(world, fake_engine):
    silent = comment(world.org, world.b1, "", nps=9)
    assert processing.analyse_responses(organization=world.org, response_ids=[silent.pk]) == 0


def test_only_stale_skips_what_the_same_engine_version_already_did(world, fake_engine):
    response = comment(world.org, world.b1, "Merci, service rapide")
    processing.analyse_responses(organization=world.org, response_ids=[response.pk])
    again = processing.analyse_responses(
        organization=world.org, response_ids=[response.pk], only_stale=True
    )
    assert again == 0
    fake_engine.version = "2"
    assert processing.stale(world.org, fake_engine).count() == 1
    processing.analyse_stale(organization=world.org, engine=fake_engine)
    assert CommentAnalysis.objects.get(response=response).engine_version == "2"


def test_identical_comments_are_analysed_once(world, fake_engine):
    ids = [comment(world.org, world.b1, "Merci!").pk for _ in range(3)]
    processing.analyse_responses(organization=world.org, response_ids=ids)
    assert fake_engine.calls == [["Merci!"]]
    assert CommentAnalysis.objects.filter(sentiment="positive").count() == 3


def test_reanalysis_keeps_corrections(world, fake_engine):
    response = comment(world.org, world.b1, "Attente trop longue, mauvais service")
    processing.analyse_responses(organization=world.org, response_ids=[response.pk])
    wait = Theme.objects.get(organization=world.org, code="wait_time")
    sentiment_correct(response=response, user=world.admin, sentiment="neutral")
    theme_remove(response=response, user=world.admin, theme=wait)
    fake_engine.version = "2"
    processing.analyse_responses(organization=world.org, response_ids=[response.pk])
    analysis = CommentAnalysis.objects.get(response=response)
    assert (analysis.sentiment, analysis.sentiment_corrected) == ("neutral", True)
    assert not CommentTheme.objects.filter(analysis=analysis, theme=wait).exists()
    assert list(Correction.objects.values_list("field", "old_value", "new_value")) == [
        ("theme_removed", "wait_time", ""),
        ("sentiment", "negative", "neutral"),
    ]


def test_rollups_count_each_theme_and_the_totals_with_nps(world, fake_engine):
    ids = [
        comment(world.org, world.b1, "Attente trop longue", nps=2).pk,
        comment(world.org, world.b1, "Attente correcte, merci", nps=10).pk,
        comment(world.org, world.b2, "Bon conseil", nps=9).pk,
    ]
    processing.analyse_responses(organization=world.org, response_ids=ids)
    wait = Theme.objects.get(organization=world.org, code="wait_time")
    rows = ThemeDayRollup.objects.filter(organization=world.org, theme=wait)
    assert sum(r.n for r in rows) == 2
    assert sum(r.promoters for r in rows) == 1 and sum(r.detractors for r in rows) == 1
    totals = ThemeDayRollup.objects.filter(organization=world.org, theme=None)
    assert sum(r.n for r in totals) == 3
    assert sum(r.negative for r in totals) == 1


def test_a_second_pass_storing_the_same_analysis_at_once_is_ignored(world, fake_engine):
    """Two workers analysing the same new comment both insert its analysis: the second
    insert is ignored, not an error (one analysis per response)."""
    from sillage.db.rows import insert_rows, row_values

    response = comment(world.org, world.b1, "Attente trop longue au comptoir", nps=3)
    processing.analyse_responses(organization=world.org, response_ids=[response.pk])
    stored = CommentAnalysis.objects.get(response=response)
    twin = CommentAnalysis.objects.get(pk=stored.pk)
    twin.pk, twin.sentiment = None, "positive"
    insert_rows(CommentAnalysis, [row_values(twin)], ignore_conflicts=True)
    assert list(CommentAnalysis.objects.values_list("response_id", "sentiment")) == [
        (response.pk, "negative")
    ]
