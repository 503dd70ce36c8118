"""Short text: one of several accepted answers, optionally a regular expression."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from quiz.engine.types.base import (
    MAX_ANSWER_CHARS,
    Answer,
    FieldProblem,
    Payload,
    PayloadError,
    QuestionType,
    single_value,
)


def normalise(text: str, case_sensitive: bool) -> str:
    """Trim, collapse inner whitespace, and fold case unless the question says otherwise."""
    collapsed = " ".join(text.split())
    return collapsed if case_sensitive else collapsed.casefold()


class ShortText(QuestionType):
    name = "short_text"
    label = "Short text"
    fields = frozenset({"accepted", "case_sensitive", "regex"})

    def _build_payload(self, fields: Mapping[str, Any]) -> Payload:
        problems: list[FieldProblem] = []
        accepted = fields.get("accepted", [])
        if isinstance(accepted, str):
            accepted = [accepted]
        if not isinstance(accepted, list) or not all(isinstance(a, str) and a.strip() for a in accepted):
            problems.append(FieldProblem(
                "accepted", "'accepted' must be a list of non-empty texts (quote numbers: \"404\")"))
            accepted = []
        accepted = [a.strip() for a in accepted]
        for index, answer in enumerate(accepted):
            if len(answer) > MAX_ANSWER_CHARS:
                problems.append(FieldProblem(
                    "accepted", f"accepted answer {index + 1} is longer than {MAX_ANSWER_CHARS} characters, "
                    "more than a candidate can type", index))
        case_sensitive = fields.get("case_sensitive", False)
        if not isinstance(case_sensitive, bool):
            problems.append(FieldProblem("case_sensitive", "'case_sensitive' must be true or false"))
            case_sensitive = False
        normalised = [normalise(a, case_sensitive) for a in accepted]
        if len(set(normalised)) != len(normalised):
            problems.append(FieldProblem("accepted", "an accepted answer is listed twice"))
        regex = fields.get("regex")
        if regex is not None:
            if not isinstance(regex, str) or not regex:
                problems.append(FieldProblem("regex", "'regex' must be a non-empty text"))
            else:
                try:
                    re.compile(regex)
                except re.error as exc:
                    problems.append(FieldProblem("regex", f"'regex' does not compile: {exc}"))
        if not accepted and regex is None and not problems:
            problems.append(FieldProblem(None, "a short text question needs 'accepted' answers or a 'regex'"))
        if problems:
            raise PayloadError(problems)
        return {"accepted": accepted, "case_sensitive": case_sensitive, "regex": regex}

    def answer_from_values(self, payload: Payload, values: Sequence[str]) -> Answer | None:
        text = single_value(values)
        return None if text is None else {"text": text.strip()}

    def values_from_answer(self, payload: Payload, answer: Answer | None) -> list[str]:
        return [answer["text"]] if answer else []

    def key_values(self, payload: Payload) -> list[str]:
        return payload["accepted"][:1]

    def grade(self, payload: Payload, answer: Answer | None) -> float:
        if not answer or not isinstance(answer.get("text"), str):
            return 0.0
        case_sensitive = payload["case_sensitive"]
        given = normalise(answer["text"], case_sensitive)
        if any(given == normalise(a, case_sensitive) for a in payload["accepted"]):
            return 1.0
        regex = payload.get("regex")
        if regex:
            flags = 0 if case_sensitive else re.IGNORECASE
            if re.fullmatch(regex, " ".join(answer["text"].split()), flags):
                return 1.0
        return 0.0

    def describe_answer(self, payload: Payload, answer: Answer | None) -> str:
        return answer["text"] if answer else ""

    def describe_key(self, payload: Payload) -> str:
        if payload["accepted"]:
            return " / ".join(payload["accepted"])
        return f"text matching {payload['regex']}"
