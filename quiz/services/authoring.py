"""Instructors: banks and questions written in the browser, versioned like bank files."""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from quiz.engine.bankfile import SLUG, BankArea, BankQuestion, check_question, dump_bank
from quiz.engine.types import get_type
from quiz.errors import Conflict, InvalidInput, NotFound
from quiz.models import Question, QuestionBank, QuestionVersion, SkillArea, db
from quiz.services import audit
from quiz.services.attempts import OptionView, QuestionView
from quiz.services.tx import begin_write


@dataclass(frozen=True)
class BankLine:
    slug: str
    title: str
    active: int
    retired: int


def list_banks() -> list[BankLine]:
    rows = db.session.execute(
        select(QuestionBank.slug, QuestionBank.title,
               func.count(Question.id).filter(Question.retired_at.is_(None)),
               func.count(Question.id).filter(Question.retired_at.is_not(None)))
        .outerjoin(Question, Question.bank_id == QuestionBank.id)
        .group_by(QuestionBank.slug, QuestionBank.title).order_by(QuestionBank.title)
    ).all()
    return [BankLine(*row) for row in rows]


def create_bank(actor_id: int, slug: str, title: str, description: str, now: datetime) -> str:
    """A new bank with its skill area; the slug names both."""
    slug, title = slug.strip(), title.strip()
    if not SLUG.fullmatch(slug) or len(slug) > 64:
        raise InvalidInput("The slug must be lowercase words joined by '-', at most 64 characters.")
    if not title or len(title) > 200:
        raise InvalidInput("Give the bank a title of at most 200 characters.")
    begin_write()
    if db.session.scalar(select(QuestionBank.id).where(QuestionBank.slug == slug)) is not None:
        db.session.rollback()
        raise Conflict(f"A bank '{slug}' exists already.")
    area = db.session.scalar(select(SkillArea).where(SkillArea.slug == slug))
    if area is None:
        area = SkillArea(slug=slug, title=title, description=description.strip())
        db.session.add(area)
    db.session.add(QuestionBank(slug=slug, title=title, area=area, source=None))
    audit.record(actor_id, "bank.create", "bank", slug, now, title=title)
    db.session.commit()
    return slug


def update_bank(actor_id: int, slug: str, title: str, description: str, now: datetime) -> None:
    """A bank's title and description (its slug is its identity and stays)."""
    title = title.strip()
    if not title or len(title) > 200:
        raise InvalidInput("Give the bank a title of at most 200 characters.")
    begin_write()
    bank = _bank(slug)
    bank.title, bank.area.title, bank.area.description = title, title, description.strip()
    audit.record(actor_id, "bank.update", "bank", slug, now, title=title)
    db.session.commit()


def _bank(slug: str) -> QuestionBank:
    bank = db.session.scalar(select(QuestionBank).where(QuestionBank.slug == slug))
    if bank is None:
        raise NotFound("No such bank.")
    return bank


def _latest(question: Question) -> QuestionVersion:
    return next(v for v in question.versions if v.number == question.latest_number)


def _as_bank_question(version: QuestionVersion, key: str) -> BankQuestion:
    return BankQuestion(
        key=key, type=version.type, difficulty=version.difficulty, prompt=version.prompt,
        payload=version.payload, explanation=version.explanation, tags=tuple(version.tags or ()),
        reference=version.reference,
    )


@dataclass(frozen=True)
class QuestionLine:
    key: str
    type: str
    difficulty: int
    version: int
    retired: bool
    prompt: str


@dataclass(frozen=True)
class BankView:
    slug: str
    title: str
    description: str
    questions: tuple[QuestionLine, ...]


def bank_view(slug: str) -> BankView:
    bank = _bank(slug)
    questions = db.session.scalars(select(Question).where(Question.bank_id == bank.id).order_by(Question.key)).all()
    lines = []
    for q in questions:
        latest = _latest(q)
        lines.append(QuestionLine(q.key, latest.type, latest.difficulty, q.latest_number, q.retired_at is not None,
                                  latest.prompt))
    return BankView(bank.slug, bank.title, bank.area.description, tuple(lines))


def question_for_editing(slug: str, key: str) -> BankQuestion:
    bank = _bank(slug)
    question = db.session.scalar(select(Question).where(Question.bank_id == bank.id, Question.key == key))
    if question is None:
        raise NotFound("No such question in this bank.")
    return _as_bank_question(_latest(question), question.key)


def check(fields: Mapping[str, Any]) -> BankQuestion:
    """The question the fields describe, or InvalidInput listing every problem (the bank file rules)."""
    question, problems = check_question(fields)
    if question is None:
        raise InvalidInput(" ".join(p[0].upper() + p[1:] + "." for p in problems) or "The question is not valid.")
    return question


@dataclass(frozen=True)
class SaveOutcome:
    key: str
    outcome: str  # added / new version / unchanged
    version: int


