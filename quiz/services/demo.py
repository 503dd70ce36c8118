"""Demo accounts and a demo assessment, so a first run has something to try."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from quiz.errors import Conflict
from quiz.models import Assessment, Attempt, Invitation, Role, SkillArea, User, db
from quiz.services.accounts import hash_password
from quiz.services.assessments import AssessmentInput, SectionInput, create_assessment, invite
from quiz.services.tx import begin_write

DEMO_TITLE = "Backend developer: demo assessment"
DEMO_AREAS = ("server-side", "databases", "apis")
DEMO_PER_AREA = 4


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
    return DemoInfo(logins, DEMO_TITLE)
