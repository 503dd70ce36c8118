"""What a hiring manager reads: one candidate's report, the cohort, a comparison, a CSV export.

Every subscore comes with the number of items it rests on and a 90% confidence band.
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import Interval, Select, Text, case, cast, func, literal, select

from quiz.engine.integrity import (
    DEFAULT_THRESHOLDS,
    IntegrityFacts,
    IntegritySummary,
    summarise_integrity,
)
from quiz.engine.reporting import Band, passed, percentile_rank, wilson_interval
from quiz.errors import InvalidInput, NotFound
from quiz.models import (
    AreaResult,
    Assessment,
    Attempt,
    AttemptItem,
    IntegrityEvent,
    Invitation,
    SkillArea,
    User,
    db,
)
from quiz.services.access import assessment_for
from quiz.services.attempts import ReviewItem, review_item
from quiz.services.gcpause import paused_gc
from quiz.services.invitations import invitation_status

CONFIDENCE = 0.90


@dataclass(frozen=True)
class Figure:
    """A score: points of max_points over `items` questions, with its band and pass mark."""

    label: str
    points: float
    max_points: float
    items: int
    band: Band
    pass_mark: float | None
    passed: bool | None

    @property
    def fraction(self) -> float:
        return self.points / self.max_points if self.max_points else 0.0

    @property
    def percent(self) -> float:
        return 100.0 * self.fraction


def figure(label: str, points: float, max_points: float, items: int, pass_mark: float | None) -> Figure:
    fraction = points / max_points if max_points else 0.0
    fraction = min(1.0, max(0.0, fraction))
    return Figure(label, points, max_points, items, wilson_interval(fraction, items, CONFIDENCE), pass_mark,
                  passed(fraction, pass_mark))


@dataclass(frozen=True)
class ItemLine:
    review: ReviewItem
    time_spent_seconds: float
    answered_after_seconds: float | None


@dataclass(frozen=True)
class CandidateReport:
    attempt_id: int
    assessment_id: int
    assessment_title: str
    candidate_name: str
    candidate_email: str
    status: str
    finish_reason: str | None
    started_at: datetime
    finished_at: datetime | None
    duration_seconds: float
    overall: Figure
    passed: bool | None
    percentile: float | None
    cohort_size: int
    areas: tuple[Figure, ...]
    items: tuple[ItemLine, ...]
    facts: IntegrityFacts
    integrity: IntegritySummary


def _attempt_for(user_id: int, attempt_id: int) -> Attempt:
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None:
        raise NotFound("No such attempt.")
    assessment_for(user_id, attempt.assessment_id)
    return attempt


class _AreaTotals(NamedTuple):
    """An area result with its area's title."""

    area_id: int
    title: str
    points: float
    max_points: float
    items: int


class _Event(NamedTuple):
    kind: str
    duration_seconds: float | None
    detail: str | None


def _pass_marks(assessment: Assessment) -> dict[int, float | None]:
    return {s.area_id: s.pass_mark for s in assessment.sections}


def _area_figures(attempt: Attempt) -> tuple[Figure, ...]:
    marks = _pass_marks(attempt.assessment)
    results = sorted(attempt.area_results, key=lambda r: r.area.title)
    return tuple(figure(r.area.title, r.points, r.max_points, r.items, marks.get(r.area_id)) for r in results)


def _overall(attempt: Attempt, areas: Sequence[Figure]) -> tuple[Figure, bool | None]:
    items = len(attempt.items)
    overall = figure("Overall", attempt.points or 0.0, attempt.max_points or 0.0, items, attempt.assessment.pass_mark)
    return overall, _verdict_of(overall, areas)


def _verdict_of(overall: Figure, areas: Sequence[Figure]) -> bool | None:
    verdicts = [overall.passed] + [a.passed for a in areas]
    known = [v for v in verdicts if v is not None]
    return all(known) if known else None


