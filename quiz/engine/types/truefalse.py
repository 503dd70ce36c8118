"""True or false."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from quiz.engine.types.base import (
    Answer,
    AnswerError,
    FieldProblem,
    Payload,
    PayloadError,
    QuestionType,
    single_value,
)

_READINGS = {"true": True, "false": False}


class TrueFalse(QuestionType):
    name = "true_false"
    label = "True or false"
    fields = frozenset({"answer"})
    required_fields = frozenset({"answer"})

    def _build_payload(self, fields: Mapping[str, Any]) -> Payload:
        answer = fields["answer"]
        if not isinstance(answer, bool):
            raise PayloadError([FieldProblem("answer", "'answer' must be true or false")])
        return {"answer": answer}

    def answer_from_values(self, payload: Payload, values: Sequence[str]) -> Answer | None:
        value = single_value(values)
        if value is None:
            return None
        reading = _READINGS.get(value.strip().lower())
        if reading is None:
            raise AnswerError("Answer true or false.")
        return {"value": reading}

    def values_from_answer(self, payload: Payload, answer: Answer | None) -> list[str]:
        return [("true" if answer["value"] else "false")] if answer else []

    def key_values(self, payload: Payload) -> list[str]:
        return ["true" if payload["answer"] else "false"]

    def grade(self, payload: Payload, answer: Answer | None) -> float:
        if not answer:
            return 0.0
        return 1.0 if answer.get("value") is payload["answer"] else 0.0

    def describe_answer(self, payload: Payload, answer: Answer | None) -> str:
        return ("True" if answer["value"] else "False") if answer else ""

    def describe_key(self, payload: Payload) -> str:
        return "True" if payload["answer"] else "False"
