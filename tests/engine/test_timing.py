"""The attempt's clock: answering and submitting around the deadline, and closing overdue attempts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from quiz.engine.timing import (
    AttemptClock,
    Closing,
    Outcome,
    OverduePolicy,
    deadline_for,
    seconds_left,
)

DEADLINE = datetime(2026, 1, 5, 10, 0, 0, tzinfo=UTC)
GRACE = timedelta(minutes=2)
CLOSES = DEADLINE + GRACE  # 10:02:00

BEFORE = DEADLINE - timedelta(seconds=1)  # 09:59:59
AT_DEADLINE = DEADLINE  # 10:00:00
IN_GRACE = DEADLINE + timedelta(minutes=1)  # 10:01:00
AT_CLOSE = CLOSES  # 10:02:00, the last instant of the grace
AFTER = CLOSES + timedelta(microseconds=1)  # 10:02:00.000001

MOMENTS = {"before": BEFORE, "at deadline": AT_DEADLINE, "in grace": IN_GRACE, "at close": AT_CLOSE, "after": AFTER}


def clock(policy: OverduePolicy) -> AttemptClock:
    return AttemptClock(deadline_at=DEADLINE, grace=GRACE, policy=policy)


# (moment, can_answer, can_submit) for each policy
TABLE = {
    OverduePolicy.AUTOSUBMIT: [
        ("before", True, True), ("at deadline", True, True), ("in grace", True, True),
        ("at close", True, True), ("after", False, False),
    ],
    OverduePolicy.GRACEPERIOD: [
        ("before", True, True), ("at deadline", True, True), ("in grace", False, True),
        ("at close", False, True), ("after", False, False),
    ],
    OverduePolicy.AUTOABANDON: [
        ("before", True, True), ("at deadline", True, True), ("in grace", True, True),
        ("at close", True, True), ("after", False, False),
    ],
}


@pytest.mark.parametrize(
    ("policy", "moment", "can_answer", "can_submit"),
    [(policy, *row) for policy, rows in TABLE.items() for row in rows],
)
def test_can_answer_and_can_submit(policy: OverduePolicy, moment: str, can_answer: bool, can_submit: bool) -> None:
    now = MOMENTS[moment]
    assert clock(policy).can_answer(now) is can_answer
    assert clock(policy).can_submit(now) is can_submit


@pytest.mark.parametrize("policy", list(OverduePolicy))
@pytest.mark.parametrize("moment", ["before", "at deadline", "in grace", "at close"])
def test_no_closing_while_the_attempt_can_still_be_submitted(policy: OverduePolicy, moment: str) -> None:
    assert clock(policy).closing(MOMENTS[moment]) is None


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        # autosubmit: finished with what was saved, as of the deadline (not the moment of closing)
        (OverduePolicy.AUTOSUBMIT, Closing(Outcome.FINISHED, "autosubmitted", DEADLINE)),
        # graceperiod and autoabandon: abandoned when the grace ran out
        (OverduePolicy.GRACEPERIOD, Closing(Outcome.ABANDONED, "abandoned", CLOSES)),
        (OverduePolicy.AUTOABANDON, Closing(Outcome.ABANDONED, "abandoned", CLOSES)),
    ],
)
def test_closing_after_the_grace(policy: OverduePolicy, expected: Closing) -> None:
    assert clock(policy).closing(AFTER) == expected
    # an hour later nothing changes: the times come from the clock, not from now
    assert clock(policy).closing(CLOSES + timedelta(hours=1)) == expected


def test_closes_at_is_deadline_plus_grace() -> None:
    assert clock(OverduePolicy.AUTOSUBMIT).closes_at == datetime(2026, 1, 5, 10, 2, 0, tzinfo=UTC)


def test_without_grace_everything_stops_just_after_the_deadline() -> None:
    strict = AttemptClock(deadline_at=DEADLINE, grace=timedelta(0), policy=OverduePolicy.GRACEPERIOD)
    assert strict.can_submit(DEADLINE) and strict.can_answer(DEADLINE)
    later = DEADLINE + timedelta(microseconds=1)
    assert not strict.can_submit(later)
    assert strict.closing(later) == Closing(Outcome.ABANDONED, "abandoned", DEADLINE)


def test_policies_read_from_their_stored_names() -> None:
    assert [OverduePolicy(name) for name in ("autosubmit", "graceperiod", "autoabandon")] == [
        OverduePolicy.AUTOSUBMIT, OverduePolicy.GRACEPERIOD, OverduePolicy.AUTOABANDON,
    ]


def test_deadline_for_adds_the_time_limit() -> None:
    started = datetime(2026, 1, 5, 9, 15, 30, tzinfo=UTC)
    # 09:15:30 + 45 min = 10:00:30
    assert deadline_for(started, timedelta(minutes=45)) == datetime(2026, 1, 5, 10, 0, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("left", "shown"),
    [
        (timedelta(minutes=30), 1800),  # 30 * 60
        (timedelta(seconds=90), 90),
        (timedelta(seconds=1), 1),
        (timedelta(seconds=89, milliseconds=200), 90),  # 89.2 s rounds up
        (timedelta(milliseconds=200), 1),  # 0.2 s left shows 1
        (timedelta(microseconds=1), 1),
        (timedelta(0), 0),
        (timedelta(milliseconds=-200), 0),  # past the deadline: never negative
        (timedelta(hours=-3), 0),
    ],
)
def test_seconds_left_rounds_up_and_never_goes_negative(left: timedelta, shown: int) -> None:
    assert seconds_left(DEADLINE - left, DEADLINE) == shown
