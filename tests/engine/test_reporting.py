"""Confidence bands, percentile ranks and pass marks for score reports.

Wilson figures are worked out by hand with z = 1.6448536 (90%), z² = 2.70554, and
z = 1.959964 (95%), z² = 3.841459:
    centre = (p + z²/2n) / (1 + z²/n)
    half   = z / (1 + z²/n) · sqrt(p(1-p)/n + z²/4n²)
"""

from __future__ import annotations

import math

import pytest

from quiz.engine.reporting import Band, passed, percentile_rank, wilson_interval


def width(band: Band) -> float:
    return band.high - band.low


# --- wilson_interval ---------------------------------------------------------------------


def test_wilson_two_of_three() -> None:
    band = wilson_interval(2 / 3, 3)
    # z²/n = 2.70554/3 = 0.901847, 1 + z²/n = 1.901847; z²/2n = 0.450923
    # centre = (0.666667 + 0.450923) / 1.901847 = 1.117590 / 1.901847 = 0.587634
    # p(1-p)/n = (2/9)/3 = 0.074074; z²/4n² = 2.70554/36 = 0.075154; sqrt(0.149228) = 0.386301
    # half = (1.6448536 / 1.901847) · 0.386301 = 0.864871 · 0.386301 = 0.334101
    # band = 0.587634 ∓ 0.334101 = [0.2535, 0.9217]
    assert band.low == pytest.approx(0.2535, abs=1e-4)
    assert band.high == pytest.approx(0.9217, abs=1e-4)


def test_wilson_half_of_twenty() -> None:
    band = wilson_interval(0.5, 20)
    # z²/n = 2.70554/20 = 0.135277, 1 + z²/n = 1.135277; z²/2n = 0.067639
    # centre = (0.5 + 0.067639) / 1.135277 = 0.5 (p = 1/2 keeps the band symmetric)
    # p(1-p)/n = 0.25/20 = 0.0125; z²/4n² = 2.70554/1600 = 0.001691; sqrt(0.014191) = 0.119127
    # half = (1.6448536 / 1.135277) · 0.119127 = 1.448853 · 0.119127 = 0.172598
    # band = 0.5 ∓ 0.172598 = [0.3274, 0.6726]
    assert band.low == pytest.approx(0.3274, abs=1e-4)
    assert band.high == pytest.approx(0.6726, abs=1e-4)


def test_wilson_nothing_right_does_not_collapse_to_a_point() -> None:
    band = wilson_interval(0.0, 10)
    # z²/n = 0.270554, 1 + z²/n = 1.270554; centre = 0.135277 / 1.270554 = 0.106471
    # sqrt(0 + 2.70554/400) = sqrt(0.006764) = 0.082243; half = (1.6448536 / 1.270554) · 0.082243
    #   = 1.294594 · 0.082243 = 0.106471 (= centre), so low = 0 and high = 2 · 0.106471 = 0.2129
    assert band.low == pytest.approx(0.0, abs=1e-4)
    assert band.low >= 0.0
    assert band.high == pytest.approx(0.2129, abs=1e-4)
    assert band.high > 0.0


def test_wilson_everything_right_does_not_collapse_to_a_point() -> None:
    band = wilson_interval(1.0, 10)
    # mirror image of p = 0: low = 1 - 0.2129 = 0.7871, high = 1
    assert band.low == pytest.approx(0.7871, abs=1e-4)
    assert band.high == pytest.approx(1.0, abs=1e-4)
    assert band.high <= 1.0
    assert band.low < 1.0


@pytest.mark.parametrize("n", range(1, 41))
@pytest.mark.parametrize("fraction", [0.0, 1.0])
def test_wilson_band_never_leaves_zero_to_one(fraction: float, n: int) -> None:
    # at p = 0 (or 1) low = centre - half is 0 (or high is 1) only up to rounding: e.g. n = 5 and n = 12
    # land at -2.8e-17 and 1.0000000000000002 before clamping
    band = wilson_interval(fraction, n)
    assert 0.0 <= band.low < band.high <= 1.0


def test_wilson_band_contains_a_partial_credit_fraction() -> None:
    band = wilson_interval(0.55, 3)
    assert band.low < 0.55 < band.high


def test_wilson_three_items_give_a_wider_band_than_twenty() -> None:
    # n = 3 at 2/3: 0.9217 - 0.2535 = 0.6682 (see above)
    # n = 20 at 2/3: half = (1.6448536 / 1.135277) · sqrt(0.011111 + 0.001691) = 1.448853 · 0.113146 = 0.163932,
    #   width = 2 · 0.163932 = 0.3279
    few, many = wilson_interval(2 / 3, 3), wilson_interval(2 / 3, 20)
    assert width(few) == pytest.approx(0.6682, abs=1e-4)
    assert width(many) == pytest.approx(0.3279, abs=1e-4)
    assert width(few) > width(many)


def test_wilson_no_items_gives_the_whole_range() -> None:
    assert wilson_interval(0.5, 0) == Band(0.0, 1.0)


@pytest.mark.parametrize("fraction", [-0.01, 1.01, math.nan])
def test_wilson_rejects_a_fraction_outside_zero_to_one(fraction: float) -> None:
    with pytest.raises(ValueError, match=r"outside 0\.\.1"):
        wilson_interval(fraction, 10)


