"""Item analysis after Moodle's quiz Statistics report ("Quiz statistics calculations").

Every item is worth one mark, so an attempt's total is the sum of its item fractions.

Per item (over the attempts that had the item, which may be some of them when questions are drawn at random):
    facility                   mean fraction, 0..1
    sd                         sample standard deviation of the fractions (n - 1)
    discrimination             Pearson r between the item's fraction and the rest of the attempt
                               (attempt total minus this item)
    discriminative efficiency  cov(item, rest) / cov(item sorted, rest sorted): the covariance over the largest
                               covariance the same two sets of values can give, as a fraction (Moodle shows %);
                               negative when the item discriminates the wrong way, as in Moodle
Per test:
    mean, median, sd           of the attempt totals (sd with n - 1)
    Cronbach's alpha           k/(k-1) * (1 - sum of item variances / variance of totals), over the k items that
                               every attempt had, the totals for alpha being the sums over those items
    error ratio                sqrt(1 - alpha), as a fraction (Moodle shows %)
    standard error             error ratio * sd of the attempt totals

A figure that is not defined for the data (too few attempts, no spread) is None, never NaN and never an exception.
"""

from __future__ import annotations

import math
import operator
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import repeat
from typing import NamedTuple

NO_ANSWER = "(no answer)"

FACILITY_LOW = 0.2
FACILITY_HIGH = 0.95
DISCRIMINATION_LOW = 0.2

# Spreads below this are rounding noise of sums of fractions, not real differences between candidates.
_FLAT = 1e-9


class Response(NamedTuple):
    """One item of one attempt (a named tuple: an analysis reads hundreds of thousands of them)."""

    attempt: int  # attempt id
    item: str  # the question, e.g. "bank:key"; items may differ between attempts (random draws)
    fraction: float  # score on this item, normally 0..1
    choice: str | None = None  # option chosen, for distractor analysis; None: unanswered or not a choice type


@dataclass(frozen=True)
class ItemInfo:
    item: str
    label: str
    options: tuple[str, ...] = ()  # option ids of a choice question, in display order
    random_guess: float | None = None  # expected score of a random guess; None if unknown


@dataclass(frozen=True)
class ItemStats:
    item: str
    label: str
    attempts: int
    facility: float | None
    sd: float | None
    random_guess: float | None
    discrimination: float | None
    discriminative_efficiency: float | None
    frequencies: dict[str, int] = field(default_factory=dict)
    needs_checking: bool = False
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class TestStats:
    __test__ = False  # not a pytest test class, whatever its name

    attempts: int
    mean: float | None
    median: float | None
    sd: float | None
    max_mark: int | None  # items per attempt when every attempt had the same number, else None
    mean_fraction: float | None  # mean / max_mark, and so on
    median_fraction: float | None
    sd_fraction: float | None
    alpha_items: int  # k: the items every attempt had, over which alpha is computed
    cronbach_alpha: float | None
    error_ratio: float | None
    standard_error: float | None


# --- small helpers --------------------------------------------------------------------------


def _flat(values: Sequence[float]) -> bool:
    return max(values) - min(values) <= _FLAT