def _duration(attempt: Attempt | _AttemptLine, now: datetime) -> float:
    end = attempt.finished_at or min(now, attempt.deadline_at)
    return max(0.0, (end - attempt.started_at).total_seconds())


def _facts(attempt: Attempt, now: datetime) -> IntegrityFacts:
    events = [_Event(e.kind, e.duration_seconds, e.detail) for e in db.session.scalars(
        select(IntegrityEvent).where(IntegrityEvent.attempt_id == attempt.id))]
    answered = sum(1 for item in attempt.items if item.answer is not None)
    fast = sum(1 for item in attempt.items if _is_fast(item.first_viewed_at, item.first_answered_at))
    return _facts_of(events, answered, fast, _duration(attempt, now))


def _facts_of(events: Sequence[_Event], answered: int, fast: int, duration_seconds: float) -> IntegrityFacts:
    return IntegrityFacts(
        focus_lost=sum(1 for e in events if e.kind == "focus_lost"),
        hidden_seconds=sum(e.duration_seconds or 0.0 for e in events if e.kind == "focus_lost"),
        pastes=sum(1 for e in events if e.kind == "paste"),
        ip_changes=len({e.detail for e in events if e.kind == "ip_change"}),
        browser_changes=len({e.detail for e in events if e.kind == "browser_change"}),
        fast_answers=fast, answered=answered, duration_seconds=duration_seconds,
    )


def _seconds_to_answer(viewed: datetime | None, answered: datetime | None) -> float | None:
    if viewed is None or answered is None:
        return None
    return max(0.0, (answered - viewed).total_seconds())


def _is_fast(viewed: datetime | None, answered: datetime | None) -> bool:
    after = _seconds_to_answer(viewed, answered)
    return after is not None and after < DEFAULT_THRESHOLDS.fast_answer_seconds


def _answered_after(item: AttemptItem) -> float | None:
    return _seconds_to_answer(item.first_viewed_at, item.first_answered_at)


def _finished_fractions(assessment_id: int) -> list[float]:
    rows = db.session.execute(
        select(Attempt.points, Attempt.max_points)
        .where(Attempt.assessment_id == assessment_id, Attempt.status == "finished")
    ).all()
    return [(p or 0.0) / m if m else 0.0 for p, m in rows]


def candidate_report(user_id: int, attempt_id: int, now: datetime) -> CandidateReport:
    attempt = _attempt_for(user_id, attempt_id)
    candidate = attempt.candidate
    areas = _area_figures(attempt)
    overall, verdict = _overall(attempt, areas)
    cohort = _finished_fractions(attempt.assessment_id)
    percentile = percentile_rank(overall.fraction, cohort) if attempt.status == "finished" and cohort else None
    items = [ItemLine(review_item(item), item.time_spent_seconds or 0.0, _answered_after(item))
             for item in attempt.items]
    facts = _facts(attempt, now)
    return CandidateReport(
        attempt_id=attempt.id, assessment_id=attempt.assessment_id, assessment_title=attempt.assessment.title,
        candidate_name=candidate.name, candidate_email=candidate.email, status=attempt.status,
        finish_reason=attempt.finish_reason, started_at=attempt.started_at, finished_at=attempt.finished_at,
        duration_seconds=_duration(attempt, now), overall=overall, passed=verdict if attempt.status == "finished"
        else None, percentile=percentile, cohort_size=len(cohort), areas=areas, items=tuple(items),
        facts=facts, integrity=summarise_integrity(facts),
    )


# --- cohort --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CohortRow:
    invitation_id: int
    attempt_id: int | None
    name: str
    email: str
    status: str
    invited_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    duration_seconds: float | None
    overall: Figure | None
    passed: bool | None
    areas: dict[str, Figure]
    integrity: IntegritySummary | None


@dataclass(frozen=True)
class Cohort:
    assessment_id: int
    title: str
    area_titles: tuple[str, ...]
    rows: tuple[CohortRow, ...]
    statuses: tuple[str, ...]


