"""The two embeds on another origin, in a real headless Chromium against a real server.

- The iframe embed (/embed) stays embedded: every link and form keeps the /embed path and its
  compact parameter, with JavaScript and without, and no site header appears.
- The script embed (embed.js) renders into a shadow root: suggestions (the combobox), results,
  facets, where result links open (data-link-target), the host's colours and font (CSS custom
  properties), help when nothing is found, and a clear message when the server does not
  allow the website (CORS) or cannot be reached.
"""
from __future__ import annotations

import json
import urllib.parse
import urllib.request

import pytest
from playwright.sync_api import expect

from .support import ServerProcess, StaticSite, free_port
from .test_autocomplete import prefix_with_suggestions, query_of, suggestions
from .chromium import ARTIFACTS, AXE_JS, browser, error_checked_page, goto  # noqa: F401 (browser: a fixture)

HOSTILE_CSS = "* { color: red !important; font-size: 40px !important } div { display: none }"


def host_page(search_url: str, attributes: str = "", style: str = "") -> str:
    """An 'alliance website' page that pastes the script embed snippet (with hostile CSS of its own)."""
    return ('<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Alliantie</title>'
            f"<style>{HOSTILE_CSS} {style}</style></head>"
            "<body><main><h1>Website van de alliantie</h1>"
            '<div id="kennisbank-zoeken" style="display:block"></div>'
            f'<script src="{search_url}/embed.js" data-target="#kennisbank-zoeken" {attributes} async></script>'
            "</main></body></html>")


def iframe_page(search_url: str, src: str) -> str:
    return ('<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Alliantie</title></head><body>'
            f'<iframe title="Kennisbank" src="{search_url}{src}" width="1000" height="700"></iframe></body></html>')


def api(server, path: str) -> dict:
    with urllib.request.urlopen(server.url + path, timeout=10) as response:
        return json.loads(response.read())


def paged_search(server) -> str:
    """The query string of a search whose page in the embed links to a second page of results."""
    for query in ("mensenhandel", "veiligheid", "jeugd"):
        for extra in ("", "&group=none"):
            with urllib.request.urlopen(f"{server.url}/embed?compact=1&q={query}{extra}", timeout=10) as response:
                assert response.status == 200
                if 'aria-label="Pagina 2"' in response.read().decode("utf-8"):
                    return f"q={query}{extra}"
    raise AssertionError("no search with two pages of results")


def nothing_found(server) -> str:
    """A word the index does not know, has no correction for and finds nothing with."""
    for word in ("qxzqxzqxz", "zzqqxvw", "xjqvkwz"):
        body = api(server, f"/api/search?q={word}")
        if body["total"] == 0 and not body.get("corrected_from"):
            return word
    raise AssertionError("every nonsense word found something")


@pytest.fixture(scope="module")
def live(index_dir, tmp_path_factory):
    """A server that allows one host site's origin, and that host site (another port) with its pages."""
    site_port = free_port()
    server = ServerProcess(index_dir, cors=f"http://127.0.0.1:{site_port}")
    search = paged_search(server)
    site = StaticSite(tmp_path_factory.mktemp("site"), {
        "index.html": host_page(server.url),
        "blank.html": host_page(server.url, 'data-link-target="_blank"'),
        "self.html": host_page(server.url, 'data-link-target="_self"'),
        "bogus.html": host_page(server.url, 'data-link-target="javascript:alert(1)"'),
        "styled.html": host_page(server.url, style=(
            "#kennisbank-zoeken { --kennisbank-accent: rgb(120, 0, 60); --kennisbank-font: Georgia, serif; "
            "--kennisbank-text: rgb(0, 60, 0); --kennisbank-font-size: 20px }")),
        "iframe.html": iframe_page(server.url, f"/embed?compact=1&{search}"),
        "iframe-wide.html": iframe_page(server.url, f"/embed?compact=0&{search}"),
    }, port=site_port)
    yield server, site
    site.stop()
    server.stop()


@pytest.fixture()
def page(browser, live):
    with error_checked_page(browser) as pg:
        yield pg


def widget_of(pg):
    return pg.locator("#kennisbank-zoeken")


# ---------------------------------------------------------------- the iframe embed

def embedded_frame(pg, server):
    return next(f for f in pg.frames if f.url.startswith(server.url))


