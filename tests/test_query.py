"""query: lenient parsing of what people type."""
from indexer.search.parse import parse_query


def words(parsed):
    return [[(c.words, c.phrase) for c in group] for group in parsed.alternatives]


def test_words_phrases_and_exclusions():
    parsed = parse_query('leerhuis "explosief geweld" -jeugd')
    assert words(parsed) == [[(["leerhuis"], False), (["explosief", "geweld"], True)]]
    assert [c.words for c in parsed.excluded] == [["jeugd"]]


def test_or_and_en():
    assert words(parse_query("cybercrime OF hackshield EN geldezels")) == [
        [(["cybercrime"], False)], [(["hackshield"], False), (["geldezels"], False)]]
    assert len(parse_query("a OR b").alternatives) == 2


def test_unbalanced_quotes_and_brackets_are_lenient():
    assert words(parse_query('"koffer verkeerd')) == [[(["koffer"], False), (["verkeerd"], False)]]
    assert words(parse_query("(woonoverlast OF [buurtpreventie")) == [[(["woonoverlast"], False)], [(["buurtpreventie"], False)]]
    assert parse_query('"" ( ) - OF').is_empty


def test_apostrophes_numbers_and_hyphens():
    assert words(parse_query("boa's 300.000 PGA-R")) == [[(["boa's"], False), (["300.000"], False), (["PGA", "R"], True)]]
