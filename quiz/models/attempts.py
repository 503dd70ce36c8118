"""Attempts, the items drawn for them, and the per-area results written at finish."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quiz.models.accounts import User
from quiz.models.assessments import Assessment, Invitation
from quiz.models.banks import QuestionVersion, SkillArea
from quiz.models.base import db


class Attempt(db.Model):
    __tablename__ = "attempt"
    __table_args__ = (
        CheckConstraint(
            "status IN ('in_progress', 'finished', 'abandoned')", name="status_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id"), index=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitation.id"), unique=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    seed: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(20), default="in_progress", index=True)
    finish_reason: Mapped[str | None] = mapped_column(String(20))
    started_at: Mapped[datetime]
    deadline_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    points: Mapped[float | None]
    max_points: Mapped[float | None]
    # where the candidate is now, to add up the time spent on each question
    current_item_id: Mapped[int | None]
    current_since: Mapped[datetime | None]
    first_ip: Mapped[str | None] = mapped_column(String(45))
    first_user_agent: Mapped[str | None] = mapped_column(String(300))

    assessment: Mapped[Assessment] = relationship()
    invitation: Mapped[Invitation] = relationship()
    candidate: Mapped[User] = relationship()
    items: Mapped[list[AttemptItem]] = relationship(
        back_populates="attempt", order_by="AttemptItem.position"
    )
    area_results: Mapped[list[AreaResult]] = relationship(back_populates="attempt")


class AttemptItem(db.Model):
    """One question of an attempt, pinned to the version drawn at start."""

    __tablename__ = "attempt_item"
    __table_args__ = (UniqueConstraint("attempt_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id"))
    position: Mapped[int]
    question_version_id: Mapped[int] = mapped_column(ForeignKey("question_version.id"), index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("skill_area.id"))
    option_order: Mapped[list[str] | None] = mapped_column(JSON)
    answer: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    saved_at: Mapped[datetime | None]
    flagged: Mapped[bool] = mapped_column(default=False)
    fraction: Mapped[float | None]
    points: Mapped[float | None]
    max_points: Mapped[float] = mapped_column(default=1.0)
    first_viewed_at: Mapped[datetime | None]
    first_answered_at: Mapped[datetime | None]
    time_spent_seconds: Mapped[float] = mapped_column(default=0.0, server_default="0")

    attempt: Mapped[Attempt] = relationship(back_populates="items")
    question_version: Mapped[QuestionVersion] = relationship()
    area: Mapped[SkillArea] = relationship()


class AreaResult(db.Model):
    """Per-area totals of a finished attempt; recomputable from its items."""

    __tablename__ = "area_result"
    __table_args__ = (UniqueConstraint("attempt_id", "area_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id"))
    area_id: Mapped[int] = mapped_column(ForeignKey("skill_area.id"))
    points: Mapped[float]
    max_points: Mapped[float]
    items: Mapped[int]

    attempt: Mapped[Attempt] = relationship(back_populates="area_results")
    area: Mapped[SkillArea] = relationship()


INTEGRITY_KINDS = ("focus_lost", "paste", "ip_change", "browser_change")


class IntegrityEvent(db.Model):
    """A signal seen during an attempt: the page hidden or unfocused, a paste, a new address."""

    __tablename__ = "integrity_event"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('focus_lost', 'paste', 'ip_change', 'browser_change')", name="kind_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime]
    duration_seconds: Mapped[float | None]
    detail: Mapped[str | None] = mapped_column(String(300))
