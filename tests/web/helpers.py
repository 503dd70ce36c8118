"""Helpers for web tests: log in, read ids out of pages, post forms with the CSRF token."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient

from tests.conftest import AuthActions, csrf_token
from tests.factories import PASSWORD


def login(client: FlaskClient, email: str) -> None:
    response = AuthActions(client).login(email, PASSWORD)
    assert response.status_code == 302, response.get_data(as_text=True)


def save_url(html: str) -> str:
    match = re.search(r'data-save-url="([^"]+)"', html)
    assert match, "the question page has no save URL"
    return match.group(1)


def item_id(html: str) -> int:
    match = re.search(r'name="item_id"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="item_id"', html)
    assert match, "the question page has no item id"
    return int(match.group(1) or match.group(2))


def post_form(client: FlaskClient, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
    return client.post(url, data={"csrf_token": csrf_token(client), **(data or {})}, **kwargs)


def save_json(client: FlaskClient, url: str, body: Any, token: bool = True) -> Any:
    headers = {"X-CSRFToken": csrf_token(client)} if token else {}
    return client.post(url, json=body, headers=headers)
