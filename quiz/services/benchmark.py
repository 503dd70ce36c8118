"""The baseline the load benchmark compares the answer save with: one insert and its commit.

Used only by the benchmark routes, which exist only when the app is configured for benchmarking
(BENCHMARK_ROUTES), on the benchmark's own database.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert

from quiz.models import AuditEvent, db
from quiz.services.tx import begin_write


def insert_one(now: datetime) -> None:
    """One row written durably: the least any request that stores something can cost."""
    begin_write()
    db.session.execute(insert(AuditEvent).values(
        actor_id=None, action="bench.insert", object_type="bench", object_id="-", at=now))
    db.session.commit()
