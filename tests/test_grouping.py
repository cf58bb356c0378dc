"""group=document: at most two sections of one document in a result list, the rest counted;
document=<id> keeps one document's sections. The API is ungrouped by default, the page grouped."""
from __future__ import annotations

from collections import Counter

import pytest

from indexer.search import SearchError
from indexer.search.params import SECTIONS_PER_DOCUMENT

# a theme word many sections of each seed report speak of: several sections per document match
BROAD = "veiligheid"


def test_grouped_list_holds_at_most_two_sections_per_document(service):
    ungrouped = service.search(BROAD, per_page=50)
    assert max(Counter(h.doc_id for h in ungrouped.hits).values()) > SECTIONS_PER_DOCUMENT   # the test can fail
    grouped = service.search(BROAD, per_page=50, group="document")
    assert max(Counter(h.doc_id for h in grouped.hits).values()) <= SECTIONS_PER_DOCUMENT
    assert grouped.total == ungrouped.total          # the matches are the same; only the list is shorter
    assert grouped.total_grouped < grouped.total


def test_more_in_document_counts_the_rest_on_the_last_listed_section(service):
    grouped = service.search(BROAD, per_page=50, group="document")
    flagged = [h for h in grouped.hits if h.more_in_document]
    assert flagged
    for hit in flagged:
        listed = [h for h in grouped.hits if h.doc_id == hit.doc_id]
        assert len(listed) == SECTIONS_PER_DOCUMENT and listed[-1].id == hit.id
        in_document = service.search(BROAD, document=hit.doc_id, per_page=50)
        assert hit.more_in_document == in_document.total - SECTIONS_PER_DOCUMENT


def test_grouped_pages_continue_without_repeats(service):
    first = service.search(BROAD, per_page=5, group="document")
    second = service.search(BROAD, per_page=5, page=2, group="document")
    whole = service.search(BROAD, per_page=10, group="document")
    assert [h.id for h in first.hits + second.hits] == [h.id for h in whole.hits]


def test_grouping_keeps_relevance_order_of_what_it_lists(service):
    ungrouped = [h.id for h in service.search(BROAD, per_page=50).hits]
    grouped = [h.id for h in service.search(BROAD, per_page=10, group="document").hits]
    positions = [ungrouped.index(i) for i in grouped if i in ungrouped]
    assert positions == sorted(positions)


def test_grouping_the_newest_list(service):
    grouped = service.search("", sort="newest", per_page=20, group="document")
    assert max(Counter(h.doc_id for h in grouped.hits).values()) <= SECTIONS_PER_DOCUMENT
    years = [h.year or 0 for h in grouped.hits]
    assert years == sorted(years, reverse=True)


def test_document_filter_keeps_one_documents_sections(service):
    doc_id = service.search(BROAD).hits[0].doc_id
    response = service.search(BROAD, document=doc_id, per_page=50)
    assert response.total > 0 and {h.doc_id for h in response.hits} == {doc_id}
    # facet counts are over that document's matches too
    assert sum(v.count for v in response.facets["type"]) >= response.total


def test_bad_group_is_a_dutch_error(service):
    with pytest.raises(SearchError, match="group moet"):
        service.search(BROAD, group="theme")


def test_an_unknown_document_matches_nothing(service):
    # a bookmark of a removed document: an empty list, not an error
    assert service.search(BROAD, document="geen-document-met-deze-naam").total == 0


def test_api_is_ungrouped_by_default_and_groups_on_request(client):
    plain = client.get(f"/api/search?q={BROAD}&per_page=50").get_json()
    assert "total_grouped" not in plain and all(r["more_in_document"] is None for r in plain["results"])
    grouped = client.get(f"/api/search?q={BROAD}&per_page=50&group=document").get_json()
    assert grouped["total_grouped"] < grouped["total"]
    more = [r for r in grouped["results"] if r["more_in_document"]]
    assert more and more[0]["more_in_document"]["document"] == more[0]["document"]["id"]
    doc = more[0]["document"]["id"]
    filtered = client.get(f"/api/search?q={BROAD}&document={doc}&per_page=50").get_json()
    assert filtered["total"] == more[0]["more_in_document"]["count"] + SECTIONS_PER_DOCUMENT


def test_api_refuses_a_bad_group_with_json_400(client):
    response = client.get(f"/api/search?q={BROAD}&group=x")
    assert response.status_code == 400 and "group" in response.get_json()["error"]
    response = client.get(f"/api/search?q={BROAD}&document=" + "x" * 400)
    assert response.status_code == 400 and "document" in response.get_json()["error"].lower()


def test_page_groups_by_default(client):
    response = client.get(f"/?q={BROAD}&per_page=50")
    assert response.status_code == 200
    ungrouped = client.get(f"/?q={BROAD}&per_page=50&group=none")
    assert ungrouped.status_code == 200
    assert response.data.count(b'class="result"') < ungrouped.data.count(b'class="result"')
