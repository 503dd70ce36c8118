"""Builders of stored data for tests, through the services (as the product makes it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from quiz.services import accounts, assessments, attempts, banks
from quiz.services.assessments import AssessmentInput, SectionInput

DATA = Path(__file__).parent / "data"
PASSWORD = "correct-horse-battery"


def make_user(email: str, role: str, now: datetime, password: str | None = PASSWORD) -> int:
    return accounts.create_user(email, role, password, now).id


def load_test_banks(now: datetime) -> banks.LoadReport:
    return banks.load_banks(sorted(DATA.glob("*.yaml")), now)


def make_assessment(owner_id: int, now: datetime, **overrides: Any) -> int:
    spec: dict[str, Any] = {
        "title": "Test assessment",
        "sections": [SectionInput("alpha", 5), SectionInput("beta", 3)],
        "time_limit": timedelta(minutes=30),
        "grace": timedelta(seconds=60),
        "shuffle_questions": False,
        "shuffle_options": False,
    }
    spec.update(overrides)
    return assessments.create_assessment(owner_id, AssessmentInput(**spec), now)


@dataclass(frozen=True)
class Scene:
    manager_id: int
    candidate_id: int
    other_candidate_id: int
    assessment_id: int
    invitation_id: int
    other_invitation_id: int


def make_scene(now: datetime, **assessment_overrides: Any) -> Scene:
    """Banks loaded, a manager with an assessment, two candidates invited to it."""
    load_test_banks(now)
    manager = make_user("manager@test.example", "manager", now)
    candidate = make_user("cand@test.example", "candidate", now)
    other = make_user("other@test.example", "candidate", now)
    assessment = make_assessment(manager, now, **assessment_overrides)
    return Scene(
        manager, candidate, other, assessment,
        assessments.invite(assessment, candidate, now),
        assessments.invite(assessment, other, now),
    )


def start(scene: Scene, now: datetime, seed: int = 7) -> int:
    return attempts.start_attempt(scene.candidate_id, scene.invitation_id, now, seed=seed)