@pytest.mark.parametrize("confidence", [0.0, 1.0, -0.5, 1.5])
def test_wilson_rejects_a_confidence_outside_zero_to_one(confidence: float) -> None:
    with pytest.raises(ValueError, match="confidence"):
        wilson_interval(0.5, 10, confidence=confidence)


def test_wilson_95_percent_band_is_wider_than_90() -> None:
    band95 = wilson_interval(0.5, 20, confidence=0.95)
    # z²/n = 3.841459/20 = 0.192073, 1 + z²/n = 1.192073; centre = 0.5
    # sqrt(0.0125 + 3.841459/1600) = sqrt(0.0125 + 0.002401) = sqrt(0.014901) = 0.122070
    # half = (1.959964 / 1.192073) · 0.122070 = 1.644165 · 0.122070 = 0.200704 → [0.2993, 0.7007]
    assert band95.low == pytest.approx(0.2993, abs=1e-4)
    assert band95.high == pytest.approx(0.7007, abs=1e-4)
    assert width(band95) > width(wilson_interval(0.5, 20, confidence=0.90))


def test_wilson_default_confidence_is_90_percent() -> None:
    assert wilson_interval(0.5, 20) == wilson_interval(0.5, 20, confidence=0.90)


# --- percentile_rank ---------------------------------------------------------------------

POPULATION = [0.2, 0.5, 0.5, 0.9]


def test_percentile_tie_counts_as_half() -> None:
    # 1 below (0.2) + 0.5 · 2 equal = 2 of 4 → 50
    assert percentile_rank(0.5, POPULATION) == pytest.approx(50.0)


def test_percentile_top_score() -> None:
    # 3 below + 0.5 · 1 equal = 3.5 of 4 → 87.5
    assert percentile_rank(0.9, POPULATION) == pytest.approx(87.5)


def test_percentile_bottom_score() -> None:
    # 0 below + 0.5 · 1 equal = 0.5 of 4 → 12.5
    assert percentile_rank(0.2, POPULATION) == pytest.approx(12.5)


def test_percentile_of_a_value_outside_the_population() -> None:
    assert percentile_rank(0.95, POPULATION) == pytest.approx(100.0)  # 4 below of 4
    assert percentile_rank(0.1, POPULATION) == pytest.approx(0.0)  # none below, none equal
    assert percentile_rank(0.6, POPULATION) == pytest.approx(75.0)  # 3 below of 4


def test_percentile_single_attempt_ranks_50() -> None:
    # 0 below + 0.5 · 1 equal = 0.5 of 1 → 50
    assert percentile_rank(0.8, [0.8]) == pytest.approx(50.0)


def test_percentile_all_equal_ranks_50() -> None:
    # 0 below + 0.5 · 5 equal = 2.5 of 5 → 50
    assert percentile_rank(0.4, [0.4] * 5) == pytest.approx(50.0)


def test_percentile_empty_population_raises() -> None:
    with pytest.raises(ValueError, match="population"):
        percentile_rank(0.5, [])


def test_percentile_float_noise_counts_as_a_tie() -> None:
    noisy = 0.1 + 0.2  # 0.30000000000000004
    assert noisy != 0.3
    # [0.3, 0.5]: 0.1 + 0.2 ties with 0.3 → 0 below + 0.5 · 1 = 0.5 of 2 → 25
    assert percentile_rank(noisy, [0.3, 0.5]) == pytest.approx(25.0)
    # and the other way round: 0.3 against [0.1 + 0.2, 0.5] is not "above" the noisy value
    assert percentile_rank(0.3, [noisy, 0.5]) == pytest.approx(25.0)


# --- passed ------------------------------------------------------------------------------


def test_passed_is_none_without_a_pass_mark() -> None:
    assert passed(0.9, None) is None
    assert passed(0.0, None) is None


def test_passed_exactly_at_the_mark() -> None:
    assert passed(0.6, 60.0) is True


def test_passed_just_below_the_mark_fails() -> None:
    assert passed(0.59, 60.0) is False  # 59 < 60
    assert passed(0.599, 60.0) is False  # 59.9 < 60


def test_passed_above_the_mark() -> None:
    assert passed(0.61, 60.0) is True


def test_passed_at_70_despite_float_representation() -> None:
    assert passed(0.7, 70) is True
    assert passed(1 - 0.3, 70) is True  # 0.7 built by arithmetic


@pytest.mark.parametrize(("fraction", "mark"), [(0.57, 57), (0.58, 58), (0.29, 29)])
def test_passed_at_the_mark_when_percent_lands_a_hair_below(fraction: float, mark: int) -> None:
    # 0.57 · 100 = 56.99999999999999, 0.58 · 100 = 57.99999999999999, 0.29 · 100 = 28.999999999999996
    assert 100 * fraction < mark
    assert passed(fraction, mark) is True


def test_passed_at_the_extremes() -> None:
    assert passed(0.0, 0.0) is True
    assert passed(1.0, 100.0) is True
    assert passed(0.99, 100.0) is False


def test_band_ends_are_exact_at_zero_and_one_and_negative_n_is_refused() -> None:
    assert wilson_interval(1.0, 10).high == 1.0 and wilson_interval(0.0, 10).low == 0.0
    with pytest.raises(ValueError):
        wilson_interval(0.5, -1)
