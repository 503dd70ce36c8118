"""Flask extensions, created unbound and wired in create_app."""

from __future__ import annotations

from typing import Any

from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf import CSRFProtect

from quiz.models.base import UTCDateTime, db

__all__ = ["csrf", "db", "login_manager", "migrate"]


def render_migration_item(type_: str, obj: Any, _context: Any) -> str | bool:
    """Autogenerate writes UTCDateTime as the column type it stores as."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


migrate = Migrate(render_as_batch=True, compare_type=True, render_item=render_migration_item)
login_manager = LoginManager()
csrf = CSRFProtect()
