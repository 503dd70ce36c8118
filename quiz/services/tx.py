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
