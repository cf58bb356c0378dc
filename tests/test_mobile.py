"""Narrow screens in a real headless Chromium: results first, the filters behind a "Filters (n)" toggle
that works without JavaScript; wide screens show the filters as before. Empty facets are not shown."""
from __future__ import annotations

import json
import re
import urllib.request

import pytest
from playwright.sync_api import expect

from .support import ServerProcess
from .chromium import browser, serious_violations  # noqa: F401 (browser: a fixture)

PHONE = {"width": 375, "height": 800}
QUERY = "mensenhandel"


@pytest.fixture(scope="module")
def server(index_dir):
    process = ServerProcess(index_dir)
    yield process
    process.stop()


def api(server, path: str) -> dict:
    with urllib.request.urlopen(server.url + path, timeout=10) as response:
        return json.loads(response.read())


def goto(pg, url: str) -> None:
    response = pg.goto(url)
    assert response is not None and response.status == 200, (url, response and response.status)


def open_page(browser, url: str, viewport: dict, javascript: bool = True):
    context = browser.new_context(viewport=viewport, java_script_enabled=javascript)
    pg = context.new_page()
    goto(pg, url)
    return context, pg


def a_theme(server) -> str:
    return api(server, f"/api/search?q={QUERY}")["facets"]["theme"][0]["value"]


@pytest.mark.parametrize("javascript", [True, False])
def test_phone_shows_results_first_and_filters_behind_a_toggle(browser, server, javascript):
    theme = a_theme(server)
    context, pg = open_page(browser, f"{server.url}/?q={QUERY}&theme={theme}", PHONE, javascript)
    try:
        title = pg.locator(".result h3 a").first
        expect(title).to_be_visible()
        assert title.bounding_box()["y"] + title.bounding_box()["height"] < PHONE["height"]
        toggle = pg.locator(".filters-toggle summary")
        expect(toggle).to_have_text("Filters (1)")
        expect(pg.locator(".facet-form")).to_be_hidden()
        expect(pg.locator(".chip", has_text=theme)).to_be_visible()        # what is chosen stays in sight
        toggle.click()
        labels = pg.locator(".facet[data-facet=year] label")
        expect(labels.first).to_be_visible()
        if javascript:                        # axe is evaluated as script
            assert serious_violations(pg) == []
        # choosing a year there filters the results, with or without JavaScript
        year = labels.first.inner_text().split()[0]
        labels.first.click()
        if not javascript:
            pg.get_by_role("button", name="Filters toepassen").click()
        expect(pg).to_have_url(re.compile(rf"year={year}"))
        expect(pg.locator(".chip", has_text=year)).to_be_visible()
        expect(pg.locator(".filters-toggle summary")).to_have_text("Filters (2)")
    finally:
        context.close()


def test_phone_start_page_and_no_filters_selected(browser, server):
    context, pg = open_page(browser, server.url + "/", PHONE)
    try:
        expect(pg.locator(".filters-toggle summary")).to_have_text("Filters")
        expect(pg.locator(".facet-form")).to_be_hidden()
        first = pg.locator(".theme-list a").first
        expect(first).to_be_visible()
        assert first.bounding_box()["y"] < PHONE["height"]
        overflow = pg.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1
        assert serious_violations(pg) == []
    finally:
        context.close()


def test_wide_screen_shows_the_filters_without_a_toggle(browser, server):
    context, pg = open_page(browser, f"{server.url}/?q={QUERY}", {"width": 1280, "height": 900})
    try:
        expect(pg.locator(".filters-toggle")).to_be_hidden()
        expect(pg.get_by_role("heading", name="Filters")).to_be_visible()
        expect(pg.locator(".facet[data-facet=theme] label").first).to_be_visible()
        form = pg.locator(".facet-form").bounding_box()
        result = pg.locator(".result").first.bounding_box()
        assert form["x"] + form["width"] <= result["x"]          # side by side
    finally:
        context.close()


def test_empty_facets_are_not_shown(client):
    response = client.get("/?q=zzzqqqxxx")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Niets gevonden" in html and "Geen waarden." not in html and 'class="facet"' not in html
    response = client.get(f"/?q={QUERY}")
    assert response.status_code == 200
    body = client.get(f"/api/search?q={QUERY}").get_json()
    shown = re.findall(r'class="facet" data-facet="(\w+)"', response.get_data(as_text=True))
    assert shown == [name for name, values in body["facets"].items() if values]