def assert_still_embedded(pg, server, compact: str = "1"):
    """The iframe shows /embed with its compact parameter, and every link in it stays there too."""
    frame = embedded_frame(pg, server)
    url = urllib.parse.urlsplit(frame.url)
    assert url.path == "/embed", frame.url
    assert urllib.parse.parse_qs(url.query).get("compact") == [compact], frame.url
    expect(frame.locator("main")).to_be_visible()
    if compact == "1":
        expect(frame.locator(".site-header")).to_have_count(0)
    links = frame.locator("a[href]").evaluate_all(
        "as => as.map(a => [a.getAttribute('href'), a.getAttribute('target'), a.href])")
    assert links
    for href, target, absolute in links:
        if href.startswith("#"):
            continue                                            # the skip link
        path = urllib.parse.urlsplit(absolute)
        if path.path.startswith("/sectie/"):
            assert target == "_top", href                       # a section opens in the whole window
            continue
        assert path.path == "/embed" and urllib.parse.parse_qs(path.query).get("compact") == [compact], href
    for action in frame.locator("form").evaluate_all("fs => fs.map(f => f.action)"):
        assert urllib.parse.urlsplit(action).path == "/embed", action
    return frame


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_iframe_paging_facets_sort_and_chips_stay_in_the_embed(browser, live, javascript):
    server, site = live
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=javascript)
    pg = context.new_page()
    goto(pg, site.origin + "/iframe.html")       # frame-ancestors: only the allowed website may frame /embed
    frame = pg.frame_locator("iframe")
    expect(frame.locator(".result").first).to_be_visible()
    assert_still_embedded(pg, server)

    frame.get_by_role("link", name="Pagina 2").click()
    expect(frame.locator(".pagination [aria-current=page]")).to_have_text("2")
    assert query_of_frame(pg, server, "page") == ["2"]
    assert_still_embedded(pg, server)

    theme = frame.locator(".facet[data-facet=theme] .facet-option label").first
    label = theme.inner_text().rsplit(" (", 1)[0]
    theme.click()
    if not javascript:
        frame.get_by_role("button", name="Filters toepassen").click()
    chip = frame.locator(".chip", has_text=label)
    expect(chip).to_be_visible()
    assert query_of_frame(pg, server, "theme") == [label]
    assert_still_embedded(pg, server)

    frame.locator(".sort a", has_text="nieuwste eerst").click()
    expect(frame.locator(".sort [aria-current]")).to_have_text("nieuwste eerst")
    assert query_of_frame(pg, server, "sort") == ["newest"]
    assert_still_embedded(pg, server)

    frame.locator(".chip", has_text=label).click()
    expect(frame.locator(".chip")).to_have_count(0)
    assert query_of_frame(pg, server, "theme") == []
    assert_still_embedded(pg, server)
    context.close()


def query_of_frame(pg, server, name: str) -> list[str]:
    return urllib.parse.parse_qs(urllib.parse.urlsplit(embedded_frame(pg, server).url).query).get(name, [])


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_iframe_search_did_you_mean_and_nothing_found_stay_in_the_embed(browser, live, javascript):
    server, site = live
    typo = "mensenhandel woonoverlat"
    assert api(server, "/api/search?q=" + urllib.parse.quote(typo))["suggestion"], "the index no longer suggests"
    context = browser.new_context(java_script_enabled=javascript)
    pg = context.new_page()
    goto(pg, site.origin + "/iframe.html")
    frame = pg.frame_locator("iframe")
    box = frame.get_by_label("Zoekterm")
    box.fill(typo)
    box.press("Enter")
    expect(frame.locator(".result-count")).to_contain_text(typo)
    assert_still_embedded(pg, server)
    frame.locator(".notice a").click()                          # "Bedoelde u: ..."
    expect(frame.locator(".result-count")).not_to_contain_text(typo)
    assert_still_embedded(pg, server)

    box.fill(nothing_found(server))
    frame.get_by_role("button", name="Zoeken").click()
    expect(frame.get_by_role("heading", name="Niets gevonden")).to_be_visible()
    assert_still_embedded(pg, server)
    frame.locator(".zero .theme-list a").first.click()
    expect(frame.locator(".chip")).to_have_count(1)
    assert_still_embedded(pg, server)
    context.close()


def test_iframe_without_compact_keeps_compact_0(browser, live):
    server, site = live
    context = browser.new_context(java_script_enabled=False)
    pg = context.new_page()
    goto(pg, site.origin + "/iframe-wide.html")
    frame = pg.frame_locator("iframe")
    expect(frame.locator(".site-header")).to_be_visible()
    assert_still_embedded(pg, server, compact="0")
    frame.get_by_role("link", name="Pagina 2").click()
    expect(frame.locator(".pagination [aria-current=page]")).to_have_text("2")
    assert_still_embedded(pg, server, compact="0")
    frame.get_by_label("Zoekterm").fill("woonoverlast")
    frame.get_by_role("button", name="Zoeken").click()
    expect(frame.locator(".result-count")).to_contain_text("voor woonoverlast")
    assert_still_embedded(pg, server, compact="0")
    context.close()


