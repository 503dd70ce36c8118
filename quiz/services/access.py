"""Which assessments a manager may see and change."""

from __future__ import annotations

from sqlalchemy import exists, or_, select

from quiz.errors import NotFound
from quiz.models import Assessment, AssessmentShare, User, db


def readable_assessments_clause(user_id: int):  # type: ignore[no-untyped-def]
    """SQL condition: the assessment is the user's own or shared with them."""
    shared = exists().where(AssessmentShare.assessment_id == Assessment.id, AssessmentShare.user_id == user_id)
    return or_(Assessment.owner_id == user_id, shared)


def assessment_for(user_id: int, assessment_id: int, owner_only: bool = False) -> Assessment:
    """The assessment if this manager may read it (or own it, with owner_only); else NotFound.

    Admins may read every assessment. Anyone else learns nothing about it, not even that it exists.
    """
    user = db.session.get(User, user_id)
    assessment = db.session.get(Assessment, assessment_id)
    if user is None or assessment is None:
        raise NotFound("No such assessment.")
    if assessment.owner_id == user_id:
        return assessment
    if not owner_only:
        if user.role == "admin":
            return assessment
        shared = db.session.scalar(
            select(AssessmentShare.id).where(
                AssessmentShare.assessment_id == assessment_id, AssessmentShare.user_id == user_id
            )
        )
        if shared is not None:
            return assessment
    raise NotFound("No such assessment.")
