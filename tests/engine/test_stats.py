"""Item analysis (Moodle's quiz Statistics report), every figure worked out by hand in the comments.

Conventions used in the arithmetic: var = SS / (n - 1) with SS the sum of squared deviations from the mean,
cov = SP / (n - 1) with SP the sum of products of deviations, r = cov / sqrt(var_item * var_rest),
efficiency = cov / cov_max where cov_max pairs the item marks and rest marks both sorted ascending,
alpha = k/(k-1) * (1 - sum of item variances / variance of totals), error ratio = sqrt(1 - alpha),
standard error = error ratio * sd of the totals.
"""

from __future__ import annotations

import dataclasses
import math

import pytest

from quiz.engine.stats import NO_ANSWER, ItemInfo, ItemStats, Response, TestStats, analyse, stats_csv_rows


def responses(matrix: dict[int, dict[str, float]], choices: dict[tuple[int, str], str | None] | None = None):
    choices = choices or {}
    return [
        Response(attempt, item, fraction, choices.get((attempt, item)))
        for attempt, row in matrix.items()
        for item, fraction in row.items()
    ]


def infos(*items: str) -> list[ItemInfo]:
    return [ItemInfo(item, f"Item {item}") for item in items]


def assert_no_nan(*results: object) -> None:
    for result in results:
        for f in dataclasses.fields(result):
            value = getattr(result, f.name)
            assert not (isinstance(value, float) and math.isnan(value)), f.name


# --- the main matrix: 5 attempts x 4 items -------------------------------------------------------
#
#   attempt    A    B    C    D    total
#      1       1    1    1    1    4
#      2       1    0    1    1    3
#      3       1    1    0    0    2
#      4       0    1    0   0.5   1.5
#      5       0    0    0    0    0

MATRIX = {
    1: {"A": 1.0, "B": 1.0, "C": 1.0, "D": 1.0},
    2: {"A": 1.0, "B": 0.0, "C": 1.0, "D": 1.0},
    3: {"A": 1.0, "B": 1.0, "C": 0.0, "D": 0.0},
    4: {"A": 0.0, "B": 1.0, "C": 0.0, "D": 0.5},
    5: {"A": 0.0, "B": 0.0, "C": 0.0, "D": 0.0},
}
# A is single choice with options a (right), b, c; B is true/false; C has no options given; D is free text.
CHOICES = {
    (1, "A"): "a", (2, "A"): "a", (3, "A"): "a", (4, "A"): "b", (5, "A"): None,
    (1, "B"): "true", (2, "B"): "false", (3, "B"): "true", (4, "B"): "true", (5, "B"): "false",
}
MAIN_INFOS = [
    ItemInfo("A", "Item A", ("a", "b", "c"), 1 / 3),
    ItemInfo("B", "Item B", ("true", "false"), 0.5),
    ItemInfo("C", "Item C"),
    ItemInfo("D", "Item D", (), 0.0),
]


@pytest.fixture
def main() -> tuple[TestStats, dict[str, ItemStats]]:
    test, items = analyse(responses(MATRIX, CHOICES), MAIN_INFOS)
    return test, {s.item: s for s in items}


def test_main_test_statistics(main) -> None:
    test, _ = main
    assert test.attempts == 5
    # totals 4, 3, 2, 1.5, 0: sum 10.5, mean 10.5 / 5 = 2.1
    assert test.mean == pytest.approx(2.1)
    # sorted 0, 1.5, 2, 3, 4: odd count, the middle one
    assert test.median == pytest.approx(2.0)
    # deviations 1.9, 0.9, -0.1, -0.6, -2.1; squares 3.61 + 0.81 + 0.01 + 0.36 + 4.41 = 9.2
    # var = 9.2 / 4 = 2.3, sd = sqrt(2.3) = 1.516575
    assert test.sd == pytest.approx(1.516575, abs=1e-6)
    # every attempt had 4 items, 1 mark each: 2.1 / 4 = 0.525, 2 / 4 = 0.5, 1.516575 / 4 = 0.379144
    assert test.max_mark == 4
    assert test.mean_fraction == pytest.approx(0.525)
    assert test.median_fraction == pytest.approx(0.5)
    assert test.sd_fraction == pytest.approx(0.379144, abs=1e-6)


