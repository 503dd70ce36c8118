"""Integrity signals of an attempt, and a summary a hiring manager can read at a glance.

Signals are evidence to look at, never proof: the summary names each reason so the manager
can judge it. The thresholds are deliberately plain.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Concern(StrEnum):
    NONE = "none"
    SOME = "some"
    MAJOR = "major"


@dataclass(frozen=True)
class IntegrityFacts:
    focus_lost: int = 0          # times the page lost focus or was hidden
    hidden_seconds: float = 0.0  # total time the page was hidden or unfocused
    pastes: int = 0              # paste events into answers
    ip_changes: int = 0          # distinct addresses seen after the first one
    browser_changes: int = 0     # distinct browsers (user agents) seen after the first one
    fast_answers: int = 0        # answers given faster than the threshold after the question appeared
    answered: int = 0            # questions answered
    duration_seconds: float = 0.0


@dataclass(frozen=True)
class Thresholds:
    fast_answer_seconds: float = 5.0
    some_focus_lost: int = 3
    major_focus_lost: int = 10
    major_hidden_share: float = 0.25  # of the attempt's duration
    major_fast_share: float = 0.5     # of the answered questions
    major_fast_minimum: int = 3       # and at least this many


DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class IntegritySummary:
    level: Concern
    reasons: tuple[str, ...]


def _plural(n: int, singular: str, plural: str | None = None) -> str:
    return f"{n} {singular}" if n == 1 else f"{n} {plural or singular + 's'}"


def summarise_integrity(facts: IntegrityFacts, t: Thresholds = DEFAULT_THRESHOLDS) -> IntegritySummary:
    """No, some or major concerns, with every reason that contributed."""
    major: list[str] = []
    some: list[str] = []
    hidden = min(facts.hidden_seconds, facts.duration_seconds)
    hidden_share = hidden / facts.duration_seconds if facts.duration_seconds > 0 else 0.0
    if facts.focus_lost >= t.major_focus_lost:
        major.append(f"left the page {_plural(facts.focus_lost, 'time')}")
    elif facts.focus_lost >= t.some_focus_lost:
        some.append(f"left the page {_plural(facts.focus_lost, 'time')}")
    if hidden_share >= t.major_hidden_share:
        major.append(f"away from the page for {hidden_share:.0%} of the attempt ({hidden:.0f} s)")
    if facts.browser_changes:
        major.append(f"continued in {_plural(facts.browser_changes, 'other browser')}")
    if facts.ip_changes:
        some.append(f"answered from {_plural(facts.ip_changes, 'other network address', 'other network addresses')}")
    if facts.pastes:
        some.append(f"pasted into answers {_plural(facts.pastes, 'time')}")
    if facts.fast_answers:
        reason = (f"{facts.fast_answers} of {facts.answered} answers given within "
                  f"{t.fast_answer_seconds:g} s of the question appearing")
        fast_share = facts.fast_answers / facts.answered if facts.answered else 0.0
        is_major = fast_share >= t.major_fast_share and facts.fast_answers >= t.major_fast_minimum
        (major if is_major else some).append(reason)
    if major:
        return IntegritySummary(Concern.MAJOR, tuple(major + some))
    if some:
        return IntegritySummary(Concern.SOME, tuple(some))
    return IntegritySummary(Concern.NONE, ())
