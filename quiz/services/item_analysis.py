"""Item analysis for instructors: Moodle's Statistics report, per assessment and per question."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, Text, cast, func, select
from sqlalchemy.orm import joinedload

from quiz.engine.stats import ItemInfo, ItemStats, Response, TestStats, analyse, stats_csv_rows
from quiz.errors import NotFound
from quiz.models import Assessment, Attempt, AttemptItem, Question, QuestionBank, QuestionVersion, db
from quiz.services.gcpause import paused_gc

NO_ANSWER = "(no answer)"
CHOICE_TYPES = ("single_choice", "true_false", "multiple_response")  # the types whose answers name options


def _item_id(version: QuestionVersion) -> str:
    return f"{version.question.bank.slug}:{version.question.key}:v{version.number}"


def _random_guess(version: QuestionVersion) -> float | None:
    if version.type == "single_choice":
        return 1.0 / len(version.payload["options"])
    if version.type == "true_false":
        return 0.5
    if version.type in ("numeric", "short_text"):
        return 0.0
    return None  # multiple response: depends on how a guesser picks how many


def _versions(version_ids: Iterable[int]) -> dict[int, QuestionVersion]:
    """The versions, with their questions and banks, in one query."""
    return {v.id: v for v in db.session.scalars(
        select(QuestionVersion).where(QuestionVersion.id.in_(sorted(version_ids)))
        .options(joinedload(QuestionVersion.question).joinedload(Question.bank)))}


def _choice(qtype: str, answer: dict[str, Any]) -> str | None:
    """The option a single choice or true/false answer names (None: no answer, or not such a question)."""
    if qtype == "single_choice":
        return answer.get("choice")
    if qtype == "true_false" and answer:
        return "true" if answer.get("value") else "false"
    return None


def _responses(attempt_ids: Select[tuple[int]]) -> tuple[list[Response], dict[str, QuestionVersion],
                                                          dict[str, Counter[str]]]:
    """Every item of these attempts, with the options chosen (multiple response counted per option).

    Only the columns the analysis reads are loaded, not the items. Answers repeat (a choice question has few
    possible answers), so each distinct answer of each version is read from its JSON once.
    """
    rows = db.session.connection().execute(  # plain rows, without the ORM's per-row work
        select(AttemptItem.attempt_id, AttemptItem.question_version_id, AttemptItem.fraction,
               cast(AttemptItem.answer, Text))
        .where(AttemptItem.attempt_id.in_(attempt_ids))
        .order_by(AttemptItem.attempt_id, AttemptItem.position)
    ).all()
    answers = Counter((version_id, text) for _, version_id, _, text in rows)
    by_id = _versions({version_id for version_id, _ in answers})
    keys = {version_id: _item_id(version) for version_id, version in by_id.items()}
    readings: dict[tuple[int, str | None], tuple[str, str | None]] = {}  # (version, answer) -> (item, choice)
    chosen: dict[str, Counter[str]] = {}
    for (version_id, text), count in answers.items():
        version, key = by_id[version_id], keys[version_id]
        answer = (json.loads(text) if text is not None and version.type in CHOICE_TYPES else None) or {}
        readings[version_id, text] = (key, _choice(version.type, answer))
        if version.type == "multiple_response":
            counter = chosen.setdefault(key, Counter())
            for option in answer.get("choices", []) or [NO_ANSWER]:
                counter[option] += count
    responses = []
    for attempt_id, version_id, fraction, text in rows:
        key, choice = readings[version_id, text]
        responses.append(Response(attempt_id, key, fraction or 0.0, choice))
    # Items in the order they first appear, as the analysis lists them.
    versions = {keys[version_id]: by_id[version_id] for version_id, _ in answers}
    return responses, versions, chosen


def _infos(versions: dict[str, QuestionVersion]) -> list[ItemInfo]:
    infos = []
    for key, version in versions.items():
        if version.type in ("single_choice", "multiple_response"):
            options = tuple(o["id"] for o in version.payload["options"])
        elif version.type == "true_false":
            options = ("true", "false")
        else:
            options = ()
        label = f"{version.question.key} (v{version.number}, {version.question.bank.title})"
        infos.append(ItemInfo(key, label, options, _random_guess(version)))
    return infos


def _with_multi_frequencies(items: list[ItemStats], chosen: dict[str, Counter[str]],
                            versions: dict[str, QuestionVersion]) -> list[ItemStats]:
    result = []
    for stats in items:
        counter = chosen.get(stats.item)
        if counter is not None:
            options = [o["id"] for o in versions[stats.item].payload["options"]]
            frequencies = {o: counter.get(o, 0) for o in options}
            if counter.get(NO_ANSWER):
                frequencies[NO_ANSWER] = counter[NO_ANSWER]
            stats = dataclasses.replace(stats, frequencies=frequencies)
        result.append(stats)
    return result


@dataclass(frozen=True)
class Analysis:
    title: str
    test: TestStats
    items: tuple[ItemStats, ...]
    option_texts: dict[str, dict[str, str]]  # item -> option id -> text


def _analysis(title: str, attempt_ids: Select[tuple[int]], only: set[str] | None = None) -> Analysis:
    with paused_gc():
        responses, versions, chosen = _responses(attempt_ids)
        test, items = analyse(responses, _infos(versions))
    items = _with_multi_frequencies(items, chosen, versions)
    if only is not None:
        items = [s for s in items if s.item in only]
    texts = {key: {o["id"]: o["text"] for o in v.payload.get("options", [])} for key, v in versions.items()}
    return Analysis(title, test, tuple(items), texts)


def _finished(assessment_id: int | None = None) -> Select[tuple[int]]:
    """The ids of the finished attempts (of one assessment), as a query to use inside another."""
    query = select(Attempt.id).where(Attempt.status == "finished")
    if assessment_id is not None:
        query = query.where(Attempt.assessment_id == assessment_id)
    return query


def assessment_analysis(assessment_id: int) -> Analysis:
    assessment = db.session.get(Assessment, assessment_id)
    if assessment is None:
        raise NotFound("No such assessment.")
    return _analysis(assessment.title, _finished(assessment_id))


def question_analysis(bank_slug: str, key: str) -> Analysis:
    """One question (every version) across all finished attempts that used it; rest scores from those attempts."""
    question = db.session.scalar(
        select(Question).join(QuestionBank).where(QuestionBank.slug == bank_slug, Question.key == key))
    if question is None:
        raise NotFound("No such question.")
    version_ids = [v.id for v in question.versions]
    attempt_ids = (
        select(AttemptItem.attempt_id).join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .where(AttemptItem.question_version_id.in_(version_ids), Attempt.status == "finished")
    )
    wanted = {_item_id(v) for v in question.versions}
    return _analysis(f"{question.key} ({question.bank.title})", attempt_ids, only=wanted)


@dataclass(frozen=True)
class AssessmentLine:
    assessment_id: int
    title: str
    finished: int


def assessments_with_attempts() -> list[AssessmentLine]:
    lines = []
    counts = dict(db.session.execute(
        select(Attempt.assessment_id, func.count()).where(Attempt.status == "finished").group_by(Attempt.assessment_id)
    ).all())
    for assessment in db.session.scalars(select(Assessment).order_by(Assessment.id.desc())):
        lines.append(AssessmentLine(assessment.id, assessment.title, counts.get(assessment.id, 0)))
    return lines


def analysis_csv_rows(analysis: Analysis) -> list[list[str]]:
    return stats_csv_rows(analysis.test, list(analysis.items))
