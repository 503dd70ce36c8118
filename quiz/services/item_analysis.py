"""Item analysis for instructors: Moodle's Statistics report, per assessment and per question."""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select

from quiz.engine.stats import ItemInfo, ItemStats, Response, TestStats, analyse, stats_csv_rows
from quiz.errors import NotFound
from quiz.models import Assessment, Attempt, AttemptItem, Question, QuestionBank, QuestionVersion, db

NO_ANSWER = "(no answer)"


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


def _responses(attempt_ids: list[int]) -> tuple[list[Response], dict[str, QuestionVersion], dict[str, Counter[str]]]:
    """Every finished item of these attempts, with the options chosen (multiple response counted per option)."""
    rows = db.session.scalars(
        select(AttemptItem).where(AttemptItem.attempt_id.in_(attempt_ids)).order_by(AttemptItem.attempt_id)
    ).all() if attempt_ids else []
    responses, versions = [], {}
    chosen: dict[str, Counter[str]] = {}
    for item in rows:
        version = item.question_version
        key = _item_id(version)
        versions[key] = version
        answer = item.answer or {}
        choice = answer.get("choice") if version.type == "single_choice" else None
        if version.type == "true_false" and answer:
            choice = "true" if answer.get("value") else "false"
        if version.type == "multiple_response":
            counter = chosen.setdefault(key, Counter())
            for option in answer.get("choices", []) or [NO_ANSWER]:
                counter[option] += 1
        responses.append(Response(item.attempt_id, key, item.fraction or 0.0, choice))
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


def _analysis(title: str, attempt_ids: list[int], only: set[str] | None = None) -> Analysis:
    responses, versions, chosen = _responses(attempt_ids)
    test, items = analyse(responses, _infos(versions))
    items = _with_multi_frequencies(items, chosen, versions)
    if only is not None:
        items = [s for s in items if s.item in only]
    texts = {key: {o["id"]: o["text"] for o in v.payload.get("options", [])} for key, v in versions.items()}
    return Analysis(title, test, tuple(items), texts)


def _finished(assessment_id: int | None = None) -> list[int]:
    query = select(Attempt.id).where(Attempt.status == "finished")
    if assessment_id is not None:
        query = query.where(Attempt.assessment_id == assessment_id)
    return list(db.session.scalars(query.order_by(Attempt.id)))


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
    attempt_ids = list(db.session.scalars(
        select(AttemptItem.attempt_id).join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .where(AttemptItem.question_version_id.in_(version_ids), Attempt.status == "finished").distinct()
    ))
    wanted = {_item_id(v) for v in question.versions}
    return _analysis(f"{question.key} ({question.bank.title})", sorted(attempt_ids), only=wanted)


@dataclass(frozen=True)
class AssessmentLine:
    assessment_id: int
    title: str
    finished: int


def assessments_with_attempts() -> list[AssessmentLine]:
    lines = []
    for assessment in db.session.scalars(select(Assessment).order_by(Assessment.id.desc())):
        count = len(_finished(assessment.id))
        lines.append(AssessmentLine(assessment.id, assessment.title, count))
    return lines


def analysis_csv_rows(analysis: Analysis) -> list[list[str]]:
    return stats_csv_rows(analysis.test, list(analysis.items))
