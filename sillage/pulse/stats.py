"""Small statistics in pure Python: means from sums, and Welch's t-test for changes.

A change between two waves is signalled when it is at least `MIN_CHANGE` points on the 0–100
scale AND Welch's two-sided t-test (unequal variances, Welch–Satterthwaite degrees of freedom)
gives p < 0.10, i.e. significant at 90 %.

For a relation (three agreement items), the observations are the item answers and the sample
size is the number of respondents, not of answers: the answers of one person are correlated,
so counting each as independent would overstate significance. Using the item-level variance
with the respondent count is conservative when a person's items agree with each other.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MIN_CHANGE = 5.0  # points on the 0–100 scale
SIGNIFICANCE = 0.10  # two-sided: 90 % confidence


@dataclass(frozen=True)
class Sample:
    """Enough to test a mean: the number of units, the observations' sum and sum of squares.

    `weight` is how many observations each unit contributed (3 items per respondent: 3).
    """

    n: int
    total: float
    total_sq: float
    weight: int = 1

    @property
    def observations(self) -> int:
        return self.n * self.weight

    @property
    def mean(self) -> float:
        return self.total / self.observations

    @property
    def variance(self) -> float:
        k = self.observations
        if k < 2:
            return 0.0
        return max(0.0, (self.total_sq - self.total * self.total / k) / (k - 1))


def welch_p_value(a: Sample, b: Sample) -> float:
    """Two-sided p-value of Welch's t-test for a difference between the two means."""
    if a.n < 2 or b.n < 2:
        return 1.0
    se_a = a.variance / a.n
    se_b = b.variance / b.n
    se = se_a + se_b
    difference = a.mean - b.mean
    if se <= 0:
        return 0.0 if difference != 0 else 1.0
    t = difference / math.sqrt(se)
    df = se * se / (se_a * se_a / (a.n - 1) + se_b * se_b / (b.n - 1))
    return student_t_two_sided(t, df)


def student_t_two_sided(t: float, df: float) -> float:
    """P(|T| ≥ |t|) for Student's t with `df` degrees of freedom."""
    if df <= 0 or math.isinf(df):
        return math.erfc(abs(t) / math.sqrt(2))
    x = df / (df + t * t)
    return regularized_incomplete_beta(df / 2, 0.5, x)


def regularized_incomplete_beta(a: float, b: float, x: float) -> float:
    """I_x(a, b) by Lentz's continued fraction (Numerical Recipes, `betai`)."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    front = math.exp(log_front)
    if x < (a + 1) / (a + b + 2):
        return front * _beta_continued_fraction(a, b, x) / a
    return 1.0 - front * _beta_continued_fraction(b, a, 1 - x) / b


def _beta_continued_fraction(a: float, b: float, x: float) -> float:
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1, a - 1
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 300):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 3e-14:
            break
    return h


def is_signal(change: float, p_value: float) -> bool:
    return abs(change) >= MIN_CHANGE and p_value < SIGNIFICANCE
