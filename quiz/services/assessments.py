"""Assessments and invitations (the manager's side grows in later work)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import func, select

from quiz.engine.selection import PoolQuestion, SectionSpec, check_sections
from quiz.engine.timing import OverduePolicy
from quiz.errors import Conflict, InvalidInput, NotFound
from quiz.models import (
    Assessment,
    AssessmentSection,
    AssessmentShare,
    Attempt,
    Invitation,
    Question,
    QuestionBank,
    QuestionVersion,
    SkillArea,
    User,
    db,
)
from quiz.services import audit
from quiz.services.access import assessment_for, readable_assessments_clause
from quiz.services.tx import begin_write

FEEDBACK_POLICIES = ("thanks", "overall", "area_scores", "answers")
FEEDBACK_LABELS = {
    "thanks": "A thank-you only",
    "overall": "The overall score",
    "area_scores": "Scores per skill area",
    "answers": "Scores per skill area, with answers and explanations",
}


@dataclass(frozen=True)
class SectionInput:
    area: str
    count: int
    mix: Mapping[int, int] | None = None
    pass_mark: float | None = None


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
    assessment = Assessment(owner_id=owner_id, created_at=now)
    _apply_spec(assessment, spec)
    db.session.add(assessment)
    db.session.flush()
    audit.record(owner_id, "assessment.create", "assessment", assessment.id, now, title=assessment.title)
    db.session.commit()
    return assessment.id


def update_assessment(user_id: int, assessment_id: int, spec: AssessmentInput, now: datetime) -> None:
    """Rewrite an assessment's settings: only its owner, and only before anyone has started it."""
    problems = _check_spec(spec)
    if problems:
        raise InvalidInput(" ".join(problems))
    begin_write()
    assessment = assessment_for(user_id, assessment_id, owner_only=True)
    if db.session.scalar(select(Attempt.id).where(Attempt.assessment_id == assessment_id).limit(1)) is not None:
        db.session.rollback()
        raise Conflict("Candidates have started this assessment: close it or copy it instead of changing it.")
    for section in list(assessment.sections):
        assessment.sections.remove(section)
    db.session.flush()
    _apply_spec(assessment, spec)
    audit.record(user_id, "assessment.update", "assessment", assessment_id, now, title=assessment.title)
    db.session.commit()


def copy_assessment(user_id: int, assessment_id: int, now: datetime) -> int:
    """A new, open assessment with the same settings and no invitations."""
    source = assessment_for(user_id, assessment_id)
    spec = assessment_input(source)
    return create_assessment(user_id, replace(spec, title=f"Copy of {source.title}"[:200]), now)


def close_assessment(user_id: int, assessment_id: int, now: datetime) -> None:
    """No new invitations or attempts; attempts in progress may finish."""
    begin_write()
    assessment = assessment_for(user_id, assessment_id, owner_only=True)
    if assessment.closed_at is None:
        assessment.closed_at = now
        audit.record(user_id, "assessment.close", "assessment", assessment_id, now)
    db.session.commit()


def share_assessment(user_id: int, assessment_id: int, email: str, now: datetime) -> None:
    """Let another manager read the assessment's invitations and reports."""
    begin_write()
    assessment_for(user_id, assessment_id, owner_only=True)
    other = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if other is None or other.role != "manager" or other.id == user_id:
        db.session.rollback()
        raise InvalidInput("Share with another hiring manager's account email.")
    exists = db.session.scalar(select(AssessmentShare.id).where(
        AssessmentShare.assessment_id == assessment_id, AssessmentShare.user_id == other.id))
    if exists is None:
        db.session.add(AssessmentShare(assessment_id=assessment_id, user_id=other.id, created_at=now))
        audit.record(user_id, "assessment.share", "assessment", assessment_id, now, shared_with=other.email)
    db.session.commit()


def assessment_input(assessment: Assessment) -> AssessmentInput:
    """An assessment's settings in the form they are given in."""
    return AssessmentInput(
        title=assessment.title, description=assessment.description,
        sections=[
            SectionInput(s.area.slug, s.question_count,
                         {int(k): v for k, v in s.difficulty_mix.items()} if s.difficulty_mix else None,
                         s.pass_mark)
            for s in assessment.sections
        ],
        time_limit=timedelta(seconds=assessment.time_limit_seconds),
        grace=timedelta(seconds=assessment.grace_seconds), overdue_policy=assessment.overdue_policy,
        feedback_policy=assessment.feedback_policy, pass_mark=assessment.pass_mark,
        shuffle_questions=assessment.shuffle_questions, shuffle_options=assessment.shuffle_options,
    )