SORT_KEYS = ("name", "status", "overall")


def _attempts_of(assessment_id: int) -> Select[tuple[int]]:
    return select(Attempt.id).where(Attempt.assessment_id == assessment_id)


class _InvitationLine(NamedTuple):
    """What the cohort reads of an invitation (invitation_status reads revoked_at and expires_at)."""

    id: int
    created_at: datetime
    revoked_at: datetime | None
    expires_at: datetime | None


class _AttemptLine(NamedTuple):
    """What the cohort reads of an attempt (invitation_status reads status and deadline_at)."""

    id: int
    status: str
    started_at: datetime
    deadline_at: datetime
    finished_at: datetime | None
    points: float | None
    max_points: float | None


class _ItemFacts(NamedTuple):
    items: int
    answered: int
    fast: int


def _cohort_lines(assessment_id: int) -> list[tuple[_InvitationLine, str, str, _AttemptLine | None]]:
    """Every invitation with its candidate's name and email and its attempt: the columns, not the objects."""
    rows = db.session.connection().execute(
        select(Invitation.id, Invitation.created_at, Invitation.revoked_at, Invitation.expires_at, User.name,
               User.email, Attempt.id, Attempt.status, Attempt.started_at, Attempt.deadline_at, Attempt.finished_at,
               Attempt.points, Attempt.max_points)
        .join(User, User.id == Invitation.candidate_id)
        .outerjoin(Attempt, Attempt.invitation_id == Invitation.id)
        .where(Invitation.assessment_id == assessment_id)
        .order_by(Invitation.id)
    ).all()
    return [(_InvitationLine(*row[:4]), row[4], row[5], _AttemptLine(*row[6:]) if row[6] is not None else None)
            for row in rows]


def _cohort_area_totals(assessment_id: int) -> dict[int, list[_AreaTotals]]:
    """Every area result of the assessment's attempts, in one query."""
    rows = db.session.connection().execute(
        select(AreaResult.attempt_id, AreaResult.area_id, SkillArea.title, AreaResult.points, AreaResult.max_points,
               AreaResult.items)
        .join(SkillArea, SkillArea.id == AreaResult.area_id)
        .where(AreaResult.attempt_id.in_(_attempts_of(assessment_id)))
        .order_by(AreaResult.attempt_id, AreaResult.area_id)
    ).all()
    totals: dict[int, list[_AreaTotals]] = defaultdict(list)
    for attempt_id, area_id, title, points, max_points, items in rows:
        totals[attempt_id].append(_AreaTotals(area_id, title, points, max_points, items))
    return totals


# SQLite's julianday is good to a millisecond: there SQL picks out the answers that may be fast (with this much
# to spare) and _is_fast decides from their exact timestamps. PostgreSQL subtracts timestamps exactly.
_SLACK_SECONDS = 0.01


def _cohort_item_facts(assessment_id: int) -> dict[int, _ItemFacts]:
    """Per attempt: its items, the answered ones and the fast answers, counted in SQL in one pass.

    Answered is `item.answer is not None` (a stored JSON null is no answer too); fast is what _is_fast says.
    """
    threshold = DEFAULT_THRESHOLDS.fast_answer_seconds
    viewed, answered_at = AttemptItem.first_viewed_at, AttemptItem.first_answered_at
    exact = db.session.get_bind().dialect.name != "sqlite"
    if exact:
        fast = answered_at - viewed < literal(timedelta(seconds=threshold), Interval())
    else:
        fast = (func.julianday(answered_at) - func.julianday(viewed)) * 86400.0 < threshold + _SLACK_SECONDS
    answered = AttemptItem.answer.is_not(None) & (cast(AttemptItem.answer, Text) != "null")
    attempts = _attempts_of(assessment_id)
    rows = db.session.connection().execute(
        select(AttemptItem.attempt_id, func.count(), func.sum(case((answered, 1), else_=0)),
               func.sum(case((fast, 1), else_=0)))
        .where(AttemptItem.attempt_id.in_(attempts))
        .group_by(AttemptItem.attempt_id)
    ).all()
    facts = {attempt_id: _ItemFacts(items, int(answered or 0), int(fast or 0))
             for attempt_id, items, answered, fast in rows}
    if not exact:
        maybe = sorted(attempt_id for attempt_id, _, _, count in rows if count)
        for start in range(0, len(maybe), 500):
            chunk = maybe[start:start + 500]
            counted = Counter(attempt_id for attempt_id, shown, answered in db.session.connection().execute(
                select(AttemptItem.attempt_id, viewed, answered_at).where(AttemptItem.attempt_id.in_(chunk), fast)
            ).all() if _is_fast(shown, answered))
            for attempt_id in chunk:
                facts[attempt_id] = facts[attempt_id]._replace(fast=counted[attempt_id])
    return facts