def test_iframe_combobox(page, live):
    server, site = live
    goto(page, site.origin + "/iframe.html")
    frame = page.frame_locator("iframe")
    box = frame.get_by_role("combobox", name="Zoekterm")
    box.fill("")
    prefix = prefix_with_suggestions(server)
    box.press_sequentially(prefix, delay=30)
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(frame.get_by_role("option")).to_have_text(suggestions(server, prefix))
    box.press("ArrowDown")
    chosen = frame.get_by_role("option").first.inner_text()
    box.press("Enter")
    expect(frame.locator(".result-count")).to_contain_text(f"voor {chosen}")
    assert query_of_frame(page, server, "q") == [chosen]
    assert_still_embedded(page, server)


# ---------------------------------------------------------------- the script embed

def test_embed_on_another_origin_renders_real_results(page, live):
    server, site = live
    goto(page, site.origin + "/")
    widget = widget_of(page)
    expect(widget.locator(".total")).to_contain_text("resultaten")     # locators pierce the shadow root
    widget.get_by_label("Zoeken in de kennisbank").fill("RCTM")
    widget.get_by_role("button", name="Zoeken", exact=True).click()
    expect(widget.locator(".note")).to_contain_text("RCTM = Regionaal Controleteam Mensenhandel")
    expect(widget.locator("li.r").first).to_contain_text("Mensenhandel")
    expect(widget.locator("li.r .snip mark").first).to_be_visible()
    widget.locator("input[data-facet=year]").first.check()
    expect(widget.locator("input[data-facet=year]:checked")).to_have_count(1)
    # the host page's hostile CSS (red, 40px, !important) does not reach inside the shadow root
    for selector in ("li.r a", ".snip", ".total", "legend", ".crumb", ".opt label", "input[type=search]"):
        style = widget.locator(selector).first.evaluate("e => [getComputedStyle(e).color, getComputedStyle(e).fontSize]")
        assert style[0] != "rgb(255, 0, 0)" and style[1] != "40px", (selector, style)
    # the widget's combobox code runs in the script's own scope: nothing leaks onto the host page
    assert page.evaluate("() => typeof window.KennisbankCombobox") == "undefined"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "embed.png"), full_page=True)


def test_script_embed_combobox_with_the_keyboard(page, live):
    server, site = live
    goto(page, site.origin + "/")
    widget = widget_of(page)
    expect(widget.locator(".total")).to_contain_text("resultaten")
    box = widget.get_by_role("combobox", name="Zoeken in de kennisbank")
    expect(box).to_have_attribute("aria-autocomplete", "list")
    expect(box).to_have_attribute("aria-expanded", "false")
    listbox = widget.locator("#" + box.get_attribute("aria-controls"))
    expect(listbox).to_have_attribute("role", "listbox")
    prefix = prefix_with_suggestions(server)
    expected = suggestions(server, prefix)
    box.press_sequentially(prefix, delay=30)
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(listbox.get_by_role("option")).to_have_text(expected)
    box.press("ArrowDown")
    box.press("ArrowDown")
    second = listbox.get_by_role("option").nth(1)
    expect(box).to_have_attribute("aria-activedescendant", second.get_attribute("id"))
    expect(second).to_have_attribute("aria-selected", "true")
    with page.expect_response(lambda r: "/api/search" in r.url and query_of(r.url) == expected[1]) as searched:
        box.press("Enter")
    assert searched.value.status == 200
    expect(box).to_have_value(expected[1])
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(listbox).to_be_hidden()
    total = api(server, "/api/search?q=" + urllib.parse.quote(expected[1]))["total"]
    expect(widget.locator(".total")).to_have_text(f"{total} {'resultaat' if total == 1 else 'resultaten'}")
    box.fill("")
    box.press_sequentially(prefix, delay=30)
    expect(box).to_have_attribute("aria-expanded", "true")
    box.press("Escape")                                         # Escape closes, a second Escape clears
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(listbox).to_be_hidden()
    expect(box).to_have_value(prefix)
    box.press("Escape")
    expect(box).to_have_value("")


