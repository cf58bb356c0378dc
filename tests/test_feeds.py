"""Atom feeds of searches (/feed.atom): the page's parameters, newest first, well-formed and escaped."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import urlencode, urlsplit

import pytest

from indexer.ingest.build import build_index
from search_app import create_app
from search_app.feeds import xml_text

from .test_hostile_documents import QUERY as HOSTILE_QUERY
from .test_hostile_documents import write_hostile_corpus

ATOM = "{http://www.w3.org/2005/Atom}"
FEED_TYPE = "application/atom+xml; charset=utf-8"


def feed(client, params: dict | list) -> tuple[ET.Element, bytes]:
    """The feed of a search, parsed (a feed that is not well-formed XML fails here)."""
    response = client.get("/feed.atom?" + urlencode(params, doseq=True))
    assert response.status_code == 200, (params, response.status_code, response.get_data(as_text=True)[:300])
    assert response.headers["Content-Type"] == FEED_TYPE
    root = ET.fromstring(response.data)
    assert root.tag == ATOM + "feed"
    return root, response.data


def entries(root: ET.Element) -> list[ET.Element]:
    return root.findall(ATOM + "entry")


def text(element: ET.Element, tag: str) -> str:
    found = element.find(ATOM + tag)
    assert found is not None, tag
    return found.text or ""


def alternate(element: ET.Element) -> str:
    return next(link.get("href") for link in element.findall(ATOM + "link") if link.get("rel") == "alternate")


def test_feed_lists_the_newest_sections_of_the_search(client):
    params = {"q": "mensenhandel", "theme": "Mensenhandel"}
    root, _ = feed(client, params)
    api = client.get("/api/search?" + urlencode({**params, "sort": "newest", "per_page": 50})).get_json()
    items = entries(root)
    assert 0 < len(items) <= 20
    # the same search as the page and the API, newest first: the same sections in the same order
    assert [urlsplit(alternate(e)).path for e in items] == [r["url"] for r in api["results"]][:len(items)]
    years = [int(text(e, "updated")[:4]) for e in items]
    assert years == sorted(years, reverse=True) and years[0] > years[-1]
    assert years == [r["year"] for r in api["results"]][:len(items)]
    assert text(root, "updated") == text(items[0], "updated")
    for entry, result in zip(items, api["results"]):
        assert text(entry, "title") == f"{result['title']} · {result['document']['title']}"
        assert text(entry, "updated") == f"{result['year']}-01-01T00:00:00Z"
        assert text(entry, "summary") and "<mark>" not in text(entry, "summary")     # plain text, no markup
        assert entry.find(ATOM + "category").get("term") == "Mensenhandel"


def test_feed_holds_at_most_twenty_entries_and_absolute_links_that_load(client):
    root, _ = feed(client, {})
    items = entries(root)
    total = client.get("/api/search?per_page=1").get_json()["total"]
    assert len(items) == min(20, total) and total > 20
    for entry in items[:5]:
        link = urlsplit(alternate(entry))
        assert link.scheme == "http" and link.netloc == "localhost"
        assert client.get(link.path).status_code == 200
    self_link = next(link.get("href") for link in root.findall(ATOM + "link") if link.get("rel") == "self")
    assert urlsplit(self_link).path == "/feed.atom"


def test_links_start_with_the_configured_public_address_whatever_host_a_request_names(index_dir):
    app = create_app({"INDEX_DIR": str(index_dir), "PUBLIC_URL": "https://kennisbank.example.nl/", "TESTING": True})
    response = app.test_client().get("/feed.atom?q=mensenhandel", headers={"Host": "aanvaller.example"})
    assert response.status_code == 200
    links = [link.get("href") for link in ET.fromstring(response.data).iter(ATOM + "link")]
    assert len(links) > 2 and all(href.startswith("https://kennisbank.example.nl/") for href in links)
    assert b"aanvaller" not in response.data
    assert "Host" not in response.vary


def test_without_a_public_address_the_feed_says_it_varies_with_the_host(client):
    """Its links then name the Host a request asked for: a shared cache must not hand one host's feed to another."""
    response = client.get("/feed.atom?q=mensenhandel", headers={"Host": "kennisbank.voorbeeld.nl"})
    assert response.status_code == 200 and "Host" in response.vary
    links = [link.get("href") for link in ET.fromstring(response.data).iter(ATOM + "link")]
    assert all(href.startswith("http://kennisbank.voorbeeld.nl/") for href in links)


