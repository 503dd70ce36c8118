"""The SQL question type: building the payload, reading, grading and explaining answers."""

from __future__ import annotations

import json
from typing import Any

import pytest

from quiz.engine.types import AnswerError, PayloadError
from quiz.engine.types.base import MAX_ANSWER_CHARS
from quiz.engine.types.sql import SqlQuery, SqlVerdict

SQL = SqlQuery()

SETUP = """
CREATE TABLE dept (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE emp (id INTEGER PRIMARY KEY, name TEXT NOT NULL, dept_id INTEGER REFERENCES dept (id), salary REAL);
INSERT INTO dept VALUES (1, 'Engineering'), (2, 'Sales'), (3, 'Legal');
INSERT INTO emp VALUES (1, 'Ada', 1, 120.0), (2, 'Bob', 1, 100.0), (3, 'Cy', 2, 90.0), (4, 'Di', NULL, 80.0);
"""
# Who works in Engineering? Ada and Bob.
ENGINEERS = "SELECT e.name FROM emp e JOIN dept d ON d.id = e.dept_id WHERE d.name = 'Engineering'"
# Departments by their total salary, highest first: Engineering 220, Sales 90 (Legal has nobody).
PAYROLL = "SELECT d.name, SUM(e.salary) FROM dept d JOIN emp e ON e.dept_id = d.id GROUP BY d.id ORDER BY 2 DESC"

ENGINEERS_PAYLOAD = SQL.payload_from_fields({"setup": SETUP, "solution": ENGINEERS})
PAYROLL_PAYLOAD = SQL.payload_from_fields({"setup": SETUP, "solution": PAYROLL, "ordered": True})


def problems(fields: dict[str, Any]) -> list[tuple[str | None, str]]:
    with pytest.raises(PayloadError) as exc_info:
        SQL.payload_from_fields(fields)
    return [(p.field, p.message) for p in exc_info.value.problems]


def grade(payload: dict[str, Any], query: str) -> float:
    return SQL.grade(payload, SQL.answer_from_values(payload, [query]))


# --- the payload ----------------------------------------------------------------------------


def test_the_type_names_itself_and_its_fields() -> None:
    assert (SQL.name, SQL.label) == ("sql", "SQL query")
    assert SQL.fields == frozenset({"setup", "solution", "ordered"})


def test_the_payload_stores_the_reference_result_computed_once() -> None:
    assert ENGINEERS_PAYLOAD == {
        "setup": SETUP,
        "solution": ENGINEERS,
        "ordered": False,
        "expected": {"columns": ["name"], "rows": [["Ada"], ["Bob"]]},
    }
    assert PAYROLL_PAYLOAD["ordered"] is True
    assert PAYROLL_PAYLOAD["expected"] == {
        "columns": ["name", "SUM(e.salary)"], "rows": [["Engineering", 220.0], ["Sales", 90.0]]}


def test_the_payload_survives_a_json_round_trip() -> None:
    stored = json.loads(json.dumps(PAYROLL_PAYLOAD))
    assert stored == PAYROLL_PAYLOAD
    assert grade(stored, PAYROLL) == 1.0


def test_setup_and_reference_are_required() -> None:
    assert problems({"solution": "SELECT 1"}) == [(None, "missing field 'setup' for type sql")]
    assert problems({"setup": SETUP}) == [(None, "missing field 'solution' for type sql")]
    assert problems({"setup": "  ", "solution": ""}) == [
        ("setup", "'setup' must be a non-empty SQL script that creates the tables"),
        ("solution", "'solution' must be a non-empty SQL query"),
    ]


def test_a_broken_setup_is_reported_on_the_setup_field() -> None:
    assert problems({"setup": "CREATE TABL t (x)", "solution": "SELECT 1"}) == [
        ("setup", "'setup' does not run: near \"TABL\": syntax error")]
    assert problems({"setup": "PRAGMA foreign_keys = ON;" + SETUP, "solution": ENGINEERS}) == [
        ("setup", "'setup' does not run: PRAGMA foreign_keys is not permitted")]


