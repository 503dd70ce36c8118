"""What a hiring manager reads: one candidate's report, the cohort, a comparison, a CSV export.

Every subscore comes with the number of items it rests on and a 90% confidence band.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from quiz.engine.integrity import (
    DEFAULT_THRESHOLDS,
    IntegrityFacts,
    IntegritySummary,
    summarise_integrity,
)
from quiz.engine.reporting import Band, passed, percentile_rank, wilson_interval
from quiz.errors import InvalidInput, NotFound
from quiz.models import Assessment, Attempt, AttemptItem, IntegrityEvent, Invitation, User, db
from quiz.services.access import assessment_for
from quiz.services.attempts import ReviewItem, review_item
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


def _area_figures(attempt: Attempt) -> tuple[Figure, ...]:
    marks = {s.area_id: s.pass_mark for s in attempt.assessment.sections}
    results = sorted(attempt.area_results, key=lambda r: r.area.title)
    return tuple(figure(r.area.title, r.points, r.max_points, r.items, marks.get(r.area_id)) for r in results)


def _overall(attempt: Attempt, areas: Sequence[Figure]) -> tuple[Figure, bool | None]:
    items = len(attempt.items)
    overall = figure("Overall", attempt.points or 0.0, attempt.max_points or 0.0, items, attempt.assessment.pass_mark)
    verdicts = [overall.passed] + [a.passed for a in areas]
    known = [v for v in verdicts if v is not None]
    return overall, (all(known) if known else None)


def _duration(attempt: Attempt, now: datetime) -> float:
    end = attempt.finished_at or min(now, attempt.deadline_at)
    return max(0.0, (end - attempt.started_at).total_seconds())


def _facts(attempt: Attempt, now: datetime) -> IntegrityFacts:
    events = db.session.scalars(select(IntegrityEvent).where(IntegrityEvent.attempt_id == attempt.id)).all()
    fast = 0
    answered = 0
    for item in attempt.items:
        if item.answer is not None:
            answered += 1
        after = _answered_after(item)
        if after is not None and after < DEFAULT_THRESHOLDS.fast_answer_seconds:
            fast += 1
    return IntegrityFacts(
        focus_lost=sum(1 for e in events if e.kind == "focus_lost"),
        hidden_seconds=sum(e.duration_seconds or 0.0 for e in events if e.kind == "focus_lost"),
        pastes=sum(1 for e in events if e.kind == "paste"),
        ip_changes=len({e.detail for e in events if e.kind == "ip_change"}),
        browser_changes=len({e.detail for e in events if e.kind == "browser_change"}),
        fast_answers=fast, answered=answered, duration_seconds=_duration(attempt, now),
    )


def _answered_after(item: AttemptItem) -> float | None:
    if item.first_viewed_at is None or item.first_answered_at is None:
        return None
    return max(0.0, (item.first_answered_at - item.first_viewed_at).total_seconds())


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


def cohort(user_id: int, assessment_id: int, now: datetime, sort: str = "overall", descending: bool = True,
           status: str | None = None) -> Cohort:
    """Every invited candidate with their scores; sorted by name, status, overall or an area title."""
    assessment: Assessment = assessment_for(user_id, assessment_id)
    area_titles = tuple(sorted(s.area.title for s in assessment.sections))
    if sort not in SORT_KEYS and sort not in area_titles:
        raise InvalidInput(f"Sort by one of: {', '.join(SORT_KEYS + area_titles)}.")
    rows = db.session.execute(
        select(Invitation, User, Attempt)
        .join(User, User.id == Invitation.candidate_id)
        .outerjoin(Attempt, Attempt.invitation_id == Invitation.id)
        .where(Invitation.assessment_id == assessment_id)
        .order_by(Invitation.id)
    ).all()
    lines = []
    for invitation, user, attempt in rows:
        line_status = invitation_status(invitation, attempt, now)
        overall = verdict = summary = None
        areas: dict[str, Figure] = {}
        if attempt is not None and attempt.status == "finished":
            area_figures = _area_figures(attempt)
            areas = {a.label: a for a in area_figures}
            overall, verdict = _overall(attempt, area_figures)
            summary = summarise_integrity(_facts(attempt, now))
        elif attempt is not None:
            summary = summarise_integrity(_facts(attempt, now))
        lines.append(CohortRow(
            invitation.id, attempt.id if attempt else None, user.name, user.email, line_status, invitation.created_at,
            attempt.started_at if attempt else None, attempt.finished_at if attempt else None,
            _duration(attempt, now) if attempt else None, overall, verdict, areas, summary,
        ))
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
