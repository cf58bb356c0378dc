"""A generation written by several processes (one segment each) searches exactly like one written by one."""
from __future__ import annotations

import os

import pytest
from whoosh import index as whoosh_index

from indexer.analysis import Decompounder
from indexer.ingest import build
from indexer.ingest.build import complete_lexicon, word_parts, write_generation, write_lexicon
from indexer.ingest.bulk_writer import BulkSegmentWriter
from indexer.ingest.learn import word_totals
from indexer.ingest.pipeline import ingest_files
from indexer.ingest.processes import worked_out_beside
from indexer.schema import bind_lexicon, build_schema
from indexer.search import SearchService

from .conftest import CORPUS

QUERIES = ["mensenhandel", "woonoverlast jongeren", "RIEC", "samenwerking politie gemeente", "ondermijning 2022"]


@pytest.fixture(scope="module")
def generations(tmp_path_factory):
    """The seed sections written by one process, and by three."""
    done = ingest_files(CORPUS)
    lexicon = complete_lexicon(done, {"stemming": True, "compounds": True}, word_parts(done, None))
    decompounder = Decompounder(lexicon["parts"])
    root = tmp_path_factory.mktemp("parallel")
    for name, writers in (("w1", 1), ("w3", 3)):
        write_generation(root / name, done.sections, decompounder, writers=writers,
                         meanwhile=lambda name=name: write_lexicon(root / name, lexicon))
    return root / "w1", root / "w3"


def test_a_writer_that_finishes_leaves_the_files_of_another_one_in_place(tmp_path):
    done = ingest_files(CORPUS)
    decompounder = Decompounder(word_parts(done, None)["parts"])
    whoosh_index.create_in(str(tmp_path), build_schema(decompounder))
    ix = whoosh_index.open_dir(str(tmp_path))
    first, second = BulkSegmentWriter(ix), BulkSegmentWriter(ix)
    for writer in (first, second):
        bind_lexicon(writer.schema, decompounder)
    for section in done.sections:
        second.add_document(**build.section_fields(section))
    first.add_document(**build.section_fields(done.sections[0]))
    first.finish()                                     # deletes its own temporary directory, not the other's
    assert second.finish().doc_count() == len(done.sections)


def test_no_temporary_directory_is_left_in_the_generation(generations):
    for path in generations:
        assert not [p.name for p in path.iterdir() if p.is_dir()]


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


def test_work_beside_the_build_runs_in_a_child_and_gives_what_it_gives_here():
    done = ingest_files(CORPUS)
    with worked_out_beside(word_totals, done.lessons, in_child=True) as there, \
            worked_out_beside(os.getpid, in_child=True) as child:
        here = word_totals(done.lessons)
    assert child.result() != os.getpid()
    assert there.result() == here and list(there.result()) == list(here)


def test_a_failure_beside_the_build_is_raised_in_the_build():
    with worked_out_beside(int, "geen getal", in_child=True) as failing:
        pass
    with pytest.raises(ValueError):
        failing.result()


def test_idle_work_beside_the_build_runs_at_the_lowest_priority():
    with worked_out_beside(os.sched_getscheduler, 0, in_child=True, idle=True) as policy, \
            worked_out_beside(word_totals, [], in_child=True, idle=True) as nothing:
        pass
    assert policy.result() == os.SCHED_IDLE and os.sched_getscheduler(0) != os.SCHED_IDLE
    assert nothing.result() == word_totals([])