@pytest.mark.parametrize(("reference", "message"), [
    ("DELETE FROM emp", "Only reading is allowed: DELETE is not permitted."),
    ("WITH x AS (SELECT 1) UPDATE emp SET salary = 0", "Only reading is allowed: UPDATE on emp is not permitted."),
    ("SELECT * FROM employees", "SQL error: no such table: employees"),
    ("SELECT name FROM emp; SELECT name FROM dept", "Only one statement is allowed."),
    ("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 1001) SELECT n FROM r",
     "The query returns more than 1000 rows."),
])
def test_a_reference_that_writes_fails_or_returns_too_much_is_refused(reference: str, message: str) -> None:
    assert problems({"setup": SETUP, "solution": reference}) == [("solution", f"'solution' does not run: {message}")]


def test_a_reference_must_return_rows_the_same_each_time_and_storable_values() -> None:
    assert problems({"setup": SETUP, "solution": "SELECT name FROM emp WHERE salary > 1000"}) == [
        ("solution", "'solution' returns no rows, so any query returning nothing would count as right")]
    assert problems({"setup": SETUP, "solution": "SELECT random()"}) == [
        ("solution", "'solution' gives different results on each run (random() or the current time?)")]
    assert problems({"setup": SETUP, "solution": "SELECT x'00ff' AS raw"}) == [
        ("solution", "'solution' returns a BLOB in column raw; convert it, e.g. with hex()")]
    assert problems({"setup": SETUP, "solution": "SELECT 1e999 AS big"}) == [
        ("solution", "'solution' returns an infinite number in column big")]


def test_a_reference_longer_than_an_answer_can_be_is_refused() -> None:
    reference = "SELECT " + "1 + " * 300 + "1"
    assert len(reference) > MAX_ANSWER_CHARS
    assert problems({"setup": SETUP, "solution": reference}) == [
        ("solution", f"'solution' is longer than {MAX_ANSWER_CHARS} characters, more than a candidate can type")]


def test_ordered_must_be_a_boolean_and_needs_an_order_by() -> None:
    assert problems({"setup": SETUP, "solution": ENGINEERS, "ordered": "yes"}) == [
        ("ordered", "'ordered' must be true or false")]
    assert problems({"setup": SETUP, "solution": ENGINEERS, "ordered": True}) == [
        ("ordered", "'ordered' is true but 'solution' has no ORDER BY, so its row order is not defined")]


# --- reading answers ------------------------------------------------------------------------


def test_answers_are_read_trimmed_and_shown_again() -> None:
    answer = SQL.answer_from_values(ENGINEERS_PAYLOAD, ["  SELECT name FROM emp\n"])
    assert answer == {"query": "SELECT name FROM emp"}
    assert SQL.values_from_answer(ENGINEERS_PAYLOAD, answer) == ["SELECT name FROM emp"]
    assert SQL.answer_from_values(ENGINEERS_PAYLOAD, ["  "]) is None
    assert SQL.values_from_answer(ENGINEERS_PAYLOAD, None) == []


def test_two_values_or_a_query_too_long_cannot_be_read() -> None:
    with pytest.raises(AnswerError):
        SQL.answer_from_values(ENGINEERS_PAYLOAD, ["SELECT 1", "SELECT 2"])
    with pytest.raises(AnswerError):
        SQL.answer_from_values(ENGINEERS_PAYLOAD, ["SELECT " + "1" * MAX_ANSWER_CHARS])


def test_the_key_is_the_reference_and_earns_full_marks() -> None:
    assert SQL.key_values(ENGINEERS_PAYLOAD) == [ENGINEERS]
    assert SQL.describe_key(ENGINEERS_PAYLOAD) == ENGINEERS
    assert grade(ENGINEERS_PAYLOAD, SQL.key_values(ENGINEERS_PAYLOAD)[0]) == 1.0
    assert grade(PAYROLL_PAYLOAD, SQL.key_values(PAYROLL_PAYLOAD)[0]) == 1.0


def test_describe_answer_shows_the_query() -> None:
    assert SQL.describe_answer(ENGINEERS_PAYLOAD, {"query": "SELECT 1"}) == "SELECT 1"
    assert SQL.describe_answer(ENGINEERS_PAYLOAD, None) == "(no answer)"


# --- grading --------------------------------------------------------------------------------


