"""The start page: `/` (and `/embed`) without a query or filter shows the themes with their counts and the
newest documents, not a list of every section; each link leads to a page that shows what it promises."""
from __future__ import annotations

import html as htmllib
import re
from urllib.parse import parse_qs, urlsplit


def page_html(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def block(html: str, css_class: str) -> str:
    """The inside of the first element with this class up to its closing </ul> (the template's lists)."""
    start = html.index(f'class="{css_class}"')
    return html[start:html.index("</ul>", start)]


def links(fragment: str) -> list[tuple[str, str]]:
    """(href, visible text without tags) of every link in a piece of HTML, unescaped."""
    return [(htmllib.unescape(href), htmllib.unescape(re.sub(r"<[^>]+>", "", text)).strip())
            for href, text in re.findall(r'<a href="([^"]*)"[^>]*>(.*?)</a>', fragment, re.S)]


def api(client, path: str) -> dict:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_json()


def test_start_page_lists_themes_with_counts_not_every_section(client):
    html = page_html(client, "/")
    assert 'class="result-list"' not in html                  # no relevance list of all sections
    everything = api(client, "/api/search?per_page=1")
    expected = {item["label"]: item["count"] for item in everything["facets"]["theme"]}
    shown = {}
    for href, text in links(block(html, "theme-list")):
        label, count = re.fullmatch(r"(.+) \((\d+)\)", text).groups()
        shown[label] = int(count)
        assert parse_qs(urlsplit(href).query) == {"theme": [label]}, href
    assert shown == expected and len(shown) > 1
    assert f"{everything['total']} secties" in html


def test_a_theme_link_filters_on_the_theme(client):
    href, text = links(block(page_html(client, "/"), "theme-list"))[0]
    label, count = re.fullmatch(r"(.+) \((\d+)\)", text).groups()
    html = page_html(client, href)
    assert f'aria-label="Filter Thema: {label} verwijderen"' in htmllib.unescape(html)
    assert re.search(rf'<p class="result-count"[^>]*>{count} resultat', html)


def test_newest_documents_once_each_newest_year_first(client):
    entries = links(block(page_html(client, "/"), "newest-documents"))
    assert len(entries) > 1
    ids = [parse_qs(urlsplit(href).query)["document"][0] for href, _ in entries]
    assert len(ids) == len(set(ids))                          # one entry per document
    newest = api(client, "/api/search?sort=newest&per_page=1")["results"][0]
    assert ids[0] == newest["document"]["id"]
    years = []
    for doc_id, (_, title) in zip(ids, entries):
        own = api(client, f"/api/search?document={doc_id}&sort=newest&per_page=50")
        assert own["total"] > 0 and {r["document"]["title"] for r in own["results"]} == {title}
        years.append(own["results"][0]["year"] or 0)
    assert years == sorted(years, reverse=True) and years[0] > years[-1]


def test_a_document_link_shows_that_document_with_a_removable_chip(client):
    href, title = links(block(page_html(client, "/"), "newest-documents"))[0]
    html = htmllib.unescape(page_html(client, href))
    doc_id = parse_qs(urlsplit(href).query)["document"][0]
    total = api(client, f"/api/search?document={doc_id}")["total"]
    assert re.search(rf'<p class="result-count"[^>]*>{total} resultat', html)
    assert f"Document: {title}" in html and "Filters (1)" in html
    crumbs = re.findall(r'<p class="breadcrumb">(.*?) › ', html)
    assert crumbs and set(crumbs) == {title}
    assert "in dit document</a>" not in html                  # one document: all its sections, no grouping


def test_sort_or_a_later_page_lists_every_section(client):
    everything = api(client, "/api/search?sort=newest&per_page=10")
    html = page_html(client, "/?sort=newest")
    assert 'class="result-list"' in html and "newest-documents" not in html
    assert f"{everything['total']} resultaten" in html
    assert 'class="result-list"' in page_html(client, "/?page=2")


def test_embed_start_page_is_compact_and_stays_in_the_embed(client):
    html = page_html(client, "/embed")
    assert 'class="compact"' in html and "site-header" not in html
    for href, _ in links(block(html, "theme-list")) + links(block(html, "newest-documents")):
        assert href.startswith("/embed?") and "compact=1" in href, href
    assert "/feed.atom" not in html                           # the embed offers no feed of its own


def test_results_fragment_without_query_is_the_start_page(client):
    html = page_html(client, "/?fragment=1")
    assert "<html" not in html and "newest-documents" in html and 'aria-live="polite"' in html


def test_search_pages_offer_their_atom_feed(client):
    html = page_html(client, "/?q=mensenhandel&theme=Mensenhandel&sort=newest&page=1")
    head = html.split("</head>")[0]
    feed = re.search(r'<link rel="alternate" type="application/atom\+xml" title="[^"]+" href="([^"]+)">', head)
    assert feed
    href = htmllib.unescape(feed.group(1))
    assert urlsplit(href).path == "/feed.atom"
    assert parse_qs(urlsplit(href).query) == {"q": ["mensenhandel"], "theme": ["Mensenhandel"]}
    assert f'href="{feed.group(1)}" type="application/atom+xml">Volg deze zoekopdracht (Atom)</a>' in html
    assert client.get(href).status_code == 200
    bad = client.get("/?year=abc")
    assert bad.status_code == 400 and "/feed.atom" not in bad.get_data(as_text=True)
