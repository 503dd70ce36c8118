"""Configuration: the only module that reads the environment."""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

SECRET_KEY_FILE = "secret_key"


def _secret_key(environ: Mapping[str, str], instance_path: Path) -> str | None:
    """SECRET_KEY from the environment, else the instance folder's key file.

    `make run` writes that file once, so every gunicorn worker signs sessions with the same key.
    """
    if environ.get("SECRET_KEY"):
        return environ["SECRET_KEY"]
    key_file = instance_path / SECRET_KEY_FILE
    if key_file.is_file():
        return key_file.read_text().strip() or None
    return None


def ensure_secret_key(config: dict[str, Any], instance_path: str) -> None:
    """Without a configured key, use a random one: sessions then end with the process."""
    if not config.get("SECRET_KEY"):
        log.warning("SECRET_KEY is not set and %s does not exist: using a random key",
                    Path(instance_path) / SECRET_KEY_FILE)
        config["SECRET_KEY"] = secrets.token_hex(32)


def load_config(instance_path: str, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Build the app's settings from the environment (or the given mapping)."""
    env = os.environ if environ is None else environ
    instance = Path(instance_path)
    database_url = env.get("DATABASE_URL") or f"sqlite:///{instance / 'quiz.db'}"
    if database_url.startswith("postgres://"):  # the form some hosts hand out
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgres://")
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")
    config = {
        "SECRET_KEY": _secret_key(env, instance),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env.get("SESSION_COOKIE_SECURE", "1") == "1",  # off only for plain-http local use
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        "MAX_CONTENT_LENGTH": 4 * 1024 * 1024,  # uploads (GIFT files) and forms; larger requests get a 413
        "SQLITE_BUSY_TIMEOUT_MS": int(env.get("SQLITE_BUSY_TIMEOUT_MS", "10000")),
        # Invitations are mailed only when MAIL_SERVER is set; managers can always copy the link.
        "MAIL_SERVER": env.get("MAIL_SERVER") or None,
        "MAIL_PORT": int(env.get("MAIL_PORT", "587")),
        "MAIL_USE_TLS": env.get("MAIL_USE_TLS", "1") == "1",
        "MAIL_USERNAME": env.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD") or None,
        "MAIL_SENDER": env.get("MAIL_SENDER") or None,
        # The load benchmark's baselines (/bench/hello, /bench/insert); never on a real deployment.
        "BENCHMARK_ROUTES": env.get("BENCHMARK_ROUTES", "0") == "1",
        # How many proxies in front of the app set X-Forwarded-For/-Proto/-Host (0: trust none of them).
        "TRUSTED_PROXIES": int(env.get("TRUSTED_PROXIES", "0")),
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_ENABLED": env.get("RATELIMIT_ENABLED", "1") == "1",
        # Staff sessions end after this long without a request, and this long after logging in.
        "STAFF_IDLE_TIMEOUT": timedelta(minutes=int(env.get("STAFF_IDLE_MINUTES", "30"))),
        "STAFF_ABSOLUTE_TIMEOUT": timedelta(hours=int(env.get("STAFF_ABSOLUTE_HOURS", "10"))),
        "QUESTIONS_DIR": env.get("QUESTIONS_DIR")
        or str(Path(__file__).resolve().parent.parent / "questions"),
    }
    if env.get("RATELIMIT_KEY_PREFIX"):  # several deployments sharing one Redis
        config["RATELIMIT_KEY_PREFIX"] = env["RATELIMIT_KEY_PREFIX"]
    return config


def test_database_url(environ: Mapping[str, str] | None = None) -> str | None:
    """The database the test suite should use instead of a throwaway SQLite file."""
    env = os.environ if environ is None else environ
    return env.get("TEST_DATABASE_URL") or None
