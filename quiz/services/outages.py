"""Telling a database that cannot be reached now from a fault in the code."""

from __future__ import annotations

from sqlalchemy import exc as sa_exc

from quiz.models import db

UNAVAILABLE = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.DisconnectionError, sa_exc.TimeoutError)


def is_database_unavailable(error: BaseException) -> bool:
    """True for a lost or refused connection, a server restarting, a pool timeout or a locked SQLite
    file: the request may succeed if sent again, so it deserves a 503, not a 500."""
    return isinstance(error, UNAVAILABLE)


def discard_session() -> None:
    """Roll back what the failed request began; a dead connection may refuse even that."""
    try:
        db.session.rollback()
    except sa_exc.SQLAlchemyError:
        db.session.close()
