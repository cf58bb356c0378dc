"""Autocomplete in the search box of the page and the iframe embed: the WAI-ARIA combobox with a
listbox popup, fed by /api/suggest of a real server, in a real headless Chromium.

The embed script's combobox is tested in test_embed.py.
"""
from __future__ import annotations

import json
import urllib.parse
import urllib.request

import pytest
from playwright.sync_api import expect

from .support import ServerProcess
from .chromium import browser, error_checked_page, goto, serious_violations  # noqa: F401 (browser: a fixture)


def suggestions(server, text: str) -> list[str]:
    """What the real API suggests for a text (the tests compare the page with it)."""
    url = f"{server.url}/api/suggest?q={urllib.parse.quote(text)}"
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())["suggestions"]


def prefix_with_suggestions(server, minimum: int = 3) -> str:
    """The first word of the index's own suggestions cut to a prefix that still has several completions."""
    for start in ("me", "wo", "le", "on", "ju"):
        words = [s for s in suggestions(server, start) if " " not in s and len(s) >= 6]
        for word in words:
            prefix = word[:5]
            if len(suggestions(server, prefix)) >= minimum:
                return prefix
    raise AssertionError("the test index suggests nothing for any prefix")


@pytest.fixture(scope="module")
def server(index_dir):
    with ServerProcess(index_dir) as running:
        yield running


@pytest.fixture()
def page(browser):
    with error_checked_page(browser) as pg:
        yield pg


def query_of(url: str) -> str | None:
    return urllib.parse.parse_qs(urllib.parse.urlsplit(url).query).get("q", [None])[0]


def combobox(pg):
    return pg.get_by_role("combobox", name="Zoekterm")


def listbox_of(pg, box):
    return pg.locator("#" + box.get_attribute("aria-controls"))


def type_prefix(pg, server) -> tuple[str, list[str]]:
    prefix = prefix_with_suggestions(server)
    box = combobox(pg)
    box.press_sequentially(prefix, delay=30)
    expect(box).to_have_attribute("aria-expanded", "true")
    expected = suggestions(server, prefix)
    expect(listbox_of(pg, box).get_by_role("option")).to_have_text(expected)
    return prefix, expected


@pytest.mark.parametrize("path", ["/", "/embed?compact=1"])
def test_keyboard_picks_a_suggestion_and_searches_it(page, server, path):
    goto(page, server.url + path)
    box = combobox(page)
    expect(box).to_have_attribute("aria-autocomplete", "list")
    expect(box).to_have_attribute("aria-expanded", "false")
    listbox = listbox_of(page, box)
    expect(listbox).to_have_attribute("role", "listbox")
    expect(listbox).to_be_hidden()
    prefix, expected = type_prefix(page, server)
    expect(listbox).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="suggesties")).to_have_text(f"{len(expected)} suggesties")
    # search-as-you-type goes on beside the suggestions
    expect(page.locator(".result-count")).to_contain_text(f"voor {prefix}")
    options = listbox.get_by_role("option")
    assert box.get_attribute("aria-activedescendant") is None
    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", options.nth(0).get_attribute("id"))
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", options.nth(1).get_attribute("id"))
    expect(options.nth(0)).to_have_attribute("aria-selected", "false")
    box.press("ArrowUp")
    box.press("ArrowUp")                                        # from the first option it wraps to the last
    expect(box).to_have_attribute("aria-activedescendant", options.nth(len(expected) - 1).get_attribute("id"))
    box.press("ArrowDown")                                      # and back round to the first
    expect(box).to_be_focused()                                 # focus never leaves the text box
    chosen = expected[0]
    box.press("Enter")
    expect(box).to_have_value(chosen)
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(listbox).to_be_hidden()
    assert box.get_attribute("aria-activedescendant") is None
    expect(page.locator(".result-count")).to_contain_text(f"voor {chosen}")
    assert query_of(page.url) == chosen
    assert urllib.parse.urlsplit(page.url).path == path.split("?")[0]


def test_enter_without_an_option_searches_what_was_typed(page, server):
    goto(page, server.url + "/")
    prefix, _ = type_prefix(page, server)
    combobox(page).press("Enter")
    expect(combobox(page)).to_have_value(prefix)
    expect(combobox(page)).to_have_attribute("aria-expanded", "false")
    expect(page.locator(".result-count")).to_contain_text(f"voor {prefix}")


