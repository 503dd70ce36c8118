"""Points per item, per skill area and overall."""

from __future__ import annotations

import pytest

from quiz.engine.scoring import AreaScore, ItemResult, ScoreSummary, points_for, summarise


def test_summary_per_area_and_overall() -> None:
    summary = summarise([
        ItemResult("a", 1.0), ItemResult("b", 1.0), ItemResult("a", 0.5),
        ItemResult("a", 0.0, answered=False), ItemResult("b", 1.0),
    ])
    # area a: 1 + 0.5 + 0 = 1.5 of 3, two of three answered; area b: 1 + 1 = 2 of 2
    assert summary.areas == (
        AreaScore("a", 1.5, 3.0, items=3, answered=2),
        AreaScore("b", 2.0, 2.0, items=2, answered=2),
    )
    assert summary.areas[0].fraction == 0.5  # 1.5 / 3
    assert summary.areas[1].fraction == 1.0  # 2 / 2
    # overall: 1.5 + 2 = 3.5 of 3 + 2 = 5, and 3.5 / 5 = 0.7
    assert (summary.points, summary.max_points) == (3.5, 5.0)
    assert summary.fraction == pytest.approx(0.7)


def test_areas_keep_the_order_in_which_they_first_appear() -> None:
    summary = summarise([ItemResult("z", 1.0), ItemResult("a", 1.0), ItemResult("m", 1.0), ItemResult("a", 0.0)])
    assert [a.area for a in summary.areas] == ["z", "a", "m"]


def test_max_points_other_than_one() -> None:
    summary = summarise([
        ItemResult("a", 0.5, max_points=4),  # 0.5 * 4 = 2
        ItemResult("a", 1.0, max_points=2.5),  # 1 * 2.5 = 2.5
        ItemResult("b", 0.25, max_points=2),  # 0.25 * 2 = 0.5
    ])
    # a: 2 + 2.5 = 4.5 of 4 + 2.5 = 6.5; b: 0.5 of 2; overall 5 of 8.5
    assert [(a.points, a.max_points) for a in summary.areas] == [(4.5, 6.5), (0.5, 2.0)]
    assert (summary.points, summary.max_points) == (5.0, 8.5)
    assert summary.fraction == pytest.approx(5 / 8.5)  # 0.588...
    assert summary.areas[1].fraction == 0.25  # 0.5 / 2


def test_partial_credit_in_thirds_adds_up_without_float_dust() -> None:
    # three items each earning a third of their point: 3 * 1/3 = 1 exactly (totals tidied to 9 places)
    summary = summarise([ItemResult("a", 1 / 3)] * 3)
    assert summary.points == 1.0 and summary.areas[0].points == 1.0
    assert summary.max_points == 3.0


def test_item_points() -> None:
    assert ItemResult("a", 0.5, max_points=3).points == 1.5  # 0.5 * 3
    assert ItemResult("a", 1.0).points == 1.0
    assert ItemResult("a", 0.0, max_points=5).points == 0.0


@pytest.mark.parametrize(("fraction", "max_points", "points"), [(0.0, 2, 0.0), (1.0, 2, 2.0), (0.1, 3, 0.3)])
def test_points_for(fraction: float, max_points: float, points: float) -> None:
    # item points stay exact floats (0.1 * 3 is 0.30000000000000004); totals are tidied
    assert points_for(fraction, max_points) == pytest.approx(points, abs=1e-15)


@pytest.mark.parametrize("fraction", [-0.01, 1.01, 2.0, float("nan")])
def test_points_for_rejects_fractions_outside_zero_to_one(fraction: float) -> None:
    with pytest.raises(ValueError, match=r"outside 0\.\.1"):
        points_for(fraction, 1.0)
    with pytest.raises(ValueError, match=r"outside 0\.\.1"):
        summarise([ItemResult("a", fraction)])


def test_an_empty_summary_scores_zero() -> None:
    summary = summarise([])
    assert summary == ScoreSummary(areas=(), points=0.0, max_points=0.0)
    assert summary.fraction == 0.0


def test_an_area_worth_no_points_has_fraction_zero() -> None:
    summary = summarise([ItemResult("a", 1.0, max_points=0)])
    assert summary.areas[0].fraction == 0.0
    assert summary.fraction == 0.0


def test_unanswered_items_count_as_items_but_not_as_answered() -> None:
    summary = summarise([ItemResult("a", 0.0, answered=False)] * 4 + [ItemResult("a", 1.0)])
    [area] = summary.areas
    assert (area.items, area.answered, area.points, area.max_points) == (5, 1, 1.0, 5.0)
