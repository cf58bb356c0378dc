"""analysis: Dutch stemming with repairs, compound splitting, stop words."""
import pytest

from whoosh import index as whoosh_index

from indexer.analysis import Decompounder, UnboundAnalyzer, dutch_analyzer, snowball_stem, stem
from indexer.schema import bind_lexicon
from indexer.search import SearchService
from indexer.ingest.build import word_parts
from indexer.ingest.pipeline import ingest_corpus, ingest_files

from .conftest import CORPUS


@pytest.fixture(scope="module")
def decompounder():
    return Decompounder(word_parts(ingest_files(CORPUS), None)["parts"])


@pytest.mark.parametrize("a,b", [
    ("leerhuizen", "leerhuis"), ("wapens", "wapen"), ("mogelijkheden", "mogelijkheid"), ("brieven", "brief"),
    ("handreikingen", "handreiking"), ("geldezels", "geldezel"), ("gemeenten", "gemeente"), ("monitoren", "monitor"),
    # plurals in -s after a vowel, which Snowball keeps
    ("organisaties", "organisatie"), ("instanties", "instantie"), ("bureaus", "bureau"), ("gemeentes", "gemeente"),
    ("meisjes", "meisje"), ("websites", "website"), ("campagnes", "campagne"),
    # and after -ce, -re and -se where no Dutch singular ends so
    ("procedures", "procedure"), ("vacatures", "vacature"), ("stagiaires", "stagiaire"), ("ambulances", "ambulance"),
    ("services", "service"), ("analyses", "analyse"), ("diagnoses", "diagnose"), ("interesses", "interesse"),
    # a doubled consonant Snowball leaves at the end
    ("rollen", "rol"), ("cellen", "cel"), ("straffen", "straf"), ("processen", "proces"), ("gebeurtenissen", "gebeurtenis"),
    # an s that belongs to the word
    ("mensen", "mens"), ("kansen", "kans"), ("grenzen", "grens"), ("franse", "frans"),
    # a double vowel after i, which Snowball keeps
    ("sociaal", "sociale"), ("financieel", "financiele"), ("materiaal", "materialen"), ("justitieel", "justitiele"),
    # singulars in -ies and -es stay whole
    ("adviezen", "advies"), ("verliezen", "verlies"), ("congressen", "congres"), ("successen", "succes"),
])
def test_stemmer_repairs_join_inflections(a, b):
    assert stem(a) == stem(b)


@pytest.mark.parametrize("a,b", [("kans", "kan"), ("mens", "men"), ("grens", "green"), ("dans", "dan"), ("innen", "in"),
                                 ("zangeres", "zanger"), ("lerares", "leraar"), ("prinses", "prins"), ("proces", "pro"),
                                 ("succes", "succe"), ("congres", "congre")])
def test_stemmer_keeps_apart_words_that_are_not_inflections_of_one_another(a, b):
    assert stem(a) != stem(b)


def test_compiled_snowball_stems_as_nltks_dutch_stemmer(decompounder):
    """PyStemmer's 'dutch_porter' replaced NLTK's DutchStemmer for speed: every corpus word and
    compound part (the seeds' and the Dutch word list's) must keep its stem."""
    from nltk.stem.snowball import DutchStemmer

    reference = DutchStemmer()
    words = sorted(decompounder.vocabulary)
    assert len(words) > 10_000
    assert [w for w in words if snowball_stem(w) != reference.stem(w)] == []


@pytest.mark.parametrize("word", ["2021", "300.000", "boa", "huis", "politie"])
def test_repairs_leave_numbers_short_words_and_plain_stems_alone(word):
    assert stem(word) == word


@pytest.mark.parametrize("word,parts", [
    ("mensenhandelmonitor", ("mensenhandel", "monitor")), ("wapeninleveractie", ("wapen", "inleveractie")),
    ("inwonerbijdrage", ("inwoner", "bijdrage")), ("privacyreglement", ("privacy", "reglement")),
    ("netwerkbijeenkomsten", ("netwerk", "bijeenkomsten")), ("woonoverlast", ("woon", "overlast")),
    ("veiligheidsalliantie", ("veiligheid", "alliantie")), ("politiecapaciteit", ("politie", "capaciteit")),
])
def test_real_compounds_from_the_corpus_split(decompounder, word, parts):
    assert decompounder.split(word) == parts


@pytest.mark.parametrize("word", ["onderzoek", "organisatie", "ondermijning", "criminaliteit", "verantwoordelijk",
                                  "regionale", "ondernemers", "bestuurders", "schatting", "woonoverlat"])
def test_words_that_must_not_split(decompounder, word):
    assert decompounder.split(word) == ()


def test_linking_s_is_allowed_between_parts():
    tiny = Decompounder({"inwoner": 5, "bijdrage": 5, "veiligheid": 5, "huis": 5})
    assert tiny.split("inwonersbijdrage") == ("inwoner", "bijdrage")
    assert tiny.split("veiligheidshuis") == ("veiligheid", "huis")
    assert tiny.split("veiligheidhuisx") == ()


def test_analyzer_keeps_the_whole_compound_and_adds_parts(decompounder):
    tokens = [(t.text, t.pos) for t in dutch_analyzer(decompounder)("De regionale mensenhandelmonitor", positions=True)]
    assert ("mensenhandelmonitor", 2) in tokens and ("mensenhandel", 2) in tokens and ("monitor", 2) in tokens
    assert "de" not in [t for t, _ in tokens]


def test_acronym_that_looks_like_a_stop_word_is_kept():
    assert [t.text for t in dutch_analyzer()("Het OM en om")] == ["om"]


def test_accents_fold():
    analyze = dutch_analyzer()
    assert [t.text for t in analyze("geévalueerd")] == [t.text for t in analyze("geëvalueerd")]


def test_schema_read_back_from_an_index_refuses_to_analyse_until_bound(index_dir):
    schema = whoosh_index.open_dir(str(index_dir)).schema
    with pytest.raises(UnboundAnalyzer):
        list(schema["text"].analyzer("mensenhandelmonitor"))
    lexicon = SearchService(index_dir).lexicon
    bind_lexicon(schema, lexicon.decompounder)
    assert [t.text for t in schema["text"].analyzer("mensenhandelmonitor")] == [
        "mensenhandelmonitor", "mensenhandel", "monitor"]


def test_index_terms_are_exactly_the_analyzers_on_every_seed_section(decompounder):
    """DutchText analyses each distinct token once; its postings must equal Whoosh's own path,
    which runs the analyzer over every occurrence (positions, frequencies, weights, bytes)."""
    from whoosh.fields import TEXT

    from indexer.schema import TEXT_FIELDS, build_schema

    schema = build_schema(decompounder)
    _, sections, _ = ingest_corpus(CORPUS)
    for section in sections:
        for name in TEXT_FIELDS:
            field, value = schema[name], getattr(section, name)
            assert sorted(field.index(value)) == sorted(TEXT.index(field, value)), (section.id, name)


def test_binding_another_lexicon_forgets_the_remembered_token_analysis(decompounder):
    from indexer.schema import build_schema

    schema = build_schema(Decompounder({}))
    assert b"mensenhandel" not in {term for term, *_ in schema["text"].index("mensenhandelmonitor")}
    bind_lexicon(schema, decompounder)
    assert b"mensenhandel" in {term for term, *_ in schema["text"].index("mensenhandelmonitor")}
