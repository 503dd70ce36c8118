"""The attempt's clock: deadlines, the grace margin and what happens when time is up.

Overdue policies follow Moodle's quiz:
- autosubmit: answers and submission are accepted until deadline + grace (a margin for
  the network); after that the attempt is submitted with what was saved, finished at the
  deadline.
- graceperiod: answers until the deadline; submission only, until deadline + grace; after
  that the attempt is abandoned (never scored).
- autoabandon: answers and submission until deadline + grace; after that the attempt is
  abandoned.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class OverduePolicy(StrEnum):
    AUTOSUBMIT = "autosubmit"
    GRACEPERIOD = "graceperiod"
    AUTOABANDON = "autoabandon"


class Outcome(StrEnum):
    FINISHED = "finished"
    ABANDONED = "abandoned"


@dataclass(frozen=True)
class Closing:
    """How an attempt that nobody submitted in time is closed."""

    status: Outcome
    reason: str
    finished_at: datetime


@dataclass(frozen=True)
class AttemptClock:
    deadline_at: datetime
    grace: timedelta
    policy: OverduePolicy

    @property
    def closes_at(self) -> datetime:
        return self.deadline_at + self.grace

    def can_answer(self, now: datetime) -> bool:
        if self.policy is OverduePolicy.GRACEPERIOD:
            return now <= self.deadline_at
        return now <= self.closes_at

    def can_submit(self, now: datetime) -> bool:
        return now <= self.closes_at

    def closing(self, now: datetime) -> Closing | None:
        """None while the attempt can still be submitted; else how to close it."""
        if self.can_submit(now):
            return None
        if self.policy is OverduePolicy.AUTOSUBMIT:
            return Closing(Outcome.FINISHED, "autosubmitted", self.deadline_at)
        return Closing(Outcome.ABANDONED, "abandoned", self.closes_at)


def deadline_for(started_at: datetime, time_limit: timedelta) -> datetime:
    return started_at + time_limit


def seconds_left(now: datetime, deadline_at: datetime) -> int:
    """Whole seconds until the deadline, never negative (rounded up: 0.2 s left shows 1)."""
    return max(0, math.ceil((deadline_at - now).total_seconds()))
