"""A use case that writes holds the write lock (SQLite) or the attempt's row lock (PostgreSQL)."""

from __future__ import annotations

import sqlite3

import pytest
from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from quiz.models import db
from quiz.services.attempts import _locked_attempt
from quiz.services.tx import begin_write
from tests.conftest import T0
from tests.factories import make_scene, start


def test_a_writer_holds_the_lock_until_commit(ctx: Flask, database_url: str) -> None:
    scene = make_scene(T0)
    attempt_id = start(scene, T0)
    begin_write()
    _locked_attempt(attempt_id, scene.candidate_id)
    if db.engine.dialect.name == "sqlite":
        other = sqlite3.connect(db.engine.url.database, timeout=0, isolation_level=None)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        db.session.commit()
        other.execute("BEGIN IMMEDIATE")  # free once the writer commits
        other.execute("ROLLBACK")
        other.close()
    else:
        other = create_engine(database_url)
        with other.connect() as conn, pytest.raises(OperationalError, match="could not obtain lock"):
            conn.execute(text("SELECT id FROM attempt WHERE id = :id FOR UPDATE NOWAIT"), {"id": attempt_id})
        db.session.commit()
        with other.connect() as conn:
            conn.execute(text("SELECT id FROM attempt WHERE id = :id FOR UPDATE NOWAIT"), {"id": attempt_id})
        other.dispose()


def test_a_reader_does_not_take_a_lock(ctx: Flask, database_url: str) -> None:
    scene = make_scene(T0)
    attempt_id = start(scene, T0)
    db.session.execute(text("SELECT count(*) FROM attempt")).scalar()
    assert db.session().in_transaction()
    if db.engine.dialect.name == "sqlite":
        other = sqlite3.connect(db.engine.url.database, timeout=0, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        other.close()
    else:
        other = create_engine(database_url)
        with other.connect() as conn:
            conn.execute(text("SELECT id FROM attempt WHERE id = :id FOR UPDATE NOWAIT"), {"id": attempt_id})
        other.dispose()
    db.session.rollback()