def test_script_embed_accessibility_with_the_list_open(page, live):
    server, site = live
    goto(page, site.origin + "/")
    widget = widget_of(page)
    box = widget.get_by_role("combobox", name="Zoeken in de kennisbank")
    expect(widget.locator(".total")).to_contain_text("resultaten")
    box.press_sequentially(prefix_with_suggestions(server), delay=30)
    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-expanded", "true")
    page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    # only the widget: the host page's own (deliberately hostile) styles are not ours to judge
    result = page.evaluate("async () => await axe.run({include: [['#kennisbank-zoeken']]}, "
                           "{resultTypes: ['violations']})")
    serious = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]
               if v["impact"] in ("serious", "critical")]
    assert serious == []
    assert result["passes"] or result["incomplete"]             # axe did look inside the shadow root


@pytest.mark.parametrize(("path", "target"), [("/", "_top"), ("/blank.html", "_blank"), ("/self.html", "_self"),
                                               ("/bogus.html", "_top")])
def test_data_link_target(page, live, path, target):
    server, site = live
    goto(page, site.origin + path)
    links = widget_of(page).locator("li.r a")
    expect(links.first).to_be_visible()
    targets = set(links.evaluate_all("as => as.map(a => a.getAttribute('target'))"))
    assert targets == {target}
    hrefs = links.evaluate_all("as => as.map(a => a.href)")
    assert all(href.startswith(server.url + "/sectie/") for href in hrefs), hrefs


def test_data_link_target_blank_opens_the_section_in_a_new_window(page, live):
    server, site = live
    goto(page, site.origin + "/blank.html")
    widget = widget_of(page)
    widget.get_by_label("Zoeken in de kennisbank").fill("RCTM")
    widget.get_by_role("button", name="Zoeken", exact=True).click()
    expect(widget.locator(".note")).to_contain_text("RCTM =")
    link = widget.locator("li.r a").first
    title = link.inner_text()
    with page.context.expect_page() as opened:
        link.click()
    section = opened.value
    section.wait_for_load_state()
    assert section.url.startswith(server.url + "/sectie/") and query_of(section.url) == "RCTM"
    expect(section.locator("h1")).to_have_text(title)
    assert page.url == site.origin + "/blank.html"             # the host page stayed where it was


def test_host_colours_and_font_through_custom_properties(page, live):
    _, site = live
    goto(page, site.origin + "/styled.html")
    widget = widget_of(page)
    expect(widget.locator("li.r a").first).to_be_visible()
    button = widget.get_by_role("button", name="Zoeken", exact=True)
    assert button.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(120, 0, 60)"
    assert widget.locator("li.r a").first.evaluate("e => getComputedStyle(e).color") == "rgb(120, 0, 60)"
    assert widget.locator(".crumb").first.evaluate("e => getComputedStyle(e).fontFamily").startswith("Georgia")
    assert widget.locator(".total").evaluate("e => getComputedStyle(e).color") == "rgb(0, 60, 0)"
    assert widget.locator(".total").evaluate("e => getComputedStyle(e).fontSize") == "20px"
    assert widget.locator(".crumb").first.evaluate("e => getComputedStyle(e).fontSize") == "17px"     # .85em of it
    goto(page, site.origin + "/")                               # and without them: the widget's own defaults
    button = widget_of(page).get_by_role("button", name="Zoeken", exact=True)
    expect(widget_of(page).locator("li.r a").first).to_be_visible()
    assert button.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(11, 79, 138)"


def test_script_embed_helps_when_nothing_is_found(page, live):
    server, site = live
    nothing = nothing_found(server)
    goto(page, site.origin + "/")
    widget = widget_of(page)
    expect(widget.locator(".total")).to_contain_text("resultaten")
    zero = widget.locator(".zero")
    expect(zero).to_be_hidden()
    widget.get_by_label("Zoeken in de kennisbank").fill(nothing)
    widget.get_by_role("button", name="Zoeken", exact=True).click()
    expect(widget.locator(".total")).to_have_text("0 resultaten")
    expect(zero).to_be_visible()
    expect(zero).to_contain_text("Niets gevonden")
    expect(zero).to_contain_text("Controleer de spelling")
    expect(zero).to_contain_text("minder of andere woorden")
    expect(zero.get_by_role("button", name="wis alle filters")).to_have_count(0)   # no filter is on
    # with a filter on, the help offers to clear the filters
    widget.get_by_label("Zoeken in de kennisbank").fill("")
    widget.get_by_role("button", name="Zoeken", exact=True).click()
    expect(zero).to_be_hidden()
    widget.locator("input[data-facet=theme]").first.check()
    expect(widget.locator("input[data-facet=theme]:checked")).to_have_count(1)
    widget.get_by_label("Zoeken in de kennisbank").fill(nothing)
    widget.get_by_role("button", name="Zoeken", exact=True).click()
    expect(widget.locator(".total")).to_have_text("0 resultaten")
    expect(zero).to_contain_text("Zet minder filters aan")
    with page.expect_response(lambda r: "/api/search" in r.url and "theme=" not in r.url):
        zero.get_by_role("button", name="wis alle filters").click()
    expect(widget.locator("input[data-facet=theme]:checked")).to_have_count(0)


