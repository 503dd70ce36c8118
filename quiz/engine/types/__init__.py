"""Question types: each decides what its answer data is and how an answer is graded."""

from quiz.engine.types.base import (
    Answer,
    AnswerError,
    FieldProblem,
    Payload,
    PayloadError,
    QuestionType,
)
from quiz.engine.types.choice import MultipleResponse, SingleChoice
from quiz.engine.types.numeric import Numeric
from quiz.engine.types.shorttext import ShortText
from quiz.engine.types.sql import SqlQuery
from quiz.engine.types.truefalse import TrueFalse

REGISTRY: dict[str, QuestionType] = {
    t.name: t for t in (SingleChoice(), MultipleResponse(), TrueFalse(), Numeric(), ShortText(), SqlQuery())
}


class UnknownTypeError(KeyError):
    """No question type of that name."""


def get_type(name: str) -> QuestionType:
    try:
        return REGISTRY[name]
    except KeyError:
        raise UnknownTypeError(name) from None


__all__ = [
    "REGISTRY",
    "Answer",
    "AnswerError",
    "FieldProblem",
    "Payload",
    "PayloadError",
    "QuestionType",
    "UnknownTypeError",
    "get_type",
]
