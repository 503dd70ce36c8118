"""The audit log: written in the same transaction as the change it records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from quiz.models import AuditEvent, User, db


def record(actor_id: int | None, action: str, object_type: str, object_id: object, now: datetime,
           **detail: Any) -> None:
    """Add an audit event to the current transaction (the caller commits it with its change)."""
    db.session.add(AuditEvent(actor_id=actor_id, action=action, object_type=object_type,
                              object_id=str(object_id)[:200], at=now, detail=detail or None))


@dataclass(frozen=True)
class AuditLine:
    at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    detail: dict[str, Any] | None


def recent(limit: int = 500) -> list[AuditLine]:
    rows = db.session.execute(
        select(AuditEvent, User.email).outerjoin(User, User.id == AuditEvent.actor_id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)
    ).all()
    return [AuditLine(e.at, email or "(command line)", e.action, e.object_type, e.object_id, e.detail)
            for e, email in rows]
