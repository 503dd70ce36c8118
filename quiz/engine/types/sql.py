"""SQL query: the candidate writes a SELECT, graded by running it on the question's data."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from quiz.engine.sqlrun import (
    Comparison,
    QueryError,
    QueryResult,
    SetupError,
    build_database,
    compare_results,
    has_order_by,
    preview_rows,
    run_query,
)
from quiz.engine.types.base import (
    MAX_ANSWER_CHARS,
    Answer,
    FieldProblem,
    Payload,
    PayloadError,
    QuestionType,
    single_value,
)

PREVIEW_ROWS = 5


@dataclass(frozen=True)
class SqlVerdict:
    """What a report shows about one answer: the query, both results' first rows, and why."""

    query: str | None
    correct: bool
    reason: str  # the comparison's reason, the error message, or "no answer"
    error: str | None  # the message when the query did not run
    expected_columns: tuple[str, ...]
    expected_rows: tuple[tuple[str, ...], ...]  # the first rows, cells formatted as SQL
    expected_row_count: int
    actual_columns: tuple[str, ...]  # empty when the query did not run
    actual_rows: tuple[tuple[str, ...], ...]
    actual_row_count: int | None  # None when the query did not run


def expected_result(payload: Payload) -> QueryResult:
    """The solution's result, as stored in the payload."""
    expected = payload["expected"]
    return QueryResult(tuple(expected["columns"]), tuple(tuple(row) for row in expected["rows"]))


def _storable_problem(result: QueryResult) -> str | None:
    """Why the solution's result cannot be stored as JSON and compared, if it cannot."""
    for row in result.rows:
        for column, value in zip(result.columns, row, strict=True):
            if isinstance(value, bytes):
                return f"'solution' returns a BLOB in column {column}; convert it, e.g. with hex()"
            if isinstance(value, float) and not math.isfinite(value):
                return f"'solution' returns an infinite number in column {column}"
    return None


class SqlQuery(QuestionType):
    name = "sql"
    label = "SQL query"
    fields = frozenset({"setup", "solution", "ordered"})
    required_fields = frozenset({"setup", "solution"})

    def _build_payload(self, fields: Mapping[str, Any]) -> Payload:
        problems: list[FieldProblem] = []
        setup = fields.get("setup")
        solution = fields.get("solution")
        ordered = fields.get("ordered", False)
        if not isinstance(setup, str) or not setup.strip():
            problems.append(FieldProblem("setup", "'setup' must be a non-empty SQL script that creates the tables"))
        if not isinstance(solution, str) or not solution.strip():
            problems.append(FieldProblem("solution", "'solution' must be a non-empty SQL query"))
        elif len(solution.strip()) > MAX_ANSWER_CHARS:
            problems.append(FieldProblem("solution", f"'solution' is longer than {MAX_ANSWER_CHARS} characters, "
                                         "more than a candidate can type"))
        if not isinstance(ordered, bool):
            problems.append(FieldProblem("ordered", "'ordered' must be true or false"))
        elif ordered and isinstance(solution, str) and not has_order_by(solution):
            problems.append(FieldProblem(
                "ordered", "'ordered' is true but 'solution' has no ORDER BY, so its row order is not defined"))
        if problems:
            raise PayloadError(problems)
        setup, solution = str(setup), str(solution).strip()
        try:
            build_database(setup).close()
        except SetupError as exc:
            raise PayloadError([FieldProblem("setup", f"'setup' does not run: {exc.detail}")]) from exc
        try:
            result = run_query(setup, solution)
            again = run_query(setup, solution)
        except QueryError as exc:
            raise PayloadError([FieldProblem("solution", f"'solution' does not run: {exc}")]) from exc
        if not result.rows:
            problems.append(FieldProblem(
                "solution", "'solution' returns no rows, so any query returning nothing would count as right"))
        elif not compare_results(result, again, ordered=ordered).equal:
            problems.append(FieldProblem(
                "solution", "'solution' gives different results on each run (random() or the current time?)"))
        problem = _storable_problem(result)
        if problem:
            problems.append(FieldProblem("solution", problem))
        if problems:
            raise PayloadError(problems)
        return {
            "setup": setup,
            "solution": solution,
            "ordered": ordered,
            "expected": {"columns": list(result.columns), "rows": [list(row) for row in result.rows]},
        }

    def answer_from_values(self, payload: Payload, values: Sequence[str]) -> Answer | None:
        text = single_value(values)
        return None if text is None else {"query": text.strip()}

    def values_from_answer(self, payload: Payload, answer: Answer | None) -> list[str]:
        return [answer["query"]] if answer else []

    def key_values(self, payload: Payload) -> list[str]:
        return [payload["solution"]]

    def _evaluate(
        self, payload: Payload, answer: Answer | None
    ) -> tuple[str | None, QueryResult | None, str | None, Comparison | None]:
        """The query, its result or error message, and the comparison with the expected result."""
        query = answer.get("query") if answer else None
        if not isinstance(query, str) or not query.strip():
            return None, None, None, None
        try:
            actual = run_query(payload["setup"], query)
        except QueryError as exc:
            return query, None, str(exc), None
        return query, actual, None, compare_results(expected_result(payload), actual, ordered=payload["ordered"])

    def grade(self, payload: Payload, answer: Answer | None) -> float:
        _, _, _, comparison = self._evaluate(payload, answer)
        return 1.0 if comparison is not None and comparison.equal else 0.0

    def explain(self, payload: Payload, answer: Answer | None, *, limit: int = PREVIEW_ROWS) -> SqlVerdict:
        """The data a report needs to show why an answer earned its marks."""
        query, actual, error, comparison = self._evaluate(payload, answer)
        expected = expected_result(payload)
        reason = comparison.reason if comparison is not None else error or "no answer"
        return SqlVerdict(
            query=query,
            correct=comparison is not None and comparison.equal,
            reason=reason,
            error=error,
            expected_columns=expected.columns,
            expected_rows=tuple(preview_rows(expected, limit)),
            expected_row_count=len(expected.rows),
            actual_columns=actual.columns if actual else (),
            actual_rows=tuple(preview_rows(actual, limit)) if actual else (),
            actual_row_count=len(actual.rows) if actual else None,
        )

    def describe_answer(self, payload: Payload, answer: Answer | None) -> str:
        query = answer.get("query") if answer else None
        return query if isinstance(query, str) and query else "(no answer)"

    def describe_key(self, payload: Payload) -> str:
        return payload["solution"]
