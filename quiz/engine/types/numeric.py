"""Numeric: an exact value with a tolerance, or a range."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from quiz.engine.types.base import (
    Answer,
    AnswerError,
    FieldProblem,
    Payload,
    PayloadError,
    QuestionType,
    is_number,
    single_value,
)

_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_THOUSANDS = re.compile(r"[+-]?[1-9]\d{0,2}(,\d{3})+(\.\d*)?")
# Relative slack so that 0.1 + 0.2 style representation errors (about 1e-16 relative) never
# cost a mark, yet far too small to let a wrong whole number through (1e-12 of 5e9 is 0.005).
_EPSILON = 1e-12


def parse_number(text: str) -> float:
    """Read a number as people type it: spaces, underscores or commas between groups of
    three digits (1,000 and 1 000 are a thousand), and otherwise a decimal comma (2,5)."""
    cleaned = text.strip().replace(" ", "").replace("_", "").replace("\u00a0", "")
    if _THOUSANDS.fullmatch(cleaned):
        cleaned = cleaned.replace(",", "")
    elif cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    if not _NUMBER.fullmatch(cleaned):
        raise AnswerError("Enter a number, such as 42 or 3.5.")
    value = float(cleaned)
    if not is_number(value):
        raise AnswerError("Enter a finite number.")
    return value


class Numeric(QuestionType):
    name = "numeric"
    label = "Numeric"
    fields = frozenset({"value", "tolerance", "min", "max", "unit"})

    def _build_payload(self, fields: Mapping[str, Any]) -> Payload:
        has_value = "value" in fields
        has_range = "min" in fields or "max" in fields
        unit = fields.get("unit")
        problems: list[FieldProblem] = []
        if unit is not None and not isinstance(unit, str):
            problems.append(FieldProblem("unit", "'unit' must be text"))
        if "tolerance" in fields and not has_value:
            problems.append(FieldProblem("tolerance", "'tolerance' goes with 'value'"))
        if has_value and has_range:
            problems.append(
                FieldProblem("value", "give either 'value' (with 'tolerance') or 'min' and 'max', not both")
            )
        elif has_value:
            value, tolerance = fields["value"], fields.get("tolerance", 0)
            if not is_number(value):
                problems.append(FieldProblem("value", "'value' must be a number"))
            if not is_number(tolerance) or tolerance < 0:
                problems.append(FieldProblem("tolerance", "'tolerance' must be a number of at least 0"))
            if not problems:
                return {"min": value - tolerance, "max": value + tolerance, "value": value,
                        "tolerance": tolerance, "unit": unit}
        elif has_range:
            low, high = fields.get("min"), fields.get("max")
            if not is_number(low) or not is_number(high):
                problems.append(FieldProblem("min", "a range needs numbers 'min' and 'max'"))
            elif low > high:
                problems.append(FieldProblem("min", f"'min' ({low}) is greater than 'max' ({high})"))
            if not problems:
                return {"min": low, "max": high, "value": None, "tolerance": None, "unit": unit}
        else:
            problems.append(FieldProblem(None, "a numeric question needs 'value' or 'min' and 'max'"))
        raise PayloadError(problems)

    def answer_from_values(self, payload: Payload, values: Sequence[str]) -> Answer | None:
        text = single_value(values)
        if text is None:
            return None
        return {"value": parse_number(text), "text": text.strip()}

    def values_from_answer(self, payload: Payload, answer: Answer | None) -> list[str]:
        return [answer["text"]] if answer else []

    def key_values(self, payload: Payload) -> list[str]:
        value = payload["value"] if payload["value"] is not None else payload["min"] / 2 + payload["max"] / 2
        return [repr(value) if isinstance(value, float) else str(value)]

    def grade(self, payload: Payload, answer: Answer | None) -> float:
        if not answer:
            return 0.0
        value = answer.get("value")
        if not is_number(value):
            return 0.0
        slack = _EPSILON * max(1.0, abs(payload["min"]), abs(payload["max"]))
        return 1.0 if payload["min"] - slack <= value <= payload["max"] + slack else 0.0

    def describe_answer(self, payload: Payload, answer: Answer | None) -> str:
        return answer["text"] if answer else ""

    def describe_key(self, payload: Payload) -> str:
        unit = f" {payload['unit']}" if payload.get("unit") else ""
        if payload["value"] is not None:
            if payload["tolerance"]:
                return f"{payload['value']:g} ± {payload['tolerance']:g}{unit}"
            return f"{payload['value']:g}{unit}"
        return f"{payload['min']:g} to {payload['max']:g}{unit}"