def test_main_alpha_error_ratio_standard_error(main) -> None:
    test, _ = main
    # k = 4 (every attempt had A, B, C, D); item variances (below) 0.3 + 0.3 + 0.3 + 0.25 = 1.15
    # variance of totals 2.3; alpha = 4/3 * (1 - 1.15 / 2.3) = 4/3 * 0.5 = 2/3
    assert test.alpha_items == 4
    assert test.cronbach_alpha == pytest.approx(2 / 3)
    # error ratio = sqrt(1 - 2/3) = sqrt(1/3) = 0.577350
    assert test.error_ratio == pytest.approx(0.577350, abs=1e-6)
    # standard error = 0.577350 * 1.516575 = sqrt(2.3 / 3) = sqrt(0.766667) = 0.875595
    assert test.standard_error == pytest.approx(0.875595, abs=1e-6)


def test_main_item_a(main) -> None:
    _, items = main
    a = items["A"]
    assert (a.item, a.label, a.attempts, a.random_guess) == ("A", "Item A", 5, pytest.approx(1 / 3))
    # marks 1, 1, 1, 0, 0: facility 3 / 5 = 0.6
    assert a.facility == pytest.approx(0.6)
    # deviations 0.4, 0.4, 0.4, -0.6, -0.6; SS = 3 * 0.16 + 2 * 0.36 = 1.2; var = 1.2 / 4 = 0.3
    # sd = sqrt(0.3) = 0.547723
    assert a.sd == pytest.approx(0.547723, abs=1e-6)
    # rest = total - A: 3, 2, 1, 1.5, 0; mean 7.5 / 5 = 1.5; deviations 1.5, 0.5, -0.5, 0, -1.5
    # SS_rest = 2.25 + 0.25 + 0.25 + 0 + 2.25 = 5; var_rest = 5 / 4 = 1.25
    # SP = 0.4*1.5 + 0.4*0.5 + 0.4*(-0.5) + (-0.6)*0 + (-0.6)*(-1.5) = 0.6 + 0.2 - 0.2 + 0 + 0.9 = 1.5
    # cov = 1.5 / 4 = 0.375; r = 0.375 / sqrt(0.3 * 1.25) = 0.375 / sqrt(0.375) = sqrt(0.375) = 0.612372
    assert a.discrimination == pytest.approx(0.612372, abs=1e-6)
    # sorted marks 0, 0, 1, 1, 1 (dev -0.6, -0.6, 0.4, 0.4, 0.4); sorted rests 0, 1, 1.5, 2, 3
    # (dev -1.5, -0.5, 0, 0.5, 1.5); SP_max = 0.9 + 0.3 + 0 + 0.2 + 0.6 = 2.0; cov_max = 2.0 / 4 = 0.5
    # efficiency = 0.375 / 0.5 = 0.75
    assert a.discriminative_efficiency == pytest.approx(0.75)
    # facility 0.6 is within 0.2..0.95 and r = 0.61 >= 0.2
    assert a.needs_checking is False
    assert a.reasons == ()
    # chosen: a by attempts 1-3, b by attempt 4, c by nobody, attempt 5 left it unanswered
    assert a.frequencies == {"a": 3, "b": 1, "c": 0, NO_ANSWER: 1}
    assert list(a.frequencies) == ["a", "b", "c", NO_ANSWER]


def test_main_item_b_does_not_discriminate(main) -> None:
    _, items = main
    b = items["B"]
    # marks 1, 0, 1, 1, 0: facility 0.6; SS = 3 * 0.16 + 2 * 0.36 = 1.2, var 0.3, sd 0.547723
    assert b.attempts == 5
    assert b.facility == pytest.approx(0.6)
    assert b.sd == pytest.approx(0.547723, abs=1e-6)
    assert b.random_guess == pytest.approx(0.5)
    # rest = total - B: 3, 3, 1, 0.5, 0; mean 7.5 / 5 = 1.5; deviations 1.5, 1.5, -0.5, -1, -1.5 (var 8 / 4 = 2)
    # SP = 0.4*1.5 + (-0.6)*1.5 + 0.4*(-0.5) + 0.4*(-1) + (-0.6)*(-1.5) = 0.6 - 0.9 - 0.2 - 0.4 + 0.9 = 0
    # cov = 0, so r = 0
    assert b.discrimination == pytest.approx(0.0, abs=1e-12)
    # sorted marks dev -0.6, -0.6, 0.4, 0.4, 0.4; sorted rests 0, 0.5, 1, 3, 3 dev -1.5, -1, -0.5, 1.5, 1.5
    # SP_max = 0.9 + 0.6 - 0.2 + 0.6 + 0.6 = 2.5; cov_max = 0.625; efficiency = 0 / 0.625 = 0
    assert b.discriminative_efficiency == pytest.approx(0.0, abs=1e-12)
    # r = 0 < 0.2
    assert b.needs_checking is True
    assert b.reasons == ("discrimination 0.00 below 0.20",)
    assert b.frequencies == {"true": 3, "false": 2}


