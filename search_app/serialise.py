"""The engine's records as the JSON API's dicts: URLs, Dutch labels and escaped HTML.

The one place that knows the web routes of a section and how marked text becomes HTML;
the API, the page and the CLI's ``--json`` all use it. It is also the one owner of links
that come from documents (a section's links, a document's or manifest's url): only
``http:``, ``https:`` and ``mailto:`` URLs pass, so no page, embed or API client ever gets
a ``javascript:`` or ``data:`` link to click.
"""
from __future__ import annotations

import html
import re
from urllib.parse import quote, urlsplit

from indexer.facets import FACETS, FACETS_BY_NAME
from indexer.search import FacetValue, Hit, MarkedText, SearchResponse, SectionView, Sibling

SECTION_ROUTE = "/sectie/"
LINK_SCHEMES = ("http", "https", "mailto")
MAX_LINK_LENGTH = 2000
# what a browser's URL parser drops before reading a scheme: C0 controls and spaces at either
# end, ASCII tab and newlines anywhere ("java\tscript:" is "javascript:" to a browser)
URL_IGNORED = re.compile(r"^[\x00-\x20]+|[\x00-\x20]+$|[\t\n\r]")


def section_url(section_id: str) -> str:
    """The section page of a section."""
    return SECTION_ROUTE + quote(section_id, safe="")


def safe_link(url) -> str | None:
    """A link from a document as it may be offered for clicking: absolute http(s) or mailto, else None."""
    if not isinstance(url, str) or len(url) > MAX_LINK_LENGTH:
        return None
    cleaned = URL_IGNORED.sub("", url)
    if not cleaned or any(ord(c) < 32 or c == "\x7f" for c in cleaned):
        return None
    try:
        parts = urlsplit(cleaned)
    except ValueError:               # e.g. an unbalanced IPv6 bracket
        return None
    scheme = parts.scheme.lower()
    if scheme not in LINK_SCHEMES or (scheme != "mailto" and not parts.hostname):
        return None
    return cleaned


def safe_links(urls) -> list[str]:
    """The clickable ones of a document's links, each once."""
    return list(dict.fromkeys(link for link in map(safe_link, urls or []) if link))


def marked_html(marked: MarkedText) -> str:
    """Escape everything from the document; only <mark> is markup."""
    out, cursor, text = [], 0, marked.text
    for start, end in marked.marks:
        out.append(html.escape(text[cursor:start]))
        out.append("<mark>" + html.escape(text[start:end]) + "</mark>")
        cursor = end
    out.append(html.escape(text[cursor:]))
    return "".join(out)


def hit_dict(hit: Hit) -> dict:
    """A result as the API returns it (README, 'HTTP API')."""
    return {
        "id": hit.id,
        "title": hit.title,
        "document": {"id": hit.doc_id, "title": hit.doc_title, "url": safe_link(hit.doc_url)},
        "url": section_url(hit.id),
        "anchor": hit.anchor,
        "breadcrumb": hit.breadcrumb,
        "theme": hit.theme, "year": hit.year, "type": hit.type,
        "type_label": FACETS_BY_NAME["type"].value_label(hit.type),
        "organisation": hit.organisation,
        "snippet": marked_html(hit.snippet),
        "more_in_document": {"count": hit.more_in_document, "document": hit.doc_id} if hit.more_in_document else None,
    }


def facet_value_dict(facet: str, item: FacetValue) -> dict:
    return {"value": item.value, "label": FACETS_BY_NAME[facet].value_label(item.value), "count": item.count,
            "selected": item.selected}


def search_dict(response: SearchResponse) -> dict:
    """The /api/search response."""
    body = {
        "query": response.query, "total": response.total, "page": response.page, "per_page": response.per_page,
        "results": [hit_dict(hit) for hit in response.hits],
        "facets": {spec.name: [facet_value_dict(spec.name, item) for item in response.facets[spec.name]]
                   for spec in FACETS},
        "suggestion": response.suggestion,
        "expansions": [{"term": e.term, "means": e.means, "kind": e.kind} for e in response.expansions],
        "facet_labels": {spec.name: spec.label for spec in FACETS},
    }
    if response.corrected_from:
        body["corrected_from"] = response.corrected_from
    if response.total_grouped is not None:
        body["total_grouped"] = response.total_grouped
    return body


def sibling_dict(sibling: Sibling) -> dict:
    return {"id": sibling.id, "title": sibling.title, "year": sibling.year, "type": sibling.type,
            "url": section_url(sibling.id)}


def section_dict(view: SectionView) -> dict:
    """The /api/sections/<id> response: the result fields plus text, links, also_in and siblings."""
    return {**hit_dict(view.hit), "text": view.body.text, "links": safe_links(view.links), "also_in": view.also_in,
            "siblings": [sibling_dict(s) for s in view.siblings]}
