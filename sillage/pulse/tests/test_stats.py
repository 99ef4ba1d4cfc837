"""Welch's t-test in pure Python, against reference values (R's t.test)."""

import math

import pytest

from sillage.pulse.stats import (
    Sample,
    is_signal,
    regularized_incomplete_beta,
    student_t_two_sided,
    welch_p_value,
)


@pytest.mark.parametrize(
    ("t", "df", "expected"),
    [
        (2.0, 10, 0.07339),
        (1.0, 5, 0.36322),
        (3.5, 30, 0.001477),
        (0.0, 12, 1.0),
        (1.645, 1e6, 0.09997),
    ],
)
def test_student_t_two_sided_matches_reference_values(t, df, expected):
    assert student_t_two_sided(t, df) == pytest.approx(expected, rel=1e-3)


def test_incomplete_beta_edges():
    assert regularized_incomplete_beta(2, 3, 0) == 0
    assert regularized_incomplete_beta(2, 3, 1) == 1
    assert regularized_incomplete_beta(1, 1, 0.3) == pytest.approx(0.3)


def sample(values: list[float]) -> Sample:
    return Sample(n=len(values), total=sum(values), total_sq=sum(v * v for v in values))


def t_tail_by_integration(t: float, df: float, steps: int = 20_000) -> float:
    """P(|T| ≥ t) by Simpson's rule on Student's density: an independent check."""

    def density(x: float) -> float:
        log_c = math.lgamma((df + 1) / 2) - math.lgamma(df / 2) - 0.5 * math.log(df * math.pi)
        return math.exp(log_c - (df + 1) / 2 * math.log1p(x * x / df))

    h = t / steps
    inner = sum((4 if i % 2 else 2) * density(i * h) for i in range(1, steps))
    middle = h / 3 * (density(0) + inner + density(t))
    return 1 - 2 * middle


def test_welch_matches_the_textbook_computation():
    a = sample([4, 5, 4, 5, 4, 5, 3, 4])  # mean 4.25, variance 0.5
    b = sample([3, 3, 4, 2, 3, 3, 4, 3])  # mean 3.125, variance 0.4107
    se2 = 0.5 / 8 + (2.875 / 7) / 8
    t = (4.25 - 3.125) / math.sqrt(se2)
    df = se2**2 / ((0.5 / 8) ** 2 / 7 + ((2.875 / 7) / 8) ** 2 / 7)
    assert (round(t, 3), round(df, 2)) == (3.334, 13.87)
    assert welch_p_value(a, b) == pytest.approx(t_tail_by_integration(t, df), rel=1e-4)
    assert welch_p_value(a, b) == pytest.approx(0.00497, abs=1e-5)


def test_respondents_not_answers_count_as_the_sample_size():
    """Three items per person: the standard error uses the number of people."""
    per_answer = Sample(n=30, total=30 * 3.5, total_sq=30 * 12.5)
    per_person = Sample(n=10, total=30 * 3.5, total_sq=30 * 12.5, weight=3)
    other = Sample(n=30, total=30 * 3.2, total_sq=30 * 10.5)
    other_people = Sample(n=10, total=30 * 3.2, total_sq=30 * 10.5, weight=3)
    assert per_person.mean == per_answer.mean == 3.5
    assert welch_p_value(per_person, other_people) > welch_p_value(per_answer, other)


def test_a_signal_needs_five_points_and_ninety_percent():
    assert is_signal(5.0, 0.09)
    assert not is_signal(4.9, 0.001)
    assert not is_signal(-12, 0.2)
    assert is_signal(-12, 0.05)
