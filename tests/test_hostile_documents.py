"""Hostile documents, indexed for real and opened in real headless Chromium.

A corpus of one HTML page and one Markdown document full of payloads (script tags, event
handlers, ``javascript:``/``data:``/``vbscript:`` links, SVG, iframe, object and embed
payloads, attribute breakers) plus a manifest whose ``url``, title and organisation are
payloads too. Every payload would set ``window.__pwned`` or call ``alert``. On the search
page, the section pages, the iframe embed and the script embed (on a page of another local
origin) no dialog may open, ``__pwned`` must stay undefined in every frame, every link must
be http(s), mailto or our own, and the payloads must be visible as text (so they were shown,
escaped, not merely missing). The Content-Security-Policy is the second line: it must not
have had to block anything on our pages.
"""
from __future__ import annotations

import json
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from indexer.ingest.build import build_index

from .support import ServerProcess, StaticSite, free_port
from .chromium import browser  # noqa: F401 (browser: a fixture)

QUERY = "ondermijning"
SAFE_SCHEMES = ("http:", "https:", "mailto:")

HOSTILE_HTML = """<!doctype html><html lang="nl"><head><meta charset="utf-8">
<title>Kwaadaardige pagina &lt;script&gt;window.__pwned='title'&lt;/script&gt;</title>
<script>window.__pwned = 'head-script'; alert('head')</script>
<meta http-equiv="refresh" content="0;url=javascript:alert('refresh')">
</head><body>
<h1>Aanpak ondermijning <img src=x onerror="window.__pwned='h1-img';alert('h1')"></h1>
<p>Het regionaal informatie- en expertisecentrum pakt ondermijning aan met bestuurlijke middelen.
<script>window.__pwned='body-script'; alert('body')</script> Malafide ondernemers en ondermijning in
het buitengebied blijven aandacht vragen. <b onmouseover="window.__pwned='hover'">Beweeg hier</b></p>
<p>Lees <a href="javascript:window.__pwned='js-link';alert('js-link')">het rapport over ondermijning</a> of
<a href=" JaVaScRiPt:window.__pwned='js-link-2'">de samenvatting</a> of
<a href="data:text/html,&lt;script&gt;alert('data')&lt;/script&gt;">de bijlage</a> of
<a href="vbscript:msgbox('vbs')">het oude formulier</a> of
<a href="https://www.example.org/ondermijning">de website</a>.</p>
<svg width="10" height="10" onload="window.__pwned='svg-onload';alert('svg')"><script>window.__pwned='svg'</script></svg>
<iframe src="javascript:parent.__pwned='iframe-js'"></iframe>
<iframe srcdoc="&lt;script&gt;parent.__pwned='srcdoc'&lt;/script&gt;"></iframe>
<p>Tekst met &lt;img src=x onerror="window.__pwned='escaped-img';alert('escaped')"&gt; erin en
&lt;script&gt;window.__pwned='escaped-script'&lt;/script&gt; over ondermijning en malafide ondernemers.</p>
<h2>Vervolg ondermijning &lt;svg onload=alert('h2')&gt;</h2>
<p>Nog meer tekst over ondermijning: "&gt;&lt;script&gt;window.__pwned='attr-break'&lt;/script&gt; en
' onmouseover='window.__pwned=1' en `backticks` ${window.__pwned='template'} {{7*7}}.</p>
</body></html>
"""

HOSTILE_MARKDOWN = """---
title: "Handreiking <script>window.__pwned='front-title'</script> ondermijning"
---
# Handreiking ondermijning <img src=x onerror="window.__pwned='md-heading'">

Gemeenten die ondermijning willen aanpakken kunnen <svg/onload=window.__pwned='md-svg'> deze handreiking
gebruiken. Zie <iframe src="javascript:alert('md-iframe')"></iframe> en <script>alert('md-script')</script>.

- [Klik voor ondermijning](javascript:window.__pwned='md-link';alert('md-link'))
- [Bijlage ondermijning](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)
- [Mail ons](mailto:info@example.nl)
- [Formulier](vbscript:msgbox(1))
- [Goede bron](https://www.example.org/handreiking)
- "><script>window.__pwned='md-attr'</script><a href="javascript:alert('md-a')">raw link</a>

## Tweede deel over ondermijning

Een tweede stuk tekst over ondermijning <a href="javascript:window.__pwned='md-html-a'">met html-link</a>
en <object data="javascript:alert('object')"></object> <embed src="javascript:alert('embed')"> en
<math><mtext><script>alert('math')</script></mtext></math>.
"""

HOSTILE_MANIFEST = """[[document]]
file = "handreiking.md"
id = "kwaadaardige-handreiking"
title = "Handreiking <img src=x onerror=alert('manifest-title')> ondermijning"
organisation = "Organisatie <script>window.__pwned='org'</script>"
kind = "handreiking"
years = [2024]
url = "javascript:window.__pwned='manifest-url';alert('manifest-url')"

[[document]]
file = "kwaadaardig.html"
url = "data:text/html,<script>alert('manifest-data')</script>"
"""


