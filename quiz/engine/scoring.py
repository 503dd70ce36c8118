"""Points per item, per skill area and overall."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class ItemResult:
    area: str
    fraction: float
    max_points: float = 1.0
    answered: bool = True

    @property
    def points(self) -> float:
        return points_for(self.fraction, self.max_points)


@dataclass(frozen=True)
class AreaScore:
    area: str
    points: float
    max_points: float
    items: int
    answered: int

    @property
    def fraction(self) -> float:
        return self.points / self.max_points if self.max_points else 0.0


@dataclass(frozen=True)
class ScoreSummary:
    areas: tuple[AreaScore, ...]
    points: float
    max_points: float

    @property
    def fraction(self) -> float:
        return self.points / self.max_points if self.max_points else 0.0


def points_for(fraction: float, max_points: float) -> float:
    if not 0.0 <= fraction <= 1.0:
        raise ValueError(f"fraction {fraction} is outside 0..1")
    if max_points < 0:
        raise ValueError(f"max_points {max_points} is negative")
    return fraction * max_points


def _tidy(total: float) -> float:
    """Totals rounded to 9 places, so float noise (0.30000000000000004) never shows."""
    return round(total, 9)


def summarise(items: Iterable[ItemResult]) -> ScoreSummary:
    """Totals per area, in the order the areas first appear, and overall."""
    totals: dict[str, list[float]] = {}
    for item in items:
        points, max_points, count, answered = totals.setdefault(item.area, [0.0, 0.0, 0, 0])
        totals[item.area] = [
            points + item.points, max_points + item.max_points, count + 1,
            answered + (1 if item.answered else 0),
        ]
    areas = tuple(
        AreaScore(area, _tidy(p), _tidy(m), int(n), int(a))
        for area, (p, m, n, a) in totals.items()
    )
    return ScoreSummary(
        areas=areas,
        points=_tidy(sum(a.points for a in areas)),
        max_points=_tidy(sum(a.max_points for a in areas)),
    )