def test_main_item_c_is_as_efficient_as_it_can_be(main) -> None:
    _, items = main
    c = items["C"]
    # marks 1, 1, 0, 0, 0: facility 2 / 5 = 0.4; deviations 0.6, 0.6, -0.4, -0.4, -0.4
    # SS = 2 * 0.36 + 3 * 0.16 = 1.2; var 0.3; sd 0.547723
    assert c.facility == pytest.approx(0.4)
    assert c.sd == pytest.approx(0.547723, abs=1e-6)
    assert c.random_guess is None
    # rest = total - C: 3, 2, 2, 1.5, 0; mean 8.5 / 5 = 1.7; deviations 1.3, 0.3, 0.3, -0.2, -1.7
    # SS_rest = 1.69 + 0.09 + 0.09 + 0.04 + 2.89 = 4.8; var_rest = 1.2
    # SP = 0.6*1.3 + 0.6*0.3 + (-0.4)*0.3 + (-0.4)*(-0.2) + (-0.4)*(-1.7) = 0.78 + 0.18 - 0.12 + 0.08 + 0.68 = 1.6
    # cov = 1.6 / 4 = 0.4; r = 0.4 / sqrt(0.3 * 1.2) = 0.4 / 0.6 = 2/3
    assert c.discrimination == pytest.approx(2 / 3)
    # the two right answers already go with the two highest rests (3 and 2), so sorting changes nothing:
    # cov_max = cov = 0.4 and efficiency = 1
    assert c.discriminative_efficiency == pytest.approx(1.0)
    assert c.needs_checking is False
    # no options and no choices: no frequency table
    assert c.frequencies == {}


def test_main_item_d_partial_credit(main) -> None:
    _, items = main
    d = items["D"]
    # marks 1, 1, 0, 0.5, 0: facility 2.5 / 5 = 0.5; deviations 0.5, 0.5, -0.5, 0, -0.5
    # SS = 4 * 0.25 = 1; var 0.25; sd 0.5
    assert d.facility == pytest.approx(0.5)
    assert d.sd == pytest.approx(0.5)
    assert d.random_guess == 0.0
    # rest = total - D: 3, 2, 2, 1, 0; mean 8 / 5 = 1.6; deviations 1.4, 0.4, 0.4, -0.6, -1.6
    # SS_rest = 1.96 + 0.16 + 0.16 + 0.36 + 2.56 = 5.2; var_rest = 1.3
    # SP = 0.5*1.4 + 0.5*0.4 + (-0.5)*0.4 + 0*(-0.6) + (-0.5)*(-1.6) = 0.7 + 0.2 - 0.2 + 0 + 0.8 = 1.5
    # cov = 1.5 / 4 = 0.375; r = 0.375 / sqrt(0.25 * 1.3) = 0.375 / sqrt(0.325) = 0.375 / 0.570088 = 0.657794
    assert d.discrimination == pytest.approx(0.657794, abs=1e-6)
    # sorted marks 0, 0, 0.5, 1, 1 (dev -0.5, -0.5, 0, 0.5, 0.5); sorted rests 0, 1, 2, 2, 3
    # (dev -1.6, -0.6, 0.4, 0.4, 1.4); SP_max = 0.8 + 0.3 + 0 + 0.2 + 0.7 = 2.0; cov_max = 0.5
    # efficiency = 0.375 / 0.5 = 0.75
    assert d.discriminative_efficiency == pytest.approx(0.75)
    assert d.needs_checking is False
    assert d.frequencies == {}


def test_items_come_back_in_the_order_given() -> None:
    order = ["D", "B", "A", "C"]
    _, items = analyse(responses(MATRIX), infos(*order))
    assert [s.item for s in items] == order
    assert [s.label for s in items] == [f"Item {i}" for i in order]


# --- degenerate cases -----------------------------------------------------------------------------


