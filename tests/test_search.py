"""search: Dutch query handling, filters, disjunctive facets, paging, snippets, refresh."""
import html
import re

import pytest

from indexer.ingest.build import build_index
from indexer.search import SearchError, SearchService

from .conftest import CORPUS
from .support import api_search, api_section


def ids(response):
    return [r["id"] for r in response["results"]]


def texts(service, response):
    return [api_section(service, i)["text"] for i in ids(response)]


def test_compound_query_finds_the_split_words(service):
    found = " ".join(texts(service, api_search(service, "mensenhandelmonitor")))
    assert "regionale monitor mensenhandel verschenen" in " ".join(found.split())
    assert "mensenhandelmonitor" in found


def test_compound_query_ranks_the_exact_compound_first(service):
    first = texts(service, api_search(service, "mensenhandelmonitor"))[0]
    assert "mensenhandelmonitor" in first.lower()


def test_two_words_find_the_compound_too(service):
    found = " ".join(texts(service, api_search(service, "wapen inleveractie")))
    assert "Wapen Inleveractie" in found


def test_linking_s_variant(service):
    found = texts(service, api_search(service, "inwonerbijdrage"))
    assert any("Inwonersbijdrage" in t for t in found) and any("Inwonerbijdrage" in t for t in found)


def test_acronym_expands_to_the_long_form_and_says_so(service):
    response = api_search(service, "RCTM")
    assert {"term": "RCTM", "means": "Regionaal Controleteam Mensenhandel", "kind": "acronym"} in response["expansions"]
    found = [" ".join(t.split()) for t in texts(service, response)]
    assert any("Regionaal Controle Team Mensenhandel" in t and "RCTM" not in t for t in found)


def test_acronym_typed_in_lower_case(service):
    assert api_search(service, "rctm")["expansions"][0]["term"] == "RCTM"
    assert api_search(service, "om")["expansions"] == []          # the stop word 'om' is not OM


def test_long_form_finds_the_acronym(service):
    response = api_search(service, "regionaal controleteam mensenhandel")
    assert response["expansions"] == [{"term": "RCTM", "means": "Regionaal Controleteam Mensenhandel", "kind": "acronym"}]
    found = texts(service, response)
    # a passage that only says "RCTM" is found from the long form
    assert any("Vergroten inzet van het RCTM" in t for t in found)


def test_typo_alone_is_corrected_and_the_response_says_so(service):
    response = api_search(service, "woonoverlat")
    assert response["corrected_from"] == "woonoverlat" and response["query"] == "woonoverlast"
    assert response["suggestion"] is None
    assert response["total"] > 0 and "woonoverlast" in texts(service, response)[0].lower()


def test_typo_among_known_words_gets_a_suggestion_and_fuzzy_help(service):
    response = api_search(service, "woonoverlat arbeidsmigranten")
    assert response["suggestion"] == "woonoverlast arbeidsmigranten" and "corrected_from" not in response
    top = texts(service, response)[0].lower()
    assert "woonoverlast" in top and "arbeidsmigranten" in top


def test_query_with_only_a_typo_is_corrected_automatically(service):
    response = api_search(service, "kindermishandlng")
    assert response["corrected_from"] == "kindermishandlng"
    assert response["query"] == "kindermishandeling" and response["total"] > 0


def test_known_words_are_never_fuzzed(service):
    response = api_search(service, "leerhuis")
    assert response["suggestion"] is None and "corrected_from" not in response


def test_all_words_rank_before_some_words(service):
    response = api_search(service, "leerhuis explosief geweld")
    top = " ".join(texts(service, response)[0].lower().split())
    assert "leerhuis" in top and "explosief geweld" in top


def test_phrase_and_exclusion(service):
    phrase = texts(service, api_search(service, '"Koffer Verkeerd"'))
    assert phrase and all("Koffer Verkeerd" in t for t in phrase)
    without = api_search(service, "hackshield -cybercriminaliteit")
    assert without["total"] > 0
    assert all(r["title"] != "Cybercriminaliteit" for r in without["results"])


def test_or_widens(service):
    a, b = api_search(service, "geldezels")["total"], api_search(service, "babbeltrucs")["total"]
    both = api_search(service, "geldezels OF babbeltrucs")["total"]
    assert a > 0 and b > 0 and both >= max(a, b)
    assert both > min(a, b)        # the two words are not found in exactly the same sections


def test_filters_or_within_a_facet_and_across(service):
    one = api_search(service, "", {"theme": ["Mensenhandel"]})
    two = api_search(service, "", {"theme": ["Mensenhandel", "Monitoring"]})
    assert all(r["theme"] == "Mensenhandel" for r in one["results"])
    assert two["total"] > one["total"]
    both = api_search(service, "", {"theme": ["Mensenhandel"], "year": ["2024"]}, per_page=50)
    assert both["total"] > 0 and all((r["theme"], r["year"]) == ("Mensenhandel", 2024) for r in both["results"])


def test_facet_counts_are_disjunctive(service):
    response = api_search(service, "", {"theme": ["Mensenhandel"]})
    themes = {f["value"]: f for f in response["facets"]["theme"]}
    assert len(themes) > 5 and themes["Mensenhandel"]["selected"]
    assert themes["Monitoring"]["count"] == api_search(service, "", {"theme": ["Monitoring"]})["total"]
    years = {f["value"]: f["count"] for f in response["facets"]["year"]}
    assert sum(years.values()) == response["total"]


