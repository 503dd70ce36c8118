"""The domain model: SQLAlchemy 2.0 typed declarative classes, no business rules."""

from quiz.models.accounts import Role, User
from quiz.models.assessments import Assessment, AssessmentSection, AssessmentShare, Invitation
from quiz.models.attempts import INTEGRITY_KINDS, AreaResult, Attempt, AttemptItem, IntegrityEvent
from quiz.models.audit import AuditEvent
from quiz.models.banks import Question, QuestionBank, QuestionVersion, SkillArea
from quiz.models.base import db

__all__ = [
    "INTEGRITY_KINDS",
    "AreaResult",
    "Assessment",
    "AssessmentSection",
    "AssessmentShare",
    "Attempt",
    "AttemptItem",
    "AuditEvent",
    "IntegrityEvent",
    "Invitation",
    "Question",
    "QuestionBank",
    "QuestionVersion",
    "Role",
    "SkillArea",
    "User",
    "db",
]