def test_everyone_right_on_an_item() -> None:
    #   attempt   E   F   total
    #      1      1   1   2
    #      2      1   0   1
    #      3      1   0   1
    test, (e, f) = analyse(responses({1: {"E": 1, "F": 1}, 2: {"E": 1, "F": 0}, 3: {"E": 1, "F": 0}}), infos("E", "F"))
    # E: facility 3 / 3 = 1; every mark equal, so sd = 0 (three attempts: defined, just zero)
    assert e.attempts == 3
    assert e.facility == 1.0
    assert e.sd == 0.0
    # no spread in the item: the correlation and the efficiency are undefined
    assert e.discrimination is None
    assert e.discriminative_efficiency is None
    # facility 1 > 0.95
    assert e.needs_checking is True
    assert e.reasons == ("facility 1.00 above 0.95",)
    # F: marks 1, 0, 0: facility 1/3; deviations 2/3, -1/3, -1/3; SS = 4/9 + 1/9 + 1/9 = 2/3; var 1/3
    # sd = sqrt(1/3) = 0.577350
    assert f.facility == pytest.approx(1 / 3)
    assert f.sd == pytest.approx(0.577350, abs=1e-6)
    # its rest is E = 1, 1, 1: no spread, so no discrimination either; facility 1/3 is fine: nothing to check
    assert f.discrimination is None
    assert f.discriminative_efficiency is None
    assert f.needs_checking is False
    assert f.reasons == ()
    # totals 2, 1, 1: mean 4/3, median 1; deviations 2/3, -1/3, -1/3, SS 2/3, var 1/3, sd 0.577350
    assert test.mean == pytest.approx(4 / 3)
    assert test.median == 1.0
    assert test.sd == pytest.approx(0.577350, abs=1e-6)
    # alpha = 2/1 * (1 - (0 + 1/3) / (1/3)) = 0; error ratio sqrt(1 - 0) = 1; standard error 1 * 0.577350
    assert test.cronbach_alpha == pytest.approx(0.0, abs=1e-12)
    assert test.error_ratio == pytest.approx(1.0)
    assert test.standard_error == pytest.approx(0.577350, abs=1e-6)
    assert_no_nan(test, e, f)


def test_a_single_attempt() -> None:
    test, (p, q) = analyse(responses({7: {"P": 1.0, "Q": 0.5}}), infos("P", "Q"))
    # facility is a mean of one value: P 1.0, Q 0.5
    assert (p.attempts, p.facility) == (1, 1.0)
    assert (q.attempts, q.facility) == (1, 0.5)
    # with n = 1 there is no n - 1: no sd, no correlation, no efficiency
    for s in (p, q):
        assert s.sd is None
        assert s.discrimination is None
        assert s.discriminative_efficiency is None
    assert p.reasons == ("facility 1.00 above 0.95",)
    assert q.needs_checking is False
    # the total is 1.5: mean and median 1.5, 1.5 / 2 = 0.75 of the maximum; no sd
    assert test.attempts == 1
    assert test.mean == 1.5
    assert test.median == 1.5
    assert test.mean_fraction == pytest.approx(0.75)
    assert test.sd is None
    assert test.sd_fraction is None
    # k = 2 common items, but N = 1: alpha, error ratio and standard error are undefined
    assert test.alpha_items == 2
    assert test.cronbach_alpha is None
    assert test.error_ratio is None
    assert test.standard_error is None
    assert_no_nan(test, p, q)


def test_zero_variance_of_the_totals() -> None:
    #   attempt   A   B   total
    #      1      1   0   1
    #      2      0   1   1
    test, (a, b) = analyse(responses({1: {"A": 1, "B": 0}, 2: {"A": 0, "B": 1}}), infos("A", "B"))
    # totals 1, 1: mean 1, median 1, sd 0 (defined, zero)
    assert test.mean == 1.0
    assert test.median == 1.0
    assert test.sd == 0.0
    # the variance of the totals is 0: alpha divides by it, so alpha, error ratio, standard error are None
    assert test.alpha_items == 2
    assert test.cronbach_alpha is None
    assert test.error_ratio is None
    assert test.standard_error is None
    # A: marks 1, 0, facility 0.5, deviations 0.5, -0.5, SS 0.5, var 0.5 / 1, sd sqrt(0.5) = 0.707107
    # rest = B: 0, 1, deviations -0.5, 0.5, var 0.5; SP = 0.5*(-0.5) + (-0.5)*0.5 = -0.5, cov -0.5
    # r = -0.5 / sqrt(0.5 * 0.5) = -1
    # sorted: marks 0, 1 with rests 0, 1: SP_max = 0.25 + 0.25 = 0.5; efficiency = -0.5 / 0.5 = -1
    assert a.facility == 0.5
    assert a.sd == pytest.approx(0.707107, abs=1e-6)
    assert a.discrimination == pytest.approx(-1.0)
    assert a.discriminative_efficiency == pytest.approx(-1.0)
    assert a.reasons == ("discrimination -1.00 below 0.20",)
    assert b.discrimination == pytest.approx(-1.0)
    assert_no_nan(test, a, b)


