"""normalise: PDF/OCR repairs, table-driven on real snippets from the seeds."""
import random
import re

import pytest

from indexer.ingest.normalise import DIGIT_LETTERS, ampersand_letters, normalise_text
from indexer.ingest.records import PAGE_BREAK

from .conftest import seed_text

CASES = [
    # (what, raw snippet from a seed, expected substring after, substring that must be gone)
    ("line-break hyphen joined", "onze leer- en kennisbijeenkom-\nsten. Wij nodigen", "kennisbijeenkomsten", "kom-"),
    ("conjunction hyphen kept", "met de twee Zorg- en\nVeiligheidshuizen", "Zorg- en", None),
    ("capital after hyphen kept", "zowel in Zuid-Holland-Zuid als Rotterdam-\nRijnmond in 2025.", "Rotterdam-Rijnmond", None),
    ("real hyphen kept", "op de PGA-R, onder andere", "PGA-R", None),
    ("mid-line break hyphen joined", "een aantal leerhuis- bijeenkomsten en de", "leerhuisbijeenkomsten", "leerhuis- "),
    ("OCR e bullet", "e Kennisdeling en uitwisseling van informatie.", "- Kennisdeling", None),
    ("OCR o bullet", "o Digitale Veiligheid", "- Digitale Veiligheid", None),
    ("star bullet", "* Op 11 maart vond de Voorjaarscarrousel plaats", "- Op 11 maart", None),
    ("arrow bullet", "► Leerhuis Zorg en Veiligheid", "- Leerhuis Zorg", None),
    ("0.a. is o.a.", "Regionale monitoring (0.a. Gezamenlijk Veiligheidsbeeld)", "(o.a. Gezamenlijk", "0.a."),
    ("o0.a. is o.a.", "met daarin o0.a. een duo-interview", "daarin o.a. een", "o0.a."),
    ("lJssel is IJssel", "Capelle aan den lJssel is hiermee", "Capelle aan den IJssel", "lJssel"),
    ("I/l confusion", "de taken van de VeiIigheidsAIIiantie.", "VeiligheidsAlliantie", "VeiI"),
    ("digits read for letters in an ampersand abbreviation", "het onderzoeksbureau 1&0 Research en",
     "onderzoeksbureau I&O Research", "1&0"),
    ("scanner debris before a sentence", ".g . &8 & - wordt samengesteld i.s.m. het bureau",
     "wordt samengesteld i.s.m.", "&8"),
    ("ampersand abbreviation with letters untouched", "in de P&C-cyclus en R&D", "P&C-cyclus en R&D", None),
    ("LinkedIn untouched", "Via LinkedIn delen we actualiteiten", "LinkedIn", None),
    ("curly quotes", "\u201cKoffer Verkeerd\u201d gelanceerd op thema\u2019s", '"Koffer Verkeerd" gelanceerd op thema\'s', "\u201c"),
    ("doubled apostrophe", "actuele thema'\u2019s die aansprekend", "actuele thema's die", "''"),
    ("ligature", "de e\ufb03ciency van \ufb01nanciering", "efficiency van financiering", "\ufb01"),
    ("link marker dropped", "cybercrime \u00bb heeft de VAR de gemeenten", "cybercrime heeft de VAR", "\u00bb"),
    ("play marker dropped", "- Factsheet soevereinen. \u25ba", "- Factsheet soevereinen.", "\u25ba"),
    ("stray > dropped", "een Leerhuis > georganiseerd die", "een Leerhuis georganiseerd", " > "),
    ("page furniture", "Tekst hier.\n\nTerug naar de inhoud (P>\n\nMeer tekst.", "Meer tekst.", "Terug naar"),
    ("page number", "Totaal 753.000\n\n10\n\nBegroting 2025", "Begroting 2025", "\n10\n"),
    ("box glyph lines", "coronamaatregelen\n\n/\n\nLeerhuisbijeenkomsten N\nIn 2022", "Leerhuisbijeenkomsten\nIn 2022", "\n/\n"),
    ("glyph after sentence", "namen 85 personen deel. o\n", "namen 85 personen deel.", "deel. o"),
    ("escaped underscore and a letter", "met de gegevens aanleverende partners en \\_ J\nI&O Research", "partners en\nI&O",
     "\\_"),
    ("glued numbered heading", "3.5 Financi\u00ebnDe VAR-website (www.veiligheidsalliantie.nl) heeft in 2017",
     "3.5 Financi\u00ebn\n\nDe VAR-website", "nDe"),
    ("markdown bold", "- **Digitale Veiligheid**", "- Digitale Veiligheid", "**"),
]