@pytest.mark.parametrize("query", [
    "SELECT name FROM emp WHERE dept_id IN (SELECT id FROM dept WHERE name = 'Engineering')",
    "SELECT name AS engineer FROM emp WHERE dept_id = 1 ORDER BY name DESC",  # any order, any column name
    "SELECT name FROM emp WHERE salary >= 100;",
])
def test_a_right_query_written_differently_earns_full_marks(query: str) -> None:
    assert grade(ENGINEERS_PAYLOAD, query) == 1.0


@pytest.mark.parametrize("query", [
    "SELECT name FROM emp",  # four rows
    "SELECT name, salary FROM emp WHERE dept_id = 1",  # an extra column
    "SELECT name FROM emp WHERE dept_id = 1 UNION ALL SELECT 'Ada'",  # Ada twice
    "SELECT lower(name) FROM emp WHERE dept_id = 1",  # text compares exactly
    "SELECT nme FROM emp",  # does not run
    "DELETE FROM emp",  # refused
    "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT n FROM r",  # stopped
])
def test_a_wrong_or_failing_query_earns_nothing(query: str) -> None:
    assert grade(ENGINEERS_PAYLOAD, query) == 0.0


def test_no_answer_earns_nothing() -> None:
    assert SQL.grade(ENGINEERS_PAYLOAD, None) == 0.0
    assert SQL.grade(ENGINEERS_PAYLOAD, {}) == 0.0


def test_an_ordered_question_needs_the_order_but_not_the_same_arithmetic() -> None:
    by_avg = ("SELECT d.name, AVG(e.salary) * COUNT(*) FROM dept d JOIN emp e ON e.dept_id = d.id "
              "GROUP BY d.name ORDER BY 2 DESC")
    assert grade(PAYROLL_PAYLOAD, by_avg) == 1.0
    ascending = PAYROLL.replace("DESC", "ASC")
    assert grade(PAYROLL_PAYLOAD, ascending) == 0.0
    verdict = SQL.explain(PAYROLL_PAYLOAD, {"query": ascending})
    assert verdict.reason == "the rows are in another order (first difference at row 1)"


def test_the_same_rows_in_another_order_are_right_when_order_does_not_matter() -> None:
    payload = SQL.payload_from_fields({"setup": SETUP, "solution": PAYROLL})  # ordered defaults to false
    assert grade(payload, PAYROLL.replace("DESC", "ASC")) == 1.0


# --- explaining -----------------------------------------------------------------------------


def test_explain_a_right_answer() -> None:
    query = "SELECT name FROM emp WHERE dept_id = 1"
    assert SQL.explain(ENGINEERS_PAYLOAD, {"query": query}) == SqlVerdict(
        query=query, correct=True, reason="the results match", error=None,
        expected_columns=("name",), expected_rows=(("'Ada'",), ("'Bob'",)), expected_row_count=2,
        actual_columns=("name",), actual_rows=(("'Ada'",), ("'Bob'",)), actual_row_count=2,
    )


def test_explain_a_wrong_answer_shows_the_first_rows_of_both() -> None:
    verdict = SQL.explain(ENGINEERS_PAYLOAD, {"query": "SELECT name, dept_id FROM emp ORDER BY id"}, limit=3)
    assert not verdict.correct
    assert verdict.reason == "1 column expected, 2 returned"
    assert verdict.actual_columns == ("name", "dept_id")
    assert verdict.actual_rows == (("'Ada'", "1"), ("'Bob'", "1"), ("'Cy'", "2"))
    assert verdict.actual_row_count == 4
    assert verdict.expected_row_count == 2


def test_explain_a_query_that_did_not_run() -> None:
    verdict = SQL.explain(ENGINEERS_PAYLOAD, {"query": "DROP TABLE emp"})
    assert (verdict.correct, verdict.error) == (False, "Only reading is allowed: DROP is not permitted.")
    assert verdict.reason == verdict.error
    assert (verdict.actual_columns, verdict.actual_rows, verdict.actual_row_count) == ((), (), None)


def test_explain_no_answer() -> None:
    verdict = SQL.explain(ENGINEERS_PAYLOAD, None)
    assert (verdict.query, verdict.correct, verdict.reason, verdict.error) == (None, False, "no answer", None)
    assert verdict.expected_rows == (("'Ada'",), ("'Bob'",))
