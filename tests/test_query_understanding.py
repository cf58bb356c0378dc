"""How professionals type: ordinary Dutch is never 'corrected', a half-typed word is completed,
question words do not drive ranking, the domain thesaurus widens a word, a compound the index
lacks is found by its parts, and a year written in the query favours that year's sections.

A small purpose-built corpus (a real index on disk) makes each mechanism visible; the seed
index checks the same on real reports."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexer.ingest.build import build_index
from indexer.search import SearchService
from indexer.search.compile import SearchOptions
from indexer.search.vocabulary import load_thesaurus

from .conftest import SHARED

DOCUMENTS = {
    "jaarverslag-2021.txt": "Jaarverslag 2021\n\nTerugblik op de aanpak van woninginbraak in de regio. De partners "
                            "werkten samen aan preventie in wijken waar inbraken vaak voorkwamen, met voorlichting en "
                            "extra surveillance door politie en gemeenten.\n",
    "jaarverslag-2023.txt": "Jaarverslag 2023\n\nTerugblik op de aanpak van woninginbraak in het hele werkgebied. Het "
                            "programma richtte zich op buurtpreventie en op het delen van informatie tussen wijkteams, "
                            "verzekeraars en de politie.\n",
    "factsheet.txt": "Factsheet babbeltrucs\n\nSenioren worden aan de deur benaderd door mensen die zich voordoen als "
                     "monteur. De factsheet helpt wijkteams om signalen te herkennen en bewoners te waarschuwen, samen "
                     "met de wijkagent en de thuiszorg.\n",
    "handreiking.txt": "Handreiking veiligheid aan de deur\n\nOuderen krijgen vaker te maken met criminaliteit aan de "
                       "deur. Deze handreiking beschrijft hoe gemeenten voorlichting geven en welke partners daarbij "
                       "helpen, van de wijkagent tot de thuiszorg.\n",
    "bemiddeling.txt": "Buurtbemiddeling\n\nAls buren ruzie krijgen over geluid of de schutting, helpt "
                       "buurtbemiddeling. Vrijwilligers praten met beide partijen en zoeken samen een oplossing "
                       "voordat de ruzie uit de hand loopt.\n",
}


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> SearchService:
    corpus = tmp_path_factory.mktemp("understanding") / "corpus"
    corpus.mkdir()
    for name, text in DOCUMENTS.items():
        (corpus / name).write_text(text, encoding="utf-8")
    build_index(corpus, corpus.parent / "index")
    service = SearchService(corpus.parent / "index")
    yield service
    service.close()


def documents(response) -> list[str]:
    return [hit.doc_id.split("-txt")[0] for hit in response.hits]


# ------------------------------------------------------------------ corrections

@pytest.mark.parametrize("q", [
    "hoeveel geld ging naar cybercrime in 2024", "wat doet het RIEC", "huisbezoeken anderen babbeltrucs",
    "protesten en rellen", "vals",
])
def test_ordinary_dutch_is_never_corrected(service, q):
    response = service.search(q)
    assert response.suggestion is None and response.corrected_from is None and response.query == q


def test_a_real_typo_is_still_corrected_and_other_words_stay_as_typed(service):
    response = service.search("Hoeveel woonoverlat")
    # nothing matches as typed, so the correction is searched and the response says so
    assert response.corrected_from == "Hoeveel woonoverlat" and response.query == "Hoeveel woonoverlast"
    response = service.search("Beleid woonoverlat")
    assert response.suggestion == "Beleid woonoverlast"


def test_a_word_still_being_typed_is_completed_not_corrected(service):
    typing = service.search("ondermij", typing=True)
    assert typing.suggestion is None and typing.corrected_from is None and typing.query == "ondermij"
    assert typing.total > 0
    assert "ondermijn" in service.section_text(typing.hits[0].id).lower()


def test_only_the_last_word_is_a_prefix(service):
    # the earlier word is complete: a typo there is still corrected
    response = service.search("woonoverlat ondermij", typing=True)
    assert response.suggestion == "woonoverlast ondermij" or response.corrected_from == "woonoverlat ondermij"


def dev_queries() -> list[str]:
    names = ("queries.dev.json", "queries.natural.dev.json")
    return [q["q"] for name in names for q in json.loads((SHARED / "eval" / name).read_text(encoding="utf-8"))]


def test_no_dev_query_gets_a_did_you_mean(service):
    assert [q for q in dev_queries() if service.search(q).suggestion] == []


# ------------------------------------------------------------------ question words

def test_question_words_do_not_drive_ranking(small):
    asked = small.search("wat doet de wijkagent")
    plain = small.search("wijkagent")
    assert documents(asked) == documents(plain) and asked.total == plain.total


@pytest.mark.parametrize("q", ["welke", "welke van de", "hoeveel is er"])
def test_question_words_alone_are_still_searched(small, q):
    # nothing else to go on: the question words are what was asked, not an empty query listing everything
    assert small.search(q).total == small.search(q, options=SearchOptions(questions=False)).total
    assert small.search(q).total < small.search("").total


def test_without_the_mechanism_question_words_count(small):
    # the switch that scripts/eval's ablation uses really switches something
    on = small.search("welke wijkagent", options=SearchOptions())
    off = small.search("welke wijkagent", options=SearchOptions(questions=False))
    assert documents(on) == documents(small.search("wijkagent"))
    assert off.total >= on.total


# ------------------------------------------------------------------ thesaurus

def test_a_synonym_finds_what_the_word_does_not_and_says_so(small):
    response = small.search("ouderen")
    assert set(documents(response)) == {"handreiking", "factsheet"}
    assert ("ouderen", "senioren", "synonym") in [(e.term, e.means, e.kind) for e in response.expansions]


def test_the_typed_word_outranks_its_synonym(small):
    assert documents(small.search("ouderen"))[0] == "handreiking"
    assert documents(small.search("senioren"))[0] == "factsheet"


def test_thesaurus_off_finds_only_the_word(small):
    assert documents(small.search("ouderen", options=SearchOptions(thesaurus=False))) == ["handreiking"]


def test_thesaurus_file_is_data_staff_can_edit(tmp_path):
    path = tmp_path / "thesaurus.toml"
    path.write_text('groups = [["Buurtruzie", "burenconflict", "burenconflicten"], ["hangjongeren", "jeugdgroepen"], '
                    '["camera\'s", "cameratoezicht"]]\n', encoding="utf-8")
    thesaurus = load_thesaurus(path)
    assert thesaurus["camera"] == ["cameratoezicht"]        # keyed as the query side reads "camera's"
    assert thesaurus["buurtruzie"] == ["burenconflict"]      # folded and stemmed; one entry per stem
    assert thesaurus["hangjonger"] == ["jeugdgroepen"]
    path.write_text('groups = "geen lijst"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="thesaurus.toml"):
        load_thesaurus(path)


def test_the_shipped_thesaurus_loads(service):
    assert len(service.lexicon.thesaurus) > 50


def test_api_lists_synonyms_with_their_kind(client):
    body = client.get("/api/search?q=ouderen").get_json()
    kinds = {e["kind"] for e in body["expansions"]}
    assert kinds <= {"acronym", "synonym"} and "synonym" in kinds


# ------------------------------------------------------------------ compounds and years

def test_a_compound_the_index_lacks_is_found_by_its_parts(small):
    response = small.search("burenruzies")
    assert documents(response) == ["bemiddeling"]


def test_a_known_compound_is_not_widened_to_its_parts(small):
    # 'buurtbemiddeling' is in the index: 'buurt' alone does not make every section with 'buurt' match
    assert documents(small.search("buurtbemiddeling")) == ["bemiddeling"]


@pytest.mark.parametrize("year, first", [("2021", "jaarverslag-2021"), ("2023", "jaarverslag-2023")])
def test_a_year_in_the_words_favours_that_years_sections(small, year, first):
    response = small.search(f"terugblik woninginbraak {year}")
    assert documents(response)[0] == first
    assert len(response.hits) == 2                    # the other year is still found


def test_a_word_outranks_the_same_word_inside_a_compound(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "straat.txt").write_text(
        "Meldingen uit de straat\n\nBewoners melden overlast van geluid en afval; de gemeente en de wijkagent "
        "bespreken de meldingen elke maand met de bewoners, samen met het jongerenwerk, de corporatie en een "
        "medewerker van het wijkteam die de afspraken vastlegt en later nagaat of ze zijn nagekomen.\n", encoding="utf-8")
    (corpus / "woon.txt").write_text(
        "Meldingen in de wijk\n\nIn de flat klagen huurders over woonoverlast door harde muziek; de corporatie "
        "nodigt beide partijen uit voor een gesprek.\n", encoding="utf-8")      # not a copy of straat.txt
    build_index(corpus, tmp_path / "index")
    service = SearchService(tmp_path / "index")
    assert service.lexicon.decompounder.split("woonoverlast")[-1] == "overlast"     # the test can fail
    assert documents(service.search("overlast")) == ["straat", "woon"]    # the part still matches, below the word
    assert documents(service.search("woonoverlast"))[0] == "woon"
    service.close()


def test_the_page_names_synonyms_as_such(client):
    response = client.get("/?q=ouderen")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Ook gezocht op: <strong>senioren</strong> (voor ouderen)" in html
    assert "ouderen</abbr> = senioren" not in html


def test_a_section_that_only_mentions_the_year_gains_nothing(tmp_path):
    from indexer.search.parse import parse_query
    from indexer.search.service import YEAR_BOOST, Search

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    texts = {
        "begroting.txt": "Begroting 2022\n\nIn 2022 stijgen de kosten; vanaf 2022 betalen de gemeenten een hogere "
                         "bijdrage per inwoner voor het bureau.\n",
        "scholen-2022.txt": "Jeugd op scholen 2022\n\nHet programma richtte zich op veiligheid rond scholen, met "
                            "voorlichting over wapenbezit en groepsdruk.\n",
        "scholen-2021.txt": "Jeugd op scholen 2021\n\nHet programma richtte zich op veiligheid rond scholen, met "
                            "voorlichting over messen en over pesten.\n",
    }
    for name, text in texts.items():
        (corpus / name).write_text(text, encoding="utf-8")
    build_index(corpus, tmp_path / "index")
    service = SearchService(tmp_path / "index")
    generation = service.generation
    scores = {}
    for options in (SearchOptions(years=False), SearchOptions()):
        _, score, _ = Search(generation, options).matches(parse_query("jeugd veiligheid 2022"), options)
        scores[options.years] = {generation.cards[n]["doc_id"].split("-txt")[0]: float(score[n])
                                 for n in generation.docnums}
    assert scores[True]["scholen-2022"] == pytest.approx(scores[False]["scholen-2022"] * YEAR_BOOST)
    assert scores[True]["scholen-2021"] == pytest.approx(scores[False]["scholen-2021"])     # another year
    assert scores[False]["begroting"] > 0                                          # it matches (the year) ...
    assert scores[True]["begroting"] == pytest.approx(scores[False]["begroting"])  # ... and gains nothing
    service.close()




def test_a_thesaurus_broken_by_an_edit(tmp_path, monkeypatch, index_dir, capsys):
    """At start-up the server refuses with the file's name; a generation opened later (a reindex)
    still opens, with synonyms off, instead of looking like a broken index."""
    from indexer.search import vocabulary
    from search_app import cli

    broken = tmp_path / "thesaurus.toml"
    broken.write_text("groups = [[\"ouderen\", 12]]\n", encoding="utf-8")
    monkeypatch.setattr(vocabulary, "THESAURUS_FILE", broken)
    assert cli.main(["serve", "--index", str(index_dir)]) == 2
    assert "thesaurus.toml" in capsys.readouterr().err
    service = SearchService(index_dir)
    assert service.lexicon.thesaurus == {}
    assert service.search("ouderen").expansions == [] and service.search("mensenhandel").total > 0
    service.close()


def test_a_section_naming_the_topic_with_the_year_is_steered_like_that_years_sections(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "jaarverslag.txt").write_text(
        "Jaarverslag van de alliantie\n\nIn 2021 werkten de partners mee aan het rapport Gezamenlijk Veiligheidsbeeld, dat twee "
        "keer per jaar verschijnt en de stand van de veiligheid in de regio beschrijft voor gemeenten en politie.\n",
        encoding="utf-8")
    (corpus / "jaarplan.txt").write_text(
        "Jaarplan 2022\n\nIn april verschijnt het rapport Gezamenlijk Veiligheidsbeeld 2021, met de cijfers over "
        "woninginbraak, geweld en overlast in de regio; de partners bespreken het in mei met de burgemeesters.\n",
        encoding="utf-8")
    build_index(corpus, tmp_path / "index")
    service = SearchService(tmp_path / "index")
    try:
        years = {hit.doc_id: hit.year for hit in service.search("gezamenlijk veiligheidsbeeld").hits}
        assert years == {"jaarverslag-txt": 2021, "jaarplan-txt": 2022}          # the test can fail
        assert documents(service.search("gezamenlijk veiligheidsbeeld 2021")) == ["jaarplan", "jaarverslag"]
    finally:
        service.close()


# ------------------------------------------------------------------ invisible characters and decomposed accents

@pytest.mark.parametrize("typed, pasted", [
    ("financiën", "financie\u0308n"),             # ë as e and a combining diaeresis (macOS, PDFs)
    ("mensenhandel", "mensen\u00adhandel"),       # a soft hyphen
    ("mensenhandel", "mensen\u200bhandel"),       # a zero-width space
    ("mensenhandel", "mensen\u200dhandel"),       # a zero-width joiner
    ("mensenhandel", "\ufeffmensenhandel\u2060"),  # a byte order mark and a word joiner
])
def test_a_pasted_word_finds_what_the_typed_word_finds(client, typed, pasted):
    answers = [client.get("/api/search", query_string={"q": q, "per_page": 50}) for q in (typed, pasted)]
    assert [a.status_code for a in answers] == [200, 200]
    expected, got = (a.get_json() for a in answers)
    assert expected["total"] > 0
    assert [hit["id"] for hit in got["results"]] == [hit["id"] for hit in expected["results"]]


def test_a_word_split_by_an_invisible_character_in_a_document_is_one_word(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "preventie.txt").write_text("Buurtpreventie\n\nBewoners lopen samen avondrondes. De buurt\u200bpreventie "
                                          "groeit in elke wijk, en de wijk\u00adagent sluit soms aan bij een ronde.\n",
                                          encoding="utf-8")
    build_index(corpus, tmp_path / "index")
    service = SearchService(tmp_path / "index")
    for word in ("wijkagent", "buurtpreventie groeit"):
        assert service.search(f'"{word}"').total == 1, word
    service.close()


@pytest.mark.parametrize("q", ["de", "wat is het", "de OF het"])
def test_a_query_of_stop_words_only_lists_newest_first_as_the_empty_query_does(client, q):
    pages = [client.get("/api/search", query_string={"q": text, "group": "none", "per_page": 50}) for text in ("", q)]
    assert [page.status_code for page in pages] == [200, 200]
    empty, stop_words = (page.get_json() for page in pages)
    assert stop_words["total"] == empty["total"] > 50
    assert [hit["id"] for hit in stop_words["results"]] == [hit["id"] for hit in empty["results"]]
