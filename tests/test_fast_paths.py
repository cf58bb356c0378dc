"""The fast paths keep the answers: trigram typo candidates find what a vocabulary scan finds,
cached first pages are the pages a fresh search gives (and die with their generation), a
generation keeps no section text in memory, and a search by date matches what a ranked one does."""
from __future__ import annotations

import random

import numpy as np
import pytest
from whoosh.query import Phrase

from indexer.ingest.build import build_index
from indexer.search import SearchService
from indexer.search.compile import SearchOptions
from indexer.search.lexicon import Lexicon, edit_distance
from indexer.search.parse import parse_query
from indexer.search.service import Search

from .test_build_safety import tiny_corpus


def scanned(lexicon: Lexicon, word: str) -> str | None:
    """The correction a scan over the whole vocabulary gives (the definition)."""
    limit = 1 if len(word) < 7 else 2
    found = [(edit_distance(word, c, limit), -n, c) for c, n in lexicon.words.items()]
    found = [f for f in found if f[0] <= limit]
    return min(found)[2] if found else None


def test_trigram_candidates_correct_exactly_as_a_scan_would(service):
    lexicon = service.lexicon
    pick = random.Random(11)
    words = sorted(w for w in lexicon.words if w.isalpha() and len(w) >= 5)
    tried = 0
    for _ in range(200):
        word = pick.choice(words)
        at = pick.randrange(len(word))
        typo = pick.choice([word[:at] + word[at + 1:], word[:at] + "q" + word[at:],
                            word[:at] + "x" + word[at + 1:], word[:at] + word[at + 1:at + 2] + word[at] + word[at + 2:]])
        if len(typo) < 4 or typo in lexicon.words:
            continue
        tried += 1
        assert lexicon._closest_word(typo) == scanned(lexicon, typo), typo
    assert tried > 100


def test_a_cached_first_page_equals_a_fresh_search_and_is_dropped_with_its_generation(tmp_path):
    corpus = tiny_corpus(tmp_path / "corpus", 4)
    index = tmp_path / "index"
    build_index(corpus, index)
    svc = SearchService(index)
    try:
        first = svc.search("aanpak")
        assert svc.search("aanpak") is first                        # served from the cache
        assert svc.search("aanpak", page=2, per_page=2).hits == first.hits[2:4]
        (corpus / "extra.txt").write_text("Aanpak van zwerfkatten\n\nDe aanpak van zwerfkatten in de haven.\n",
                                          encoding="utf-8")
        build_index(corpus, index, incremental=True)
        assert svc.search("aanpak").total == first.total + 1        # the new generation's own answer
    finally:
        svc.close()


def test_a_generation_keeps_no_section_text_in_memory(service):
    generation = service.generation
    assert all("text" not in generation.cards[n] and "meta" not in generation.cards[n] for n in generation.docnums)
    hit = service.search("mensenhandel").hits[0]            # the page's text is read from disk
    assert hit.snippet.marks and "ensenhandel" in hit.snippet.text


def test_a_generations_cards_are_its_stored_fields_without_text(service):
    from indexer.search.generation import CARD_FIELDS

    generation = service.generation
    searcher = generation.searcher()
    assert len(generation.cards) == searcher.reader().doc_count_all()
    for n in generation.docnums:
        stored = searcher.stored_fields(n)
        assert generation.cards[n] == {name: stored[name] for name in CARD_FIELDS}


def test_the_vocabulary_answers_as_the_dict_of_word_counts_it_is_made_of(service):
    import heapq
    import json
    from pathlib import Path

    from indexer.schema import LEXICON_FILE

    counts = json.loads(Path(service.generation.path, LEXICON_FILE).read_text(encoding="utf-8"))["words"]
    words = service.lexicon.words
    assert dict(words.items()) == counts and "geen-woord-xyz" not in words and 3 not in words
    for prefix in ("a", "aan", "ve", "mensen", "poli", "zzz"):
        ordered = sorted(w for w in counts if w.startswith(prefix))
        assert words.most_frequent_with_prefix(prefix, 5) == heapq.nlargest(5, ordered, key=counts.__getitem__)


@pytest.mark.parametrize("q", ["woonoverlast jongeren", "samenwerking politie gemeente 2022", "RIEC ondermijning",
                               '"huiselijk geweld" aanpak', "mensenhandel aanpak -arbeidsuitbuiting", "jeugd veiligheid scholen"])
def test_a_search_by_date_skips_the_score_only_clauses_and_matches_the_same_sections(service, q):
    options = SearchOptions()
    search = Search(service.generation, options)
    ranked, _, by_score = search.matches(parse_query(q), options)
    unranked, _, by_date = search.matches(parse_query(q), options, ranked=False)
    assert by_date.any() and np.array_equal(by_date, by_score)
    assert Phrase not in {type(node) for node in walk(unranked.query)} or '"' in q    # only a phrase asked for
    assert len(list(walk(unranked.query))) < len(list(walk(ranked.query)))
    newest = service.search(q, sort="newest", per_page=20)
    assert newest.total == int(by_date.sum()) and newest.hits


def walk(query):
    """Every node of a Whoosh query tree."""
    yield query
    for child in query.children():
        yield from walk(child)
