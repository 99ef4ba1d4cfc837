"""The demo step: recent comments analysed at once, older ones left to the tick,
corrections by the CX lead, and a clear that removes every text analytics row."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from sillage.accounts.models import Organization
from sillage.demo.generator import DemoContext
from sillage.demo.textai_demo import build_textai_demo, clear_textai_demo
from sillage.textai.models import CommentAnalysis, Correction, Theme
from sillage.textai.processing import pending
from sillage.textai.tests.conftest import comment

pytestmark = pytest.mark.django_db


def test_demo_analyses_recent_comments_and_corrects_a_few(world, fake_engine):
    now = timezone.now()
    recent = comment(world.org, world.b1, "Le caissier semblait pressé de finir.",
                     when=now - timedelta(days=3))  # fmt: skip
    old = comment(world.org, world.b1, "Attente trop longue", when=now - timedelta(weeks=30))
    log: list[str] = []
    context = DemoContext(seed=1, password_hash="", log=log.append,
                          organizations={"caisse": world.org})  # fmt: skip
    build_textai_demo(context=context)
    assert CommentAnalysis.objects.filter(response=recent).exists()
    assert list(pending(world.org)) == [old]  # left to the tick
    assert list(
        Correction.objects.filter(response=recent, user=world.cx_lead)
        .order_by("id")
        .values_list("field", "new_value")
    ) == [("sentiment", "negative"), ("theme_added", "courtesy")]
    assert "1 comments analysed, 1 left to the tick, 2 corrections" in log[0]
    deleted = clear_textai_demo(organizations=Organization.objects.filter(pk=world.org.pk))
    assert deleted > 0
    assert not Theme.objects.filter(organization=world.org).exists()
    assert not CommentAnalysis.objects.exists()
