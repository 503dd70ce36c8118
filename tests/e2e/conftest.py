"""End-to-end fixtures: the app served on 127.0.0.1 by a thread of this process, Debian's Chromium
driven by Playwright, axe-core for accessibility, and screenshots in test-artifacts/.

The server's clock is the real one plus an offset a test may move (`live.advance`), so a short
assessment can run out of time without waiting for it.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from werkzeug.serving import make_server

from quiz.clock import utcnow
from quiz.models import db
from tests.conftest import empty_tables, make_app

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"
# As root Chromium needs --no-sandbox; the rest keep it from calling out of this closed network.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update"]
BLOCKING_IMPACTS = ("serious", "critical")


@dataclass
class LiveApp:
    app: Flask
    url: str
    offset: list[timedelta] = field(default_factory=lambda: [timedelta(0)])

    def now(self) -> datetime:
        return utcnow() + self.offset[0]

    def advance(self, delta: timedelta) -> None:
        self.offset[0] += delta


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium); "
                    "`make test` does so when run as root")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def live(database_url: str, _schema: None) -> Iterator[LiveApp]:
    offset = [timedelta(0)]
    app = make_app(database_url, SESSION_COOKIE_SECURE=False, CLOCK=lambda: utcnow() + offset[0])
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveApp(app, f"http://127.0.0.1:{server.server_port}", offset)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        with app.app_context():
            empty_tables()
            db.engine.dispose()


@pytest.fixture
def context(browser: Browser, live: LiveApp) -> Iterator[BrowserContext]:
    context = browser.new_context(base_url=live.url, accept_downloads=True, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


class Pages:
    """What every journey does on each page it visits: check it with axe-core and keep a screenshot."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.axe = Axe()
        self.checked: list[str] = []
        self.violations: list[str] = []
        for stale in ARTIFACTS.glob(f"{re.sub(r'[^a-z0-9]+', '-', name.lower())}-*.png"):
            stale.unlink()  # from an earlier run

    def visit(self, page: Page, label: str) -> None:
        page.wait_for_load_state("load")
        results = self.axe.run(page)
        for violation in results.response["violations"]:
            if violation.get("impact") in BLOCKING_IMPACTS:
                targets = [", ".join(node["target"]) for node in violation["nodes"]][:3]
                self.violations.append(f"{label} ({page.url}): {violation['id']} [{violation['impact']}] "
                                       f"{violation['help']}: {targets}")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        slug = re.sub(r"[^a-z0-9]+", "-", f"{self.name} {len(self.checked) + 1:02d} {label}".lower()).strip("-")
        page.screenshot(path=str(ARTIFACTS / f"{slug}.png"), full_page=True)
        self.checked.append(label)

    def assert_accessible(self) -> None:
        assert not self.violations, "serious or critical accessibility violations:\n" + "\n".join(self.violations)


@pytest.fixture
def pages(request: pytest.FixtureRequest) -> Iterator[Pages]:
    checker = Pages(request.node.name.removeprefix("test_"))
    yield checker
    checker.assert_accessible()


def tab_to(page: Page, selector: str, limit: int = 60) -> None:
    """Press Tab until the element matching `selector` has the focus: it is reachable by keyboard."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} was not reached with Tab in {limit} presses")


def focus_is_visible(page: Page) -> bool:
    """The focused element draws a focus indicator (an outline or a box shadow)."""
    return bool(page.evaluate("""() => {
        const s = getComputedStyle(document.activeElement);
        return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';
    }"""))
