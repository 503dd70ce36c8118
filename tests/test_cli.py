"""The command-line tools: banks check/load, users create, attempts close-overdue, demo."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from quiz.models import Assessment, Attempt, Invitation, User, db
from quiz.services import accounts, attempts
from tests.conftest import DATA, T0, in_app
from tests.factories import make_scene

BROKEN = """area:
  slug: gamma
  title: Gamma
questions:
  - key: one
    type: single_choice
    difficulty: 2
    prompt: Pick one.
    options:
      - text: A
        correct: true
      - text: B
        correct: true
    explanation: Both?
  - key: one
    type: numeric
    difficulty: 1
    prompt: How many?
    explanation: Some.
"""


def test_banks_check_clean(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["banks", "check", str(DATA)])
    assert result.exit_code == 0, result.output
    assert "alpha: 5 questions" in result.output and "beta: 3 questions" in result.output


def test_banks_check_reports_each_problem_with_its_line(runner: FlaskCliRunner, tmp_path: Path) -> None:
    path = tmp_path / "gamma.yaml"
    path.write_text(BROKEN)
    result = runner.invoke(args=["banks", "check", str(path)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith(str(path))]
    assert lines == [
        f"{path}:9: 2 options are marked correct; exactly one must be",
        f"{path}:15: duplicate key 'one' (first at line 5)",
        f"{path}:15: a numeric question needs 'value' or 'min' and 'max'",
    ]


MISTAKES = """area:
  slug: mistakes
  title: Mistakes
questions:
  - key: no-right-option
    type: single_choice
    difficulty: 1
    prompt: Pick one.
    options:
      - text: A
      - text: B
    explanation: None is marked.
  - key: two-right-options
    type: single_choice
    difficulty: 1
    prompt: Pick one.
    options:
      - text: A
        correct: true
      - text: B
        correct: true
    explanation: Two are marked.
  - key: no-value
    type: numeric
    difficulty: 2
    prompt: How many?
    explanation: Nobody knows.
  - key: same-option
    type: multiple_response
    difficulty: 2
    prompt: Pick some.
    options:
      - text: Alpha
        correct: true
      - text: Beta
      - text: alpha
    explanation: Alpha twice.
  - key: no-right-option
    type: true_false
    difficulty: 1
    prompt: True?
    answer: true
    explanation: A key used twice.
  - key: unexplained
    type: true_false
    difficulty: 3
    prompt: True?
    answer: false
  - key: strange-field
    type: short_text
    difficulty: 2
    prompt: Name it.
    accepted: [it]
    explanation: It.
    hint: a field nobody knows
  - key: essay-question
    type: essay
    difficulty: 3
    prompt: Write.
    explanation: Essays are not graded.
