"""What the browser tests share: Debian's Chromium driven by Playwright, a module-scoped
`browser` fixture (import it into a test module to use it), pages that fail the test on a
JavaScript error, loading with a status check, and axe-core's serious violations."""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from .conftest import ROOT

CHROMIUM = os.environ.get("KENNISBANK_CHROMIUM", "/usr/bin/chromium")
AXE_JS = Path(os.environ.get("KENNISBANK_AXE_JS", ROOT / ".cache/npm/node_modules/axe-core/axe.min.js"))
ARTIFACTS = ROOT / "artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@contextmanager
def error_checked_page(browser, viewport: dict = DESKTOP):
    """A fresh page in its own context; a JavaScript error on it fails the test."""
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert errors == []


def goto(pg, url: str):
    """Load a page and insist it loaded: a test on an error page proves nothing."""
    response = pg.goto(url)
    assert response is not None and response.status == 200, (url, response and response.status)
    return response


def serious_violations(pg) -> list[dict]:
    """axe-core's serious and critical violations on the page as it is now."""
    # evaluated, not added as a <script>: the page's Content-Security-Policy refuses inline script
    pg.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result = pg.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
            for v in result["violations"] if v["impact"] in ("serious", "critical")]
