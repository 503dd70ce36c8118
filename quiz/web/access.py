"""Who may reach a route: role decorators, and the clock routes pass to services."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any, TypeVar, cast

from flask import abort, current_app, session
from flask_login import current_user

from quiz.clock import utcnow
from quiz.services import accounts

F = TypeVar("F", bound=Callable[..., Any])
STAFF_ROLES = ("instructor", "manager", "admin")


def role_required(*roles: str) -> Callable[[F], F]:
    """Only logged-in users with one of these roles: 401 for nobody, 403 for others."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return cast(F, wrapped)

    return decorator


def session_candidate(view: F) -> F:
    """For the hottest candidate routes: the session's (user id, session version) is read from the
    cookie alone and passed on as `identity`; the service checks it (an active candidate, the session
    not ended, the owner) in the statement that does the work, instead of a lookup first."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        identity = accounts.session_identity(session.get("_user_id"))
        if identity is None:
            return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
        return view(*args, identity=identity, **kwargs)

    wrapped.required_roles = ("candidate",)  # type: ignore[attr-defined]
    return cast(F, wrapped)


def now() -> datetime:
    """The server's time; tests may set app.config['CLOCK'] to move it."""
    clock = current_app.config.get("CLOCK", utcnow)
    return cast(datetime, clock())
