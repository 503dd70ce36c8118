"""The quiz engine's web application."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from quiz.config import ensure_secret_key, load_config
from quiz.extensions import csrf, db, login_manager, migrate
from quiz.models.sqlite import configure_sqlite
from quiz.web.guards import install_form_guards, install_input_guards


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: settings from the environment, then `config` on top. Wiring only."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(load_config(app.instance_path))
    if config:
        app.config.from_mapping(config)
    ensure_secret_key(app.config, app.instance_path)
    if hops := app.config.get("TRUSTED_PROXIES", 0):  # client address and https as the proxy saw them
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    os.makedirs(app.instance_path, exist_ok=True)

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(app.root_path, os.pardir, "migrations"))
    install_input_guards(app)  # before CSRF protection, which reads the form
    csrf.init_app(app)
    install_form_guards(app)
    login_manager.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])

    from quiz import cli
    from quiz.web import register_web

    register_web(app)
    if app.config.get("BENCHMARK_ROUTES"):
        from quiz.web.bench.routes import bp as bench_bp

        csrf.exempt(bench_bp)
        app.register_blueprint(bench_bp)
    cli.register(app)
    return app
