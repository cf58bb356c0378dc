"""Atom feeds of searches: ``/feed.atom`` takes the search page's parameters and lists the newest sections.

A feed reader follows a search ("mensenhandel", theme Ondermijning) and sees new sections appear.
Entries are sections, newest year first. The index knows a section's year, not a date: an entry's
``updated`` is 1 January of its year (00:00 UTC), and a section without a year gets 1 January 1970,
so undated sections sort last as they do on the page. Ids are ``urn:uuid:`` names derived from the
section id (UUID version 5), so an entry keeps its id across reindexes and hosts.

Document text is untrusted: the XML is written by ElementTree (which escapes), after removing the
characters XML 1.0 cannot carry at all.
"""
from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
from datetime import datetime, timezone

from flask import Blueprint, Response, current_app, request

from werkzeug.datastructures import MultiDict

from indexer.facets import FACET_NAMES, FACETS_BY_NAME
from indexer.search import SearchError

from .facets import state_url
from .pages import page_state
from .requests_args import search_args
from .search_service import get_service
from .serialise import section_url

bp = Blueprint("feeds", __name__)

ATOM = "http://www.w3.org/2005/Atom"
FEED_ENTRIES = 20
SEARCHED = ("q", *FACET_NAMES, "document")
FEED_TYPE = "application/atom+xml; charset=utf-8"
UNDATED = datetime(1970, 1, 1, tzinfo=timezone.utc)
# a fixed namespace for our ids: uuid5(NAMESPACE_URL, this) — never change it, readers remember ids
ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:kennisbank:sectie")
NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value) -> str:
    """Text as XML 1.0 can hold it (ElementTree escapes markup but passes control characters on)."""
    return NOT_XML.sub("", str(value))


def entry_id(section_id: str) -> str:
    """A section's stable Atom id."""
    return f"urn:uuid:{uuid.uuid5(ID_NAMESPACE, section_id)}"


def year_instant(year: int | None) -> datetime:
    """What we know of a section's date: 1 January of its year, or the epoch when it has none."""
    return datetime(year, 1, 1, tzinfo=timezone.utc) if year else UNDATED


def rfc3339(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def describe(q: str, filters: dict[str, list], document_title: str | None) -> str:
    """The search in Dutch words, for the feed's title."""
    parts = [f"‘{q}’"] if q else []
    parts += [f"{FACETS_BY_NAME[name].label}: {', '.join(FACETS_BY_NAME[name].value_label(v) for v in values)}"
              for name, values in filters.items() if name in FACETS_BY_NAME]
    if document_title:
        parts.append(f"Document: {document_title}")
    return " · ".join(parts) or "alle secties"


def add(parent: ET.Element, tag: str, text: str | None = None, **attributes) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: xml_text(v) for k, v in attributes.items()})
    if text is not None:
        element.text = xml_text(text)
    return element


@bp.get("/feed.atom")
def search_feed():
    """The newest FEED_ENTRIES sections of the search in the query string, as Atom; bad parameters: a Dutch 400."""
    try:
        # what is searched comes from the page's parameters; how it is listed is the feed's own
        # (page, per_page, sort and group are ignored, like any parameter nobody reads)
        searched = MultiDict([(key, value) for key, value in request.args.items(multi=True) if key in SEARCHED])
        params = search_args(searched)
        params.update(page=1, per_page=FEED_ENTRIES, sort="newest", group="none")
        response = get_service().search(**params)
    except SearchError as exc:
        return Response(f"Deze feed bestaat niet: {exc}\n", 400, content_type="text/plain; charset=utf-8")
    # a request's Host header is the client's to choose: a deployment names its address once
    root = current_app.config["PUBLIC_URL"] or request.host_url.rstrip("/")
    state = {**page_state(request.args), "sort": [], "group": []}
    page_url, self_url = root + state_url(state), root + state_url(state, path="/feed.atom")
    hits = response.hits
    document = params.get("document")
    document_title = (get_service().document_title(document) or document) if document else None
    site = current_app.config["SITE_NAME"]

    feed = ET.Element("feed", {"xmlns": ATOM, "xml:lang": "nl"})   # plain names in the Atom default namespace
    add(feed, "title", f"{site}: {describe(response.query, params['filters'], document_title)}")
    add(feed, "subtitle", "De nieuwste secties van deze zoekopdracht, nieuwste jaar eerst.")
    add(feed, "id", f"urn:uuid:{uuid.uuid5(ID_NAMESPACE, state_url(state))}")
    add(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    add(feed, "link", rel="alternate", type="text/html", href=page_url)
    add(feed, "updated", rfc3339(max((year_instant(hit.year) for hit in hits), default=UNDATED)))
    add(add(feed, "author"), "name", site)
    add(feed, "generator", "Kennisbank")
    for hit in hits:
        entry = add(feed, "entry")
        add(entry, "title", f"{hit.title} · {hit.doc_title}")
        add(entry, "link", rel="alternate", type="text/html", href=root + section_url(hit.id))
        add(entry, "id", entry_id(hit.id))
        add(entry, "updated", rfc3339(year_instant(hit.year)))
        if hit.organisation:
            add(add(entry, "author"), "name", hit.organisation)
        if hit.theme:
            add(entry, "category", term=hit.theme, label=hit.theme)
        add(entry, "summary", hit.snippet.text)
    body = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    answer = Response(body, 200, content_type=FEED_TYPE)
    if not current_app.config["PUBLIC_URL"]:
        answer.vary.add("Host")          # its links name the Host asked for: a cache keeps one feed per host
    return answer
