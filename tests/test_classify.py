"""classify: one theme, year, type and organisation per section, from the synonym table."""
import random

import pytest

from indexer.ingest.classify import classify_section, theme_for_heading, theme_for_section, theme_labels, year_for_section
from indexer.ingest.metadata import infer_years
from indexer.ingest.records import DocumentMeta, SectionRecord
from indexer.text_utils import fold
from indexer.themes import load_themes, theme_counts

META = DocumentMeta("d", "d.txt", "D", "Veiligheidscoalitie Midden-Nederland", "jaarverslag", (2021, 2022))


def test_controlled_list_is_exactly_the_agreed_labels():
    assert theme_labels() == [
        "Digitale veiligheid", "Mensenhandel", "Zorg en veiligheid", "Jeugd en veiligheid", "Maatschappelijk ongenoegen",
        "Ondermijning", "Veilig wonen", "Huiselijk geweld", "Veilig ondernemen", "Privacy en informatiedeling",
        "Politie en handhaving", "Monitoring", "Kennisbijeenkomsten", "Organisatie en financiën"]


@pytest.mark.parametrize("heading,theme", [
    ("Thema: Mensenhandel", "Mensenhandel"), ("Cybercriminaliteit", "Digitale veiligheid"),
    ("Personen met verward gedrag", "Zorg en veiligheid"), ("Radicalisering en Polarisatie", "Maatschappelijk ongenoegen"),
    ("Burgernet", "Politie en handhaving"), ("Kennisbijeenkomsten - vervolg", "Kennisbijeenkomsten"),
    ("Voorwoord", "Organisatie en financiën"), ("Leerhuis", None), ("Casuïstiek", None),
])
def test_headings_that_name_a_theme(heading, theme):
    assert theme_for_heading(heading) == theme


@pytest.mark.parametrize("text,theme", [
    ("Aanpak van cybercrime en geldezels; HackShield voor kinderen.", "Digitale veiligheid"),
    ("Het Wvggz-overleg over de hoorplicht van de burgemeester.", "Zorg en veiligheid"),
    ("Bibob-leerkring en ondermijnende criminaliteit in de haven.", "Ondermijning"),
    ("Buurtpreventie en woonoverlast in de wijk.", "Veilig wonen"),
    ("Kindermishandeling en geweld in afhankelijkheidsrelaties.", "Huiselijk geweld"),
    ("Keurmerk Veilig Ondernemen voor bedrijventerreinen (KVO-B) met het PVO.", "Veilig ondernemen"),
    ("Het PPER en informatiedeling binnen het convenant.", "Privacy en informatiedeling"),
    ("Het GVB en de Veiligheidsmonitor laten trends zien.", "Monitoring"),
    ("Een tekst zonder enig bekend woord.", "Organisatie en financiën"),
])
def test_text_votes_through_synonyms(text, theme):
    assert theme_for_section(["Iets"], text) == theme


def test_year_and_type_follow_the_report_part():
    plan = classify_section(SectionRecord("i", "d", "D", "Burgernet", "a", "tekst", 0, part="plan", part_year=2022), META)
    assert (plan.theme, plan.year, plan.type, plan.organisation) == (
        "Politie en handhaving", 2022, "jaarplan", "Veiligheidscoalitie Midden-Nederland")
    past = classify_section(SectionRecord("i", "d", "D", "Burgernet", "a", "tekst", 0, part="verslag", part_year=2021), META)
    assert (past.year, past.type) == (2021, "jaarverslag")
    money = classify_section(SectionRecord("i", "d", "D", "Begroting 2022", "a", "Bijdrage 10.000", 0,
                                           part="begroting", part_year=2022), META)
    assert (money.theme, money.type, money.year) == ("Organisatie en financiën", "begroting", 2022)
    loose = classify_section(SectionRecord("i", "d", "D", "Voorwoord", "a", "tekst", 0), META)
    assert (loose.year, loose.type) == (2021, "jaarverslag")


def test_theme_counts_count_what_each_themes_pattern_finds():
    """theme_counts reads a text once for all themes and takes a one-word term's match without
    trying the pattern: it still counts exactly what each theme's own pattern finds."""
    pick = random.Random(5)
    words = [fold(term.rstrip("*")) for theme in load_themes() for term in theme.terms]
    words += [w + "en" for w in words[::7]] + ["en", "de", "zorg", "cyberaanval", "x", "2024", "é", "_"]
    for _ in range(3000):
        text = fold("".join(pick.choice(words) + pick.choice([" ", " ", "-", "\n", ".", "(", ""])
                            for _ in range(pick.randint(0, 30))))
        assert theme_counts(text) == [len(theme.pattern.findall(text)) for theme in load_themes()], text


@pytest.mark.parametrize("title, first_page, declared, file_name, years", [
    ("Jaarverslag 2021", "In 2019 begon het.", 2023, "verslag-2018", [2021]),        # the title first
    ("Nieuwsbericht", "In 2019 begon het.", 2023, "bericht-2018", [2023]),           # then what the format declares
    ("Verslag", "Een verslag zonder jaar.", None, "jaarverslag-2019", [2019]),        # then the file's name
    ("Verslag", "Een verslag zonder jaar.", None, "Verslag_2018_definitief", [2018]),
    ("Verslag", "Een verslag zonder jaar.", None, "scan0020190312", []),              # digits inside a number are none
    ("Brief", "Gemeente Haarlem\nPostbus 511\n2003 PB Haarlem\n\nIn 2021 startte de aanpak; 2021 was druk.",
     None, "brief", [2021]),                                                           # a postcode is no year
    ("Brief", "Den Haag, 12 maart 2022\n\nIn 2020 en 2021 liep het project.", None, "brief", [2022]),
])
def test_document_years_come_from_title_format_file_name_dates_then_bare_numbers(title, first_page, declared,
                                                                                file_name, years):
    assert infer_years(title, first_page, declared, file_name) == years


def test_a_section_without_a_report_year_takes_the_recent_year_it_names_most_not_a_postcode():
    meta = DocumentMeta("d", "d.txt", "Titel", "VAR", "overig", ())

    def year(text: str):
        return year_for_section(SectionRecord(id="d--s", doc_id="d", doc_title="Titel", title="S", anchor="s",
                                              text=text, position=0), meta)

    assert year("Het loket aan de Grote Markt, 2011 HL Haarlem, is sinds 2019 open; in 2019 kwamen 300 mensen.") == 2019
    assert year("Kop nummer 1921. Een regel over onderwerp 1921.") is None       # outside the recent range
    assert year("Geen jaartal hier.") is None
