"""The numpy query evaluation ranks exactly as Whoosh's own matchers do, at a fraction of the cost."""
from __future__ import annotations

import json

import numpy as np
import pytest

from indexer.search.compile import QueryCompiler, SearchOptions
from indexer.search.parse import parse_query

from .conftest import SHARED

QUERIES = [q["q"] for name in ("queries.dev.json", "queries.natural.dev.json")
           for q in json.loads((SHARED / "eval" / name).read_text(encoding="utf-8"))]
QUERIES += ['"Koffer Verkeerd"', "jeugd OF jongeren", "cybercrime -hackshield", "woonoverlat", "leerhuis EN politie"]


@pytest.mark.parametrize("q", QUERIES)
def test_vector_scores_and_order_equal_whoosh(service, q):
    generation = service.generation
    built = QueryCompiler(generation.lexicon, generation.indexed, SearchOptions()).compile(parse_query(q))
    whoosh = generation.searcher().search(built.query, limit=None, terms=False)
    scores, matches = generation.vectors.score(built.query)
    assert int(matches.sum()) == len(whoosh)
    expected = [(hit.docnum, hit.score) for hit in whoosh[:10]]
    ranked = np.lexsort((np.arange(len(scores)), -np.where(matches, scores, -1.0)))[:len(expected)]
    assert [int(n) for n in ranked] == [n for n, _ in expected]
    assert np.allclose([scores[n] for n, _ in expected], [score for _, score in expected])


def test_a_phrase_that_decides_the_matches_is_checked_everywhere(tmp_path):
    """Its words occur together in far more sections than are checked for bonuses; only some hold it."""
    from indexer.ingest.build import build_index
    from indexer.search import SearchService

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for number in range(400):
        words = "de rode auto stond" if number % 4 == 0 else "de auto stond naast het rode huis"
        (corpus / f"melding-{number:03}.txt").write_text(
            f"Melding {number}\n\nIn wijk {number} {words} bij de school en de buurtbewoners meldden dat "
            f"aan de wijkagent van dienst.\n", encoding="utf-8")
    build_index(corpus, tmp_path / "index")
    service = SearchService(tmp_path / "index")
    try:
        generation = service.generation
        quoted = service.search('"rode auto"')
        whoosh = generation.searcher().search(
            QueryCompiler(generation.lexicon, generation.indexed, SearchOptions()).compile(
                parse_query('"rode auto"')).query, limit=None)
        assert quoted.total == len(whoosh) == 100
        assert service.search('wijkagent -"rode auto"').total == service.search("wijkagent").total - 100
        assert service.search("rode auto stond").total == 400
    finally:
        service.close()
