"""The search page groups results by document: two sections per document, then "Nog N resultaten in dit
document", a link that filters on the document and shows it as a removable chip; group=none turns it off."""
from __future__ import annotations

import html as htmllib
import re
from collections import Counter
from urllib.parse import parse_qs, urlsplit

QUERY = "mensenhandel"


def page_html(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return htmllib.unescape(response.get_data(as_text=True))


def api(client, path: str) -> dict:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_json()


def crumbs(html: str) -> list[str]:
    """The document title of each result on a page, in order."""
    return re.findall(r'<p class="breadcrumb">(.*?) › ', html)


def more_links(html: str) -> list[tuple[str, int]]:
    link = r'<p class="more-in-document"><a href="([^"]+)">Nog (\d+) (?:resultaat|resultaten) in dit document'
    return [(href, int(n)) for href, n in re.findall(link, html)]


def grouped_hit(client) -> dict:
    """A result of QUERY whose document has more matching sections than the grouped list shows (via the API)."""
    body = api(client, f"/api/search?q={QUERY}&group=document&per_page=10")
    return next(r for r in body["results"] if r["more_in_document"])


def test_page_groups_by_document_and_links_to_the_rest(client):
    hit = grouped_hit(client)
    html = page_html(client, f"/?q={QUERY}")
    assert max(Counter(crumbs(html)).values()) <= 2
    links = more_links(html)
    assert links
    href, count = next((h, n) for h, n in links
                       if parse_qs(urlsplit(h).query).get("document") == [hit["document"]["id"]])
    assert count == hit["more_in_document"]["count"]
    assert parse_qs(urlsplit(href).query) == {"q": [QUERY], "document": [hit["document"]["id"]]}
    in_document = page_html(client, href)
    total = api(client, f"/api/search?q={QUERY}&document={hit['document']['id']}")["total"]
    assert total == count + 2
    assert re.search(rf'<p class="result-count"[^>]*>{total} resultaten', in_document)
    assert set(crumbs(in_document)) == {hit["document"]["title"]} and len(crumbs(in_document)) == min(total, 10)
    assert not more_links(in_document)
    chip = re.search(r'<a class="chip" href="([^"]+)" aria-label="Filter Document: ([^"]+) verwijderen">Document: ',
                     in_document)
    assert chip and chip.group(2) == hit["document"]["title"]
    assert parse_qs(urlsplit(chip.group(1)).query) == {"q": [QUERY]}         # removing it keeps the query


def test_document_filter_is_kept_by_the_forms_and_the_facets(client):
    doc_id = grouped_hit(client)["document"]["id"]
    html = page_html(client, f"/?q={QUERY}&document={doc_id}")
    assert html.count(f'<input type="hidden" name="document" value="{doc_id}">') == 2      # search box and filters
    urls = re.findall(r'data-url="([^"]+)"', html)
    assert urls and all(parse_qs(urlsplit(u).query)["document"] == [doc_id] for u in urls)


def test_group_none_lists_every_section(client):
    body = api(client, f"/api/search?q={QUERY}&per_page=10")
    most = max(Counter(r["document"]["id"] for r in body["results"]).values())
    assert most > 2                                        # the ungrouped list holds more of one document
    html = page_html(client, f"/?q={QUERY}&group=none")
    assert max(Counter(crumbs(html)).values()) == most and not more_links(html)
    # the choice is kept by the links the page offers
    assert "group=none" in re.search(r'<a href="([^"]+)">nieuwste eerst</a>', html).group(1)
    assert re.search(r'name="group" value="none"', html)
