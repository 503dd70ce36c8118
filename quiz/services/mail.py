"""Sending mail, only when SMTP is configured."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from flask import current_app


@dataclass(frozen=True)
class MailSettings:
    host: str
    port: int
    sender: str
    username: str | None
    password: str | None
    starttls: bool


def mail_settings() -> MailSettings | None:
    config: Any = current_app.config
    if not config.get("MAIL_SERVER"):
        return None
    return MailSettings(
        host=config["MAIL_SERVER"], port=int(config.get("MAIL_PORT", 587)),
        sender=config.get("MAIL_SENDER") or "assessments@localhost",
        username=config.get("MAIL_USERNAME"), password=config.get("MAIL_PASSWORD"),
        starttls=bool(config.get("MAIL_USE_TLS", True)),
    )


def send_mail(settings: MailSettings, to: str, subject: str, body: str) -> None:
    """Send one plain-text message; raises OSError or smtplib.SMTPException on failure."""
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = settings.sender, to, subject
    message.set_content(body)
    with smtplib.SMTP(settings.host, settings.port, timeout=10) as smtp:
        if settings.starttls:
            smtp.starttls()
        if settings.username:
            smtp.login(settings.username, settings.password or "")
        smtp.send_message(message)