def _cohort_events(assessment_id: int) -> dict[int, list[_Event]]:
    rows = db.session.connection().execute(
        select(IntegrityEvent.attempt_id, IntegrityEvent.kind, IntegrityEvent.duration_seconds, IntegrityEvent.detail)
        .where(IntegrityEvent.attempt_id.in_(_attempts_of(assessment_id)))
        .order_by(IntegrityEvent.attempt_id, IntegrityEvent.id)
    ).all()
    events: dict[int, list[_Event]] = defaultdict(list)
    for attempt_id, kind, duration_seconds, detail in rows:
        events[attempt_id].append(_Event(kind, duration_seconds, detail))
    return events


def _cohort_rows(assessment: Assessment, now: datetime) -> list[CohortRow]:
    """One row per invitation, in invitation order. A fixed number of queries whatever the size of the cohort:
    the invitations, and the area results, item counts and integrity events of all its attempts, each read at
    once. Figures repeat (the same points on the same number of questions), so each is worked out once."""
    marks = _pass_marks(assessment)
    area_totals = _cohort_area_totals(assessment.id)
    item_facts = _cohort_item_facts(assessment.id)
    events = _cohort_events(assessment.id)
    figures = lru_cache(maxsize=None)(figure)
    no_items = _ItemFacts(0, 0, 0)
    lines = []
    for invitation, name, email, attempt in _cohort_lines(assessment.id):
        line_status = invitation_status(invitation, attempt, now)  # type: ignore[arg-type]  # reads columns only
        overall = verdict = summary = duration = None
        areas: dict[str, Figure] = {}
        if attempt is not None:
            duration = _duration(attempt, now)
            facts = item_facts.get(attempt.id, no_items)
            summary = summarise_integrity(_facts_of(events.get(attempt.id, []), facts.answered, facts.fast, duration))
            if attempt.status == "finished":
                area_figures = tuple(figures(r.title, r.points, r.max_points, r.items, marks.get(r.area_id))
                                     for r in sorted(area_totals.get(attempt.id, []), key=lambda r: r.title))
                areas = {a.label: a for a in area_figures}
                overall = figures("Overall", attempt.points or 0.0, attempt.max_points or 0.0, facts.items,
                                  assessment.pass_mark)
                verdict = _verdict_of(overall, area_figures)
        lines.append(CohortRow(
            invitation.id, attempt.id if attempt else None, name, email, line_status, invitation.created_at,
            attempt.started_at if attempt else None, attempt.finished_at if attempt else None,
            duration, overall, verdict, areas, summary,
        ))
    return lines


