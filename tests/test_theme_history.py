"""The section page's "Dit thema in andere jaren": the theme's sections in other documents, newest first."""
from __future__ import annotations

import html as htmllib
import re
from urllib.parse import quote

HEADING = "Dit thema in andere jaren"


def api(client, path: str) -> dict:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_json()


def page_html(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def theme_sections(client, theme: str) -> list[dict]:
    """Every section of a theme, newest first, through the API."""
    out, page = [], 1
    while True:
        body = api(client, f"/api/search?theme={quote(theme)}&sort=newest&per_page=50&page={page}")
        out += body["results"]
        if len(out) >= body["total"]:
            return out
        page += 1


def themes_by_documents(client) -> dict[str, list[dict]]:
    themes = [item["value"] for item in api(client, "/api/search?per_page=1")["facets"]["theme"]]
    return {theme: theme_sections(client, theme) for theme in themes}


def history_links(html: str) -> list[tuple[str, str]]:
    """(section URL, the year · document line) of each entry of the block."""
    start = html.index('class="theme-history"')
    block = html[start:html.index("</ul>", start)]
    entry = r'<li><a href="([^"]+)">.*?</a> <span class="doc-meta">(.*?)</span></li>'
    return [(htmllib.unescape(href), htmllib.unescape(meta)) for href, meta in re.findall(entry, block)]


def test_other_documents_of_the_theme_newest_first(client):
    by_theme = themes_by_documents(client)
    # a section whose theme appears in at least two other documents
    theme, sections = next((t, s) for t, s in by_theme.items() if len({r["document"]["id"] for r in s}) >= 3)
    section = sections[-1]                                   # the oldest: the others are newer
    html = page_html(client, section["url"])
    assert HEADING in html
    entries = history_links(html)
    others, per_document = [], {}
    for r in sections:      # the list is grouped: at most two sections of one document
        doc = r["document"]["id"]
        per_document[doc] = per_document.get(doc, 0) + 1
        if doc != section["document"]["id"] and per_document[doc] <= 2:
            others.append(r)
    assert 0 < len(entries) <= 6
    assert [url for url, _ in entries] == [r["url"] for r in others][:len(entries)]
    assert len(entries) == min(6, len(others))
    years = []
    for url, meta in entries:
        shown = api(client, "/api/sections/" + url.rsplit("/", 1)[1])
        assert shown["theme"] == theme and shown["document"]["id"] != section["document"]["id"]
        assert meta == (f"{shown['year']} · " if shown["year"] else "") + shown["document"]["title"]
        years.append(shown["year"] or 0)
        assert client.get(url).status_code == 200
    assert years == sorted(years, reverse=True)
    more = re.search(r'<a href="([^"]+)">Alles over ', html)
    assert more and client.get(htmllib.unescape(more.group(1))).status_code == 200


def test_block_hidden_when_the_theme_has_no_other_document(client):
    by_theme = themes_by_documents(client)
    lonely = [s for s in by_theme.values() if len({r["document"]["id"] for r in s}) == 1]
    assert lonely, "the corpus should hold a theme found in one document only"
    html = page_html(client, lonely[0][0]["url"])
    assert "Andere secties uit dit document" in html and HEADING not in html and "theme-history" not in html
