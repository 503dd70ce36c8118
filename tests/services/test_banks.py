"""Loading bank files: added, new version, unchanged, retired."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from quiz.models import Question, QuestionVersion, SkillArea, db
from quiz.services import banks
from tests.conftest import DATA, T0

pytestmark = pytest.mark.usefixtures("ctx")


def copy_banks(tmp_path: Path) -> Path:
    for source in DATA.glob("*.yaml"):
        (tmp_path / source.name).write_text(source.read_text())
    return tmp_path


def load(folder: Path) -> banks.LoadReport:
    return banks.load_banks(banks.bank_paths([str(folder)], "unused"), T0)


def versions(key: str) -> list[QuestionVersion]:
    return list(db.session.scalars(
        select(QuestionVersion).join(Question).where(Question.key == key).order_by(QuestionVersion.number)
    ))


def test_first_load_adds_everything_and_a_second_changes_nothing(tmp_path: Path) -> None:
    folder = copy_banks(tmp_path)
    first = load(folder)
    assert (first.added, first.new_version, first.unchanged, first.retired) == (8, 0, 0, 0)
    assert sorted(first.areas) == ["alpha", "beta"]
    second = load(folder)
    assert (second.added, second.new_version, second.unchanged, second.retired) == (0, 0, 8, 0)
    assert db.session.scalars(select(SkillArea.title).order_by(SkillArea.slug)).all() == ["Alpha skills", "Beta skills"]


def test_a_changed_question_gets_a_new_version_and_keeps_the_old(tmp_path: Path) -> None:
    folder = copy_banks(tmp_path)
    load(folder)
    path = folder / "alpha.yaml"
    path.write_text(path.read_text().replace("Pick **B**.", "Pick **B**, please."))
    report = load(folder)
    assert (report.added, report.new_version, report.unchanged, report.retired) == (0, 1, 7, 0)
    found = versions("single")
    assert [(v.number, v.prompt) for v in found] == [(1, "Pick **B**."), (2, "Pick **B**, please.")]
    assert found[0].question.latest_number == 2


def test_a_removed_question_is_retired_and_comes_back(tmp_path: Path) -> None:
    folder = copy_banks(tmp_path)
    load(folder)
    path = folder / "beta.yaml"
    original = path.read_text()
    start = original.index("  - key: b3")
    path.write_text(original[:start])
    report = load(folder)
    assert report.retired == 1
    question = db.session.scalar(select(Question).where(Question.key == "b3"))
    assert question.retired_at == T0 and len(question.versions) == 1
    path.write_text(original)
    again = load(folder)
    assert (again.added, again.retired, again.unchanged) == (0, 0, 8)
    db.session.refresh(question)
    assert question.retired_at is None


def test_nothing_is_loaded_when_any_file_has_a_problem(tmp_path: Path) -> None:
    folder = copy_banks(tmp_path)
    (folder / "broken.yaml").write_text("area:\n  slug: gamma\n  title: G\nquestions:\n  - key: x\n    type: essay\n")
    with pytest.raises(banks.BankFilesInvalid) as caught:
        load(folder)
    messages = [str(p) for p in caught.value.problems]
    assert any(m.startswith(f"{folder / 'broken.yaml'}:6: unknown type 'essay'") for m in messages), messages
    assert db.session.scalar(select(SkillArea.id)) is None