def write_hostile_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "kwaadaardig.html").write_text(HOSTILE_HTML, encoding="utf-8")
    (folder / "handreiking.md").write_text(HOSTILE_MARKDOWN, encoding="utf-8")
    (folder / "manifest.toml").write_text(HOSTILE_MANIFEST, encoding="utf-8")
    return folder


def host_pages(search_url: str, section_path: str) -> dict[str, str]:
    head = '<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Alliantie</title></head><body>'
    return {
        "script.html": head + '<div id="kennisbank-zoeken"></div>'
                              f'<script src="{search_url}/embed.js" data-target="#kennisbank-zoeken" async></script>',
        "iframe.html": head + f'<iframe id="embed" title="Kennisbank" src="{search_url}/embed?compact=1&q={QUERY}" '
                              'width="900" height="700"></iframe>',
        "framed.html": head + f'<iframe id="search" title="a" src="{search_url}/?q={QUERY}"></iframe>'
                              f'<iframe id="section" title="b" src="{search_url}{section_path}"></iframe>',
    }


@pytest.fixture(scope="module")
def hostile_index(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    index = root / "index"
    build_index(write_hostile_corpus(root / "corpus"), index)
    return index


@pytest.fixture(scope="module")
def live(hostile_index, tmp_path_factory):
    """The server (allowing one site's origin), that site, and a site of an origin it does not allow."""
    port = free_port()
    server = ServerProcess(hostile_index, cors=f"http://127.0.0.1:{port}")
    sections = api(server, f"/api/search?q={QUERY}")["results"]
    pages = host_pages(server.url, sections[0]["url"])
    site = StaticSite(tmp_path_factory.mktemp("site"), pages, port=port)
    stranger = StaticSite(tmp_path_factory.mktemp("stranger"), pages)
    yield server, site, stranger, sections
    stranger.stop()
    site.stop()
    server.stop()


class Watched:
    """A page whose dialogs (alert, confirm, ...), CSP reports and responses are recorded."""

    def __init__(self, browser):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.csp: list[str] = []
        self.responses: dict[str, int] = {}
        self.page.on("dialog", self.on_dialog)
        self.page.on("console", lambda m: self.csp.append(m.text) if "Content Security Policy" in m.text else None)
        self.page.on("response", lambda r: self.responses.__setitem__(r.url, r.status))

    def on_dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def goto(self, url: str) -> None:
        """Load a page and insist it loaded: a test on an error page proves nothing."""
        response = self.page.goto(url)
        assert response is not None and response.status == 200, (url, response and response.status)

    def assert_nothing_ran(self) -> None:
        self.page.mouse.move(5, 5)
        for box in self.page.locator("body *:visible").all()[:400]:     # hover: onmouseover payloads
            try:
                box.hover(timeout=200, force=True)
            except Exception:  # noqa: BLE001 - an element that moved or vanished: nothing to hover
                pass
        self.page.wait_for_timeout(300)
        assert self.dialogs == []
        for frame in self.page.frames:
            if not frame.url.startswith("chrome-error:"):
                assert frame.evaluate("() => typeof window.__pwned") == "undefined", frame.url

    def close(self) -> None:
        self.context.close()


@pytest.fixture()
def watched(browser):
    page = Watched(browser)
    yield page
    page.close()


def api(server, path: str) -> dict:
    with urllib.request.urlopen(server.url + path, timeout=10) as response:
        assert response.status == 200
        return json.loads(response.read())


LINKS_JS = ("root => [...root.querySelectorAll('a[href], area[href], iframe[src], frame[src], object[data], "
            "embed[src], form[action]')].map(e => e.href || e.src || e.data || e.action)")
PAGE_LINKS_JS = "() => (" + LINKS_JS + ")(document)"
SCRIPTS_JS = "() => [...document.scripts].map(s => s.src)"


def assert_links_safe(urls: list[str], own_origin: str) -> None:
    for url in urls:
        assert url.startswith(SAFE_SCHEMES), url
        assert url.startswith(own_origin) or "example.org" in url or url.startswith("mailto:"), url


def assert_only_own_scripts(page, own_origin: str) -> None:
    for src in page.evaluate(SCRIPTS_JS):
        assert src.startswith(own_origin + "/static/"), src       # no inline script, nothing foreign


def test_the_payloads_reached_the_index(live):
    _, _, _, sections = live
    assert len(sections) >= 2
    titles = " ".join(s["title"] + s["document"]["title"] + s["organisation"] for s in sections)
    assert "<script>" in titles and "onerror" in titles
    for section in sections:
        assert section["document"]["url"] is None                 # javascript: and data: manifest urls


def test_search_page_runs_nothing(watched, live):
    server, _, _, sections = live
    watched.goto(f"{server.url}/?q={QUERY}")
    expect(watched.page.locator(".result")).to_have_count(len(sections))
    expect(watched.page.locator(".results")).to_contain_text("<script>")     # shown as text
    organisation = next(s["organisation"] for s in sections if "<script>" in s["organisation"])
    expect(watched.page.locator(".facet[data-facet=organisation]")).to_contain_text(organisation)
    watched.page.locator(".facet[data-facet=organisation] label", has_text="Organisatie").click()
    expect(watched.page.locator(".chip")).to_have_count(1)                   # the hostile value, as a filter
    watched.page.get_by_label("Zoekterm").fill("malafide ondernemers")      # as-you-type fragment loads
    expect(watched.page.locator(".result-count")).to_contain_text("malafide")
    watched.assert_nothing_ran()
    assert_links_safe(watched.page.evaluate(PAGE_LINKS_JS),
                      server.url)
    assert_only_own_scripts(watched.page, server.url)
    assert watched.csp == []


def test_section_pages_run_nothing_and_link_only_http_and_mailto(watched, live):
    server, _, _, sections = live
    for section in sections:
        watched.goto(f"{server.url}{section['url']}?q={QUERY}")
        expect(watched.page.locator("h1")).to_contain_text(section["title"])
        watched.assert_nothing_ran()
        links = watched.page.evaluate(PAGE_LINKS_JS)
        assert_links_safe(links, server.url)
        shown = watched.page.locator(".links a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
        assert all(link.startswith(("https://www.example.org/", "mailto:")) for link in shown), shown
        assert_only_own_scripts(watched.page, server.url)
    assert watched.csp == []
    handreiking = next(s for s in sections if s["id"].startswith("kwaadaardige-handreiking"))
    watched.goto(f"{server.url}{handreiking['url']}")
    assert set(watched.page.locator(".links a").evaluate_all("as => as.map(a => a.href)")) == {
        "mailto:info@example.nl", "https://www.example.org/handreiking"}
    expect(watched.page.get_by_role("link", name="origineel document")).to_have_count(0)


def test_feed_runs_nothing_and_carries_the_payloads_as_text(watched, live):
    server, _, _, sections = live
    response = watched.page.goto(f"{server.url}/feed.atom?q={QUERY}")
    assert response is not None and response.status == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    body = response.text()
    assert "<script>" not in body and "&lt;script&gt;" in body              # escaped, not markup
    assert body.count("<entry>") == len(sections)
    watched.assert_nothing_ran()
    assert watched.csp == []


def test_iframe_embed_runs_nothing(watched, live):
    server, site, _, sections = live
    watched.goto(site.origin + "/iframe.html")
    frame = watched.page.frame_locator("#embed")
    expect(frame.locator(".result")).to_have_count(len(sections))
    assert watched.responses[f"{server.url}/embed?compact=1&q={QUERY}"] == 200
    expect(frame.locator(".results")).to_contain_text("<script>")
    frame.locator(".facet[data-facet=organisation] label", has_text="Organisatie").click()
    expect(frame.locator(".chip")).to_have_count(1)
    embedded = next(f for f in watched.page.frames if f.url.startswith(server.url))
    assert urllib.parse.urlsplit(embedded.url).path == "/embed"             # the embed's links stay in the embed
    watched.assert_nothing_ran()
    assert_links_safe(embedded.evaluate(PAGE_LINKS_JS),
                      server.url)
    assert watched.csp == []


def test_script_embed_runs_nothing(watched, live):
    server, site, _, sections = live
    watched.goto(site.origin + "/script.html")
    widget = watched.page.locator("#kennisbank-zoeken")
    expect(widget.locator(".total")).to_contain_text("resultaten")
    widget.get_by_label("Zoeken in de kennisbank").fill(QUERY)
    widget.get_by_role("button", name="Zoeken").click()
    expect(widget.locator("li.r")).to_have_count(len(sections))
    expect(widget.locator(".results")).to_contain_text("<script>")
    expect(widget.locator(".facets")).to_contain_text("Organisatie <script>")
    widget.locator("input[data-facet=organisation]").first.check()
    expect(widget.locator("input[data-facet=organisation]:checked")).to_have_count(1)
    watched.assert_nothing_ran()
    links = watched.page.evaluate("() => (" + LINKS_JS + ")(document.querySelector('#kennisbank-zoeken').shadowRoot)")
    assert links and all(link.startswith(server.url + "/sectie/") for link in links), links


def test_only_the_embed_may_be_framed_and_only_by_allowed_origins(watched, live):
    server, site, stranger, _ = live
    watched.goto(site.origin + "/framed.html")
    watched.page.wait_for_timeout(500)
    framed = [f for f in watched.page.frames if f != watched.page.main_frame]
    assert len(framed) == 2 and all(f.url.startswith("chrome-error:") for f in framed), [f.url for f in framed]
    assert sum("frame-ancestors 'none'" in message for message in watched.csp) == 2
    watched.csp.clear()
    watched.goto(stranger.origin + "/iframe.html")
    watched.page.wait_for_timeout(500)
    assert [f.url for f in watched.page.frames if f != watched.page.main_frame][0].startswith("chrome-error:")
    assert any("frame-ancestors" in message for message in watched.csp)