def test_entry_ids_are_stable_and_distinct(client):
    first = [text(e, "id") for e in entries(feed(client, {"q": "monitor"})[0])]
    again = [text(e, "id") for e in entries(feed(client, {"q": "monitor"})[0])]
    assert first == again and len(set(first)) == len(first)
    assert all(i.startswith("urn:uuid:") for i in first)
    # the id belongs to the section, not to the search that listed it
    by_section = {urlsplit(alternate(e)).path: text(e, "id") for e in entries(feed(client, {})[0])}
    for entry in entries(feed(client, {"q": "monitor"})[0]):
        path = urlsplit(alternate(entry)).path
        if path in by_section:
            assert by_section[path] == text(entry, "id")


def test_feed_follows_the_document_filter(client):
    doc_id = client.get("/api/search?q=mensenhandel").get_json()["results"][0]["document"]["id"]
    own = client.get(f"/api/search?document={doc_id}&sort=newest&per_page=20").get_json()
    root, _ = feed(client, {"document": doc_id})
    assert [urlsplit(alternate(e)).path for e in entries(root)] == [r["url"] for r in own["results"]]
    assert own["results"][0]["document"]["title"] in text(root, "title")


@pytest.mark.parametrize("query", ["year=abc", "theme=Bestaat+niet", "year=2024&year=" + "9" * 300,
                                   "q=" + "a" * 501, "document=" + "d" * 301])
def test_bad_parameters_give_a_dutch_400(client, query):
    response = client.get("/feed.atom?" + query)
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and response.mimetype == "text/plain"
    assert body.startswith("Deze feed bestaat niet:") and "Traceback" not in body


def test_paging_and_sorting_parameters_do_not_change_the_feed(client):
    plain = [text(e, "id") for e in entries(feed(client, {"q": "monitor"})[0])]
    listed = [text(e, "id") for e in entries(feed(client, {"q": "monitor", "page": "x", "per_page": "0",
                                                           "sort": "oud", "group": "document"})[0])]
    assert listed == plain


@pytest.fixture(scope="module")
def hostile_client(tmp_path_factory):
    """An app on an index of hostile documents, plus one whose manifest title ends a CDATA section."""
    root = tmp_path_factory.mktemp("hostile-feed")
    corpus = write_hostile_corpus(root / "corpus")
    (corpus / "stuurtekens.md").write_text(
        "# Stuurtekens en ondermijning\n\nTekst over ondermijning met ]]> einde van CDATA, &amp; een entiteit "
        "en <b>vet</b> als tekst. Ondermijning blijft aandacht vragen in de regio.\n", encoding="utf-8")
    with open(corpus / "manifest.toml", "a", encoding="utf-8") as manifest:
        manifest.write('\n[[document]]\nfile = "stuurtekens.md"\n'
                       'title = "Stuurtekens ]]> ondermijning"\n'
                       'organisation = "Organisatie & co"\nyears = [2023]\n')
    index = root / "index"
    build_index(corpus, index)
    return create_app({"INDEX_DIR": str(index)}).test_client()


def test_hostile_text_is_escaped_and_well_formed(hostile_client):
    root, raw = feed(hostile_client, {"q": HOSTILE_QUERY})
    items = entries(root)
    assert len(items) >= 3
    shown = " ".join(text(e, "title") + " " + text(e, "summary") + " " + text(e.find(ATOM + "author"), "name")
                     for e in items)
    # the payloads are there as text (escaped in the XML), never as markup
    assert "<script>" in shown and "<img" in shown and "<b>vet</b>" in shown and "&amp;" in shown
    assert b"<script" not in raw and b"<img" not in raw and b"<b>" not in raw
    for element in root.iter():
        assert element.tag.startswith(ATOM), element.tag        # nothing from a document became an element
    assert "Stuurtekens ]]> ondermijning" in shown and "Organisatie & co" in shown


@pytest.mark.parametrize("value, shown", [
    ("Stuurtekens \x01 \x0b ]]> ondermijning", "Stuurtekens   ]]> ondermijning"),
    ("Organisatie \x1f\ufffe", "Organisatie "), ("regel\teen\nregel twee\r", "regel\teen\nregel twee\r"),
    ("geëvalueerd 🚓", "geëvalueerd 🚓"), (2024, "2024"),
])
def test_feed_text_drops_what_xml_cannot_hold(value, shown):
    """The manifest refuses control characters (test_build_safety.py); the feed drops any that get through."""
    assert xml_text(value) == shown


def test_feed_answers_a_head_request_and_each_search_has_its_own_id(client):
    one, _ = feed(client, {"q": "mensenhandel"})
    other, _ = feed(client, {"q": "monitor"})
    again, _ = feed(client, {"q": "mensenhandel"})
    assert text(one, "id") != text(other, "id") and text(one, "id") == text(again, "id")
    assert client.head("/feed.atom?q=mensenhandel").status_code == 200