def save_question(actor_id: int, slug: str, fields: Mapping[str, Any], now: datetime,
                  editing: str | None = None) -> SaveOutcome:
    """Add a question, or give an edited one a new version (unchanged content: nothing)."""
    checked = check(fields)
    if editing is not None and checked.key != editing:
        raise InvalidInput("The key of a saved question cannot change: it is the question's identity.")
    begin_write()
    bank = _bank(slug)
    question = db.session.scalar(select(Question).where(Question.bank_id == bank.id, Question.key == checked.key))
    if editing is None and question is not None:
        db.session.rollback()
        raise Conflict(f"This bank has a question '{checked.key}' already.")
    if editing is not None and question is None:
        db.session.rollback()
        raise NotFound("No such question in this bank.")
    digest = checked.content_hash()
    if question is None:
        question = Question(bank=bank, key=checked.key, latest_number=1, created_at=now)
        db.session.add(question)
        outcome = "added"
    elif _latest(question).content_hash == digest:
        db.session.rollback()
        return SaveOutcome(checked.key, "unchanged", question.latest_number)
    else:
        question.latest_number += 1
        outcome = "new version"
    db.session.add(QuestionVersion(
        question=question, number=question.latest_number, type=checked.type, difficulty=checked.difficulty,
        prompt=checked.prompt, payload=checked.payload, explanation=checked.explanation, tags=list(checked.tags),
        reference=checked.reference, content_hash=digest, created_at=now,
    ))
    audit.record(actor_id, "question.add" if outcome == "added" else "question.version", "question",
                 f"{slug}:{checked.key}", now, version=question.latest_number)
    db.session.commit()
    return SaveOutcome(checked.key, outcome, question.latest_number)


def set_retired(actor_id: int, slug: str, key: str, retired: bool, now: datetime) -> None:
    """Retire a question (not drawn for new attempts, never deleted), or bring it back."""
    begin_write()
    bank = _bank(slug)
    question = db.session.scalar(select(Question).where(Question.bank_id == bank.id, Question.key == key))
    if question is None:
        db.session.rollback()
        raise NotFound("No such question in this bank.")
    question.retired_at = now if retired else None
    audit.record(actor_id, "question.retire" if retired else "question.restore", "question", f"{slug}:{key}", now)
    db.session.commit()


@dataclass(frozen=True)
class VersionDiff:
    number: int
    created_at: datetime
    prompt_diff: tuple[str, ...]
    answer_diff: tuple[str, ...]
    explanation_diff: tuple[str, ...]


def _answer_text(version: QuestionVersion) -> list[str]:
    data = {"type": version.type, "difficulty": version.difficulty, **version.payload}
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True).splitlines()


def _diff(old: list[str], new: list[str], label: str) -> tuple[str, ...]:
    return tuple(difflib.unified_diff(old, new, f"{label} before", f"{label} after", lineterm="", n=2))


def question_history(slug: str, key: str) -> tuple[BankQuestion, tuple[VersionDiff, ...]]:
    """Every version, newest first, each with what changed from the one before."""
    bank = _bank(slug)
    question = db.session.scalar(select(Question).where(Question.bank_id == bank.id, Question.key == key))
    if question is None:
        raise NotFound("No such question in this bank.")
    versions = sorted(question.versions, key=lambda v: v.number)
    history = []
    for before, after in zip([None, *versions[:-1]], versions, strict=True):
        history.append(VersionDiff(
            after.number, after.created_at,
            _diff(before.prompt.splitlines() if before else [], after.prompt.splitlines(), "prompt"),
            _diff(_answer_text(before) if before else [], _answer_text(after), "answer"),
            _diff(before.explanation.splitlines() if before else [], after.explanation.splitlines(), "explanation"),
        ))
    return _as_bank_question(_latest(question), key), tuple(reversed(history))


def export_bank(slug: str) -> str:
    """The bank in its file format (questions in use only), to keep questions/ the source of truth."""
    bank = _bank(slug)
    questions = db.session.scalars(
        select(Question).where(Question.bank_id == bank.id, Question.retired_at.is_(None)).order_by(Question.id)
    ).all()
    area = BankArea(bank.area.slug, bank.area.title, bank.area.description)
    return dump_bank(area, [_as_bank_question(_latest(q), q.key) for q in questions])


def preview(question: BankQuestion, area_title: str) -> QuestionView:
    """The question as a candidate will see it (options in file order; an attempt may shuffle them)."""
    qtype = get_type(question.type)
    options: tuple[OptionView, ...] = ()
    if question.type in ("single_choice", "multiple_response"):
        options = tuple(OptionView(o["id"], o["text"]) for o in question.payload["options"])
    elif question.type == "true_false":
        options = (OptionView("true", "True"), OptionView("false", "False"))
    return QuestionView(
        item_id=0, position=1, type=question.type, type_label=qtype.label, area_title=area_title,
        prompt=question.prompt, options=options, values=(), flagged=False, unit=question.payload.get("unit"),
        saved_at=None,
    )


def bank_title(slug: str) -> str:
    return _bank(slug).title
