"""Assessments composed from skill areas, and the invitations to take them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quiz.models.accounts import User
from quiz.models.banks import SkillArea
from quiz.models.base import db


class Assessment(db.Model):
    __tablename__ = "assessment"
    __table_args__ = (
        CheckConstraint(
            "overdue_policy IN ('autosubmit', 'graceperiod', 'autoabandon')",
            name="overdue_policy_known",
        ),
        CheckConstraint("time_limit_seconds > 0", name="time_limit_positive"),
        CheckConstraint("grace_seconds >= 0", name="grace_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    time_limit_seconds: Mapped[int]
    grace_seconds: Mapped[int] = mapped_column(default=60)
    overdue_policy: Mapped[str] = mapped_column(String(20), default="autosubmit")
    feedback_policy: Mapped[str] = mapped_column(String(20), default="area_scores")
    pass_mark: Mapped[float | None]
    shuffle_questions: Mapped[bool] = mapped_column(default=True)
    shuffle_options: Mapped[bool] = mapped_column(default=True)
    closed_at: Mapped[datetime | None]
    created_at: Mapped[datetime]

    owner: Mapped[User] = relationship()
    sections: Mapped[list[AssessmentSection]] = relationship(
        back_populates="assessment", order_by="AssessmentSection.position",
        cascade="all, delete-orphan",
    )


class AssessmentSection(db.Model):
    """Draw `question_count` questions of one area, optionally with a difficulty mix."""

    __tablename__ = "assessment_section"
    __table_args__ = (
        UniqueConstraint("assessment_id", "area_id"),
        CheckConstraint("question_count > 0", name="count_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id"))
    area_id: Mapped[int] = mapped_column(ForeignKey("skill_area.id"))
    position: Mapped[int]
    question_count: Mapped[int]
    difficulty_mix: Mapped[dict[str, int] | None] = mapped_column(JSON)
    pass_mark: Mapped[float | None]  # percent, for this area alone

    assessment: Mapped[Assessment] = relationship(back_populates="sections")
    area: Mapped[SkillArea] = relationship()


class AssessmentShare(db.Model):
    """Another manager who may read an assessment's invitations and reports."""

    __tablename__ = "assessment_share"
    __table_args__ = (UniqueConstraint("assessment_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime]

    user: Mapped[User] = relationship()


class Invitation(db.Model):
    """A candidate's right to take one assessment once.

    The link's token is derived from `token_salt` and the app's secret key, so the manager
    can copy the link again at any time while the database holds only its hash.
    """

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id"), index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    token_salt: Mapped[str | None] = mapped_column(String(64))
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]

    assessment: Mapped[Assessment] = relationship()
    candidate: Mapped[User] = relationship(foreign_keys=[candidate_id])