def test_paging_and_newest_first(service):
    first, second = api_search(service, "", per_page=5), api_search(service, "", page=2, per_page=5)
    assert len(first["results"]) == 5 and not set(ids(first)) & set(ids(second))
    years = [r["year"] for r in api_search(service, "", per_page=50)["results"]]
    assert years == sorted(years, reverse=True)
    assert api_search(service, "leerhuis", sort="newest")["results"][0]["year"] >= 2024


@pytest.mark.parametrize("kwargs,message", [
    (dict(q="x" * 501), "te lang"), (dict(filters={"year": ["twintig"]}), "geen jaartal"),
    (dict(per_page=51), "per_page"), (dict(per_page=0), "per_page"), (dict(page=0), "page"),
    (dict(filters={"theme": ["Cyber"]}), "Digitale veiligheid"), (dict(filters={"kleur": ["rood"]}), "Onbekend filter"),
    (dict(sort="random"), "sort"),
])
def test_bad_parameters_raise_clear_dutch_errors(service, kwargs, message):
    with pytest.raises(SearchError, match=message):
        api_search(service, **kwargs)


@pytest.mark.parametrize("q", ['"koffer', "((leerhuis", "-", "OF OF", '"" OR', "a" * 500, "<script>", "%00"])
def test_odd_queries_never_fail(service, q):
    assert api_search(service, q)["total"] >= 0


def test_result_fields_match_the_api_contract(service):
    result = api_search(service, "geldezels")["results"][0]
    assert set(result) >= {"id", "title", "document", "url", "theme", "year", "type", "organisation", "snippet"}
    assert set(result["document"]) == {"id", "title", "url"}
    assert result["url"] == f"/sectie/{result['id']}"
    assert "<mark>" in result["snippet"]


def test_untrusted_text_is_escaped_in_snippets(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "boos.md").write_text(
        "# Handreiking <script>alert(1)</script>\n\nDeze handreiking over woonoverlast bevat <img src=x onerror=alert(1)> "
        "en \"aanhalingstekens\" & meer tekst over woonoverlast in de wijk, lang genoeg voor een sectie van de kennisbank.\n",
        encoding="utf-8")
    build_index(corpus, tmp_path / "ix")
    svc = SearchService(tmp_path / "ix")
    snippet = api_search(svc, "woonoverlast")["results"][0]["snippet"]
    assert "<img" not in snippet and "<script" not in snippet
    assert re.sub(r"</?mark>", "", snippet) == html.escape(html.unescape(re.sub(r"</?mark>", "", snippet)))
    assert "&lt;img src=x onerror=alert(1)&gt;" in snippet
    svc.close()


def one_document_index(tmp_path):
    """A corpus of one small document, its index built, and a service on it."""
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Handreiking buurtpreventie\n\nAlles over buurtpreventie in de wijk en meer tekst "
                                  "zodat dit een echte sectie wordt met voldoende inhoud voor de index.\n", encoding="utf-8")
    build_index(corpus, tmp_path / "ix")
    return corpus, SearchService(tmp_path / "ix")


def test_searcher_is_reused_and_refreshed_after_a_reindex(tmp_path):
    corpus, svc = one_document_index(tmp_path)
    generation, searcher = svc.generation, svc.generation.searcher()
    assert api_search(svc, "buurtpreventie")["total"] == 1
    assert svc.generation is generation and svc.generation.searcher() is searcher   # no new searcher per request
    (corpus / "b.txt").write_text("Factsheet geldezels\n\nJongeren als geldezel: signalen herkennen en melden, met "
                                  "voldoende tekst om een eigen sectie te vormen in de kennisbank.\n", encoding="utf-8")
    assert api_search(svc, "geldezels")["total"] == 0
    build_index(corpus, tmp_path / "ix")
    assert api_search(svc, "geldezels")["total"] == 1          # picked up the new generation
    assert svc.generation is not generation and svc.generation.searcher() is not searcher
    svc.close()


def test_section_lookup(service):
    some = api_search(service, "Burgernet")["results"][0]
    section = api_section(service, some["id"], "Burgernet")
    assert section["text"] and "<mark>" in section["text_html"]
    assert any(s["id"] == some["id"] for s in section["siblings"])
    assert api_section(service, "bestaat-niet") is None


def test_stats(service):
    assert service.stats() == {"documents": 5, "sections": api_search(service, "", per_page=1)["total"]}


def test_index_of_the_corpus_is_built_in_a_temp_dir(index_dir):
    assert index_dir.is_symlink() and (index_dir / "lexicon.json").exists()
    assert CORPUS.exists()


def test_concurrent_searches_answer_as_sequential_ones(service):
    from concurrent.futures import ThreadPoolExecutor

    queries = ["RCTM", "woonoverlast arbeidsmigranten", "mensenhandelmonitor", '"Koffer Verkeerd"', "geldezels", ""]
    expected = {q: api_search(service, q) for q in queries}
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda q: (q, api_search(service, q)), queries * 8))
    assert all(answer == expected[q] for q, answer in answers)


def test_a_replaced_generation_is_freed_with_its_caches(tmp_path):
    import gc
    import weakref

    corpus, svc = one_document_index(tmp_path)
    api_search(svc, "buurtpreventi")                       # fills the correction and snippet caches
    old_generation, old_lexicon = weakref.ref(svc.generation), weakref.ref(svc.lexicon)
    searcher = svc.generation.searcher()
    build_index(corpus, tmp_path / "ix")
    api_search(svc, "buurtpreventie")
    gc.collect()
    assert old_generation() is None and old_lexicon() is None
    assert searcher.is_closed
    svc.close()
