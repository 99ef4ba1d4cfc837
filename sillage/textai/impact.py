"""Theme impact, the key-driver view: for each theme in a unit subtree and period, its volume,
its share of analysed comments, its average sentiment, and the NPS of responses that mention
it against those (with a comment) that do not, each with n and a 95 % margin of error.

Read from the theme rollups only: the cost grows with units × themes × days, never with
the number of comments. NPS estimates come from `insights.metrics` (same definitions and
margins as every other figure of Sillage); the margin of the gap is that of a difference
between two disjoint samples, √(m₁² + m₂²).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from django.db.models import Sum

from sillage.accounts.scope import Scope
from sillage.insights import metrics
from sillage.insights.metrics import Counts, Estimate
from sillage.insights.presenters import explorer_url, fmt_margin, fmt_value
from sillage.insights.selectors import Filters
from sillage.textai.models import Theme, ThemeDayRollup
from sillage.textai.rollups import COUNTER_NAMES

SORTS = ("volume", "share", "sentiment", "nps_with", "gap")


@dataclass
class ThemeCounts:
    n: int = 0
    positive: int = 0
    neutral: int = 0
    negative: int = 0
    score_sum: float = 0.0
    nps_n: int = 0
    promoters: int = 0
    passives: int = 0
    detractors: int = 0

    @classmethod
    def of(cls, row: dict) -> ThemeCounts:
        return cls(**{name: row.get(name) or 0 for name in COUNTER_NAMES})

    def minus(self, other: ThemeCounts) -> ThemeCounts:
        return ThemeCounts(**{n: getattr(self, n) - getattr(other, n) for n in COUNTER_NAMES})

    def nps(self) -> Estimate:
        return metrics.nps(
            Counts(nps_n=self.nps_n, promoters=self.promoters, passives=self.passives,
                   detractors=self.detractors)
        )  # fmt: skip

    @property
    def mean_score(self) -> float | None:
        return self.score_sum / self.n if self.n else None


@dataclass
class ImpactRow:
    theme: Theme
    counts: ThemeCounts
    share: float  # of the period's analysed comments, 0–100
    nps_with: Estimate
    nps_without: Estimate
    gap: float | None
    gap_margin: float | None
    url: str  # the verbatims behind the volume
    negative_url: str
    nps_url: str
    without_url: str

    @property
    def sentiment_text(self) -> str:
        score = self.counts.mean_score
        return "—" if score is None else f"{score:+.2f}"

    @property
    def negative_share(self) -> float:
        return 100 * self.counts.negative / self.counts.n if self.counts.n else 0.0

    @property
    def nps_with_text(self) -> str:
        return fmt_value("nps", self.nps_with.value)

    @property
    def nps_with_margin(self) -> str:
        return fmt_margin("nps", self.nps_with.margin)

    @property
    def nps_without_text(self) -> str:
        return fmt_value("nps", self.nps_without.value)

    @property
    def nps_without_margin(self) -> str:
        return fmt_margin("nps", self.nps_without.margin)

    @property
    def gap_text(self) -> str:
        return "—" if self.gap is None else f"{self.gap:+.0f}"

    @property
    def gap_margin_text(self) -> str:
        return fmt_margin("nps", self.gap_margin)

    @property
    def significant(self) -> bool:
        return (
            self.gap is not None
            and self.gap_margin is not None
            and not self.nps_with.small
            and not self.nps_without.small
            and abs(self.gap) > self.gap_margin
        )


@dataclass
class Impact:
    rows: list[ImpactRow]
    total: ThemeCounts
    total_url: str


def _rollups(scope: Scope, filters: Filters, start: date, end: date):
    qs = ThemeDayRollup.objects.for_scope(scope).filter(day__gte=start, day__lte=end)
    if filters.unit is not None:
        if filters.subunits:
            qs = qs.filter(unit__path__startswith=filters.unit.path)
        else:
            qs = qs.filter(unit=filters.unit)
    if filters.journey_id:
        qs = qs.filter(touchpoint__stage__journey_id=filters.journey_id)
    if filters.touchpoint_id:
        qs = qs.filter(touchpoint_id=filters.touchpoint_id)
    return qs


def by_theme(scope: Scope, filters: Filters) -> dict[int | None, ThemeCounts]:
    rows = (
        _rollups(scope, filters, filters.start, filters.end)
        .values("theme_id")
        .annotate(**{name: Sum(name) for name in COUNTER_NAMES})
    )
    return {row["theme_id"]: ThemeCounts.of(row) for row in rows}


def theme_impact(scope: Scope, filters: Filters, *, sort: str = "volume") -> Impact:
    counts = by_theme(scope, filters)
    total = counts.pop(None, ThemeCounts())
    themes = {t.pk: t for t in Theme.objects.filter(organization=scope.organization)}
    rows = []
    for theme_id, mine in counts.items():
        theme = themes.get(theme_id)
        if theme is None or mine.n == 0:
            continue
        with_, without = mine.nps(), total.minus(mine).nps()
        gap = gap_margin = None
        if with_.value is not None and without.value is not None:
            gap = with_.value - without.value
            if with_.margin is not None and without.margin is not None:
                gap_margin = math.sqrt(with_.margin**2 + without.margin**2)
        rows.append(
            ImpactRow(
                theme=theme,
                counts=mine,
                share=100 * mine.n / total.n if total.n else 0.0,
                nps_with=with_,
                nps_without=without,
                gap=gap,
                gap_margin=gap_margin,
                url=explorer_url(scope, filters, comment="yes", theme=theme.code) + "#results",
                negative_url=explorer_url(
                    scope, filters, comment="yes", theme=theme.code, sentiment="negative"
                )
                + "#results",
                nps_url=explorer_url(scope, filters, band="nps", comment="yes", theme=theme.code)
                + "#results",
                without_url=explorer_url(scope, filters, band="nps", comment="yes") + "#results",
            )
        )
    return Impact(_sorted(rows, sort), total, explorer_url(scope, filters, comment="yes"))


def _sorted(rows: list[ImpactRow], sort: str) -> list[ImpactRow]:
    keys = {
        "volume": lambda r: -r.counts.n,
        "share": lambda r: -r.share,
        "sentiment": lambda r: r.counts.mean_score if r.counts.mean_score is not None else 9,
        "nps_with": lambda r: r.nps_with.value if r.nps_with.value is not None else 999,
        "gap": lambda r: r.gap if r.gap is not None else 999,
    }
    return sorted(rows, key=keys.get(sort, keys["volume"]))
