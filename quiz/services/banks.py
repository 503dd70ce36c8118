"""Bank files in, versioned questions out."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from quiz.engine.bankfile import BankArea, BankFile, BankProblem, check_banks
from quiz.engine.gift import parse_gift
from quiz.models import Question, QuestionBank, QuestionVersion, SkillArea, db
from quiz.services import audit
from quiz.services.tx import begin_write

BANK_SUFFIXES = (".yaml", ".yml")


class BankFilesInvalid(Exception):
    def __init__(self, problems: Sequence[BankProblem]) -> None:
        self.problems = list(problems)
        super().__init__(f"{len(self.problems)} problem(s) in the bank files")


@dataclass
class LoadReport:
    added: int = 0
    new_version: int = 0
    unchanged: int = 0
    retired: int = 0
    areas: list[str] = field(default_factory=list)


def bank_paths(paths: Iterable[str], default_dir: str) -> list[Path]:
    """The bank files named, or found in the named folders (default: the questions folder)."""
    found: list[Path] = []
    for name in list(paths) or [default_dir]:
        path = Path(name)
        if path.is_dir():
            found.extend(sorted(p for p in path.iterdir() if p.suffix in BANK_SUFFIXES))
        else:
            found.append(path)
    return found


def read_banks(paths: Sequence[Path]) -> tuple[list[BankFile], list[BankProblem]]:
    files: list[tuple[str, str]] = []
    problems: list[BankProblem] = []
    for path in paths:
        try:
            files.append((str(path), path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(BankProblem(str(path), 1, f"cannot read the file: {exc}"))
    banks, found = check_banks(files)
    return banks, problems + found


def load_banks(paths: Sequence[Path], now: datetime) -> LoadReport:
    """Import bank files: new questions added, changed ones versioned, removed ones retired.

    Nothing is written unless every file is clean.
    """
    banks, problems = read_banks(paths)
    if problems:
        raise BankFilesInvalid(problems)
    report = LoadReport()
    begin_write()
    for bank in banks:
        _load_bank(bank, now, report)
        report.areas.append(bank.area.slug)
    audit.record(None, "bank.load", "bank", ",".join(report.areas), now, added=report.added,
                 new_version=report.new_version, retired=report.retired)
    db.session.commit()
    return report


def import_banks(banks: Sequence[BankFile], now: datetime, actor_id: int | None = None) -> LoadReport:
    """Add imported questions (new ones added, changed ones versioned); nothing is retired."""
    report = LoadReport()
    begin_write()
    for bank in banks:
        _load_bank(bank, now, report, retire_missing=False)
        report.areas.append(bank.area.slug)
    audit.record(actor_id, "bank.import", "bank", ",".join(report.areas), now, added=report.added,
                 new_version=report.new_version)
    db.session.commit()
    return report


def _load_bank(bank: BankFile, now: datetime, report: LoadReport, retire_missing: bool = True) -> None:
    area = db.session.scalar(select(SkillArea).where(SkillArea.slug == bank.area.slug))
    if area is None:
        area = SkillArea(slug=bank.area.slug, title=bank.area.title, description=bank.area.description)
        db.session.add(area)
    elif retire_missing:  # a bank file speaks for its area; an import only adds questions
        area.title, area.description = bank.area.title, bank.area.description
    qbank = db.session.scalar(select(QuestionBank).where(QuestionBank.slug == bank.area.slug))
    if qbank is None:
        qbank = QuestionBank(slug=bank.area.slug, area=area, title=bank.area.title, source=Path(bank.path).name)
        db.session.add(qbank)
    elif retire_missing:
        qbank.title, qbank.source = bank.area.title, Path(bank.path).name
    db.session.flush()

    existing = {
        q.key: q for q in db.session.scalars(select(Question).where(Question.bank_id == qbank.id))
    }
    latest_hash = dict(
        db.session.execute(
            select(Question.key, QuestionVersion.content_hash)
            .join(QuestionVersion, QuestionVersion.question_id == Question.id)
            .where(Question.bank_id == qbank.id, QuestionVersion.number == Question.latest_number)
        ).all()
    )
    for item in bank.questions:
        digest = item.content_hash()
        question = existing.get(item.key)
        if question is None:
            question = Question(bank=qbank, key=item.key, latest_number=1, created_at=now)
            db.session.add(question)
            report.added += 1
        elif latest_hash.get(item.key) == digest:
            question.retired_at = None  # a retired question back in its file is drawn again
            report.unchanged += 1
            continue
        else:
            question.latest_number += 1
            question.retired_at = None
            report.new_version += 1
        db.session.add(
            QuestionVersion(
                question=question, number=question.latest_number, type=item.type,
                difficulty=item.difficulty, prompt=item.prompt, payload=item.payload,
                explanation=item.explanation, tags=list(item.tags), reference=item.reference,
                content_hash=digest, created_at=now,
            )
        )
    if not retire_missing:
        return
    in_file = {item.key for item in bank.questions}
    for key, question in existing.items():
        if key not in in_file and question.retired_at is None:
            question.retired_at = now
            report.retired += 1


def area_of(slug: str) -> BankArea | None:
    """An existing area, as imports name it."""
    area = db.session.scalar(select(SkillArea).where(SkillArea.slug == slug))
    return BankArea(area.slug, area.title, area.description) if area else None


def import_gift(actor_id: int, text: str, path: str, default_area_slug: str | None, now: datetime) -> LoadReport:
    """A Moodle GIFT file into the banks; nothing is saved if any question has a problem."""
    default = area_of(default_area_slug) if default_area_slug else None
    imported = parse_gift(text, path, default)
    if imported.problems:
        raise BankFilesInvalid(imported.problems)
    return import_banks(imported.banks, now, actor_id)