def test_negative_alpha_has_no_error_ratio() -> None:
    #   attempt   X   Y   total
    #      1      1   0   1
    #      2      0   1   1
    #      3      0   0   0
    test, _ = analyse(responses({1: {"X": 1, "Y": 0}, 2: {"X": 0, "Y": 1}, 3: {"X": 0, "Y": 0}}), infos("X", "Y"))
    # X and Y: marks with one 1 in three: mean 1/3, SS 4/9 + 1/9 + 1/9 = 2/3, var 1/3 each
    # totals 1, 1, 0: mean 2/3, deviations 1/3, 1/3, -2/3, SS = 1/9 + 1/9 + 4/9 = 2/3, var 1/3
    # alpha = 2 * (1 - (1/3 + 1/3) / (1/3)) = 2 * (1 - 2) = -2
    assert test.cronbach_alpha == pytest.approx(-2.0)
    # sqrt(1 - alpha) would be sqrt(3), an error "ratio" above 100 %: not reported
    assert test.error_ratio is None
    assert test.standard_error is None
    assert test.sd == pytest.approx(math.sqrt(1 / 3))


def test_random_draws_use_only_the_attempts_that_had_the_item() -> None:
    #   attempt   X   Y   R1    R2   total
    #      1      0   0   0     -    0
    #      2      0   1   0.5   -    1.5
    #      3      0   1   -     1    2
    #      4      1   1   -     0    2
    matrix = {
        1: {"X": 0, "Y": 0, "R1": 0},
        2: {"X": 0, "Y": 1, "R1": 0.5},
        3: {"X": 0, "Y": 1, "R2": 1},
        4: {"X": 1, "Y": 1, "R2": 0},
    }
    test, (x, y, r1, r2, z) = analyse(
        responses(matrix), [*infos("X", "Y", "R1", "R2"), ItemInfo("Z", "never drawn", ("a", "b"), 0.5)]
    )
    assert test.attempts == 4
    # totals 0, 1.5, 2, 2: mean 5.5 / 4 = 1.375; even count: median (1.5 + 2) / 2 = 1.75
    assert test.mean == pytest.approx(1.375)
    assert test.median == pytest.approx(1.75)
    # deviations -1.375, 0.125, 0.625, 0.625; SS = 1.890625 + 0.015625 + 0.390625 + 0.390625 = 2.6875
    # var = 2.6875 / 3 = 0.895833; sd = 0.946485
    assert test.sd == pytest.approx(0.946485, abs=1e-6)
    # three items in every attempt
    assert test.max_mark == 3
    # alpha over X and Y only (R1 and R2 are not in every attempt): k = 2
    # X: 0, 0, 0, 1: mean 0.25, SS = 3 * 0.0625 + 0.5625 = 0.75, var 0.25; Y: 0, 1, 1, 1: likewise var 0.25
    # X + Y: 0, 1, 1, 2: mean 1, SS = 1 + 0 + 0 + 1 = 2, var 2/3
    # alpha = 2/1 * (1 - 0.5 / (2/3)) = 2 * (1 - 0.75) = 0.5
    assert test.alpha_items == 2
    assert test.cronbach_alpha == pytest.approx(0.5)
    # error ratio sqrt(0.5) = 0.707107; standard error 0.707107 * 0.946485 = sqrt(0.5 * 0.895833) = 0.669266
    assert test.error_ratio == pytest.approx(0.707107, abs=1e-6)
    assert test.standard_error == pytest.approx(0.669266, abs=1e-6)
    # X and Y were in all four attempts
    assert (x.attempts, x.facility) == (4, 0.25)
    assert (y.attempts, y.facility) == (4, 0.75)
    # R1, attempts 1 and 2 only: marks 0, 0.5; facility 0.25; deviations -0.25, 0.25, SS 0.125, var 0.125 / 1
    # sd = sqrt(0.125) = 0.353553; rests 0 - 0 = 0 and 1.5 - 0.5 = 1: deviations -0.5, 0.5, var 0.5
    # SP = 0.125 + 0.125 = 0.25, cov 0.25; r = 0.25 / sqrt(0.125 * 0.5) = 0.25 / 0.25 = 1
    # already in sorted order: cov_max = cov, efficiency 1
    assert r1.attempts == 2
    assert r1.facility == pytest.approx(0.25)
    assert r1.sd == pytest.approx(0.353553, abs=1e-6)
    assert r1.discrimination == pytest.approx(1.0)
    assert r1.discriminative_efficiency == pytest.approx(1.0)
    assert r1.needs_checking is False
    # R2, attempts 3 and 4 only: marks 1, 0; facility 0.5; sd sqrt(0.5) = 0.707107
    # rests 2 - 1 = 1 and 2 - 0 = 2: the better rest went with the wrong answer
    # SP = 0.5 * (-0.5) + (-0.5) * 0.5 = -0.5, cov -0.5; r = -0.5 / sqrt(0.5 * 0.5) = -1
    # sorted: marks 0, 1 with rests 1, 2: SP_max = 0.25 + 0.25 = 0.5; efficiency -0.5 / 0.5 = -1
    assert r2.attempts == 2
    assert r2.facility == pytest.approx(0.5)
    assert r2.sd == pytest.approx(0.707107, abs=1e-6)
    assert r2.discrimination == pytest.approx(-1.0)
    assert r2.discriminative_efficiency == pytest.approx(-1.0)
    assert r2.reasons == ("discrimination -1.00 below 0.20",)
    # Z was never drawn: no attempts and no figures, only what ItemInfo said
    assert z.attempts == 0
    assert z.facility is None
    assert z.sd is None
    assert z.discrimination is None
    assert z.discriminative_efficiency is None
    assert z.random_guess == 0.5
    assert z.frequencies == {"a": 0, "b": 0}
    assert z.needs_checking is False
    assert z.reasons == ()
    assert_no_nan(test, x, y, r1, r2, z)


