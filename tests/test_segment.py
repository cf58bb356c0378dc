"""segment: each seed's layout becomes the sections a professional wants as hits."""
import re

import pytest

from indexer.ingest.normalise import normalise_text
from indexer.ingest.records import DocumentMeta, NormalisedDocument
from indexer.ingest.segment import read_units, segment_report, toc_candidates, two_column_heading

from .conftest import seed_text

YEARS = {"000": (2024, 2025), "001": (2021, 2022), "002": (2017, 2018), "003": (2024, 2025), "004": (2021, 2022)}


def sections_of(prefix: str):
    text, log = normalise_text(seed_text(prefix))
    meta = DocumentMeta(f"doc{prefix}", f"{prefix}.txt", f"Document {prefix}", "VAR", "jaarverslag", YEARS[prefix])
    return segment_report(NormalisedDocument(meta, text, log.links, log.total))


def find(sections, phrase):
    matches = [s for s in sections if phrase in " ".join(s.text.split())]
    assert matches, f"no section holds {phrase!r}"
    return matches[0]


def test_markdown_report_titles_come_from_its_table_of_contents():
    """003 lost its theme headings (they were images); the contents page names them."""
    sections = sections_of("003")
    titles = [(s.heading, s.part, s.part_year) for s in sections]
    for theme in ("Digitale veiligheid", "Mensenhandel", "Zorg en veiligheid", "Jeugd en veiligheid",
                  "Maatschappelijk ongenoegen", "Kennisbijeenkomsten"):
        assert (theme, "verslag", 2024) in titles
        assert (theme, "plan", 2025) in titles
        # shown told apart by report part: one heading, two parts
        assert {f"{theme} — terugblik 2024", f"{theme} — plannen 2025"} <= {s.title for s in sections}
    assert ("Jaarrekening 2024", "rekening", 2024) in titles
    assert ("Begroting 2025", "begroting", 2025) in titles


def test_past_and_coming_year_are_separate_sections():
    sections = sections_of("003")
    past = find(sections, "Koffer Verkeerd\" gelanceerd")
    coming = find(sections, "Organiseren van een leerhuis Mensenhandel")
    assert past.id != coming.id
    assert (past.part, past.part_year) == ("verslag", 2024)
    assert (coming.part, coming.part_year) == ("plan", 2025)


def test_trailing_numbered_headings_label_the_text_before_them():
    """002 prints '2.1 Jeugd' after the text it heads."""
    sections = sections_of("002")
    assert find(sections, "De Leerhuizen kwamen tot stand").title == "Kennisbijeenkomsten"
    assert find(sections, "pilot Buurt- preventie PLUS".replace("- ", "")).title == "Drivergroep Veilig Wonen"
    assert find(sections, "privacyreglement Midden NL door de RVS").title == "Privacy Platform Eenheid Rotterdam (PPER)"
    jeugd = find(sections, "Regionale Netwerk Jeugd en Veiligheid")
    assert jeugd.title == "Jeugd" and jeugd.parents == ("Regionale veiligheidsthema's",)


def test_year_columns_and_continuation_headings():
    """001: '2021' / heading / text / '2022' / '/Heading' / text."""
    sections = sections_of("001")
    hack = find(sections, "Regionaal nemen momenteel 16 gemeenten deel aan HackShield")
    assert (hack.heading, hack.part, hack.part_year) == ("Cybercriminaliteit", "verslag", 2021)
    plan = find(sections, "De VAR blijft in 2022 regionaal en landelijk aandacht vragen")
    assert (plan.heading, plan.part) == ("Cybercriminaliteit", "plan")
    jonge = find(sections, "Het netwerk besteedt in 2022 ook aandacht aan de jonge aanwas")
    assert (jonge.heading, jonge.part_year) == ("Jeugd en veiligheid", 2022)


def test_goal_review_and_agenda_parts():
    """004: per programme a Meerjarendoel, Terugblik 2021 and Actieagenda 2022."""
    sections = sections_of("004")
    burgernet = [s for s in sections if s.heading == "Burgernet"]
    assert {(s.part, s.part_year) for s in burgernet} == {("doel", 2022), ("verslag", 2021), ("plan", 2022)}
    boa = find(sections, "In 2021 is een verkenning uitgevoerd naar de samenwerking tussen boa's en de politie")
    assert boa.part == "verslag" and "boa's en politie" in boa.title


def test_section_ids_are_stable_and_unique():
    first = [s.id for s in sections_of("004")]
    assert first == [s.id for s in sections_of("004")]
    assert len(first) == len(set(first))
    assert all(s.startswith("doc004--") for s in first)


