"""Reads of workshops: the team's customer facts, the perception gap, the session's state."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q

from sillage.accounts.models import User
from sillage.feedback.models import Response, Touchpoint
from sillage.insights.metrics import Counts, Estimate, csat, nps
from sillage.insights.rollups import zone_of
from sillage.insights.selectors import Filters, aggregate, today_for
from sillage.workshops.access import workshop_scope
from sillage.workshops.models import (
    FeedbackAnswer,
    Idea,
    IdeaStatus,
    Metric,
    Participant,
    Pillar,
    Prediction,
    Vote,
    Workshop,
)

REVEAL_DAYS = 90
MAIN_TOUCHPOINTS = 3
VERBATIMS_PER_SIDE = 3
MIN_PREDICTORS_FOR_AVERAGE = 2  # a "team average" of one person would be that person's gap


def local_day(workshop: Workshop) -> date:
    return workshop.scheduled_at.astimezone(zone_of(workshop.organization)).date()


def facts_range(workshop: Workshop) -> tuple[date, date]:
    """The 90 days up to the workshop (or today, when it is still ahead)."""
    today = today_for(workshop_scope(workshop))
    end = min(today, local_day(workshop))
    return end - timedelta(days=REVEAL_DAYS - 1), end


def main_touchpoint_ids(workshop: Workshop) -> list[int]:
    """The team's touchpoints with the most answers to the workshop's score in 90 days."""
    start, end = facts_range(workshop)
    rows = aggregate(
        workshop_scope(workshop),
        Filters(start=start, end=end, unit=workshop.unit),
        ("touchpoint",),
        invitations=False,
    )
    field_n = "nps_n" if workshop.metric == Metric.NPS else "csat_n"
    ranked = sorted(
        ((getattr(c, field_n), key[0]) for key, c in rows.items() if key[0] is not None),
        reverse=True,
    )
    return [tp for n, tp in ranked if n > 0][:MAIN_TOUCHPOINTS]


def metric_estimate(metric: str, counts: Counts) -> Estimate:
    return nps(counts) if metric == Metric.NPS else csat(counts)


@dataclass
class Verbatim:
    id: int
    comment: str
    score: int | None
    language: str
    day: date


@dataclass
class TouchpointFacts:
    touchpoint: Touchpoint
    real: Estimate
    team_prediction: float | None = None  # None: fewer than two predictions
    predictors: int = 0
    appreciated: list[Verbatim] = field(default_factory=list)
    criticised: list[Verbatim] = field(default_factory=list)
    predicted_appreciated: list[tuple[str, int]] = field(default_factory=list)
    predicted_criticised: list[tuple[str, int]] = field(default_factory=list)
    start: date | None = None  # the 90 days the figures and verbatims are about
    end: date | None = None

    @property
    def team_gap(self) -> float | None:
        if self.team_prediction is None or self.real.value is None:
            return None
        return self.team_prediction - self.real.value


def _verbatims(
    workshop: Workshop, touchpoint_id: int, start: date, end: date, positive: bool
) -> list:
    score_field = "nps" if workshop.metric == Metric.NPS else "csat"
    zone = zone_of(workshop.organization)
    if workshop.metric == Metric.NPS:
        condition = Q(nps__gte=9) if positive else Q(nps__lte=6)
    else:
        condition = Q(csat__gte=4) if positive else Q(csat__lte=2)
    rows = (
        Response.objects.filter(
            organization_id=workshop.organization_id,
            unit__path__startswith=workshop.unit.path,
            touchpoint_id=touchpoint_id,
            submitted_at__gte=datetime.combine(start, time.min, tzinfo=zone),
            submitted_at__lt=datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
        )
        .filter(condition)
        .exclude(comment="")
        .order_by("-submitted_at")
        # Never contact data: the comment, its score, language and day only.
        .values("id", "comment", score_field, "language", "submitted_at")[:VERBATIMS_PER_SIDE]
    )
    return [
        Verbatim(r["id"], r["comment"], r[score_field], r["language"], r["submitted_at"].date())
        for r in rows
    ]


def _tally(lists: list[list[str]], labels: dict[str, str]) -> list[tuple[str, int]]:
    counter: Counter[str] = Counter()
    shown: dict[str, str] = {}
    for items in lists:
        for item in items:
            key = item.strip().casefold()
            shown.setdefault(key, labels.get(item, item.strip()))
            counter[key] += 1
    return [(shown[k], n) for k, n in counter.most_common(5)]


def customer_facts(workshop: Workshop, *, with_predictions: bool = True) -> list[TouchpointFacts]:
    """Per main touchpoint: the real score (with n and margin), real verbatims, and the team's
    predictions as averages and tallies (never one person's)."""
    from sillage.textai.selectors import theme_options

    start, end = facts_range(workshop)
    touchpoints = list(workshop.touchpoints.all())
    rows = aggregate(
        workshop_scope(workshop),
        Filters(start=start, end=end, unit=workshop.unit),
        ("touchpoint",),
        invitations=False,
    )
    predictions: dict[int, list[Prediction]] = {}
    if with_predictions:
        for p in Prediction.objects.filter(workshop=workshop):
            predictions.setdefault(p.touchpoint_id, []).append(p)
    labels = dict(theme_options(workshop.organization))
    facts = []
    for touchpoint in touchpoints:
        real = metric_estimate(workshop.metric, rows.get((touchpoint.pk,), Counts()))
        item = TouchpointFacts(touchpoint=touchpoint, real=real, start=start, end=end)
        mine = predictions.get(touchpoint.pk, [])
        item.predictors = len(mine)
        if len(mine) >= MIN_PREDICTORS_FOR_AVERAGE:
            item.team_prediction = sum(p.score for p in mine) / len(mine)
            item.predicted_appreciated = _tally([p.appreciated for p in mine], labels)
            item.predicted_criticised = _tally([p.criticised for p in mine], labels)
        item.appreciated = _verbatims(workshop, touchpoint.pk, start, end, positive=True)
        item.criticised = _verbatims(workshop, touchpoint.pk, start, end, positive=False)
        facts.append(item)
    return facts


@dataclass
class OwnGap:
    touchpoint: Touchpoint
    predicted: int
    real: float | None

    @property
    def gap(self) -> float | None:
        return None if self.real is None else self.predicted - self.real


def own_gaps(workshop: Workshop, user: User, facts: list[TouchpointFacts]) -> list[OwnGap]:
    """The viewer's own predictions beside the real figures: shown to that person only."""
    real = {f.touchpoint.pk: f.real.value for f in facts}
    return [
        OwnGap(p.touchpoint, p.score, real.get(p.touchpoint_id))
        for p in Prediction.objects.filter(workshop=workshop, user=user).select_related(
            "touchpoint"
        )
    ]


# --- Session state ----------------------------------------------------------------------------


@dataclass
class IdeaRow:
    idea: Idea
    votes: int = 0
    mine: bool = False


@dataclass
class Board:
    """What the shared screen shows: counts and ideas, no names, no individual prediction."""

    members: int
    joined: int
    predicted: int
    voted: int
    feedback_given: int
    by_pillar: dict[str, list[IdeaRow]]
    parked: list[IdeaRow]
    chosen: list[IdeaRow]

    @property
    def proposed(self) -> int:
        return sum(len(rows) for rows in self.by_pillar.values()) + len(self.chosen)


def board(workshop: Workshop, *, user: User | None = None) -> Board:
    from sillage.workshops.services import unit_members

    counts = Participant.objects.filter(workshop=workshop).aggregate(
        joined=Count("id"),
        predicted=Count("id", filter=Q(predicted_at__isnull=False)),
        feedback=Count("id", filter=Q(feedback_given=True)),
    )
    votes = dict(
        Vote.objects.filter(workshop=workshop)
        .values("idea_id")
        .annotate(n=Count("id"))
        .values_list("idea_id", "n")
    )
    mine = (
        set(Vote.objects.filter(workshop=workshop, user=user).values_list("idea_id", flat=True))
        if user
        else set()
    )
    voted = Vote.objects.filter(workshop=workshop).values("user_id").distinct().count()
    by_pillar: dict[str, list[IdeaRow]] = {p.value: [] for p in Pillar}
    parked, chosen = [], []
    for idea in Idea.objects.filter(workshop=workshop):
        row = IdeaRow(idea, votes.get(idea.pk, 0), idea.pk in mine)
        if idea.status == IdeaStatus.PARKED:
            parked.append(row)
        elif idea.status == IdeaStatus.CHOSEN:
            chosen.append(row)
        else:
            by_pillar[idea.pillar].append(row)
    return Board(
        members=unit_members(workshop.unit).count(),
        joined=counts["joined"],
        predicted=counts["predicted"],
        voted=voted,
        feedback_given=counts["feedback"],
        by_pillar=by_pillar,
        parked=parked,
        chosen=chosen,
    )


@dataclass
class FeedbackResult:
    n: int
    threshold: int
    shown: bool
    energising: float | None = None
    engaging: float | None = None
    concrete: float | None = None


def feedback_result(workshop: Workshop) -> FeedbackResult:
    """The anonymous feedback, only when at least the organisation's threshold answered."""
    answers = list(
        FeedbackAnswer.objects.filter(workshop=workshop).values_list(
            "energising", "engaging", "concrete"
        )
    )
    threshold = workshop.organization.anonymity_threshold
    result = FeedbackResult(n=len(answers), threshold=threshold, shown=len(answers) >= threshold)
    if result.shown:
        result.energising, result.engaging, result.concrete = (
            sum(a[i] for a in answers) / len(answers) for i in range(3)
        )
    return result
