"""Skill areas, question banks, and questions with their immutable versions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quiz.models.base import db


class SkillArea(db.Model):
    __tablename__ = "skill_area"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")


class QuestionBank(db.Model):
    __tablename__ = "question_bank"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    area_id: Mapped[int] = mapped_column(ForeignKey("skill_area.id"), index=True)
    source: Mapped[str | None] = mapped_column(String(500))

    area: Mapped[SkillArea] = relationship()


class Question(db.Model):
    """A question's stable identity; its content lives in versions."""

    __tablename__ = "question"
    __table_args__ = (UniqueConstraint("bank_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("question_bank.id"))
    key: Mapped[str] = mapped_column(String(100))
    latest_number: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime]
    retired_at: Mapped[datetime | None]

    bank: Mapped[QuestionBank] = relationship()
    versions: Mapped[list[QuestionVersion]] = relationship(
        back_populates="question", order_by="QuestionVersion.number"
    )


class QuestionVersion(db.Model):
    """One immutable version of a question: attempts pin these."""

    __tablename__ = "question_version"
    __table_args__ = (UniqueConstraint("question_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"))
    number: Mapped[int]
    type: Mapped[str] = mapped_column(String(40))
    difficulty: Mapped[int]
    prompt: Mapped[str] = mapped_column(Text)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    explanation: Mapped[str] = mapped_column(Text)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    reference: Mapped[str | None] = mapped_column(String(500))
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]

    question: Mapped[Question] = relationship(back_populates="versions")
