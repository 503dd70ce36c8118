"""Transactions for use cases that write."""

from __future__ import annotations

from quiz.models import db
from quiz.models.sqlite import IMMEDIATE


def begin_write() -> None:
    """Start the use case's transaction as a writer.

    On SQLite this is BEGIN IMMEDIATE, so concurrent writers queue on the busy timeout
    rather than fail; on PostgreSQL the use case takes row locks itself. On SQLite a read-only
    transaction left open by the request (loading the logged-in user) is ended first; on
    PostgreSQL it simply goes on (no round trips for nothing).
    """
    session = db.session()
    if session.in_transaction():
        if session.new or session.dirty or session.deleted:
            raise RuntimeError("begin_write() called with unsaved changes in the session")
        if db.engine.dialect.name != "sqlite":
            return  # READ COMMITTED: each statement reads afresh, and the use case locks what it writes
        session.rollback()
    session.connection(execution_options={IMMEDIATE: True})


def commit_keeping_loaded() -> None:
    """Commit without expiring what the session loaded: for a use case that built its result before
    committing, so nothing (the request's user included) is read again afterwards for nothing."""
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


def end_read() -> None:
    """End the read-only transaction a request began (loading its user) without expiring what it
    loaded. On SQLite a writer then begins at once (BEGIN IMMEDIATE) and nothing is read twice; on
    PostgreSQL the transaction may simply go on."""
    session = db.session()
    if db.engine.dialect.name == "sqlite" and session.in_transaction() and not (
            session.new or session.dirty or session.deleted):
        commit_keeping_loaded()
