"""The metrics engine: honest figures from additive counters, with their margin of error.

Pure functions only; the queries that feed them are in `selectors.py` (from rollups) and the
tests recompute the same figures from raw exports.

Definitions (all margins are 95 % half-widths, 1.96 standard errors, in the metric's unit):

- NPS = % promoters (9–10) − % detractors (0–6), from −100 to 100. With p and d the shares
  of promoters and detractors, var = (p + d − (p − d)²) / n, MoE = 1.96·√var·100.
- CSAT: the share of satisfied answers (4 or 5 on 1–5), MoE of a proportion
  1.96·√(p(1 − p)/n)·100; and the mean score, MoE 1.96·s/√n (s: sample standard deviation).
- CES on 1–7, oriented as the survey asks it: 1 = very difficult, 7 = very easy (the public
  page's labels). "Easy" is 5, 6 or 7. Mean (higher is easier) and % easy, as for CSAT.
- Comment rate: responses with a comment / responses. Response rate: invitations answered /
  invitations sent (by day of sending).
- A sample under `SMALL_SAMPLE` (30) answers is flagged, never hidden.
- A change between two periods is a signal only when both samples are large enough and the
  difference exceeds the margin of error of the difference, 1.96·√(se₁² + se₂²).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import date, timedelta
from typing import NamedTuple

from django.conf import settings
from django.utils.translation import gettext_lazy as _

Z95 = 1.96
SMALL_SAMPLE: int = getattr(settings, "INSIGHTS_SMALL_SAMPLE", 30)
CES_EASY_MIN = 5  # on 1–7 where 7 = very easy
CSAT_SATISFIED_MIN = 4  # on 1–5

METRICS = ("nps", "csat", "csat_mean", "ces", "ces_easy", "responses", "comment_rate",
           "response_rate")  # fmt: skip
METRIC_LABELS = {
    "nps": _("NPS"),
    "csat": _("CSAT (% satisfied)"),
    "csat_mean": _("CSAT (mean /5)"),
    "ces": _("CES (mean /7)"),
    "ces_easy": _("CES (% easy)"),
    "responses": _("Responses"),
    "comment_rate": _("Comment rate"),
    "response_rate": _("Response rate"),
}
GRAINS = ("day", "week", "month", "quarter")


@dataclass
class Counts:
    """Additive counters: a rollup row, or the sum of many."""

    n: int = 0
    nps_n: int = 0
    promoters: int = 0
    passives: int = 0
    detractors: int = 0
    csat_n: int = 0
    csat_sum: int = 0
    csat_sumsq: int = 0
    csat_top2: int = 0
    ces_n: int = 0
    ces_sum: int = 0
    ces_sumsq: int = 0
    ces_easy: int = 0
    comments: int = 0
    sent: int = 0  # invitations sent (None-able in spirit: 0 means "no invitations")
    answered: int = 0

    def __add__(self, other: Counts) -> Counts:
        total = Counts()
        total.add(self)
        total.add(other)
        return total

    def add(self, other: Counts) -> None:
        """In-place sum (dashboards add thousands of these: plain dict arithmetic)."""
        mine, theirs = self.__dict__, other.__dict__
        for name in COUNT_FIELDS:
            mine[name] += theirs[name]

    @classmethod
    def of(cls, row: Mapping[str, int | None], prefix: str = "") -> Counts:
        """From a row of aggregated values (None, for an empty SUM, is 0)."""
        counts = cls()
        values = counts.__dict__
        for name in COUNT_FIELDS:
            value = row.get(prefix + name)
            if value:
                values[name] = int(value)
        return counts

    @classmethod
    def total(cls, items: Iterable[Counts]) -> Counts:
        counts = cls()
        for item in items:
            counts.add(item)
        return counts


COUNT_FIELDS = tuple(f.name for f in fields(Counts))
RESPONSE_FIELDS = COUNT_FIELDS[:-2]  # the counters stored in response rollups


class Estimate(NamedTuple):
    """A metric's value with its sample size and 95 % margin of error. (A tuple: an API
    answer may build tens of thousands of them.)"""

    value: float | None
    n: int
    margin: float | None = None
    small: bool = False

    @property
    def empty(self) -> bool:
        return self.value is None


def _proportion(hits: int, n: int, scale: float = 100.0) -> Estimate:
    if n <= 0:
        return Estimate(None, 0)
    p = hits / n
    # One answer has no spread to estimate from.
    margin = Z95 * math.sqrt(p * (1 - p) / n) * scale if n > 1 else None
    return Estimate(p * scale, n, margin, n < SMALL_SAMPLE)


def _mean(total: int, sumsq: int, n: int) -> Estimate:
    if n <= 0:
        return Estimate(None, 0)
    mean = total / n
    if n > 1:
        variance = max(0.0, (sumsq - n * mean * mean) / (n - 1))
        margin: float | None = Z95 * math.sqrt(variance / n)
    else:
        margin = None  # one answer: no spread to estimate
    return Estimate(mean, n, margin, n < SMALL_SAMPLE)


def nps(c: Counts) -> Estimate:
    n = c.nps_n
    if n <= 0:
        return Estimate(None, 0)
    p, d = c.promoters / n, c.detractors / n
    variance = max(0.0, (p + d - (p - d) ** 2) / n)
    margin = Z95 * math.sqrt(variance) * 100 if n > 1 else None
    return Estimate(100 * (p - d), n, margin, n < SMALL_SAMPLE)


def csat(c: Counts) -> Estimate:
    return _proportion(c.csat_top2, c.csat_n)


def csat_mean(c: Counts) -> Estimate:
    return _mean(c.csat_sum, c.csat_sumsq, c.csat_n)


def ces(c: Counts) -> Estimate:
    return _mean(c.ces_sum, c.ces_sumsq, c.ces_n)


def ces_easy(c: Counts) -> Estimate:
    return _proportion(c.ces_easy, c.ces_n)


def responses(c: Counts) -> Estimate:
    """A count: exact, no margin; flagged small like the figures it would carry."""
    return Estimate(float(c.n), c.n, None, 0 < c.n < SMALL_SAMPLE)


def comment_rate(c: Counts) -> Estimate:
    return _proportion(c.comments, c.n)


def response_rate(c: Counts) -> Estimate:
    return _proportion(c.answered, c.sent)


CALCULATORS = {
    "nps": nps,
    "csat": csat,
    "csat_mean": csat_mean,
    "ces": ces,
    "ces_easy": ces_easy,
    "responses": responses,
    "comment_rate": comment_rate,
    "response_rate": response_rate,
}


def estimate(metric: str, counts: Counts) -> Estimate:
    return CALCULATORS[metric](counts)


@dataclass(frozen=True)
class Change:
    delta: float | None
    margin: float | None
    signal: str | None  # "up", "down", or None when within the margin of error

    @property
    def arrow(self) -> str:
        return {"up": "▲", "down": "▼"}.get(self.signal or "", "")


NO_CHANGE = Change(None, None, None)


def change(current: Estimate, previous: Estimate) -> Change:
    """The difference, and a signal only when it exceeds the margin of error of a difference
    between two independent samples (and neither sample is small)."""
    if current.value is None or previous.value is None:
        return NO_CHANGE
    delta = current.value - previous.value
    if current.margin is None or previous.margin is None:
        return Change(delta, None, None)
    margin = math.sqrt(current.margin**2 + previous.margin**2)
    signal = None
    if not current.small and not previous.small and abs(delta) > margin:
        signal = "up" if delta > 0 else "down"
    return Change(delta, margin, signal)


# --- Periods, in the organisation's local dates ------------------------------------------------


def period_start(day: date, grain: str) -> date:
    if grain == "day":
        return day
    if grain == "week":
        return day - timedelta(days=day.weekday())
    if grain == "month":
        return day.replace(day=1)
    if grain == "quarter":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    raise ValueError(grain)


def next_period(start: date, grain: str) -> date:
    if grain == "day":
        return start + timedelta(days=1)
    if grain == "week":
        return start + timedelta(days=7)
    months = 1 if grain == "month" else 3
    month = start.month - 1 + months
    return date(start.year + month // 12, month % 12 + 1, 1)


def periods(first: date, last: date, grain: str) -> list[date]:
    """The starts of every period of `grain` that meets [first, last]."""
    starts, current = [], period_start(first, grain)
    while current <= last:
        starts.append(current)
        current = next_period(current, grain)
    return starts


def period_key(start: date, grain: str) -> str:
    """A stable text key: 2025-03-14, 2025-W11, 2025-03, 2025-Q1."""
    if grain == "day":
        return start.isoformat()
    if grain == "week":
        year, week, _weekday = start.isocalendar()
        return f"{year}-W{week:02d}"
    if grain == "month":
        return f"{start.year}-{start.month:02d}"
    return f"{start.year}-Q{(start.month - 1) // 3 + 1}"


def period_end(start: date, grain: str) -> date:
    """The last day of the period starting at `start`."""
    return next_period(start, grain) - timedelta(days=1)


def previous_range(first: date, last: date) -> tuple[date, date]:
    """The range of the same length just before [first, last]."""
    length = (last - first).days + 1
    return first - timedelta(days=length), first - timedelta(days=1)


# --- Banding for heatmaps (fixed thresholds, shown in the legend) -----------------------------

BANDS: dict[str, tuple[float, ...]] = {
    "nps": (0, 20, 40, 60),
    "csat": (60, 70, 80, 90),
    "ces": (4.0, 4.75, 5.5, 6.25),
}


def band(metric: str, value: float | None) -> int | None:
    """1 (worst) to 5 (best) for heatmap colours; None when there is no value."""
    limits = BANDS.get(metric)
    if value is None or limits is None:
        return None
    return 1 + sum(1 for limit in limits if value >= limit)