def cohort(user_id: int, assessment_id: int, now: datetime, sort: str = "overall", descending: bool = True,
           status: str | None = None) -> Cohort:
    """Every invited candidate with their scores; sorted by name, status, overall or an area title."""
    assessment: Assessment = assessment_for(user_id, assessment_id)
    area_titles = tuple(sorted(s.area.title for s in assessment.sections))
    if sort not in SORT_KEYS and sort not in area_titles:
        raise InvalidInput(f"Sort by one of: {', '.join(SORT_KEYS + area_titles)}.")
    with paused_gc():
        lines = _cohort_rows(assessment, now)
    statuses = tuple(sorted({line.status for line in lines}))
    if status:
        lines = [line for line in lines if line.status == status]
    lines.sort(key=lambda line: line.name.casefold())
    if sort == "status":
        lines.sort(key=lambda line: line.status, reverse=descending)
    elif sort != "name":
        def score(line: CohortRow) -> float | None:
            found = line.overall if sort == "overall" else line.areas.get(sort)
            return found.fraction if found else None
        scored = sorted((line for line in lines if score(line) is not None), key=score, reverse=descending)
        lines = scored + [line for line in lines if score(line) is None]
    elif descending:
        lines.reverse()
    return Cohort(assessment.id, assessment.title, area_titles, tuple(lines), statuses)


@dataclass(frozen=True)
class Comparison:
    assessment_id: int
    title: str
    area_titles: tuple[str, ...]
    reports: tuple[CandidateReport, ...]


def compare(user_id: int, assessment_id: int, attempt_ids: Sequence[int], now: datetime) -> Comparison:
    """Two to five finished attempts of one assessment, side by side."""
    assessment = assessment_for(user_id, assessment_id)
    unique = list(dict.fromkeys(attempt_ids))
    if not 2 <= len(unique) <= 5:
        raise InvalidInput("Choose from two to five candidates to compare.")
    reports = []
    for attempt_id in unique:
        attempt = db.session.get(Attempt, attempt_id)
        if attempt is None or attempt.assessment_id != assessment.id:
            raise NotFound("No such attempt in this assessment.")
        if attempt.status != "finished":
            raise InvalidInput("Only finished attempts can be compared.")
        reports.append(candidate_report(user_id, attempt_id, now))
    area_titles = tuple(sorted(s.area.title for s in assessment.sections))
    return Comparison(assessment.id, assessment.title, area_titles, tuple(reports))


# --- export --------------------------------------------------------------------------------


def _cell(value: object) -> str:
    """Text safe to open in a spreadsheet: no cell starts a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _iso(value: datetime | None) -> str:
    return value.isoformat(timespec="seconds") if value else ""


def _pct(value: Figure | None) -> str:
    return f"{value.percent:.1f}" if value else ""


def _verdict(value: bool | None) -> str:
    return "" if value is None else ("pass" if value else "fail")


def cohort_csv(user_id: int, assessment_id: int, now: datetime) -> str:
    """One row per candidate: identity, status, times, overall and per-area scores, pass/fail, integrity."""
    data = cohort(user_id, assessment_id, now, sort="name", descending=False)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    header = ["name", "email", "status", "invited_at", "started_at", "finished_at", "duration_minutes",
              "overall_percent", "overall_band_low", "overall_band_high", "result"]
    for title in data.area_titles:
        header += [f"{title} percent", f"{title} items", f"{title} result"]
    header += ["integrity", "integrity_reasons"]
    writer.writerow(header)
    for row in data.rows:
        line = [
            _cell(row.name), _cell(row.email), row.status, _iso(row.invited_at), _iso(row.started_at),
            _iso(row.finished_at), f"{row.duration_seconds / 60:.1f}" if row.duration_seconds is not None else "",
            _pct(row.overall), f"{100 * row.overall.band.low:.1f}" if row.overall else "",
            f"{100 * row.overall.band.high:.1f}" if row.overall else "", _verdict(row.passed),
        ]
        for title in data.area_titles:
            area = row.areas.get(title)
            line += [_pct(area), str(area.items) if area else "", _verdict(area.passed if area else None)]
        line += [row.integrity.level.value if row.integrity else "",
                 _cell("; ".join(row.integrity.reasons)) if row.integrity else ""]
        writer.writerow(line)
    return out.getvalue()
