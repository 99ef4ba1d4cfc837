"""The metrics engine, checked by hand."""

from datetime import date

import pytest

from sillage.insights import metrics
from sillage.insights.metrics import Counts, Estimate


def counts_of(nps=(), csat=(), ces=(), comments=0) -> Counts:
    """Counters as the rollups would sum them, from plain lists of scores."""
    return Counts(
        n=max(len(nps), len(csat), len(ces)),
        nps_n=len(nps),
        promoters=sum(1 for s in nps if s >= 9),
        passives=sum(1 for s in nps if s in (7, 8)),
        detractors=sum(1 for s in nps if s <= 6),
        csat_n=len(csat),
        csat_sum=sum(csat),
        csat_sumsq=sum(s * s for s in csat),
        csat_top2=sum(1 for s in csat if s >= 4),
        ces_n=len(ces),
        ces_sum=sum(ces),
        ces_sumsq=sum(s * s for s in ces),
        ces_easy=sum(1 for s in ces if s >= 5),
        comments=comments,
    )


def test_no_response_gives_no_value_and_no_margin():
    for metric in metrics.METRICS:
        estimate = metrics.estimate(metric, Counts())
        if metric == "responses":
            assert estimate == Estimate(0.0, 0, None, False)
        else:
            assert estimate == Estimate(None, 0)


def test_all_passives_is_an_nps_of_zero_with_no_spread():
    estimate = metrics.nps(counts_of(nps=[7, 8] * 20))
    assert estimate.value == 0
    assert estimate.margin == 0
    assert estimate.n == 40
    assert not estimate.small


def test_one_response_is_a_small_sample_without_a_margin():
    estimate = metrics.nps(counts_of(nps=[10]))
    assert estimate == Estimate(100.0, 1, None, True)
    assert metrics.csat_mean(counts_of(csat=[4])) == Estimate(4.0, 1, None, True)


def test_nps_and_its_margin_follow_the_formula():
    # 50 promoters, 30 passives, 20 detractors: NPS 30;
    # var = (0.5 + 0.2 - 0.3²) / 100 = 0.0061, MoE = 1.96 × √0.0061 × 100 = 15.31
    estimate = metrics.nps(counts_of(nps=[9] * 50 + [7] * 30 + [0] * 20))
    assert estimate.value == pytest.approx(30.0)
    assert estimate.margin == pytest.approx(15.308, abs=0.001)
    assert estimate.n == 100


def test_csat_share_of_four_and_five_and_mean_with_sample_deviation():
    counts = counts_of(csat=[5, 4, 4, 3, 1])
    assert metrics.csat(counts).value == pytest.approx(60.0)
    assert metrics.csat(counts).margin == pytest.approx(1.96 * (0.6 * 0.4 / 5) ** 0.5 * 100)
    mean = metrics.csat_mean(counts)
    assert mean.value == pytest.approx(3.4)
    # sample standard deviation of 5,4,4,3,1 is √2.3
    assert mean.margin == pytest.approx(1.96 * (2.3 / 5) ** 0.5)


def test_ces_easy_is_five_to_seven_on_a_scale_where_seven_is_very_easy():
    counts = counts_of(ces=[7, 6, 5, 4, 1])
    assert metrics.ces_easy(counts).value == pytest.approx(60.0)
    assert metrics.ces(counts).value == pytest.approx(4.6)


def test_comment_and_response_rates():
    counts = counts_of(nps=[9] * 10, comments=4)
    counts.sent, counts.answered = 40, 10
    assert metrics.comment_rate(counts).value == pytest.approx(40.0)
    assert metrics.response_rate(counts).value == pytest.approx(25.0)
    assert metrics.response_rate(counts).n == 40


def test_small_samples_are_flagged_below_thirty():
    assert metrics.nps(counts_of(nps=[9] * 29)).small
    assert not metrics.nps(counts_of(nps=[9] * 30)).small
    assert metrics.responses(counts_of(nps=[9] * 29)).small
    assert not metrics.responses(Counts()).small  # nothing to read with care


def test_change_is_a_signal_only_beyond_the_margin_of_the_difference():
    before = metrics.nps(counts_of(nps=[9] * 50 + [0] * 50))  # 0 ± 19.6
    slightly = metrics.nps(counts_of(nps=[9] * 55 + [0] * 45))  # +10 ± 19.5
    much = metrics.nps(counts_of(nps=[9] * 80 + [0] * 20))  # +60 ± 15.7
    small = metrics.nps(counts_of(nps=[9] * 20))  # +100, n = 20
    assert metrics.change(slightly, before).signal is None
    assert metrics.change(slightly, before).delta == pytest.approx(10.0)
    assert metrics.change(much, before).signal == "up"
    assert metrics.change(before, much).signal == "down"
    assert metrics.change(before, much).margin == pytest.approx(
        (before.margin**2 + much.margin**2) ** 0.5
    )
    assert metrics.change(small, before).signal is None  # a small sample is never a signal
    assert metrics.change(before, Estimate(None, 0)) == metrics.NO_CHANGE


def test_counts_add_up():
    a, b = counts_of(nps=[9, 0]), counts_of(nps=[10])
    total = a + b
    assert (total.nps_n, total.promoters, total.detractors) == (3, 2, 1)
    assert Counts.total([a, b]) == total


@pytest.mark.parametrize(
    ("day", "grain", "start", "key"),
    [
        (date(2025, 3, 14), "day", date(2025, 3, 14), "2025-03-14"),
        (date(2025, 3, 14), "week", date(2025, 3, 10), "2025-W11"),
        (date(2025, 1, 1), "week", date(2024, 12, 30), "2025-W01"),
        (date(2025, 3, 14), "month", date(2025, 3, 1), "2025-03"),
        (date(2025, 11, 30), "quarter", date(2025, 10, 1), "2025-Q4"),
    ],
)
def test_periods_start_on_their_boundaries(day, grain, start, key):
    assert metrics.period_start(day, grain) == start
    assert metrics.period_key(start, grain) == key


def test_periods_cover_a_range_and_the_previous_range_has_the_same_length():
    assert metrics.periods(date(2024, 11, 15), date(2025, 2, 1), "month") == [
        date(2024, 11, 1),
        date(2024, 12, 1),
        date(2025, 1, 1),
        date(2025, 2, 1),
    ]
    assert metrics.period_end(date(2024, 2, 1), "month") == date(2024, 2, 29)
    assert metrics.previous_range(date(2025, 3, 1), date(2025, 3, 31)) == (
        date(2025, 1, 29),
        date(2025, 2, 28),
    )


def test_heatmap_bands_from_worst_to_best():
    assert metrics.band("nps", -5) == 1
    assert metrics.band("nps", 30) == 3
    assert metrics.band("nps", 60) == 5
    assert metrics.band("ces", 5.6) == 4
    assert metrics.band("nps", None) is None
