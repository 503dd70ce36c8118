"""Figures for score reports: confidence bands, percentiles, pass marks.

A subscore on 3 questions is far less certain than one on 20; the band says how much.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from statistics import NormalDist


@dataclass(frozen=True)
class Band:
    """A confidence interval for a fraction, both ends in 0..1."""

    low: float
    high: float


def wilson_interval(fraction: float, n: int, confidence: float = 0.90) -> Band:
    """Wilson score interval for a proportion `fraction` observed on `n` items.

    With partial credit the fraction need not be k/n; the interval is still the usual
    approximation for a mean of n scores between 0 and 1. No items: the whole range.
    """
    if not 0.0 <= fraction <= 1.0:
        raise ValueError(f"fraction {fraction} is outside 0..1")
    if not 0.0 < confidence < 1.0:
        raise ValueError("confidence must be between 0 and 1")
    if n < 0:
        raise ValueError("n cannot be negative")
    if n == 0:
        return Band(0.0, 1.0)
    z = _z(confidence)
    z2 = z * z
    centre = (fraction + z2 / (2 * n)) / (1 + z2 / n)
    half = (z / (1 + z2 / n)) * math.sqrt(fraction * (1 - fraction) / n + z2 / (4 * n * n))
    low = 0.0 if fraction == 0.0 else max(0.0, centre - half)
    high = 1.0 if fraction == 1.0 else min(1.0, centre + half)
    return Band(low, high)


@lru_cache(maxsize=8)
def _z(confidence: float) -> float:
    """The normal quantile of a two-sided confidence level (a pure function, worked out once per level)."""
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def percentile_rank(value: float, population: Sequence[float]) -> float:
    """Percent of the population scoring below `value`, counting ties as half (0..100).

    The population includes the value itself when it is one of the finished attempts.
    """
    if not population:
        raise ValueError("no population to rank against")
    below = sum(1 for v in population if v < value - 1e-12)
    equal = sum(1 for v in population if abs(v - value) <= 1e-12)
    return 100.0 * (below + 0.5 * equal) / len(population)


def passed(fraction: float, pass_mark_percent: float | None) -> bool | None:
    """Whether a score reaches the pass mark; None when there is no pass mark."""
    if pass_mark_percent is None:
        return None
    return 100.0 * fraction >= pass_mark_percent - 1e-9