@pytest.mark.parametrize("what,raw,expected,gone", CASES, ids=[c[0] for c in CASES])
def test_repairs(what, raw, expected, gone):
    text, _ = normalise_text(raw)
    assert expected in text
    if gone:
        assert gone not in text


def test_url_blocks_become_links_and_leave_the_prose():
    raw = ("De VAR wordt aanspreekpunt voor de Film Zwijgrecht.\n\n\n"
           "https://veiligheidsalliantie.nl/nieuws/rapport-zwijgrecht\n"
           "https://www.cbs.nl/nl-nl/maatschappij/veiligheid-en-recht/veiligheidsmonitor\n\nThema: Maatschappelijk")
    text, log = normalise_text(raw)
    assert "https://" not in text
    assert log.links == ["https://veiligheidsalliantie.nl/nieuws/rapport-zwijgrecht",
                         "https://www.cbs.nl/nl-nl/maatschappij/veiligheid-en-recht/veiligheidsmonitor"]


def test_markdown_links_keep_their_words():
    text, log = normalise_text("Dat blijkt uit het [regionale cyberbeeld](#) en [site](https://example.org/x).")
    assert "het regionale cyberbeeld en site." in text
    assert log.links == ["https://example.org/x"]


def test_pages_are_marked_with_form_feeds():
    text, _ = normalise_text("Einde pagina een.\n De volgende pagina begint hier.")
    assert text.split("\n")[1] == PAGE_BREAK


def test_pdf_copy_needs_more_repairs_than_digital_copy():
    """The dedupe stage picks the cleaner source by this measure."""
    _, pdf = normalise_text(seed_text("000"))
    _, digital = normalise_text(seed_text("003"))
    assert pdf.total / len(seed_text("000")) > 2 * digital.total / len(seed_text("003"))


def test_whole_seed_keeps_sentinels_intact():
    text, _ = normalise_text(seed_text("001"))
    assert "Regionaal nemen momenteel 16 gemeenten deel aan HackShield" in text
    assert "kennisbijeenkomsten" in text.lower()


def test_interleaved_year_columns_are_split_into_left_then_right():
    """001 prints some pages as two year columns; the PDF text holds both in each line."""
    ordinary = "In de eerste helft van dit jaar kon door de coronamaatregelen een\n" * 6   # the usual width
    raw = (ordinary + " Huiselijk Geweld /Huiselijk Geweld\n"
           "Sinds april 2021 is de 'drivergroep geweld' getransformeerd tot een\n\n"
           "'netwerk huiselijk geweld'. In het netwerk wordt, onder voorzitter- Binnen het fenomeen geweld in "
           "afhankelijkheidsrelaties houdt het\n"
           "schap van de regionaal portefeuillehouder burgemeester D. Heijkoop, 'netwerk Huiselijk geweld' zich in "
           "2022 vooral bezig met het delen\n")
    text, log = normalise_text(raw)
    assert log.counts["columns"] == 2
    assert "onder voorzitterschap van de regionaal portefeuillehouder burgemeester D. Heijkoop," in text
    assert "Binnen het fenomeen geweld in afhankelijkheidsrelaties houdt het\n'netwerk Huiselijk geweld' zich in 2022" in text
    assert text.index("Heijkoop,") < text.index("\n/Huiselijk Geweld\n") < text.index("Binnen het fenomeen")


def test_single_column_pages_are_never_split():
    long_line = "Dit is een lange regel " * 8
    text, log = normalise_text(long_line + "\n" + long_line)
    assert log.counts["columns"] == 0 and text.count("Dit is een lange regel") == 16


def test_the_ampersand_rule_changes_what_its_plain_pattern_matches():
    """ampersand_letters finds '1&0' from its '&' (fast), yet changes what the plain pattern would."""
    plain = re.compile(r"(?<![\w&])[A-Z01]&[A-Z01](?![\w&])")
    pick = random.Random(3)
    pieces = ["A", "0", "1", "O", "&", "a", " ", "\n", "_", "é", "I&O", "1&0", "P&C"]
    for _ in range(5000):
        text = "".join(pick.choice(pieces) for _ in range(pick.randint(0, 14)))
        assert ampersand_letters(text) == plain.subn(lambda m: m.group().translate(DIGIT_LETTERS), text), text
