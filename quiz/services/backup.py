"""Consistent copies of a running SQLite database, and restoring one (SQLite's online backup API)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from quiz.errors import Conflict, InvalidInput
from quiz.models import db

POSTGRES_HINT = ("This database is PostgreSQL: use pg_dump -Fc to back it up and pg_restore --clean to bring it "
                 "back (see the README).")


def _sqlite_file() -> Path:
    url = db.engine.url
    if url.get_backend_name() != "sqlite":
        raise Conflict(POSTGRES_HINT)
    if not url.database or url.database == ":memory:":
        raise Conflict("An in-memory database cannot be backed up.")
    return Path(url.database)


def backup(target: str) -> Path:
    """Copy the live database to `target`, page by page, while others keep writing."""
    source, destination = _sqlite_file(), Path(target)
    if destination.exists():
        raise InvalidInput(f"{destination} exists already: choose a new file.")
    db.session.remove()
    with sqlite3.connect(source) as live, sqlite3.connect(destination) as copy:
        live.backup(copy)
    copy.close()
    live.close()
    return destination


def restore(source: str) -> Path:
    """Replace the database's contents with a backup (writers wait on the busy timeout meanwhile)."""
    backup_file, target = Path(source), _sqlite_file()
    if not backup_file.is_file():
        raise InvalidInput(f"No backup at {backup_file}.")
    with sqlite3.connect(backup_file) as check:
        if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise InvalidInput(f"{backup_file} is not a sound SQLite database.")
        tables = {row[0] for row in check.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "alembic_version" not in tables:
        raise InvalidInput(f"{backup_file} is not a backup of this application.")
    db.session.remove()
    db.engine.dispose()
    with sqlite3.connect(backup_file) as saved, sqlite3.connect(target) as live:
        saved.backup(live)
    saved.close()
    live.close()
    return target
