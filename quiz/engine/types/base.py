"""What every question type provides, and the errors it raises."""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Payload = dict[str, Any]
Answer = dict[str, Any]

MAX_ANSWER_CHARS = 1000


@dataclass(frozen=True)
class FieldProblem:
    """A problem with one field of a question's answer data (None: the question as a whole)."""

    field: str | None
    message: str
    index: int | None = None  # which element of a list field, when it is one element


class PayloadError(ValueError):
    """The answer data of a question is missing, malformed or contradictory."""

    def __init__(self, problems: Sequence[FieldProblem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(p.message for p in self.problems))


class AnswerError(ValueError):
    """A candidate's answer cannot be read for this question (the message is for them)."""


class QuestionType(ABC):
    """A kind of question: what its answer data looks like, how answers are read and graded."""

    name: str
    label: str
    fields: frozenset[str]  # the type's own fields in a bank file
    required_fields: frozenset[str] = frozenset()

    def payload_from_fields(self, fields: Mapping[str, Any]) -> Payload:
        """Build the stored answer data from a bank file's fields, or raise PayloadError."""
        problems = [
            FieldProblem(None, f"missing field '{name}' for type {self.name}")
            for name in sorted(self.required_fields - fields.keys())
        ]
        if problems:
            raise PayloadError(problems)
        return self._build_payload(fields)

    @abstractmethod
    def _build_payload(self, fields: Mapping[str, Any]) -> Payload: ...

    @abstractmethod
    def answer_from_values(self, payload: Payload, values: Sequence[str]) -> Answer | None:
        """Read the values a form posted; None when the candidate left it blank."""

    @abstractmethod
    def values_from_answer(self, payload: Payload, answer: Answer | None) -> list[str]:
        """The form values that show a stored answer again (the inverse of reading them)."""

    @abstractmethod
    def grade(self, payload: Payload, answer: Answer | None) -> float:
        """The fraction of the marks this answer earns, from 0 to 1."""

    @abstractmethod
    def describe_answer(self, payload: Payload, answer: Answer | None) -> str:
        """The answer in words, for reports."""

    @abstractmethod
    def describe_key(self, payload: Payload) -> str:
        """The right answer in words, for reports."""

    @abstractmethod
    def key_values(self, payload: Payload) -> list[str]:
        """Form values that answer the question right (empty if only a pattern defines it)."""


def single_value(values: Sequence[str]) -> str | None:
    """The one value of a single-valued field; blank means no answer."""
    cleaned = [v for v in values if v.strip()]
    if not cleaned:
        return None
    if len(cleaned) > 1:
        raise AnswerError("Give one answer only.")
    value = cleaned[0]
    if len(value) > MAX_ANSWER_CHARS:
        raise AnswerError(f"The answer is too long (at most {MAX_ANSWER_CHARS} characters).")
    return value


def is_number(value: Any) -> bool:
    """A finite int or float (not a bool, and within the range of a float)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False
