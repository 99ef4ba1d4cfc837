"""The demo's text analytics: the default taxonomy, the recent comments analysed at once, the
rest left to the tick, a few corrections by the CX lead, and the weekly emerging topics.

`make run` must not wait for an engine: the newest comments of the last `RECENT_WEEKS`
weeks are analysed now (at most `BUDGET` distinct comments per organisation; identical
comments are analysed once), which makes the themes pages and the last weeks' emerging
topics browsable at once; the older comments are left pending, and `manage.py sillage_tick`
(job `textai.tick.analyse_backlog`) or `manage.py analyze_comments` fills them in while the
progress bar on the themes page shows how far it got.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone

from sillage.accounts.models import Membership, Organization, Role
from sillage.textai.models import (
    CommentAnalysis,
    CommentTheme,
    Correction,
    EmergingTopic,
    TextSettings,
    Theme,
    ThemeDayRollup,
    TopicRun,
)

if TYPE_CHECKING:
    from sillage.demo.generator import DemoContext

RECENT_WEEKS = 5
BUDGET = 4_000  # responses analysed now, per organisation, newest first
TOPIC_WEEKS = 2  # weeks of emerging topics computed now

# What the engine gets wrong in the demo's comments, and what a CX lead says instead:
# (start of the comment, corrected sentiment, theme to add or "").
CORRECTIONS = (
    ("Correct, mais un sourire de plus", "neutral", ""),
    ("Le caissier semblait pressé", "negative", "courtesy"),
    ("The app crashes every time", "negative", ""),
    ("I got two different answers", "negative", "competence"),
    ("On m'a renvoyé d'un service à l'autre", "negative", "follow_up"),
    ("On m'a demandé les mêmes documents", "negative", "errors_fraud"),
    ("Mortgage approval took three weeks", "negative", ""),
    ("My premium went up", "negative", ""),
    ("Le clavardage m'a répondu", "negative", ""),
    ("Aucun suivi après ma rencontre", "negative", ""),
)
PER_CORRECTION = 3  # comments corrected for each of the above


def build_textai_demo(*, context: DemoContext) -> None:
    from sillage.textai import processing
    from sillage.textai.services import themes_ensure

    for organization in context.organizations.values():
        started = time.perf_counter()
        themes_ensure(organization=organization)
        since = timezone.now() - timedelta(weeks=RECENT_WEEKS)
        ids = list(
            processing.pending(organization)
            .filter(submitted_at__gte=since)
            .order_by("-submitted_at", "-id")
            .values_list("pk", flat=True)[:BUDGET]
        )
        done = processing.analyse_responses(organization=organization, response_ids=ids)
        corrected = _corrections(organization)
        topics = _topics(organization)
        left = processing.pending(organization).count()
        context.log(
            f"textai: {organization.name}, {done} comments analysed, {left} left to the tick, "
            f"{corrected} corrections, {topics} emerging topics "
            f"({time.perf_counter() - started:.1f} s)"
        )


def _corrections(organization: Organization) -> int:
    from sillage.textai.adaptation import adapter_train
    from sillage.textai.services import sentiment_correct, theme_add

    lead = (
        Membership.objects.filter(organization=organization, role=Role.CX_LEAD, is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if lead is None:
        return 0
    themes = {t.code: t for t in Theme.objects.filter(organization=organization)}
    count = 0
    for start, sentiment, theme_code in CORRECTIONS:
        analyses = (
            CommentAnalysis.objects.filter(
                organization=organization, response__comment__startswith=start
            )
            .exclude(sentiment=sentiment)
            .select_related("response__organization")
            .order_by("-submitted_at", "-id")[:PER_CORRECTION]
        )
        for analysis in analyses:
            sentiment_correct(response=analysis.response, user=lead.user, sentiment=sentiment)
            count += 1
            if theme_code in themes:
                theme_add(response=analysis.response, user=lead.user, theme=themes[theme_code])
                count += 1
    if count:
        adapter_train(organization=organization)
    return count


def _topics(organization: Organization) -> int:
    from sillage.textai.emerging import last_full_week, topics_compute

    last = last_full_week(organization)
    found = 0
    for back in range(TOPIC_WEEKS - 1, -1, -1):
        found += len(topics_compute(organization=organization, week=last - timedelta(weeks=back)))
    return found


def clear_textai_demo(*, organizations: QuerySet[Organization]) -> int:
    """Text analytics rows go before the responses they describe (a fast, ordered delete)."""
    deleted = 0
    for model in (CommentTheme, ThemeDayRollup, EmergingTopic, TopicRun, Correction,
                  CommentAnalysis, TextSettings, Theme):  # fmt: skip
        deleted += model.objects.filter(organization__in=organizations).delete()[0]
    return deleted
