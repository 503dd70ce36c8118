"""What staff see on their landing page: the banks, and a manager's assessments' results."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from quiz.models import (
    AreaResult,
    Assessment,
    Attempt,
    Question,
    QuestionBank,
    SkillArea,
    User,
    db,
)


@dataclass(frozen=True)
class AreaCount:
    slug: str
    title: str
    questions: int


@dataclass(frozen=True)
class AttemptLine:
    attempt_id: int
    candidate: str
    status: str
    percent: float | None
    areas: tuple[tuple[str, float, int], ...]  # title, percent, items


@dataclass(frozen=True)
class AssessmentLine:
    assessment_id: int
    title: str
    attempts: tuple[AttemptLine, ...]


@dataclass(frozen=True)
class StaffOverview:
    areas: tuple[AreaCount, ...]
    assessments: tuple[AssessmentLine, ...]


def staff_overview(user_id: int) -> StaffOverview:
    counts = db.session.execute(
        select(SkillArea.slug, SkillArea.title, func.count(Question.id))
        .join(QuestionBank, QuestionBank.area_id == SkillArea.id)
        .outerjoin(Question, (Question.bank_id == QuestionBank.id) & Question.retired_at.is_(None))
        .group_by(SkillArea.slug, SkillArea.title)
        .order_by(SkillArea.title)
    ).all()
    lines = []
    owned = db.session.scalars(
        select(Assessment).where(Assessment.owner_id == user_id).order_by(Assessment.id)
    )
    for assessment in owned:
        rows = db.session.execute(
            select(Attempt, User.email)
            .join(User, User.id == Attempt.candidate_id)
            .where(Attempt.assessment_id == assessment.id)
            .order_by(Attempt.id)
        ).all()
        attempts = []
        for attempt, email in rows:
            results = db.session.scalars(
                select(AreaResult).where(AreaResult.attempt_id == attempt.id)
            ).all()
            percent = (
                100.0 * attempt.points / attempt.max_points
                if attempt.status == "finished" and attempt.max_points else None
            )
            areas = tuple(
                (r.area.title, 100.0 * r.points / r.max_points if r.max_points else 0.0, r.items)
                for r in sorted(results, key=lambda r: r.area.title)
            )
            attempts.append(AttemptLine(attempt.id, email, attempt.status, percent, areas))
        lines.append(AssessmentLine(assessment.id, assessment.title, tuple(attempts)))
    return StaffOverview(
        areas=tuple(AreaCount(s, t, n) for s, t, n in counts), assessments=tuple(lines)
    )
