"""A search's work is bounded: how many words and alternatives it may hold, how long it may
take (a Dutch 400 beyond either), and snippets chosen in one pass over a bounded stretch of text."""
from __future__ import annotations

import random
import re

import pytest

from indexer.search import SearchError
from indexer.search import params
from indexer.search.highlight import LEAD_CHARS, SNIPPET_CHARS, SNIPPET_SCAN_CHARS, Highlighter
from indexer.text_utils import fold


def content_words(service, count: int) -> list[str]:
    """Distinct words of the index that are not stop words (so each one counts)."""
    from indexer.analysis import is_stop_word
    words = [w for w in service.lexicon.words if w.isalpha() and 4 <= len(w) <= 6 and not is_stop_word(w)]
    return words[:count]


def test_at_most_max_query_words(service, client):
    words = content_words(service, params.MAX_QUERY_WORDS + 1)
    service.search(" ".join(words[:-1]))          # the limit itself is allowed (SearchError otherwise)
    response = client.get("/api/search", query_string={"q": " ".join(words)})
    assert response.status_code == 400
    assert "te veel zoektermen" in response.get_json()["error"]


def test_stop_words_do_not_count(service):
    words = content_words(service, params.MAX_QUERY_WORDS - 5) + ["de", "het", "een", "en", "van"] * 2
    assert len(words) > params.MAX_QUERY_WORDS
    service.search(" ".join(words))          # only the content words count (SearchError otherwise)


def test_at_most_max_alternatives(client):
    q = " OF ".join(f"woord{n}" for n in range(params.MAX_ALTERNATIVES + 1))
    response = client.get("/api/search", query_string={"q": q})
    assert response.status_code == 400 and "alternatieven" in response.get_json()["error"]


def test_a_search_past_its_time_budget_is_refused_in_dutch(service, client, monkeypatch):
    monkeypatch.setattr(params, "QUERY_TIME_BUDGET", 0.0)
    with pytest.raises(SearchError, match="rekentijd"):
        service.search("jeugdcriminaliteit woonoverlast budgettest")
    response = client.get("/api/search", query_string={"q": "mensenhandel budgettest"})
    assert response.status_code == 400 and "rekentijd" in response.get_json()["error"]
    page = client.get("/", query_string={"q": "mensenhandel budgettest pagina"})
    assert page.status_code == 400 and "rekentijd" in page.get_data(as_text=True)


def naive_best_start(flat: str, spans, typed_spans) -> int:
    """The definition the one-pass window must match: every start tried, every match counted."""
    best_start, best_score = spans[0][0], -1
    for s, _ in spans:
        inside = [i for i, sp in enumerate(spans) if s <= sp[0] and sp[1] <= s + SNIPPET_CHARS - LEAD_CHARS]
        words = {fold(flat[spans[i][0]:spans[i][1]]) for i in inside}
        typed = {fold(flat[spans[i][0]:spans[i][1]]) for i in inside if spans[i] in typed_spans}
        score = len(typed) * 100 + len(words) * 10 + len(inside)
        if score > best_score:
            best_start, best_score = s, score
    return best_start


@pytest.mark.parametrize("seed", range(20))
def test_one_pass_window_matches_the_definition(service, seed):
    highlighter = Highlighter(service.lexicon.decompounder)
    rng = random.Random(seed)
    vocabulary = ["woonoverlast", "mensenhandel", "jeugd", "ondermijning", "en", "de", "aanpak", "buurt", "x" * 30]
    flat = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(5, 400)))
    highlight, typed = {"woonoverlast", "mensenhandel", "aanpak"}, {"aanpak"}
    spans = highlighter.spans(flat, highlight)
    typed_spans = set(highlighter.spans(flat, typed))
    if not spans:
        return
    assert highlighter.best_match(flat, spans, typed) == naive_best_start(flat, spans, typed_spans)


def test_a_huge_section_gets_a_snippet_from_its_start_and_says_it_goes_on(service):
    highlighter = Highlighter(service.lexicon.decompounder)
    text = "mensenhandel wordt aangepakt. " * 40_000         # 1.2 MB, 40,000 matches
    snippet = highlighter.snippet(text, {"mensenhandel"})
    assert len(snippet.text) <= SNIPPET_CHARS + 2 and snippet.text.endswith("…")
    assert snippet.marks and all(re.fullmatch("mensenhandel", snippet.text[a:b]) for a, b in snippet.marks)
    late = "woorden " * (SNIPPET_SCAN_CHARS // 8) + "mensenhandel"
    assert not highlighter.snippet(late, {"mensenhandel"}).marks      # past the scanned stretch: a plain lead
