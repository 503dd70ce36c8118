"""Simultaneous requests on one attempt, each thread with its own connection."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from quiz.errors import AttemptClosed, TimeUp
from quiz.models import AreaResult, Attempt, AttemptItem, db
from quiz.services import attempts
from tests.conftest import T0
from tests.factories import make_scene, start


def run_together(app: Flask, calls: list[Callable[[], Any]]) -> list[Any]:
    """Run the calls in threads released at the same moment; return results or exceptions."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def worker(index: int) -> None:
        with app.app_context():
            barrier.wait()
            try:
                results[index] = calls[index]()
            except Exception as exc:  # the test inspects what each call raised
                results[index] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_simultaneous_finishes_score_once(app: Flask) -> None:
    with app.app_context():
        scene = make_scene(T0)
        attempt_id = start(scene, T0)
    results = run_together(
        app, [lambda: attempts.finish_attempt(scene.candidate_id, attempt_id, T0 + timedelta(minutes=1))] * 8
    )
    assert results == ["finished"] * 8
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AreaResult)) == 2
        assert db.session.get(Attempt, attempt_id).finished_at == T0 + timedelta(minutes=1)


def test_saves_racing_a_finish_are_scored_or_refused(app: Flask) -> None:
    with app.app_context():
        scene = make_scene(T0)
        attempt_id = start(scene, T0)
        items = db.session.scalars(
            select(AttemptItem).where(AttemptItem.attempt_id == attempt_id).order_by(AttemptItem.position)
        ).all()
        true_false = [(i.id, i.question_version.payload["answer"]) for i in items
                      if i.question_version.type == "true_false"]
    now = T0 + timedelta(minutes=2)
    calls: list[Callable[[], Any]] = []
    for n in range(10):
        item_id, right = true_false[n % len(true_false)]
        value = "true" if right else "false"
        calls.append(lambda i=item_id, v=value: attempts.save_answer(scene.candidate_id, attempt_id, i, [v], None, now))
    calls += [lambda: attempts.finish_attempt(scene.candidate_id, attempt_id, now)] * 3
    results = run_together(app, calls)
    saves, finishes = results[:10], results[10:]
    assert finishes == ["finished"] * 3
    assert all(isinstance(r, attempts.SaveResult | AttemptClosed) for r in saves), saves
    acknowledged = {r.item_id for r in saves if isinstance(r, attempts.SaveResult)}
    with app.app_context():
        stored = {i.id: i for i in db.session.scalars(select(AttemptItem).where(AttemptItem.attempt_id == attempt_id))}
        # every acknowledged save is stored and was scored by the one finish
        for item_id in acknowledged:
            assert stored[item_id].answer is not None and stored[item_id].fraction == 1.0
        # nothing refused was stored after the finish
        for item_id, _ in true_false:
            if item_id not in acknowledged:
                assert stored[item_id].answer is None
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.points == float(len(acknowledged))
        assert db.session.scalar(select(func.count()).select_from(AreaResult)) == 2


def test_twenty_savers_and_ten_finishers(app: Flask) -> None:
    """Every save acknowledged before the finish is stored and scored; later ones are refused;
    the attempt is scored once; nothing fails in another way."""
    with app.app_context():
        scene = make_scene(T0)
        attempt_id = start(scene, T0)
        items = db.session.scalars(
            select(AttemptItem).where(AttemptItem.attempt_id == attempt_id).order_by(AttemptItem.position)
        ).all()
        keyed = [(i.id, i.question_version.type, i.question_version.payload) for i in items]
    from quiz.engine.types import get_type

    now = T0 + timedelta(minutes=3)
    calls: list[Callable[[], Any]] = []
    for n in range(20):
        item_id, kind, payload = keyed[n % len(keyed)]
        values = get_type(kind).key_values(payload)
        calls.append(lambda i=item_id, v=values: attempts.save_answer(scene.candidate_id, attempt_id, i, v, None, now))
    calls += [lambda: attempts.finish_attempt(scene.candidate_id, attempt_id, now)] * 10
    results = run_together(app, calls)
    saves, finishes = results[:20], results[20:]
    assert finishes == ["finished"] * 10
    assert all(isinstance(r, attempts.SaveResult | AttemptClosed) for r in saves), saves
    acknowledged = {r.item_id for r in saves if isinstance(r, attempts.SaveResult)}
    with app.app_context():
        stored = {i.id: i for i in db.session.scalars(select(AttemptItem).where(AttemptItem.attempt_id == attempt_id))}
        for item_id, item in stored.items():
            if item_id in acknowledged:
                assert item.answer is not None and item.fraction == 1.0
            else:
                assert item.answer is None and item.fraction == 0.0
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.points == float(len(acknowledged))
        assert db.session.scalar(select(func.count()).select_from(AreaResult)) == 2


def test_saves_racing_the_deadline_are_stored_or_refused_whole(app: Flask) -> None:
    with app.app_context():
        scene = make_scene(T0)
        attempt_id = start(scene, T0)
        item_id = db.session.scalar(select(AttemptItem.id).where(AttemptItem.attempt_id == attempt_id,
                                                                AttemptItem.position == 1))
    closes = T0 + timedelta(minutes=31)  # 30 minutes and 60 s of grace
    moments = [closes + timedelta(milliseconds=ms) for ms in (-2, -1, 0, 1, 2, 3)]
    calls = [lambda m=m: attempts.save_answer(scene.candidate_id, attempt_id, item_id, ["b"], True, m)
             for m in moments]
    results = run_together(app, calls)
    assert all(isinstance(r, attempts.SaveResult | TimeUp | AttemptClosed) for r in results), results
    with app.app_context():
        item = db.session.get(AttemptItem, item_id)
        accepted = [r for r in results if isinstance(r, attempts.SaveResult)]
        if accepted:  # stored whole: answer, time and flag together
            assert item.answer == {"choice": "b"} and item.flagged is True and item.saved_at <= closes
        else:
            assert item.answer is None and item.flagged is False and item.saved_at is None