def test_escape_closes_then_clears_and_tab_leaves(page, server):
    goto(page, server.url + "/")
    box = combobox(page)
    prefix, _ = type_prefix(page, server)
    box.press("ArrowDown")
    box.press("Escape")
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(listbox_of(page, box)).to_be_hidden()
    expect(box).to_have_value(prefix)                           # the first Escape only closes the list
    assert box.get_attribute("aria-activedescendant") is None
    box.press("Escape")
    expect(box).to_have_value("")
    expect(page.locator(".result-count")).not_to_contain_text("voor")   # the cleared box lists everything
    type_prefix(page, server)
    box.press("Tab")
    expect(box).not_to_be_focused()
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(listbox_of(page, box)).to_be_hidden()


def test_a_click_picks_a_suggestion(page, server):
    goto(page, server.url + "/")
    box = combobox(page)
    _, expected = type_prefix(page, server)
    listbox_of(page, box).get_by_role("option").nth(1).click()
    expect(box).to_have_value(expected[1])
    expect(box).to_be_focused()
    expect(listbox_of(page, box)).to_be_hidden()
    expect(page.locator(".result-count")).to_contain_text(f"voor {expected[1]}")


def test_an_answer_for_an_older_input_never_replaces_a_newer_one(page, server):
    """The answer for the shorter prefix is held back until the longer prefix's list is shown."""
    goto(page, server.url + "/")
    longer = prefix_with_suggestions(server)
    shorter = next(longer[:n] for n in range(2, len(longer))
                   if set(suggestions(server, longer[:n])) != set(suggestions(server, longer)))
    held = []
    page.route(lambda url: "/api/suggest" in url and query_of(url) == shorter, lambda route: held.append(route))
    box = combobox(page)
    box.press_sequentially(shorter, delay=30)
    page.wait_for_timeout(400)                                  # past the debounce: the request is out (and held)
    assert held, "the suggestions for the shorter text were never asked for"
    box.press_sequentially(longer[len(shorter):], delay=30)
    options = listbox_of(page, box).get_by_role("option")
    expect(options).to_have_text(suggestions(server, longer))
    for route in held:                                          # now the old answer arrives (if still wanted)
        try:
            route.continue_()
        except Exception:  # noqa: BLE001 - the page already aborted that request, as it may
            pass
    page.wait_for_timeout(600)
    expect(options).to_have_text(suggestions(server, longer))
    expect(box).to_have_value(longer)


def test_no_suggestion_list_once_the_box_is_left(page, server):
    """An answer that arrives after focus left the box does not open the list over the page."""
    goto(page, server.url + "/")
    prefix = prefix_with_suggestions(server)
    box = combobox(page)
    box.press_sequentially(prefix, delay=30)
    box.press("Tab")                                            # before the debounce has run out
    page.wait_for_timeout(500)
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(listbox_of(page, box)).to_be_hidden()


def test_suggestions_are_text_not_markup(page, server):
    goto(page, server.url + "/")
    box = combobox(page)
    type_prefix(page, server)
    html = listbox_of(page, box).evaluate("l => [...l.children].map(o => o.children.length)")
    assert html and set(html) == {0}


@pytest.mark.parametrize("path", ["/", "/embed?compact=1", "/embed?compact=0"])
def test_no_serious_accessibility_violations_with_the_list_open(page, server, path):
    goto(page, server.url + path)
    box = combobox(page)
    type_prefix(page, server)
    box.press("ArrowDown")
    first = listbox_of(page, box).get_by_role("option").first
    expect(box).to_have_attribute("aria-activedescendant", first.get_attribute("id"))
    assert serious_violations(page) == []
    expect(listbox_of(page, box)).to_be_visible()               # axe looked at the open list


def test_without_javascript_the_box_is_a_plain_search_field(browser, server):
    context = browser.new_context(java_script_enabled=False)
    pg = context.new_page()
    goto(pg, server.url + "/")
    box = pg.get_by_label("Zoekterm")
    assert box.get_attribute("role") is None and box.get_attribute("aria-expanded") is None
    box.fill("woonoverlast")
    pg.get_by_role("button", name="Zoeken").click()
    expect(pg.locator(".result-count")).to_contain_text("voor woonoverlast")
    context.close()
