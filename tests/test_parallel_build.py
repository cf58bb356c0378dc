"""A generation written by several processes (one segment each) searches exactly like one written by one."""
from __future__ import annotations

import pytest
from whoosh import index as whoosh_index

from indexer.analysis import Decompounder
from indexer.ingest.build import make_lexicon, write_generation
from indexer.ingest.pipeline import ingest_files
from indexer.search import SearchService

from .conftest import CORPUS

QUERIES = ["mensenhandel", "woonoverlast jongeren", "RIEC", "samenwerking politie gemeente", "ondermijning 2022"]


@pytest.fixture(scope="module")
def generations(tmp_path_factory):
    done = ingest_files(CORPUS)
    lexicon = make_lexicon(done, {"stemming": True, "compounds": True}, None)
    decompounder = Decompounder(lexicon["parts"])
    root = tmp_path_factory.mktemp("parallel")
    for writers in (1, 3):
        write_generation(root / f"w{writers}", done.sections, lexicon, decompounder, writers=writers)
    return root / "w1", root / "w3"


def test_each_writer_adds_one_segment_and_no_section_is_lost(generations):
    one, three = (whoosh_index.open_dir(str(path)) for path in generations)
    assert len(one._segments()) == 1 and len(three._segments()) == 3
    assert three.doc_count() == one.doc_count() > 0
    with one.searcher() as a, three.searcher() as b:
        assert [a.stored_fields(n)["id"] for n in range(a.doc_count())] == \
               [b.stored_fields(n)["id"] for n in range(b.doc_count())]        # corpus order kept


@pytest.mark.parametrize("q", QUERIES)
def test_same_ranking_snippets_and_facets(generations, q):
    one, three = (SearchService(path) for path in generations)
    try:
        a, b = one.search(q, per_page=20), three.search(q, per_page=20)
        assert a.total == b.total > 0
        assert a.hits == b.hits                     # same sections in the same order, same snippets
        assert a.facets == b.facets
    finally:
        one.close()
        three.close()