def test_no_attempts_at_all() -> None:
    test, (a,) = analyse([], infos("A"))
    assert test.attempts == 0
    for name in ("mean", "median", "sd", "max_mark", "mean_fraction", "median_fraction", "sd_fraction",
                 "cronbach_alpha", "error_ratio", "standard_error"):
        assert getattr(test, name) is None, name
    assert test.alpha_items == 0
    assert a.attempts == 0
    assert a.facility is None
    assert a.needs_checking is False


def test_fewer_than_two_common_items_gives_no_alpha() -> None:
    # attempt 1 had A and U (U is not listed, but it counts in the total); attempt 2 had A only
    test, (a,) = analyse(responses({1: {"A": 1, "U": 1}, 2: {"A": 0}}), infos("A"))
    # totals 2 and 0: mean 1, median (0 + 2) / 2 = 1; SS = 1 + 1 = 2, var 2, sd sqrt(2)
    assert test.mean == 1.0
    assert test.median == 1.0
    assert test.sd == pytest.approx(math.sqrt(2))
    # 2 items in one attempt and 1 in the other: no single maximum, so no fractions of it
    assert test.max_mark is None
    assert test.mean_fraction is None
    assert test.sd_fraction is None
    # only A is in both attempts: k = 1
    assert test.alpha_items == 1
    assert test.cronbach_alpha is None
    assert test.error_ratio is None
    assert test.standard_error is None
    # A: marks 1, 0 with rests 1 (U) and 0: cov (0.5 * 0.5 + 0.5 * 0.5) / 1 = 0.5, both variances 0.5: r = 1
    assert a.discrimination == pytest.approx(1.0)


# --- the needs-checking rules ---------------------------------------------------------------------


def test_low_facility_is_flagged_and_the_boundary_is_not() -> None:
    # L: 0, 0, 0, 0, 0.5 -> facility 0.5 / 5 = 0.1 < 0.2
    # M: 0, 0, 0, 0, 1   -> facility 1 / 5 = 0.2, not below 0.2
    # each is the other's rest and the two are proportional, so r = 1 for both
    matrix = {i: {"L": 0.0, "M": 0.0} for i in range(1, 5)}
    matrix[5] = {"L": 0.5, "M": 1.0}
    _, (low, edge) = analyse(responses(matrix), infos("L", "M"))
    assert low.facility == pytest.approx(0.1)
    assert low.discrimination == pytest.approx(1.0)
    assert low.needs_checking is True
    assert low.reasons == ("facility 0.10 below 0.20",)
    assert edge.facility == 0.2
    assert edge.needs_checking is False


