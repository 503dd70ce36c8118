"""Single choice and multiple response: options, some of them correct."""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from typing import Any

from quiz.engine.types.base import (
    Answer,
    AnswerError,
    FieldProblem,
    Payload,
    PayloadError,
    QuestionType,
)

OPTION_FIELDS = frozenset({"text", "correct", "feedback", "credit"})
MAX_OPTIONS = len(string.ascii_lowercase)


def build_options(fields: Mapping[str, Any]) -> tuple[list[dict[str, Any]], list[FieldProblem]]:
    """Options with ids a, b, c... in file order, and the problems found on the way."""
    raw = fields.get("options")
    problems: list[FieldProblem] = []
    if not isinstance(raw, list) or not raw:
        return [], [FieldProblem("options", "'options' must be a non-empty list")]
    if len(raw) > MAX_OPTIONS:
        return [], [FieldProblem("options", f"at most {MAX_OPTIONS} options")]
    options: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, item in enumerate(raw):
        number = index + 1
        if not isinstance(item, Mapping):
            problems.append(FieldProblem("options", f"option {number} must be a mapping", index))
            continue
        unknown = sorted(set(item) - OPTION_FIELDS)
        if unknown:
            problems.append(
                FieldProblem("options", f"option {number}: unknown field '{unknown[0]}'", index)
            )
        text = item.get("text")
        if text is not None and not isinstance(text, str):
            problems.append(FieldProblem(
                "options", f"option {number}: YAML read the text as {type(text).__name__}; put it in quotes", index))
            continue
        if not text or not text.strip():
            problems.append(FieldProblem("options", f"option {number} has no text", index))
            continue
        text = text.strip()
        if text.casefold() in seen:
            problems.append(FieldProblem("options", f"duplicate option '{text}'", index))
        seen.add(text.casefold())
        correct = item.get("correct", False)
        if not isinstance(correct, bool):
            problems.append(FieldProblem("options", f"option {number}: 'correct' must be true or false", index))
            correct = False
        credit = item.get("credit")
        if credit is not None and (
            isinstance(credit, bool) or not isinstance(credit, int | float) or not 0 < credit < 100 or correct
        ):
            problems.append(FieldProblem(
                "options", f"option {number}: 'credit' is a percentage between 0 and 100 on a wrong option", index))
            credit = None
        feedback = item.get("feedback")
        if feedback is not None and not isinstance(feedback, str):
            problems.append(FieldProblem("options", f"option {number}: 'feedback' must be text", index))
            feedback = None
        option = {"id": string.ascii_lowercase[index], "text": text, "correct": correct, "feedback": feedback}
        if credit is not None:
            option["credit"] = credit
        options.append(option)
    if len(options) < 2 and not problems:
        problems.append(FieldProblem("options", "at least two options are needed"))
    return options, problems


def option_ids(payload: Payload) -> list[str]:
    return [o["id"] for o in payload["options"]]


def _texts(payload: Payload, ids: Sequence[str]) -> str:
    by_id = {o["id"]: o["text"] for o in payload["options"]}
    return "; ".join(by_id[i] for i in ids if i in by_id)


class _ChoiceType(QuestionType):
    """What the two choice types share: options, and the key as the right options' texts."""

    fields = frozenset({"options"})
    required_fields = frozenset({"options"})

    def describe_key(self, payload: Payload) -> str:
        return _texts(payload, self.key_values(payload))

    def key_values(self, payload: Payload) -> list[str]:
        return [o["id"] for o in payload["options"] if o["correct"]]


class SingleChoice(_ChoiceType):
    name = "single_choice"
    label = "Single choice"

    def _build_payload(self, fields: Mapping[str, Any]) -> Payload:
        options, problems = build_options(fields)
        if options and not problems:
            correct = sum(o["correct"] for o in options)
            if correct == 0:
                problems.append(FieldProblem("options", "no option is marked correct"))
            elif correct > 1:
                problems.append(
                    FieldProblem("options", f"{correct} options are marked correct; exactly one must be")
                )
        if problems:
            raise PayloadError(problems)
        return {"options": options}

    def answer_from_values(self, payload: Payload, values: Sequence[str]) -> Answer | None:
        chosen = [v for v in values if v.strip()]
        if not chosen:
            return None
        if len(chosen) > 1:
            raise AnswerError("Choose one option only.")
        if chosen[0] not in option_ids(payload):
            raise AnswerError("That option is not one of this question's options.")
        return {"choice": chosen[0]}

    def values_from_answer(self, payload: Payload, answer: Answer | None) -> list[str]:
        return [answer["choice"]] if answer else []

    def grade(self, payload: Payload, answer: Answer | None) -> float:
        """Full marks for the right option; a wrong option may carry partial credit (GIFT's ~%50%)."""
        if not answer:
            return 0.0
        for option in payload["options"]:
            if option["id"] == answer.get("choice"):
                return 1.0 if option["correct"] else option.get("credit", 0) / 100.0
        return 0.0

    def describe_answer(self, payload: Payload, answer: Answer | None) -> str:
        return _texts(payload, [answer["choice"]]) if answer else ""


class MultipleResponse(_ChoiceType):
    """Several options may be right. Each right pick earns 1/R of the marks, each wrong pick
    costs 1/W (R right and W wrong options, as in Moodle), and the total never goes below 0."""

    name = "multiple_response"
    label = "Multiple response"

    def _build_payload(self, fields: Mapping[str, Any]) -> Payload:
        options, problems = build_options(fields)
        if options and not problems and not any(o["correct"] for o in options):
            problems.append(FieldProblem("options", "no option is marked correct"))
        if any("credit" in o for o in options):
            problems.append(FieldProblem(
                "options", "'credit' is for single choice; multiple response shares the marks equally"))
        if problems:
            raise PayloadError(problems)
        return {"options": options}

    def answer_from_values(self, payload: Payload, values: Sequence[str]) -> Answer | None:
        chosen = sorted({v for v in values if v.strip()})
        if not chosen:
            return None
        known = set(option_ids(payload))
        if any(c not in known for c in chosen):
            raise AnswerError("That option is not one of this question's options.")
        return {"choices": chosen}

    def values_from_answer(self, payload: Payload, answer: Answer | None) -> list[str]:
        return list(answer["choices"]) if answer else []

    def grade(self, payload: Payload, answer: Answer | None) -> float:
        if not answer:
            return 0.0
        chosen = set(answer.get("choices", []))
        right = {o["id"] for o in payload["options"] if o["correct"]}
        wrong = {o["id"] for o in payload["options"] if not o["correct"]}
        earned = len(chosen & right) / len(right)
        lost = len(chosen & wrong) / len(wrong) if wrong else 0.0
        return max(0.0, min(1.0, earned - lost))

    def describe_answer(self, payload: Payload, answer: Answer | None) -> str:
        return _texts(payload, answer["choices"]) if answer else ""