"""


def test_every_deliberate_mistake_gets_one_line(runner: FlaskCliRunner, tmp_path: Path) -> None:
    path = tmp_path / "mistakes.yaml"
    path.write_text(MISTAKES)
    result = runner.invoke(args=["banks", "check", str(path)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith(str(path))]
    assert lines == [
        f"{path}:9: no option is marked correct",
        f"{path}:17: 2 options are marked correct; exactly one must be",
        f"{path}:23: a numeric question needs 'value' or 'min' and 'max'",
        f"{path}:36: duplicate option 'alpha'",
        f"{path}:38: duplicate key 'no-right-option' (first at line 5)",
        f"{path}:44: missing field 'explanation'",
        f"{path}:55: unknown field 'hint' in a short_text question",
        f"{path}:57: unknown type 'essay' "
        "(known: multiple_response, numeric, short_text, single_choice, sql, true_false)",
    ]


def test_banks_check_json(runner: FlaskCliRunner, tmp_path: Path) -> None:
    (tmp_path / "gamma.yaml").write_text(BROKEN)
    (tmp_path / "alpha.yaml").write_text((DATA / "alpha.yaml").read_text())
    result = runner.invoke(args=["banks", "check", "--json", str(tmp_path)])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["areas"] == {"alpha": {
        "questions": 5, "with_explanation": 5, "difficulty": {"1": 2, "2": 2, "3": 1},
        "types": {"multiple_response": 1, "numeric": 1, "short_text": 1, "single_choice": 1, "true_false": 1},
    }}
    assert {(e["line"], e["message"]) for e in report["errors"]} == {
        (9, "2 options are marked correct; exactly one must be"),
        (15, "duplicate key 'one' (first at line 5)"),
        (15, "a numeric question needs 'value' or 'min' and 'max'"),
    }


def test_banks_load_is_idempotent(runner: FlaskCliRunner) -> None:
    first = runner.invoke(args=["banks", "load"])  # the app's QUESTIONS_DIR: tests/data
    assert first.exit_code == 0, first.output
    assert "added 8, new version 0, unchanged 0, retired 0" in first.output
    second = runner.invoke(args=["banks", "load"])
    assert "added 0, new version 0, unchanged 8, retired 0" in second.output


def test_banks_load_refuses_a_broken_file(runner: FlaskCliRunner, tmp_path: Path) -> None:
    (tmp_path / "gamma.yaml").write_text(BROKEN)
    result = runner.invoke(args=["banks", "load", str(tmp_path)])
    assert result.exit_code == 1 and "Nothing was loaded" in result.output


def test_users_create_reads_the_password_from_stdin(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["users", "create", "Ada@Example.com", "--role", "manager"],
                           input="a-long-enough-password\n")
    assert result.exit_code == 0, result.output
    with in_app(app):
        user = accounts.authenticate("ada@example.com", "a-long-enough-password")
        assert user is not None and user.role == "manager"
    again = runner.invoke(args=["users", "create", "ada@example.com", "--role", "admin"], input="another-password\n")
    assert again.exit_code == 1 and "exists already" in again.output
    short = runner.invoke(args=["users", "create", "bob@example.com", "--role", "admin"], input="short\n")
    assert short.exit_code == 1 and "at least 10 characters" in short.output
    bad_role = runner.invoke(args=["users", "create", "bob@example.com", "--role", "owner"], input="x" * 12 + "\n")
    assert bad_role.exit_code == 2
    with in_app(app):
        assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_attempts_close_overdue(app: Flask, runner: FlaskCliRunner) -> None:
    with in_app(app):
        scene = make_scene(T0 - timedelta(hours=3))
        attempt_id = attempts.start_attempt(scene.candidate_id, scene.invitation_id, T0 - timedelta(hours=3))
    result = runner.invoke(args=["attempts", "close-overdue"])
    assert result.exit_code == 0
    assert "Closed 1 overdue attempt(s): 1 submitted automatically, 0 abandoned." in result.output
    with in_app(app):
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.status == "finished" and attempt.finished_at == attempt.deadline_at


def test_demo_needs_the_banks(runner: FlaskCliRunner) -> None:
    runner.invoke(args=["banks", "load"])  # tests/data: none of the demo's areas
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 1 and "Load the question banks first" in first.output


def test_demo_with_the_shipped_banks(app: Flask, runner: FlaskCliRunner) -> None:
    questions = Path(__file__).resolve().parent.parent / "questions"
    assert runner.invoke(args=["banks", "load", str(questions)]).exit_code == 0
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "candidate@example.com" in first.output and "candidate-demo-pass" in first.output
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0
    with in_app(app):
        # four demo accounts and five sample candidates with finished attempts, made once
        assert db.session.scalar(select(func.count()).select_from(User)) == 9
        assert db.session.scalar(select(func.count()).select_from(Assessment)) == 1
        assert db.session.scalar(select(func.count()).select_from(Invitation)) == 6
        finished = db.session.scalars(select(Attempt.points).where(Attempt.status == "finished")).all()
        assert len(finished) == 5 and len(set(finished)) > 1  # candidates of different strengths
        candidate = accounts.authenticate("candidate@example.com", "candidate-demo-pass")
        assert candidate is not None and candidate.role == "candidate"
        invitation = db.session.scalar(select(Invitation).where(Invitation.candidate_id == candidate.id))
        attempts.start_attempt(candidate.id, invitation.id, T0)
    third = runner.invoke(args=["demo"])  # the last invitation was used: a fresh one for another try
    assert third.exit_code == 0
    with in_app(app):
        assert db.session.scalar(select(func.count()).select_from(Invitation)) == 7


SINGLE_CATEGORY_GIFT = """// a GIFT file with one category
$CATEGORY: $course$/Web basics