def test_facility_of_exactly_095_is_not_flagged() -> None:
    # H and K: 19 right, 1 wrong in 20 attempts -> facility 19 / 20 = 0.95, not above 0.95; identical, r = 1
    matrix = {i: {"H": 1.0, "K": 1.0} for i in range(1, 20)}
    matrix[20] = {"H": 0.0, "K": 0.0}
    _, (h, _) = analyse(responses(matrix), infos("H", "K"))
    assert h.facility == 0.95
    assert h.discrimination == pytest.approx(1.0)
    assert h.needs_checking is False


def test_reasons_do_not_round_onto_the_limit() -> None:
    # 0.951 printed with 2 decimals would read "0.95 above 0.95", so a third decimal is kept
    _, (hi, lo) = analyse(responses({1: {"A": 0.951, "B": 0.199}}), infos("A", "B"))
    assert hi.reasons == ("facility 0.951 above 0.95",)
    assert lo.reasons == ("facility 0.199 below 0.20",)


# --- frequencies ----------------------------------------------------------------------------------


def test_frequencies_with_unanswered_and_unknown_choices() -> None:
    rs = [
        Response(1, "Q", 1.0, "a"),
        Response(2, "Q", 0.0, None),
        Response(3, "Q", 0.0, "z"),  # not among the options given: still counted, after them
        Response(4, "Q", 1.0, "a"),
        Response(1, "S", 1.0, "y"),  # no options given: the choices seen, sorted
        Response(2, "S", 0.0, "x"),
        Response(3, "S", 0.0, "x"),
    ]
    _, (q, s) = analyse(rs, [ItemInfo("Q", "Q", ("a", "b")), ItemInfo("S", "S")])
    assert q.frequencies == {"a": 2, "b": 0, "z": 1, NO_ANSWER: 1}
    assert list(q.frequencies) == ["a", "b", "z", NO_ANSWER]
    assert s.frequencies == {"x": 2, "y": 1}
    assert list(s.frequencies) == ["x", "y"]


def test_frequencies_leave_out_no_answer_when_everyone_answered(main) -> None:
    _, items = main
    assert NO_ANSWER not in items["B"].frequencies


# --- bad input ------------------------------------------------------------------------------------


def test_an_item_twice_in_one_attempt_is_refused() -> None:
    with pytest.raises(ValueError, match="twice"):
        analyse([Response(1, "A", 1.0), Response(1, "A", 0.0)], infos("A"))


def test_a_fraction_that_is_not_a_number_is_refused() -> None:
    with pytest.raises(ValueError, match="fraction"):
        analyse([Response(1, "A", float("nan"))], infos("A"))


# --- CSV ------------------------------------------------------------------------------------------


def test_csv_rows(main) -> None:
    test, items = main
    never = ItemStats("Z", "never drawn", 0, None, None, None, None, None)
    rows = stats_csv_rows(test, [items["A"], items["B"], items["C"], never])
    assert rows[0] == [
        "item", "label", "attempts", "facility", "sd", "random_guess", "discrimination",
        "discriminative_efficiency", "needs_checking", "reasons", "frequencies",
    ]
    # A: 0.6, sqrt(0.3) = 0.547723, 1/3, sqrt(0.375) = 0.612372, 0.75
    assert rows[1] == ["A", "Item A", "5", "0.6000", "0.5477", "0.3333", "0.6124", "0.7500", "no", "",
                       "a:3 b:1 c:0 (no answer):1"]
    # B: r and efficiency 0 (never "-0.0000")
    assert rows[2] == ["B", "Item B", "5", "0.6000", "0.5477", "0.5000", "0.0000", "0.0000", "yes",
                       "discrimination 0.00 below 0.20", "true:3 false:2"]
    # C: no random guess score, r = 2/3, efficiency 1
    assert rows[3] == ["C", "Item C", "5", "0.4000", "0.5477", "", "0.6667", "1.0000", "no", "", ""]
    # None is an empty cell
    assert rows[4] == ["Z", "never drawn", "0", "", "", "", "", "", "no", "", ""]
    assert len(rows) == 5
