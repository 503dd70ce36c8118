"""Assessments and invitations (the manager's side grows in later work)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from quiz.engine.selection import PoolQuestion, SectionSpec, check_sections
from quiz.engine.timing import OverduePolicy
from quiz.errors import InvalidInput, NotFound
from quiz.models import (
    Assessment,
    AssessmentSection,
    Attempt,
    Invitation,
    Question,
    QuestionBank,
    QuestionVersion,
    SkillArea,
    User,
    db,
)
from quiz.services.tx import begin_write

FEEDBACK_POLICIES = ("thanks", "overall", "area_scores", "answers")


@dataclass(frozen=True)
class SectionInput:
    area: str
    count: int
    mix: Mapping[int, int] | None = None


@dataclass(frozen=True)
class AssessmentInput:
    title: str
    sections: Sequence[SectionInput]
    time_limit: timedelta
    grace: timedelta = timedelta(seconds=60)
    overdue_policy: str = OverduePolicy.AUTOSUBMIT
    feedback_policy: str = "area_scores"
    pass_mark: float | None = None
    shuffle_questions: bool = True
    shuffle_options: bool = True
    description: str = ""


def current_pool(area_slugs: Sequence[str] | None = None) -> list[PoolQuestion]:
    """The latest version of every question not retired, per area."""
    query = (
        select(QuestionVersion.id, SkillArea.slug, QuestionVersion.difficulty)
        .join(Question, QuestionVersion.question_id == Question.id)
        .join(QuestionBank, Question.bank_id == QuestionBank.id)
        .join(SkillArea, QuestionBank.area_id == SkillArea.id)
        .where(QuestionVersion.number == Question.latest_number, Question.retired_at.is_(None))
    )
    if area_slugs is not None:
        query = query.where(SkillArea.slug.in_(area_slugs))
    return [PoolQuestion(v, a, d) for v, a, d in db.session.execute(query)]


def create_assessment(owner_id: int, spec: AssessmentInput, now: datetime) -> int:
    """A new assessment; refused when the pool cannot supply its draw."""
    problems = _check_spec(spec)
    if problems:
        raise InvalidInput(" ".join(problems))
    begin_write()
    areas = {
        a.slug: a
        for a in db.session.scalars(
            select(SkillArea).where(SkillArea.slug.in_([s.area for s in spec.sections]))
        )
    }
    missing = [s.area for s in spec.sections if s.area not in areas]
    pool_problems = check_sections(
        current_pool(list(areas)),
        [SectionSpec(s.area, s.count, s.mix) for s in spec.sections],
    )
    if missing or pool_problems:
        db.session.rollback()
        messages = [f"Unknown skill area '{m}'." for m in missing] + pool_problems
        raise InvalidInput(" ".join(messages))
    assessment = Assessment(
        owner_id=owner_id, title=spec.title.strip(), description=spec.description,
        time_limit_seconds=int(spec.time_limit.total_seconds()),
        grace_seconds=int(spec.grace.total_seconds()), overdue_policy=str(spec.overdue_policy),
        feedback_policy=spec.feedback_policy, pass_mark=spec.pass_mark,
        shuffle_questions=spec.shuffle_questions, shuffle_options=spec.shuffle_options,
        created_at=now,
    )
    for position, section in enumerate(spec.sections, start=1):
        assessment.sections.append(
            AssessmentSection(
                area=areas[section.area], position=position, question_count=section.count,
                difficulty_mix={str(k): v for k, v in section.mix.items()} if section.mix else None,
            )
        )
    db.session.add(assessment)
    db.session.commit()
    return assessment.id


def _check_spec(spec: AssessmentInput) -> list[str]:
    problems = []
    if not spec.title.strip():
        problems.append("Give the assessment a title.")
    if not spec.sections:
        problems.append("Add at least one skill area.")
    if spec.time_limit.total_seconds() < 60:
        problems.append("The time limit must be at least one minute.")
    if spec.grace.total_seconds() < 0:
        problems.append("The grace period cannot be negative.")
    if spec.overdue_policy not in set(OverduePolicy):
        problems.append(f"Unknown overdue policy '{spec.overdue_policy}'.")
    if spec.feedback_policy not in FEEDBACK_POLICIES:
        problems.append(f"Unknown feedback policy '{spec.feedback_policy}'.")
    if spec.pass_mark is not None and not 0 <= spec.pass_mark <= 100:
        problems.append("The pass mark is a percentage from 0 to 100.")
    return problems


def invite(assessment_id: int, candidate_id: int, now: datetime,
           expires_at: datetime | None = None) -> int:
    begin_write()
    assessment = db.session.get(Assessment, assessment_id)
    candidate = db.session.get(User, candidate_id)
    if assessment is None or candidate is None or candidate.role != "candidate":
        db.session.rollback()
        raise NotFound("No such assessment or candidate.")
    invitation = Invitation(
        assessment=assessment, candidate=candidate, created_at=now, expires_at=expires_at
    )
    db.session.add(invitation)
    db.session.commit()
    return invitation.id


@dataclass(frozen=True)
class CandidateInvitation:
    invitation_id: int
    assessment_title: str
    description: str
    time_limit_minutes: int
    questions: int
    attempt_id: int | None
    attempt_status: str | None
    expired: bool


def invitations_for(candidate_id: int, now: datetime) -> list[CandidateInvitation]:
    """The candidate's invitations, newest first, with the state of their attempt."""
    rows = db.session.execute(
        select(Invitation, Attempt)
        .outerjoin(Attempt, Attempt.invitation_id == Invitation.id)
        .where(Invitation.candidate_id == candidate_id, Invitation.revoked_at.is_(None))
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
    ).all()
    result = []
    for invitation, attempt in rows:
        assessment = invitation.assessment
        result.append(
            CandidateInvitation(
                invitation_id=invitation.id, assessment_title=assessment.title,
                description=assessment.description,
                time_limit_minutes=assessment.time_limit_seconds // 60,
                questions=sum(s.question_count for s in assessment.sections),
                attempt_id=attempt.id if attempt else None,
                attempt_status=attempt.status if attempt else None,
                expired=invitation.expires_at is not None and invitation.expires_at < now,
            )
        )
    return result
