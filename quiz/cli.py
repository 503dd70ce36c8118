"""Command-line tools: flask --app wsgi banks|users|attempts|demo ... (thin: parse, call a service)."""

from __future__ import annotations

import json
import sys
from getpass import getpass
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from quiz.clock import utcnow
from quiz.engine import conversion
from quiz.errors import QuizError
from quiz.models import Role
from quiz.services import accounts, attempts, backup, banks, demo

banks_cli = AppGroup("banks", help="Check and load question bank files.")
users_cli = AppGroup("users", help="Manage accounts.")
attempts_cli = AppGroup("attempts", help="Housekeeping of attempts.")


def _questions_dir() -> str:
    return str(current_app.config["QUESTIONS_DIR"])


@banks_cli.command("check")
@click.argument("paths", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON report.")
def banks_check(paths: tuple[str, ...], as_json: bool) -> None:
    """Check bank files (default: every file in questions/)."""
    found, problems = banks.read_banks(banks.bank_paths(paths, _questions_dir()))
    if as_json:
        report = {
            "areas": {b.area.slug: b.summary() for b in found},
            "errors": [{"path": p.path, "line": p.line, "message": p.message} for p in problems],
        }
        click.echo(json.dumps(report, indent=2, sort_keys=True))
    else:
        for problem in problems:
            click.echo(str(problem))
        if not problems:
            for bank in found:
                s = bank.summary()
                types = ", ".join(f"{t} {n}" for t, n in s["types"].items())
                levels = " ".join(f"{lv}:{n}" for lv, n in s["difficulty"].items())
                click.echo(f"{bank.area.slug}: {s['questions']} questions ({types}); "
                           f"difficulty {levels}")
    if problems:
        if not as_json:
            click.echo(f"{len(problems)} problem(s) found.", err=True)
        sys.exit(1)


@banks_cli.command("load")
@click.argument("paths", nargs=-1)
def banks_load(paths: tuple[str, ...]) -> None:
    """Load bank files into the database (default: every file in questions/)."""
    try:
        report = banks.load_banks(banks.bank_paths(paths, _questions_dir()), utcnow())
    except banks.BankFilesInvalid as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        click.echo("Nothing was loaded: fix the problems above first.", err=True)
        sys.exit(1)
    click.echo(
        f"Loaded {len(report.areas)} area(s): added {report.added}, new version "
        f"{report.new_version}, unchanged {report.unchanged}, retired {report.retired}."
    )


@banks_cli.command("convert")
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
@click.argument("target", type=click.Path(dir_okay=False))
def banks_convert(source: str, target: str) -> None:
    """Convert between Moodle GIFT (.gift, .txt) and the bank format (.yaml), by file extension."""
    if not conversion.can_convert(source, target):
        raise click.UsageError("Convert a .gift or .txt file to .yaml, or a .yaml file to .gift.")
    problems, text = conversion.convert(Path(source).read_text(encoding="utf-8"), source, target)
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        click.echo("Nothing was written: fix the problems above first.", err=True)
        sys.exit(1)
    Path(target).write_text(text, encoding="utf-8")
    click.echo(f"Wrote {target}.")


@users_cli.command("create")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--name", default="")
def users_create(email: str, role: str, name: str) -> None:
    """Create an account; the password is read from standard input."""
    if sys.stdin.isatty():
        password = getpass("Password: ")
        if getpass("Password again: ") != password:
            raise click.ClickException("The passwords differ.")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        user = accounts.create_user(email, role, password, utcnow(), name=name)
    except QuizError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Created {user.role} {user.email}.")


@attempts_cli.command("close-overdue")
def attempts_close_overdue() -> None:
    """Close attempts whose time is up, as their assessment's overdue policy says."""
    report = attempts.close_overdue_attempts(utcnow())
    click.echo(f"Closed {report.finished + report.abandoned} overdue attempt(s): "
               f"{report.finished} submitted automatically, {report.abandoned} abandoned.")


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Create the demo accounts and assessment (safe to run again) and print the logins."""
    try:
        info = demo.ensure_demo(utcnow())
    except QuizError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Demo assessment: {info.assessment_title}")
    click.echo("Demo logins (email / password):")
    for login in info.logins:
        click.echo(f"  {login.role:<10} {login.email:<26} {login.password}")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
@with_appcontext
def backup_command(path: str) -> None:
    """Copy the running SQLite database to PATH consistently (SQLite's online backup)."""
    try:
        written = backup.backup(path)
    except QuizError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Backed up to {written}.")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def restore_command(path: str) -> None:
    """Bring the SQLite database back from a backup made with `backup`."""
    try:
        restored = backup.restore(path)
    except QuizError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Restored {restored} from {path}.")


def register(app: Flask) -> None:
    for command in (banks_cli, users_cli, attempts_cli, demo_command, backup_command, restore_command):
        app.cli.add_command(command)
