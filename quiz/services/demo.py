"""Demo accounts and a demo assessment, so a first run has something to try."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from quiz.engine.types import get_type
from quiz.errors import Conflict
from quiz.models import Assessment, Attempt, AttemptItem, Invitation, Role, SkillArea, User, db
from quiz.services import attempts, invitations
from quiz.services.accounts import hash_password
from quiz.services.assessments import AssessmentInput, SectionInput, create_assessment, invite
from quiz.services.tx import begin_write

DEMO_TITLE = "Backend developer: demo assessment"
DEMO_AREAS = ("server-side", "databases", "apis")
DEMO_PER_AREA = 4
# A sample cohort, so the manager's pages have something to show: name, chance of a right answer.
SAMPLE_CANDIDATES = (
    ("Alex Rivera", 0.9), ("Maria Okafor", 0.8), ("Sam Chen", 0.65), ("Priya Nair", 0.5), ("Jordan Lee", 0.3),
)


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    password: str


@dataclass(frozen=True)
class DemoInfo:
    logins: tuple[DemoLogin, ...]
    assessment_title: str


def demo_logins() -> tuple[DemoLogin, ...]:
    return tuple(DemoLogin(r.value, f"{r.value}@example.com", f"{r.value}-demo-pass") for r in Role)


def ensure_demo(now: datetime) -> DemoInfo:
    """Create (or reset) one account per role, the demo assessment, and a fresh invitation
    for the demo candidate whenever the last one has been used. Safe to run again."""
    logins = demo_logins()
    begin_write()
    users: dict[str, User] = {}
    for login in logins:
        user = db.session.scalar(select(User).where(User.email == login.email))
        if user is None:
            user = User(email=login.email, role=login.role, created_at=now,
                        name=f"Demo {login.role}")
            db.session.add(user)
        user.role, user.active = login.role, True
        user.password_hash = hash_password(login.password)
        users[login.role] = user
    db.session.commit()

    manager, candidate = users["manager"], users["candidate"]
    assessment_id = db.session.scalar(
        select(Assessment.id).where(Assessment.title == DEMO_TITLE, Assessment.owner_id == manager.id)
    )
    if assessment_id is None:
        present = set(db.session.scalars(select(SkillArea.slug)))
        areas = [a for a in DEMO_AREAS if a in present]
        if not areas:
            raise Conflict("Load the question banks first (flask --app wsgi banks load).")
        assessment_id = create_assessment(
            manager.id,
            AssessmentInput(
                title=DEMO_TITLE,
                description="A short mixed assessment to try the candidate's journey.",
                sections=[SectionInput(a, DEMO_PER_AREA) for a in areas],
                time_limit=timedelta(minutes=20), grace=timedelta(seconds=60),
                pass_mark=60.0,
            ),
            now,
        )
    unused = db.session.scalar(
        select(Invitation.id)
        .outerjoin(Attempt, Attempt.invitation_id == Invitation.id)
        .where(Invitation.assessment_id == assessment_id, Invitation.candidate_id == candidate.id,
               Attempt.id.is_(None))
    )
    if unused is None:
        invite(assessment_id, candidate.id, now)
    _ensure_sample_cohort(manager.id, assessment_id, now)
    return DemoInfo(logins, DEMO_TITLE)


def _sample_email(name: str) -> str:
    return name.lower().replace(" ", ".") + "@candidates.example"


def _ensure_sample_cohort(manager_id: int, assessment_id: int, now: datetime) -> None:
    """Finished attempts of the sample candidates, made once, as if taken yesterday."""
    for index, (name, skill) in enumerate(SAMPLE_CANDIDATES):
        email = _sample_email(name)
        if db.session.scalar(select(User.id).where(User.email == email)) is not None:
            continue
        started = now - timedelta(days=1, hours=index)
        invited = invitations.invite_candidate(
            manager_id, assessment_id, invitations.CandidateInput(name, email), started - timedelta(days=1))
        candidate_id = invitations.open_invitation(invited.token, started).candidate_id
        attempt_id = attempts.start_attempt(candidate_id, invited.invitation_id, started, seed=1000 + index,
                                            client=attempts.ClientInfo("192.0.2.10", "Demo browser"))
        _answer_sample(candidate_id, attempt_id, skill, started, random.Random(name))
        if skill < 0.4:  # one candidate who keeps leaving the page and pastes answers
            for seconds in (40, 75, 120, 30):
                attempts.record_event(candidate_id, attempt_id, "focus_lost", seconds, started + timedelta(minutes=9))
            attempts.record_event(candidate_id, attempt_id, "paste", None, started + timedelta(minutes=10))
        attempts.finish_attempt(candidate_id, attempt_id, started + timedelta(minutes=14))


def _answer_sample(candidate_id: int, attempt_id: int, skill: float, started: datetime, rng: random.Random) -> None:
    items = db.session.scalars(
        select(AttemptItem).where(AttemptItem.attempt_id == attempt_id).order_by(AttemptItem.position)
    ).all()
    plan = []
    for item in items:
        version = item.question_version
        qtype = get_type(version.type)
        values = qtype.key_values(version.payload)
        if rng.random() > skill:
            wrong = [o["id"] for o in version.payload.get("options", []) if not o["correct"]]
            values = [rng.choice(wrong)] if wrong else []
        plan.append((item.position, item.id, values))
    at = started
    for position, item_id, values in plan:
        at += timedelta(seconds=rng.randint(25, 70))
        attempts.attempt_view(candidate_id, attempt_id, position, at)
        if values:
            answered_at = at + timedelta(seconds=rng.randint(8, 40))
            attempts.save_answer(candidate_id, attempt_id, item_id, values, None, answered_at)