def _apply_spec(assessment: Assessment, spec: AssessmentInput) -> None:
    """Write the settings onto the assessment, checking the draw against the pool first."""
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
        messages = [f"Unknown skill area '{m}'." for m in missing] + [f"{p}." for p in pool_problems]
        raise InvalidInput(" ".join(messages))
    assessment.title, assessment.description = spec.title.strip(), spec.description.strip()
    assessment.time_limit_seconds = int(spec.time_limit.total_seconds())
    assessment.grace_seconds = int(spec.grace.total_seconds())
    assessment.overdue_policy, assessment.feedback_policy = str(spec.overdue_policy), spec.feedback_policy
    assessment.pass_mark = spec.pass_mark
    assessment.shuffle_questions, assessment.shuffle_options = spec.shuffle_questions, spec.shuffle_options
    for position, section in enumerate(spec.sections, start=1):
        assessment.sections.append(
            AssessmentSection(
                area=areas[section.area], position=position, question_count=section.count,
                difficulty_mix={str(k): v for k, v in section.mix.items()} if section.mix else None,
                pass_mark=section.pass_mark,
            )
        )


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
    if any(s.pass_mark is not None and not 0 <= s.pass_mark <= 100 for s in spec.sections):
        problems.append("An area's pass mark is a percentage from 0 to 100.")
    if len(spec.title.strip()) > 200:
        problems.append("The title is longer than 200 characters.")
    if spec.time_limit > timedelta(hours=8) or spec.grace > timedelta(hours=1):
        problems.append("The time limit is at most 8 hours and the grace period at most 1 hour.")
    return problems


@dataclass(frozen=True)
class AssessmentSummary:
    assessment_id: int
    title: str
    owned: bool
    closed: bool
    questions: int
    time_limit_minutes: int
    invitations: int
    finished: int


def list_assessments(user_id: int) -> list[AssessmentSummary]:
    """The assessments this manager owns or that were shared with them, newest first."""
    rows = db.session.scalars(
        select(Assessment).where(readable_assessments_clause(user_id)).order_by(Assessment.id.desc())
    ).all()
    result = []
    for a in rows:
        invitations = db.session.scalar(select(func.count()).select_from(Invitation)
                                        .where(Invitation.assessment_id == a.id)) or 0
        finished = db.session.scalar(select(func.count()).select_from(Attempt)
                                     .where(Attempt.assessment_id == a.id, Attempt.status == "finished")) or 0
        result.append(AssessmentSummary(
            a.id, a.title, a.owner_id == user_id, a.closed_at is not None,
            sum(s.question_count for s in a.sections), a.time_limit_seconds // 60, invitations, finished))
    return result


@dataclass(frozen=True)
class AreaPool:
    slug: str
    title: str
    by_difficulty: dict[int, int]

    @property
    def total(self) -> int:
        return sum(self.by_difficulty.values())


def area_pools() -> list[AreaPool]:
    """How many questions each skill area can supply, per difficulty, for composing assessments."""
    counts: dict[str, dict[int, int]] = {}
    for q in current_pool():
        counts.setdefault(q.area, {1: 0, 2: 0, 3: 0})[q.difficulty] += 1
    titles = dict(db.session.execute(select(SkillArea.slug, SkillArea.title)).all())
    ordered = sorted(counts, key=lambda slug: titles.get(slug, slug))
    return [AreaPool(slug, titles.get(slug, slug), counts[slug]) for slug in ordered]


def has_attempts(assessment_id: int) -> bool:
    return db.session.scalar(select(Attempt.id).where(Attempt.assessment_id == assessment_id).limit(1)) is not None


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


@dataclass(frozen=True)
class SectionView:
    title: str
    count: int
    mix: dict[int, int] | None
    pass_mark: float | None


@dataclass(frozen=True)
class AssessmentOverview:
    assessment_id: int
    title: str
    description: str
    owned: bool
    closed: bool
    started: bool
    time_limit_minutes: int
    grace_seconds: int
    overdue_policy: str
    feedback_label: str
    pass_mark: float | None
    shuffle_questions: bool
    shuffle_options: bool
    sections: tuple[SectionView, ...]
    shared_with: tuple[str, ...]
    spec: AssessmentInput


def assessment_overview(user_id: int, assessment_id: int) -> AssessmentOverview:
    assessment = assessment_for(user_id, assessment_id)
    shared = db.session.scalars(
        select(User.email).join(AssessmentShare, AssessmentShare.user_id == User.id)
        .where(AssessmentShare.assessment_id == assessment_id).order_by(User.email)
    ).all()
    return AssessmentOverview(
        assessment_id=assessment.id, title=assessment.title, description=assessment.description,
        owned=assessment.owner_id == user_id, closed=assessment.closed_at is not None,
        started=has_attempts(assessment.id), time_limit_minutes=assessment.time_limit_seconds // 60,
        grace_seconds=assessment.grace_seconds, overdue_policy=assessment.overdue_policy,
        feedback_label=FEEDBACK_LABELS.get(assessment.feedback_policy, assessment.feedback_policy),
        pass_mark=assessment.pass_mark, shuffle_questions=assessment.shuffle_questions,
        shuffle_options=assessment.shuffle_options,
        sections=tuple(
            SectionView(s.area.title, s.question_count,
                        {int(k): v for k, v in s.difficulty_mix.items()} if s.difficulty_mix else None, s.pass_mark)
            for s in assessment.sections
        ),
        shared_with=tuple(shared), spec=assessment_input(assessment),
    )
