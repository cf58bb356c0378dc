"""Load with a reindex running: 8 clients against `kennisbank serve --workers 2` (a real process on
127.0.0.1) with the mixed workload of scripts/load_test.py (searches with and without filters, a
typo, an acronym, the empty query, page 2, suggestions, section pages, the HTML page), while
`kennisbank reindex` runs against the same index path. Shorter here than in scripts/bench (60 s);
what is asserted is correctness, not speed: no error, every reindex completes, and afterwards the
server serves the new generation. The figures are printed (pytest -s) and measured in scripts/bench."""
from __future__ import annotations

import shutil

from indexer.ingest.build import build_index
from scripts.load_test import load_with_reindex, table

from .conftest import CORPUS


def test_eight_clients_see_no_error_while_reindexes_run(tmp_path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(CORPUS, corpus)
    build_index(corpus, index)

    run = load_with_reindex(corpus, index, seconds=10, clients=8, workers=2)
    figures = run.figures()
    print("\n" + table(figures))

    assert run.error_count == 0, run.errors
    assert run.reindexes, "no reindex ran during the load"
    assert [r.exit_code for r in run.reindexes] == [0] * len(run.reindexes), [r.error for r in run.reindexes]
    assert run.found_after, "the server does not serve the last reindex's document"
    assert all(row["n"] > 0 for row in figures["kinds"].values()), figures["kinds"]   # every kind was sent
    assert figures["requests"] > 100