def test_embed_refused_for_an_origin_that_is_not_allowed(browser, index_dir, tmp_path):
    server = ServerProcess(index_dir, cors="http://somewhere-else.example")
    site = StaticSite(tmp_path, {"index.html": host_page(server.url)})
    try:
        context = browser.new_context()
        pg = context.new_page()
        console = []
        pg.on("console", lambda message: console.append((message.type, message.text)))
        goto(pg, site.origin + "/")
        widget = widget_of(pg)
        error = widget.locator(".err")
        expect(error).to_contain_text("niet toegestaan")
        expect(error).to_contain_text(urllib.parse.urlsplit(site.origin).netloc)
        expect(error).not_to_contain_text("niet bereikbaar")
        expect(widget.locator("li.r")).to_have_count(0)
        errors = [text for kind, text in console if kind == "error" and text.startswith("Kennisbank:")]
        assert len(errors) == 1 and "KENNISBANK_CORS_ORIGINS" in errors[0] and site.origin in errors[0], console
        context.close()
    finally:
        site.stop()
        server.stop()


def test_embed_says_so_when_the_server_is_down(browser, index_dir, tmp_path):
    server = ServerProcess(index_dir, cors="*")
    site = StaticSite(tmp_path, {"index.html": host_page(server.url)})
    try:
        context = browser.new_context()
        pg = context.new_page()
        goto(pg, site.origin + "/")
        widget = widget_of(pg)
        expect(widget.locator("li.r").first).to_be_visible()
        server.stop()
        widget.get_by_label("Zoeken in de kennisbank").fill("woonoverlast")
        widget.get_by_role("button", name="Zoeken", exact=True).click()
        expect(widget.locator(".err")).to_contain_text("De zoekdienst is niet bereikbaar")
        expect(widget.locator("li.r")).to_have_count(0)
        context.close()
    finally:
        site.stop()


def test_stale_embed_results_never_replace_newer_ones(page, live):
    """The results of an older search that answers late are dropped."""
    server, site = live
    goto(page, site.origin + "/")
    widget = widget_of(page)
    expect(widget.locator(".total")).to_contain_text("resultaten")
    held = []
    page.route(lambda url: "/api/search" in url and query_of(url) == "woonoverlast", lambda route: held.append(route))
    box = widget.get_by_label("Zoeken in de kennisbank")
    box.fill("woonoverlast")
    widget.get_by_role("button", name="Zoeken", exact=True).click()
    page.wait_for_timeout(300)
    assert held
    box.fill("RCTM")
    widget.get_by_role("button", name="Zoeken", exact=True).click()
    expect(widget.locator(".note")).to_contain_text("RCTM =")
    shown = widget.locator(".total").inner_text()
    for route in held:
        try:
            route.continue_()
        except Exception:  # noqa: BLE001 - the widget already aborted that request, as it may
            pass
    page.wait_for_timeout(600)
    expect(widget.locator(".total")).to_have_text(shown)
    expect(widget.locator(".note")).to_contain_text("RCTM =")



def test_script_embed_marks_searches_made_while_typing(page, live):
    """As-you-type searches carry typing=1 (the last word is completed, never corrected, and the
    query log does not count them); a submitted search does not."""
    server, site = live
    goto(page, site.origin + "/")
    widget = widget_of(page)
    expect(widget.locator(".total")).to_contain_text("resultaten")
    sent = []
    page.on("request", lambda r: sent.append(r.url) if "/api/search" in r.url else None)
    box = widget.get_by_label("Zoeken in de kennisbank")
    with page.expect_response(lambda r: "/api/search" in r.url and query_of(r.url) == "ondermij"):
        box.press_sequentially("ondermij", delay=30)
    expect(widget.locator(".total")).not_to_have_text("0 resultaten")
    typed = [url for url in sent if query_of(url) == "ondermij"]
    assert typed and all("typing=1" in url for url in typed)
    expect(widget.locator(".note")).to_have_count(0)                 # not 'corrected' to another word
    sent.clear()
    widget.get_by_role("button", name="Zoeken", exact=True).click()
    page.wait_for_timeout(500)
    assert sent and not any("typing=1" in url for url in sent)
