"""Configuration from the environment, and the SQLite connection settings."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, text

from quiz import create_app
from quiz.config import ensure_secret_key, load_config
from quiz.models.sqlite import configure_sqlite


def test_defaults_use_a_sqlite_file_in_the_instance_folder(tmp_path: Path) -> None:
    config = load_config(str(tmp_path), {})
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'quiz.db'}"
    assert config["SECRET_KEY"] is None
    assert config["SESSION_COOKIE_HTTPONLY"] and config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_environment_wins_and_postgres_urls_use_psycopg(tmp_path: Path) -> None:
    for given, expected in [
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:////srv/q.db", "sqlite:////srv/q.db"),
    ]:
        config = load_config(str(tmp_path), {"DATABASE_URL": given, "SECRET_KEY": "k"})
        assert config["SQLALCHEMY_DATABASE_URI"] == expected
        assert config["SECRET_KEY"] == "k"


def test_the_secret_key_file_is_read_and_a_missing_key_is_made_up(tmp_path: Path) -> None:
    (tmp_path / "secret_key").write_text("from-the-file\n")
    assert load_config(str(tmp_path), {})["SECRET_KEY"] == "from-the-file"
    config: dict = {"SECRET_KEY": None}
    ensure_secret_key(config, str(tmp_path / "elsewhere"))
    assert isinstance(config["SECRET_KEY"], str) and len(config["SECRET_KEY"]) == 64


def test_create_app_takes_overrides_and_does_not_touch_the_database(tmp_path: Path) -> None:
    database = tmp_path / "never.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "SECRET_KEY": "s", "TESTING": True})
    assert app.config["SECRET_KEY"] == "s"
    assert not database.exists()  # wiring only: no connection, no file


def test_sqlite_connections_use_wal_busy_timeout_and_foreign_keys(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'q.db'}")
    configure_sqlite(engine, busy_timeout_ms=4321)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 4321
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()
