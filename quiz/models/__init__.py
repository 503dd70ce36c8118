"""The domain model: SQLAlchemy 2.0 typed declarative classes, no business rules."""

from quiz.models.accounts import Role, User
from quiz.models.assessments import Assessment, AssessmentSection, Invitation
from quiz.models.attempts import AreaResult, Attempt, AttemptItem
from quiz.models.banks import Question, QuestionBank, QuestionVersion, SkillArea
from quiz.models.base import db

__all__ = [
    "AreaResult",
    "Assessment",
    "AssessmentSection",
    "Attempt",
    "AttemptItem",
    "Invitation",
    "Question",
    "QuestionBank",
    "QuestionVersion",
    "Role",
    "SkillArea",
    "User",
    "db",
]
