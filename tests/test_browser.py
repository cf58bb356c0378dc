"""The search page in a real headless Chromium (Debian's), driven by Playwright (the embeds: test_embed.py).

Screenshots go to artifacts/ at the repository root.
"""
from __future__ import annotations

import json
import re
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from .chromium import ARTIFACTS, browser, goto, serious_violations  # noqa: F401 (browser: a fixture)
from .support import ServerProcess as Server



@pytest.fixture(scope="module")
def live(index_dir):
    """A real server of the test index (the embeds on another origin: test_embed.py)."""
    server = Server(index_dir)
    yield server
    server.stop()


@pytest.fixture()
def page(browser, live):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    yield pg
    context.close()


def first_section_path(server, query: str) -> str:
    """The section page of the best hit for a query, found through the API (never a hard-coded id)."""
    with urllib.request.urlopen(f"{server.url}/api/search?q={query}", timeout=10) as response:
        return json.loads(response.read())["results"][0]["url"]


def document_of(server, query: str) -> str:
    """The document of the best hit for a query (for a document-filtered page)."""
    with urllib.request.urlopen(f"{server.url}/api/search?q={query}", timeout=10) as response:
        return json.loads(response.read())["results"][0]["document"]["id"]


def test_search_as_you_type_updates_results_and_url(page, live):
    server = live
    goto(page, server.url + "/")
    page.get_by_label("Zoekterm").fill("mensenhandelmonitor")
    expect(page.locator(".result-count")).to_contain_text("voor mensenhandelmonitor")
    expect(page).to_have_url(re.compile(r"q=mensenhandelmonitor"))
    expect(page.locator(".result").first.locator("mark").first).to_be_visible()


def test_the_head_feed_link_follows_the_search_shown(page, live):
    """Feed readers and browsers read the <head> link: after a search without reload it names that search."""
    goto(page, live.url + "/?q=leerhuis")
    page.get_by_label("Zoekterm").fill("mensenhandelmonitor")
    expect(page.locator(".result-count")).to_contain_text("voor mensenhandelmonitor")
    head = page.locator('head link[rel=alternate][type="application/atom+xml"]')
    expect(head).to_have_count(1)
    href = head.get_attribute("href")
    assert href == page.locator(".feed-link a").get_attribute("href")
    assert urlsplit(href).path == "/feed.atom" and parse_qs(urlsplit(href).query) == {"q": ["mensenhandelmonitor"]}
    with urllib.request.urlopen(live.url + href, timeout=10) as response:
        assert response.status == 200 and b"mensenhandel" in response.read().lower()


def test_facet_selection_and_removal(page, live):
    server = live
    goto(page, server.url + "/?q=leerhuis")
    total_before = int(page.locator(".result-count").inner_text().split()[0])
    page.locator(".facet[data-facet=theme] label", has_text="Kennisbijeenkomsten").click()
    expect(page).to_have_url(re.compile(r"theme=Kennisbijeenkomsten"))
    chip = page.locator(".chip", has_text="Kennisbijeenkomsten")
    expect(chip).to_be_visible()
    total_after = int(page.locator(".result-count").inner_text().split()[0])
    assert 0 < total_after < total_before
    # counts are disjunctive: other themes are still offered with their counts
    assert page.locator(".facet[data-facet=theme] .facet-option").count() > 1
    chip.click()
    expect(page.locator(".chip")).to_have_count(0)
    expect(page).not_to_have_url(re.compile(r"theme="))


def test_paging(page, live):
    server = live
    goto(page, server.url + "/?sort=newest&group=none")       # "/" alone is the start page
    page.get_by_role("link", name="Pagina 2").click()
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(page.locator("ol.result-list")).to_have_attribute("start", "11")


def test_works_without_javascript(browser, live):
    server = live
    context = browser.new_context(java_script_enabled=False)
    pg = context.new_page()
    goto(pg, server.url + "/")
    pg.get_by_label("Zoekterm").fill("woonoverlast")
    pg.get_by_role("button", name="Zoeken").click()
    expect(pg).to_have_url(re.compile(r"\?q=woonoverlast"))
    pg.locator(".facet[data-facet=theme] label", has_text="Veilig wonen").click()
    pg.get_by_role("button", name="Filters toepassen").click()
    expect(pg).to_have_url(re.compile(r"theme=Veilig\+wonen"))
    expect(pg.locator(".chip", has_text="Veilig wonen")).to_be_visible()
    context.close()


def test_section_page_from_a_result(page, live):
    server = live
    goto(page, server.url + "/?q=RCTM")
    expect(page.locator(".notice.acronym")).to_contain_text("RCTM = Regionaal Controleteam Mensenhandel")
    page.locator(".result h3 a").first.click()
    expect(page).to_have_url(re.compile(r"/sectie/"))
    expect(page.locator(".section-text mark").first).to_be_visible()
    expect(page.get_by_role("heading", name="Andere secties uit dit document")).to_be_visible()


def test_keyboard_only_use(page, live):
    server = live
    goto(page, server.url + "/")
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Zoekterm")).to_be_focused()
    page.keyboard.type("geldezels")
    page.keyboard.press("Enter")
    expect(page.locator(".result-count")).to_contain_text("voor geldezels")
    outline = page.evaluate("() => { const a = document.querySelector('.result h3 a'); a.focus(); "
                            "return getComputedStyle(a).outlineStyle }")
    assert outline != "none"


@pytest.mark.parametrize("path", ["/", "/?q=mensenhandel&theme=Mensenhandel", "SECTION?q=RCTM", "/?q=mensenhandel",
                                  "/?q=ouderen", "/?q=qqxyzw", "/?sort=newest&group=none", "/embed?compact=1",
                                  "/?q=burgernet&document=DOCUMENT"])
def test_no_serious_accessibility_violations(page, live, path):
    server = live
    path = path.replace("SECTION", first_section_path(server, "RCTM"))
    path = path.replace("DOCUMENT", document_of(server, "burgernet"))
    goto(page, server.url + path)
    assert serious_violations(page) == []


def test_usable_at_320_px_and_200_percent_zoom(browser, live):
    server = live
    for viewport, scale in (({"width": 320, "height": 640}, 1), ({"width": 640, "height": 450}, 2)):
        context = browser.new_context(viewport=viewport, device_scale_factor=scale)
        pg = context.new_page()
        goto(pg, server.url + "/?q=mensenhandel")
        if scale == 2:
            pg.evaluate("() => document.body.style.zoom = '200%'")
        overflow = pg.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1
        expect(pg.get_by_label("Zoekterm")).to_be_visible()
        context.close()


def test_screenshots(browser, live):
    server = live
    ARTIFACTS.mkdir(exist_ok=True)
    for name, viewport in (("search-desktop.png", {"width": 1280, "height": 900}),
                           ("search-375.png", {"width": 375, "height": 812})):
        context = browser.new_context(viewport=viewport)
        pg = context.new_page()
        goto(pg, server.url + "/?q=mensenhandel")
        pg.screenshot(path=str(ARTIFACTS / name), full_page=True)
        context.close()
        assert (ARTIFACTS / name).stat().st_size > 10_000
