"""acronyms: mined from 'Long Form (ACR)' with Schwartz-Hearst, merged with the glossary."""
import re

from indexer.acronyms import is_acronym, load_glossary, long_form_for, merged_acronyms, mine_acronyms, single_spaced
from indexer.ingest.normalise import normalise_text

from .conftest import seed_text


def test_mined_from_the_corpus():
    mined = mine_acronyms([normalise_text(seed_text(p))[0] for p in ("001", "003", "004")])
    assert mined["RCTM"] == "Regionaal Controle Team Mensenhandel"
    assert mined["OAOV"] == "Online aangejaagde ordeverstoringen"
    assert mined["PmG"] == "Preventie met Gezag"


def test_letters_inside_compounds_count():
    assert long_form_for("RCTM", "werd door het Regionaal Controleteam Mensenhandel".split()) == \
        "Regionaal Controleteam Mensenhandel"
    assert long_form_for("XYZ", "geen passende woorden hier".split()) is None


def test_glossary_wins_over_mined():
    merged = merged_acronyms(["De Vereniging Aardige Reizigers (VAR) is iets anders."])
    assert merged["VAR"] == load_glossary()["VAR"] == "VeiligheidsAlliantie regio Rotterdam"


def test_what_counts_as_an_acronym():
    assert is_acronym("RCTM") and is_acronym("ViB") and is_acronym("PmG")
    assert not is_acronym("Rotterdam") and not is_acronym("A") and not is_acronym("rctm")


def test_single_spaced_makes_every_run_of_white_space_one_space():
    for text in ("", " ", "a", " a  b\n\tc ", "\u3000x\x1cy\u2028", "a\n", "\n\n", "Team (RT)\r\n"):
        assert single_spaced(text) == re.sub(r"\s+", " ", text), repr(text)