@pytest.mark.parametrize("prefix", sorted(YEARS))
def test_every_seed_yields_reasonable_sections(prefix):
    sections = sections_of(prefix)
    assert len(sections) >= 8
    assert all(len(s.text) >= 100 for s in sections)


def test_table_of_contents_needs_a_run_of_entries():
    text = "Inhoud\n\nVoorwoord\n\nMonitoring\n\nMensenhandel\n\nLos kopje\n\nDit is gewone lopende tekst van een alinea."
    assert toc_candidates(text)[:4] == ["Inhoud", "Voorwoord", "Monitoring", "Mensenhandel"]
    assert toc_candidates("Voorwoord\n\nDit is tekst.\n\nMonitoring\n\nNog meer tekst hier.") == []


def test_two_column_heading_and_wrapped_lines_are_recognised():
    assert two_column_heading("Monitoring Monitoring") == "Monitoring"
    assert two_column_heading("Huiselijk Geweld /Huiselijk Geweld") == "Huiselijk Geweld"
    assert two_column_heading("Veilig wonen") is None
    units = read_units("Het kernteam is verantwoordelijk voor de uitvoering\nvan de taken van de VAR.")
    assert [u.kind for u in units] == ["para"]


def test_two_column_pages_give_a_past_and_a_coming_year_section():
    """001's 'Monitoring Monitoring' and 'Huiselijk Geweld /Huiselijk Geweld' pages."""
    sections = sections_of("001")
    past = find(sections, "Het rapport/factsheet van het Gezamenlijk Veiligheidsbeeld (GVB) 2020")
    coming = find(sections, "rapport Gezamenlijk Veiligheidsbeeld (GVB) 2021 verwacht")
    assert (past.heading, past.part) == ("Monitoring", "verslag") and (coming.heading, coming.part) == ("Monitoring", "plan")
    geweld_2022 = find(sections, "Binnen het fenomeen geweld in afhankelijkheidsrelaties")
    assert (geweld_2022.heading, geweld_2022.part) == ("Huiselijk Geweld", "plan")
    assert "Binnen het fenomeen" not in find(sections, "Sinds april 2021 is de 'drivergroep geweld'").text


def test_tense_tells_the_coming_year_from_the_past():
    from indexer.ingest.segment import looks_ahead

    assert looks_ahead("Eind april wordt het rapport verwacht. Komende zomer wordt een editie verwacht.")
    assert not looks_ahead("Het rapport is in mei gepubliceerd. In oktober volgde de publicatie.")


def test_no_two_sections_of_a_report_share_a_title_across_report_parts():
    for prefix in ("001", "003", "004"):
        sections = sections_of(prefix)
        parted = [(s.title, s.part) for s in sections if s.part]
        assert len({t for t, _ in parted}) == len(parted), prefix


def test_a_table_row_is_never_a_heading():
    assert all(not re.search(r"(\d{4}\s+){3}", s.title) for s in sections_of("001"))


def test_a_row_of_names_under_a_foreword_is_no_heading():
    titles = [s.title for s in sections_of("001")]
    assert not any("Junius" in t for t in titles)
    assert "Milene Junius" in " ".join(s.text for s in sections_of("001"))     # the names stay in the text


def test_a_clickable_contents_menu_is_no_content():
    """004's contents page lists its programmes as a menu ('klik op een thema'): navigation, not text."""
    sections = sections_of("004")
    menu = find(sections, "klik op een thema voor meer informatie")
    headings = {s.heading for s in sections}
    assert {"Burgernet", "Samen Kiezen", "Veiligheidsacademy"} <= headings
    assert not any(line in ("- Burgernet", "- Samen Kiezen", "- Veiligheidsacademy") for line in menu.text.split("\n"))
    assert [s.position for s in sections] == list(range(len(sections)))


def test_a_run_of_tiny_topics_becomes_sections_of_a_few_each():
    """One-line topics fold into the section before them, but only up to MIN_SECTION_CHARS of them:
    a document of thousands of headings with a line each is not one section without bound."""
    from indexer.ingest.segment.assemble import MAX_SECTION_CHARS, MIN_SECTION_CHARS

    text = "# Kopjes\n\n" + "\n\n".join(f"## Kop nummer {i}\n\nEen korte regel over onderwerp {i}." for i in range(3000))
    meta = DocumentMeta("kopjes", "kopjes.md", "Kopjes", "VAR", "overig", ())
    sections = segment_report(NormalisedDocument(meta, text, [], 0))
    assert len(sections) >= 3000 * 40 // (MIN_SECTION_CHARS + 80)       # each topic is about 40 characters
    assert max(len(s.text) for s in sections) <= min(MAX_SECTION_CHARS, 3 * MIN_SECTION_CHARS)
    assert "Kop nummer 2999" in " ".join(s.title + " " + s.text for s in sections)