def _exact_variance(values: Sequence[float]) -> float:
    """statistics.variance: the exact sample variance (n - 1), rounded once to a float.

    Worked out in integers from the distinct values and how often each occurs (an item's marks and rest scores
    repeat a lot), over a common denominator; int / int rounds once, correctly, as statistics does.
    """
    n = len(values)
    ratios = [(*value.as_integer_ratio(), count) for value, count in Counter(values).items()]
    scale = math.lcm(*(denominator for _, denominator, _ in ratios))  # floats: powers of two, so the largest
    s1 = s2 = 0
    for numerator, denominator, count in ratios:
        scaled = numerator * (scale // denominator)
        s1 += scaled * count
        s2 += scaled * scaled * count
    return (n * s2 - s1 * s1) / (scale * scale * n * (n - 1))


def _covariance(x: Sequence[float], y: Sequence[float]) -> float:
    """statistics.covariance of two lists of the same length (at least two): the same operations in the same
    order, so the same float, with the products formed by map rather than a generator."""
    n = len(x)
    xbar, ybar = math.fsum(x) / n, math.fsum(y) / n
    products = map(operator.mul, map(operator.sub, x, repeat(xbar)), map(operator.sub, y, repeat(ybar)))
    return math.fsum(products) / (n - 1)


def _rests(marks: Sequence[float]) -> list[float]:
    """Each mark's rest: the sum of the other marks, rounded once, as math.fsum of them gives it.

    Floats are fractions with a power-of-two denominator: over the marks' common one the sums are integers, so
    the total is summed once and each rest is a subtraction and one correctly rounded division.
    """
    ratios = [mark.as_integer_ratio() for mark in marks]
    scale = math.lcm(*(denominator for _, denominator in ratios))
    scaled = [numerator * (scale // denominator) for numerator, denominator in ratios]
    total = sum(scaled)
    return [(total - value) / scale for value in scaled]


def _variance(values: Sequence[float]) -> float | None:
    """Sample variance (n - 1); None below two values; exactly 0.0 when the values do not spread."""
    if len(values) < 2:
        return None
    return 0.0 if _flat(values) else _exact_variance(values)


def _sd(values: Sequence[float]) -> float | None:
    variance = _variance(values)
    return None if variance is None else math.sqrt(variance)


def _ratio(value: float | None, divisor: int | None) -> float | None:
    return None if value is None or not divisor else value / divisor


def _discrimination(marks: list[float], rests: list[float],
                    marks_variance: float | None) -> tuple[float | None, float | None]:
    """Pearson r of item and rest, and discriminative efficiency; None where a spread is missing.

    `marks_variance` is _variance(marks), which the caller has worked out already."""
    if len(marks) < 2 or _flat(marks) or _flat(rests) or marks_variance is None:
        return None, None
    covariance = _covariance(marks, rests)
    r = covariance / math.sqrt(marks_variance * _exact_variance(rests))
    # Sorting both lists the same way pairs them for the largest covariance (rearrangement inequality);
    # it is positive whenever both lists spread.
    covariance_max = _covariance(sorted(marks), sorted(rests))
    efficiency = covariance / covariance_max if covariance_max > 0 else None
    # Rounding can carry |r| or the efficiency a hair past 1.
    r = max(-1.0, min(1.0, r))
    if efficiency is not None:
        efficiency = min(1.0, efficiency)
    return r, efficiency


def _figure(value: float, limit: float) -> str:
    """Value with 2 decimals, or more when 2 would print it equal to the limit it is compared with."""
    for digits in range(2, 7):
        text = f"{value:.{digits}f}"
        if float(text) == 0:
            text = text.lstrip("-")  # a rounding hair below zero is not "-0.00"
        if text != f"{limit:.{digits}f}":
            return text
    return repr(value)


def _checks(facility: float | None, discrimination: float | None) -> tuple[str, ...]:
    reasons = []
    if facility is not None and facility < FACILITY_LOW:
        reasons.append(f"facility {_figure(facility, FACILITY_LOW)} below {FACILITY_LOW:.2f}")
    if facility is not None and facility > FACILITY_HIGH:
        reasons.append(f"facility {_figure(facility, FACILITY_HIGH)} above {FACILITY_HIGH:.2f}")
    if discrimination is not None and discrimination < DISCRIMINATION_LOW:
        reasons.append(f"discrimination {_figure(discrimination, DISCRIMINATION_LOW)} below {DISCRIMINATION_LOW:.2f}")
    return tuple(reasons)


def _frequencies(info: ItemInfo, choices: list[str | None]) -> dict[str, int]:
    """Options in their order (0 when never chosen), then unknown choices, then "(no answer)" if any.

    Without declared options the choices seen are counted; an item with no choices at all (free text) has none.
    """
    if not info.options and all(c is None for c in choices):
        return {}
    counts = dict.fromkeys(info.options, 0)
    for choice in sorted({c for c in choices if c is not None and c not in counts}):
        counts[choice] = 0
    unanswered = 0
    for choice in choices:
        if choice is None:
            unanswered += 1
        else:
            counts[choice] += 1
    if unanswered:
        counts[NO_ANSWER] = unanswered
    return counts


# --- analysis -------------------------------------------------------------------------------


class _ItemColumns(NamedTuple):
    """One item over the attempts that had it, in attempt order: its marks, the rest scores, the choices."""

    marks: list[float]
    rests: list[float]
    choices: list[str | None]


def _item_columns(by_attempt: dict[int, dict[str, Response]]) -> dict[str, _ItemColumns]:
    """Every item's columns, in one pass over the attempts.

    The rest is the exact sum of the other items rounded once (as math.fsum of them gives it), so equal rests
    are equal floats.
    """
    columns: dict[str, _ItemColumns] = {}
    for answers in by_attempt.values():
        responses = answers.values()
        for (_, item, fraction, choice), rest in zip(responses, _rests([r.fraction for r in responses]), strict=True):
            column = columns.get(item)
            if column is None:
                column = columns[item] = _ItemColumns([], [], [])
            column.marks.append(fraction)
            column.rests.append(rest)
            column.choices.append(choice)
    return columns


def _item_stats(info: ItemInfo, column: _ItemColumns | None) -> ItemStats:
    marks, rests, choices = (column.marks, column.rests, column.choices) if column else ([], [], [])
    facility = math.fsum(marks) / len(marks) if marks else None
    variance = _variance(marks)
    discrimination, efficiency = _discrimination(marks, rests, variance)
    reasons = _checks(facility, discrimination)
    return ItemStats(
        item=info.item,
        label=info.label,
        attempts=len(marks),
        facility=facility,
        sd=None if variance is None else math.sqrt(variance),
        random_guess=info.random_guess,
        discrimination=discrimination,
        discriminative_efficiency=efficiency,
        frequencies=_frequencies(info, choices),
        needs_checking=bool(reasons),
        reasons=reasons,
    )


def _alpha(by_attempt: dict[int, dict[str, Response]]) -> tuple[int, float | None]:
    """(k, Cronbach's alpha) over the items every attempt had."""
    if not by_attempt:
        return 0, None
    common = set.intersection(*(set(answers) for answers in by_attempt.values()))
    k = len(common)
    if k < 2 or len(by_attempt) < 2:
        return k, None
    item_variance = math.fsum(
        _variance([answers[item].fraction for answers in by_attempt.values()]) or 0.0 for item in sorted(common)
    )
    totals = [math.fsum(answers[item].fraction for item in common) for answers in by_attempt.values()]
    total_variance = _variance(totals)
    if not total_variance:
        return k, None
    # Alpha cannot exceed 1 (the total variance is at most k times the sum of the item variances); clamp rounding.
    return k, min(1.0, k / (k - 1) * (1 - item_variance / total_variance))


def _test_stats(by_attempt: dict[int, dict[str, Response]]) -> TestStats:
    totals = [math.fsum(r.fraction for r in answers.values()) for answers in by_attempt.values()]
    counts = {len(answers) for answers in by_attempt.values()}
    max_mark = counts.pop() if len(counts) == 1 else None
    mean = math.fsum(totals) / len(totals) if totals else None
    median = float(statistics.median(totals)) if totals else None
    sd = _sd(totals)
    k, alpha = _alpha(by_attempt)
    error_ratio = math.sqrt(1 - alpha) if alpha is not None and alpha >= 0 else None
    standard_error = error_ratio * sd if error_ratio is not None and sd is not None else None
    return TestStats(
        attempts=len(totals),
        mean=mean,
        median=median,
        sd=sd,
        max_mark=max_mark,
        mean_fraction=_ratio(mean, max_mark),
        median_fraction=_ratio(median, max_mark),
        sd_fraction=_ratio(sd, max_mark),
        alpha_items=k,
        cronbach_alpha=alpha,
        error_ratio=error_ratio,
        standard_error=standard_error,
    )


def analyse(responses: Sequence[Response], items: Sequence[ItemInfo]) -> tuple[TestStats, list[ItemStats]]:
    """Test statistics and one ItemStats per entry of `items`, in that order.

    Every response counts towards its attempt's total (and so towards the rest scores and alpha), whether or not
    its item is listed in `items`; `items` chooses which items are reported. An item listed but never answered gets
    0 attempts and None figures.

    Raises ValueError for input no analysis can mean: one item twice in one attempt, or a fraction that is not
    a finite number.
    """
    by_attempt: dict[int, dict[str, Response]] = {}
    for response in responses:
        attempt, item, fraction, _ = response
        if not math.isfinite(fraction):
            raise ValueError(f"attempt {attempt}, item {item!r}: fraction {fraction}")
        answers = by_attempt.get(attempt)
        if answers is None:
            answers = by_attempt[attempt] = {}
        if item in answers:
            raise ValueError(f"attempt {attempt} has item {item!r} twice")
        answers[item] = response
    columns = _item_columns(by_attempt)
    return _test_stats(by_attempt), [_item_stats(info, columns.get(info.item)) for info in items]


# --- CSV ------------------------------------------------------------------------------------

CSV_HEADER = [
    "item", "label", "attempts", "facility", "sd", "random_guess", "discrimination",
    "discriminative_efficiency", "needs_checking", "reasons", "frequencies",
]


def _number(value: float | None) -> str:
    if value is None:
        return ""
    text = f"{value:.4f}"
    return "0.0000" if text == "-0.0000" else text


def stats_csv_rows(test: TestStats, items: Sequence[ItemStats]) -> list[list[str]]:
    """A header row and one row per item, numbers with 4 decimals and None as an empty cell.

    `test` is taken so the caller hands over the whole analysis; its figures are not part of the item table.
    """
    rows = [list(CSV_HEADER)]
    for s in items:
        rows.append([
            s.item,
            s.label,
            str(s.attempts),
            _number(s.facility),
            _number(s.sd),
            _number(s.random_guess),
            _number(s.discrimination),
            _number(s.discriminative_efficiency),
            "yes" if s.needs_checking else "no",
            "; ".join(s.reasons),
            " ".join(f"{option}:{count}" for option, count in s.frequencies.items()),
        ])
    return rows
