"""SQL questions through the services: trying a query, saving it, its score and its review."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from quiz.errors import AttemptClosed, InvalidInput, NotFound
from quiz.models import AttemptItem, User, db
from quiz.services import attempts, banks
from quiz.services.assessments import SectionInput
from tests.conftest import DATA, T0
from tests.factories import make_scene

pytestmark = pytest.mark.usefixtures("ctx")


def sql_attempt() -> tuple[int, int, dict[str, int]]:
    """A started attempt of the two questions of tests/data/sql/queries.yaml; item ids by question key."""
    banks.load_banks([DATA / "sql" / "queries.yaml"], T0)
    scene = make_scene(T0, sections=[SectionInput("queries", 2)])
    attempt_id = attempts.start_attempt(scene.candidate_id, scene.invitation_id, T0, seed=3)
    items = {item.question_version.question.key: item.id for item in db.session.scalars(
        select(AttemptItem).where(AttemptItem.attempt_id == attempt_id))}
    return scene.candidate_id, attempt_id, items


def test_trying_a_query_shows_its_first_rows_or_why_it_did_not_run() -> None:
    candidate, attempt, items = sql_attempt()
    tables_before = db.session.scalar(select(func.count()).select_from(User))
    trial = attempts.try_sql(candidate, attempt, items["engineers"], "SELECT name, dept FROM emp ORDER BY id", T0)
    assert trial.error is None and trial.columns == ("name", "dept")
    assert trial.rows == (("'Ada'", "'eng'"), ("'Bo'", "'ops'"), ("'Cy'", "'eng'"), ("'Di'", "NULL"))
    for query, message in [
        ("UPDATE emp SET dept = 'x'", "Only reading is allowed"),
        ("ATTACH DATABASE '/tmp/quiz-escape.db' AS x", "Only reading is allowed"),
        ("SELECT 1; DELETE FROM emp", "Only one statement is allowed."),
        ("SELECT * FROM user", "no such table: user"),  # the application's tables are not there
        ("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r",
         "longer than 200 ms"),
    ]:
        trial = attempts.try_sql(candidate, attempt, items["engineers"], query, T0)
        assert trial.error is not None and message in trial.error, (query, trial.error)
    assert db.session.scalar(select(func.count()).select_from(User)) == tables_before


def test_a_long_result_is_cut_at_twenty_rows_for_display() -> None:
    candidate, attempt, items = sql_attempt()
    query = "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 50) SELECT n FROM r"
    trial = attempts.try_sql(candidate, attempt, items["engineers"], query, T0)
    assert len(trial.rows) == 20 and trial.truncated and trial.rows[-1] == ("20",)


def test_trying_is_refused_where_it_does_not_belong() -> None:
    candidate, attempt, items = sql_attempt()
    with pytest.raises(InvalidInput, match="Write a query"):
        attempts.try_sql(candidate, attempt, items["engineers"], "  ", T0)
    with pytest.raises(NotFound):
        attempts.try_sql(candidate + 1, attempt, items["engineers"], "SELECT 1", T0)
    with pytest.raises(NotFound):
        attempts.try_sql(candidate, attempt, 10**6, "SELECT 1", T0)
    with pytest.raises(AttemptClosed):
        attempts.try_sql(candidate, attempt, items["engineers"], "SELECT 1", T0 + timedelta(hours=2))


def test_saved_queries_are_scored_and_reviewed_with_both_results() -> None:
    candidate, attempt, items = sql_attempt()
    right = "SELECT e.name FROM emp AS e WHERE e.dept IN ('eng')"  # another way to the same rows
    wrong_order = "SELECT name FROM emp ORDER BY name DESC"  # the right rows in the wrong order
    attempts.save_answer(candidate, attempt, items["engineers"], [right], None, T0 + timedelta(minutes=1))
    attempts.save_answer(candidate, attempt, items["by-name"], [wrong_order], None, T0 + timedelta(minutes=2))
    assert attempts.finish_attempt(candidate, attempt, T0 + timedelta(minutes=3)) == "finished"
    reviews = [attempts.review_item(i) for i in db.session.scalars(
        select(AttemptItem).where(AttemptItem.attempt_id == attempt))]
    engineers = next(r for r in reviews if r.sql is not None and r.sql.query == right)
    by_name = next(r for r in reviews if r.sql is not None and r.sql.query == wrong_order)
    assert engineers.fraction == 1.0 and engineers.sql.correct and engineers.sql.actual_rows == (("'Ada'",), ("'Cy'",))
    assert by_name.fraction == 0.0 and not by_name.sql.correct
    assert "order" in by_name.sql.reason and by_name.sql.expected_rows[0] == ("'Ada'",)
    assert by_name.sql.actual_rows[0] == ("'Di'",)
