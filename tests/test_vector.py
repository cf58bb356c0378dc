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
