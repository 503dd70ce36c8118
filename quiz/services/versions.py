"""Question versions never change once written: what the question page and the answer save need of
one is read once per process and database, not once per request."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, select

from quiz.models import QuestionVersion, db

MAX_CACHED = 20_000


@dataclass(frozen=True)
class VersionRules:
    type: str
    payload: dict[str, Any]  # shared: read it, never change it
    prompt: str


_CACHES: WeakKeyDictionary[Engine, dict[int, VersionRules]] = WeakKeyDictionary()


def version_rules(version_id: int) -> VersionRules:
    """The type and answer data of a question version (cached per database engine, since ids are
    only unique within one database)."""
    cache = _CACHES.setdefault(db.engine, {})
    rules = cache.get(version_id)
    if rules is None:
        row = db.session.execute(
            select(QuestionVersion.type, QuestionVersion.payload, QuestionVersion.prompt)
            .where(QuestionVersion.id == version_id)
        ).one()
        if len(cache) >= MAX_CACHED:
            cache.clear()
        rules = cache[version_id] = VersionRules(row.type, row.payload, row.prompt)
    return rules


def version_rules_many(version_ids: Iterable[int]) -> dict[int, VersionRules]:
    """Several versions' rules at once: those not cached yet are read in one statement."""
    cache = _CACHES.setdefault(db.engine, {})
    wanted = set(version_ids)
    missing = [v for v in wanted if v not in cache]
    if missing:
        if len(cache) + len(missing) > MAX_CACHED:
            cache.clear()
            missing = list(wanted)
        for row in db.session.execute(
            select(QuestionVersion.id, QuestionVersion.type, QuestionVersion.payload, QuestionVersion.prompt)
            .where(QuestionVersion.id.in_(missing))
        ):
            cache[row.id] = VersionRules(row.type, row.payload, row.prompt)
    return {v: cache[v] for v in wanted}