// difficulty: 1
::status-created::Which status says a resource was created?{=201 Created#Right. ~200 OK#Too vague.
####201 Created names the new resource in Location.}

::get-is-safe::GET is safe.{TRUE####GET must not change state.}
"""


def test_banks_convert_gift_to_yaml_and_back(runner: FlaskCliRunner, tmp_path: Path) -> None:
    source = tmp_path / "web.gift"
    source.write_text(SINGLE_CATEGORY_GIFT)
    target = tmp_path / "web.yaml"
    result = runner.invoke(args=["banks", "convert", str(source), str(target)])
    assert result.exit_code == 0, result.output
    from quiz.engine.bankfile import parse_bank

    bank, problems = parse_bank(target.read_text(), str(target))
    assert problems == [] and bank is not None
    assert (bank.area.slug, bank.area.title) == ("web-basics", "Web basics")
    first, second = bank.questions
    assert (first.key, first.type, first.difficulty) == ("status-created", "single_choice", 1)
    assert [(o["text"], o["correct"], o["feedback"]) for o in first.payload["options"]] == [
        ("201 Created", True, "Right."), ("200 OK", False, "Too vague.")]
    assert (second.key, second.payload, second.difficulty) == ("get-is-safe", {"answer": True}, 2)
    back = tmp_path / "again.gift"
    assert runner.invoke(args=["banks", "convert", str(target), str(back)]).exit_code == 0
    again = tmp_path / "again.yaml"
    assert runner.invoke(args=["banks", "convert", str(back), str(again)]).exit_code == 0
    round_trip, _ = parse_bank(again.read_text(), str(again))
    assert [q.content_hash() for q in round_trip.questions] == [q.content_hash() for q in bank.questions]


def test_banks_convert_reports_problems_by_line_and_writes_nothing(runner: FlaskCliRunner, tmp_path: Path) -> None:
    target = tmp_path / "out.yaml"
    problems = Path(__file__).parent / "data" / "gift" / "problems.gift"
    result = runner.invoke(args=["banks", "convert", str(problems), str(target)])
    assert result.exit_code == 1 and not target.exists()
    assert f"{problems}:3: unsupported: matching" in result.output
    assert f"{problems}:5: unsupported: essay" in result.output
    many = runner.invoke(args=["banks", "convert", str(Path(__file__).parent / "data" / "gift" / "everything.gift"),
                               str(target)])
    assert many.exit_code == 1 and "categories" in many.output and not target.exists()
    wrong = runner.invoke(args=["banks", "convert", str(problems), str(tmp_path / "out.gift")])
    assert wrong.exit_code == 2


def test_backup_and_restore(app: Flask, runner: FlaskCliRunner, tmp_path: Path) -> None:
    if db_backend(app) != "sqlite":  # PostgreSQL has pg_dump: the command says so and does nothing
        result = runner.invoke(args=["backup", str(tmp_path / "copy.db")])
        assert result.exit_code == 1 and "pg_dump" in result.output
        assert not (tmp_path / "copy.db").exists()
        return
    assert runner.invoke(args=["banks", "load"]).exit_code == 0
    copy = tmp_path / "copy.db"
    result = runner.invoke(args=["backup", str(copy)])
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["backup", str(copy)]).exit_code == 1  # never overwrites
    with in_app(app):  # a change after the backup
        from quiz.models import Question, QuestionVersion
        db.session.execute(QuestionVersion.__table__.delete())
        db.session.execute(Question.__table__.delete())
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(Question)) == 0
    not_ours = tmp_path / "other.db"
    import sqlite3
    sqlite3.connect(not_ours).execute("CREATE TABLE t (x)").connection.commit()
    assert runner.invoke(args=["restore", str(not_ours)]).exit_code == 1
    result = runner.invoke(args=["restore", str(copy)])
    assert result.exit_code == 0, result.output
    with in_app(app):
        from quiz.models import Question
        assert db.session.scalar(select(func.count()).select_from(Question)) == 8


def db_backend(app: Flask) -> str:
    with in_app(app):
        return db.engine.url.get_backend_name()
