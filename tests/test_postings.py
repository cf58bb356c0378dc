"""Postings read a block at a time give Whoosh's own numbers: every posting's id and BM25F score
bit for bit, and a phrase matches and scores where Whoosh's phrase matcher says it does."""
from __future__ import annotations

import random
from types import SimpleNamespace

import numpy as np
import pytest
from whoosh.query import Phrase
from whoosh.query.spans import Span, SpanNear2

from indexer.ingest.build import build_index
from indexer.schema import TEXT_FIELDS
from indexer.search import SearchService
from indexer.search import postings
from indexer.search.compile import QueryCompiler, SearchOptions
from indexer.search.parse import parse_query
from indexer.search.vector import UPPER_BOUND, Evaluation, phrases

from .test_build_safety import tiny_corpus


def some_terms(reader, count: int, seed: int = 3) -> list[tuple[str, str]]:
    """Terms of every searched field: the most frequent ones and a random sample of the rest."""
    terms = []
    for field in TEXT_FIELDS:
        words = [(reader.doc_frequency(field, t), t.decode("utf-8")) for t in reader.lexicon(field)]
        words.sort(reverse=True)
        rest = [w for _, w in words[20:]]
        terms += [(field, w) for _, w in words[:20]]
        terms += [(field, w) for w in random.Random(seed).sample(rest, min(count, len(rest)))]
    return terms


def assert_decoded_as_whoosh_scores(generation, monkeypatch) -> None:
    searcher = generation.searcher()
    whoosh_matcher = postings.decode_slowly
    monkeypatch.setattr(postings, "decode_slowly", lambda *args: pytest.fail("left to Whoosh's matcher"))
    for field, text in some_terms(searcher.reader(), 150):
        ids, scores = generation.vectors.postings(field, text)
        slow_ids, slow_scores = whoosh_matcher(searcher, field, text)
        assert np.array_equal(ids, slow_ids), (field, text)
        assert np.array_equal(scores, slow_scores), (field, text)             # the same floats, not close ones


def test_every_posting_has_whooshs_id_and_score(service, monkeypatch):
    assert_decoded_as_whoosh_scores(service.generation, monkeypatch)


def test_postings_of_several_segments_skip_their_deleted_sections(tmp_path, monkeypatch):
    """As a generation that shares segments with the one before it: one section deleted, one added."""
    import json
    import os

    from indexer.analysis import Decompounder
    from indexer.schema import LEXICON_FILE, bind_lexicon
    from indexer.search.generation import open_readonly

    build_index(tiny_corpus(tmp_path / "corpus", 6), tmp_path / "index")
    path = os.path.realpath(tmp_path / "index")
    index = open_readonly(path)
    index.storage.readonly = False
    parts = json.loads((tmp_path / "index" / LEXICON_FILE).read_text(encoding="utf-8"))["parts"]
    writer = index.writer()
    bind_lexicon(writer.schema, Decompounder(parts))
    first = index.searcher().stored_fields(0)
    writer.delete_document(0)
    writer.add_document(**{**first, "id": "extra--aanpak", "text": first["text"] + " De aanpak werd herzien."})
    writer.commit(merge=False)
    service = SearchService(tmp_path / "index")
    try:
        generation = service.generation
        assert not generation.searcher().is_atomic() and not generation.live.all()   # what this test is about
        assert_decoded_as_whoosh_scores(generation, monkeypatch)
        for q in ("partners bespraken aanpak", "aanpak werd herzien", "signalen oppakt"):
            for phrase in phrases(QueryCompiler(generation.lexicon, generation.indexed, SearchOptions())
                                  .compile(parse_query(q)).query):
                assert_phrase_as_whoosh(generation, phrase)
    finally:
        service.close()


def whoosh_phrase_scores(searcher, phrase: Phrase, docnums) -> dict[int, float]:
    """The definition: Whoosh's phrase matcher, skipped to each section."""
    matcher = phrase.matcher(searcher)
    found = {}
    for docnum in sorted(docnums):
        if not matcher.is_active():
            break
        if matcher.id() < docnum:
            matcher.skip_to(docnum)
            if not matcher.is_active():
                break
        if matcher.id() == docnum:
            found[docnum] = matcher.score()
    return found


@pytest.mark.parametrize("words, slop, boost", [
    (["aanpak", "mensenhandel"], 4, 1.5), (["wijk", "veilig"], 4, 1.5), (["gemeent", "politie"], 1, 1.0),
    (["zorg", "veilig", "wijk"], 4, 1.5), (["jeugd", "jeugd"], 2, 1.5), (["samenwerk", "politie", "gemeent"], 3, 1.0),
])
def test_a_phrase_matches_and_scores_where_whooshs_matcher_does(service, words, slop, boost):
    counted = [assert_phrase_as_whoosh(service.generation, Phrase(field, words, slop=slop, boost=boost))
               for field in TEXT_FIELDS]
    assert any(holders for holders, _ in counted)


def assert_phrase_as_whoosh(generation, phrase: Phrase) -> None:
    holders = np.flatnonzero(Evaluation(generation.vectors).phrase(phrase, UPPER_BOUND)[1])   # all its words
    ours = generation.vectors.phrase_scores(phrase, holders)
    assert ours == whoosh_phrase_scores(generation.searcher(), phrase, holders.tolist()), phrase
    return len(holders), len(ours)


def whoosh_near(positions_per_word: list[list[int]], slop: int) -> bool:
    """Whoosh's own span logic for a phrase (``SpanNear2Matcher._get_spans``) on given positions."""
    words = [SimpleNamespace(spans=lambda ps=ps: [Span(p) for p in ps]) for ps in positions_per_word]
    matcher = SimpleNamespace(slop=slop, mindist=1, ordered=True, ms=words)
    return bool(SpanNear2.SpanNear2Matcher._get_spans(matcher))


def test_following_span_ends_decides_as_whooshs_spans_do():
    pick = random.Random(7)
    for _ in range(3000):
        words = [sorted(pick.sample(range(40), pick.randint(1, 6))) for _ in range(pick.randint(2, 4))]
        slop = pick.randint(1, 5)
        ends = words[0]
        for following in words[1:]:
            ends = postings.follow(ends, following, slop)
        assert bool(ends) == whoosh_near(words, slop), (words, slop)


def test_a_phrase_sum_is_added_in_whooshs_order():
    assert postings.tree_sum([0.1, 0.2, 0.3]) == 0.1 + (0.2 + 0.3)
    assert postings.tree_sum([0.1, 0.2, 0.3, 0.4]) == (0.1 + 0.2) + (0.3 + 0.4)
