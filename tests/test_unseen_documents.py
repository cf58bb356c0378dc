"""Documents nobody has seen before: every format, odd names, colliding titles, strange encodings,
files too big or unreadable, and links out of the corpus. Real files, a real index, real searches."""
from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest

from indexer.ingest.build import build_index
from indexer.ingest.corpus import Limits, document_id
from indexer.ingest.markup import tidy_markdown
from indexer.search import SearchService

from .conftest import ROOT
from .support import api_search, api_section
from .test_ingest import minimal_pdf

META = '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
FORMULA = "Wij Beatrix, bij de gratie Gods, Koningin der Nederlanden, Prinses van Oranje-Nassau, enz. enz. enz."

# Every readable file of the odd corpus, with a phrase only that file holds.
READABLE = {
    "nieuws/README.md": "buurtbemiddelaars bezochten zeventien portiekflats",
    "beleid/handreikingen/README.md": "de kwartiermaker schreef een draaiboek voor hennepkwekerijen",
    "wetten/Besluit van 't Rijk (1999).md": "vergunningplichtige rijwielstallingen worden jaarlijks geschouwd",
    "wetten/besluit coördinator 2001.txt": "de coördinator van het zorgdomein benoemt drie schepenen",
    "pagina's/Nieuws (archief)/bericht over de wijk.html": "wijkagenten fietsten langs alle speeltuinen",
    "rapporten/Factsheet coördinator.pdf": "Ondermijnende kappers witwassen contant geld",
    "Notitie aan 'de raad' (concept).txt": "de raad vroeg om een kaart van leegstaande bedrijfspanden",
}
UNSUPPORTED = "data/cijfers.xlsx"
BROKEN = "rapporten/kapot.pdf"


def write(corpus: Path, name: str, content: str | bytes) -> Path:
    path = corpus / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def filler(topic: str) -> str:
    """A few sentences of ordinary Dutch, told apart from another filler by its topic."""
    return (f"Over {topic} spraken de partners in het voorjaar. Zij maakten afspraken over {topic} "
            f"en legden vast wie wat doet wanneer er over {topic} signalen binnenkomen.")


def odd_corpus(root: Path, heading: str = "Aanpak woonoverlast") -> Path:
    corpus = root / "corpus"
    texts = {
        "nieuws/README.md": "# {heading}\n\nIn maart {phrase} in de oude wijk. {filler}\n",
        "beleid/handreikingen/README.md": "# Aanpak woonoverlast\n\nIn de handreiking staat hoe {phrase}. {filler}\n",
        "wetten/Besluit van 't Rijk (1999).md": META + "\n" + FORMULA
        + "\n\nAlzo Wij in overweging genomen hebben dat {phrase}. {filler}\n",
        "wetten/besluit coördinator 2001.txt": META + "\n" + FORMULA
        + "\n\nAlzo Wij in overweging genomen hebben dat {phrase}. {filler}\n",
        "pagina's/Nieuws (archief)/bericht over de wijk.html":
            "<html><head><title>Veilig spelen in de wijk</title></head><body><h1>Veilig spelen in de wijk</h1>"
            "<p>Deze zomer {phrase}. {filler}</p></body></html>",
        "Notitie aan 'de raad' (concept).txt": "Notitie aan de raad\n\nIn de commissie {phrase}. {filler}\n",
    }
    for number, (name, template) in enumerate(texts.items()):
        write(corpus, name, template.format(heading=heading, phrase=READABLE[name], filler=filler(f"punt {number}")))
    write(corpus, "rapporten/Factsheet coördinator.pdf", minimal_pdf([
        "Factsheet ondermijning", "", READABLE["rapporten/Factsheet coördinator.pdf"] + " via de zaak.",
        "Signalen melden bij de gemeente helpt de aanpak van ondermijning in de buurt."]))
    write(corpus, UNSUPPORTED, b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)) * 4)
    whole = minimal_pdf(["Dit rapport is half verzonden", "en daarna afgebroken door een storing."])
    write(corpus, BROKEN, whole[: len(whole) // 2])
    write(corpus, "manifest.toml", '[[document]]\nfile = "nieuws/README.md"\nurl = "https://example.org/nieuws"\n')
    return corpus


def first_hit_path(svc: SearchService, phrase: str) -> str | None:
    results = api_search(svc, f'"{phrase}"')["results"]
    return svc.lexicon.documents[results[0]["document"]["id"]]["path"] if results else None


def section_ids(svc: SearchService) -> dict[str, list[str]]:
    """Every section id of the index, by document id."""
    generation = svc.generation
    return {doc: sorted(generation.cards[n]["id"] for n in numbers) for doc, numbers in generation.by_document.items()}


@pytest.fixture(scope="module")
def odd_index(tmp_path_factory):
    root = tmp_path_factory.mktemp("odd")
    corpus = odd_corpus(root)
    report = build_index(corpus, root / "ix")
    svc = SearchService(root / "ix")
    yield corpus, report, svc, root
    svc.close()


def test_every_readable_file_is_found_by_its_own_phrase(odd_index):
    _, report, svc, _ = odd_index
    assert {d["path"] for d in svc.lexicon.documents.values()} == set(READABLE)
    for name, phrase in READABLE.items():
        assert first_hit_path(svc, phrase) == name, (name, phrase)
    assert report.documents == len(READABLE)


def test_unsupported_and_broken_files_are_skipped_with_a_dutch_reason(odd_index):
    _, report, svc, _ = odd_index
    skipped = dict(report.skipped)
    assert set(skipped) == {UNSUPPORTED, BROKEN}
    assert "wordt niet ondersteund" in skipped[UNSUPPORTED] and ".xlsx" in skipped[UNSUPPORTED]
    assert "PDF onleesbaar" in skipped[BROKEN] or "geen tekst gevonden" in skipped[BROKEN]
    assert report.files == len(READABLE) + 2          # the manifest is no document
    assert api_search(svc, '"half verzonden"')["total"] == 0


def test_colliding_titles_and_identical_first_lines_keep_documents_apart(odd_index):
    _, report, svc, _ = odd_index
    documents = svc.lexicon.documents
    assert len(documents) == len(READABLE)                      # ids are distinct: nothing was merged
    by_path = {d["path"]: doc_id for doc_id, d in documents.items()}
    assert documents[by_path["nieuws/README.md"]]["title"] == "Aanpak woonoverlast"
    assert documents[by_path["beleid/handreikingen/README.md"]]["title"] == "Aanpak woonoverlast"
    assert documents[by_path["nieuws/README.md"]]["url"] == "https://example.org/nieuws"
    for path, doc_id in by_path.items():
        assert doc_id == document_id(path) == document_id(path)
        assert not documents[doc_id]["title"].startswith("<")      # never the <meta> line
        assert "gratie Gods" not in documents[doc_id]["title"]      # nor a law's enacting formula
    ids = section_ids(svc)
    assert set(ids) == set(documents) and all(ids.values())
    every = [i for doc_ids in ids.values() for i in doc_ids]
    assert len(every) == len(set(every))
    assert report.duplicates_folded == 0                        # a shared formula does not make copies


def test_ids_are_stable_across_builds_and_a_new_heading_keeps_the_document_part(odd_index, tmp_path):
    corpus, _, svc, _ = odd_index
    before = section_ids(svc)
    build_index(corpus, tmp_path / "again")
    again = SearchService(tmp_path / "again")
    assert section_ids(again) == before
    again.close()

    retitled = odd_corpus(tmp_path / "retitled", heading="Portiekflats weer rustig")
    build_index(retitled, tmp_path / "ix2")
    svc2 = SearchService(tmp_path / "ix2")
    doc_id = document_id("nieuws/README.md")
    assert svc2.lexicon.documents[doc_id]["title"] == "Portiekflats weer rustig"
    after = section_ids(svc2)
    assert after[doc_id] and all(i.startswith(doc_id + "--") for i in after[doc_id])
    assert before[doc_id] != after[doc_id]           # the heading part of the section id did follow the heading
    assert {d: i for d, i in after.items() if d != doc_id} == {d: i for d, i in before.items() if d != doc_id}
    assert first_hit_path(svc2, READABLE["nieuws/README.md"]) == "nieuws/README.md"
    svc2.close()


# ---------------------------------------------------------------- titles


def test_titles_come_from_headings_not_from_meta_lines_or_datelines(tmp_path):
    corpus = tmp_path / "c"
    write(corpus, "wet.md",
          f"{META}\n##Wet van 9 oktober 2008, houdende regels omtrent de bestuurlijke aanpak van woonoverlast\n\n"
          f"{FORMULA}\n\nAlzo Wij in overweging genomen hebben dat het wenselijk is overlastgevende huurders "
          f"aan te spreken. {filler('huurders')}\n")
    write(corpus, "nieuws.html",
          "<html><head><title>Nieuwe handreiking buurtbemiddeling verschenen | Kennisbank</title></head><body><main>"
          "<p>Nieuws · 12 maart 2025</p><h1>Nieuwe handreiking buurtbemiddeling verschenen</h1>"
          "<p>De handreiking legt uit hoe gemeenten bemiddelaars inzetten bij burenruzies over geluid. "
          f"{filler('burenruzies')}</p>"
          "<p><a href='https://example.org/files/handreiking.pdf'>Download de handreiking (pdf)</a></p>"
          "</main></body></html>")
    write(corpus, "divs.html",
          "<html><body><div class='content'><div><div>Alleen in geneste blokken staat dat de gemeenteraad "
          "de verordening over kamerverhuur wijzigt.</div><div><div>Verhuurders krijgen een jaar om hun panden "
          f"aan te passen. {filler('kamerverhuur')}</div></div></div></div></body></html>")
    write(corpus, "setext.md",
          "Jaarbericht buurtpreventie\n==========================\n\n"
          + f"Inleiding over appgroepen in de wijk. {filler('appgroepen')}\n\n"
          + "Resultaten van de wandelingen\n------------------------------\n\n"
          + f"Vrijwilligers liepen tweehonderd avondrondes door de wijk. {filler('avondrondes')}\n")
    report = build_index(corpus, tmp_path / "ix")
    assert report.skipped == [] and report.documents == 4
    svc = SearchService(tmp_path / "ix")
    titles = {d["path"]: d["title"] for d in svc.lexicon.documents.values()}
    assert titles["wet.md"] == "Wet van 9 oktober 2008, houdende regels omtrent de bestuurlijke aanpak van woonoverlast"
    assert titles["nieuws.html"] == "Nieuwe handreiking buurtbemiddeling verschenen"
    assert titles["setext.md"] == "Jaarbericht buurtpreventie"
    assert first_hit_path(svc, "verordening over kamerverhuur") == "divs.html"

    hit = api_search(svc, '"bemiddelaars inzetten bij burenruzies"')["results"][0]
    assert hit["document"]["title"] == "Nieuwe handreiking buurtbemiddeling verschenen"
    assert "12 maart" not in hit["title"]
    section = api_section(svc, hit["id"])
    assert "Download de handreiking (pdf)" in section["text"]
    assert "https://example.org/files/handreiking.pdf" in section["links"]

    assert "## Resultaten van de wandelingen\n" in tidy_markdown((corpus / "setext.md").read_text(encoding="utf-8"))
    every = api_search(svc, "", per_page=50)["results"]
    setext = [r for r in every if r["document"]["id"] == document_id("setext.md")]
    shown = " ".join(api_section(svc, r["id"])["text"] for r in setext)
    assert "=====" not in shown and "-----" not in shown
    assert "Resultaten van de wandelingen" in {r["title"] for r in setext} | set(shown.split("\n"))
    wet_text = " ".join(api_section(svc, r["id"])["text"] for r in every if r["document"]["id"] == "wet-md")
    assert "<meta" not in wet_text and "http-equiv" not in wet_text
    svc.close()


# ---------------------------------------------------------------- encodings


def test_utf16_and_cp1252_files_are_read_and_random_bytes_are_refused(tmp_path):
    corpus = tmp_path / "c"
    write(corpus, "utf16.txt", ("Verslag van de coördinator\n\nDe coördinator besprak de financiële "
                                f"positie van het zorgnetwerk. {filler('zorgnetwerken')}\n").encode("utf-16"))
    write(corpus, "oud.txt", ("Notulen van het café-overleg\n\nDe uitbater van het café vroeg € 1500 voor "
                              f"camerabewaking bij de ingang. {filler('cafés')}\n").encode("cp1252"))
    write(corpus, "zonder-bom.txt", ("Handreiking voor de wijkagent\n\nDe wijkagent kent de straat en de bewoners. "
                                     f"{filler('wijkagenten')}\n").encode("utf-16-le"))     # no byte order mark
    write(corpus, "met-nul.txt", f"Notitie kamerverhuur\n\nKamerverhuur\x00 vraagt toezicht. {filler('kamers')}\n"
          .encode("utf-8"))                                                  # a stray NUL from a broken export
    rng = random.Random(20250312)
    write(corpus, "ruis.txt", rng.randbytes(4096))
    write(corpus, "ruis-zonder-nul.txt", bytes(b for b in rng.randbytes(8192) if b)[:4096])
    report = build_index(corpus, tmp_path / "ix")
    skipped = dict(report.skipped)
    assert set(skipped) == {"ruis.txt", "ruis-zonder-nul.txt"}
    assert all("binair" in reason for reason in skipped.values())
    svc = SearchService(tmp_path / "ix")
    hit = api_search(svc, "financiële")["results"][0]
    assert svc.lexicon.documents[hit["document"]["id"]]["path"] == "utf16.txt"
    assert "De coördinator besprak de financiële positie" in api_section(svc, hit["id"])["text"]
    hit = api_search(svc, "café")["results"][0]
    assert svc.lexicon.documents[hit["document"]["id"]]["path"] == "oud.txt"
    assert "vroeg € 1500 voor camerabewaking" in api_section(svc, hit["id"])["text"]
    assert first_hit_path(svc, "de wijkagent kent de straat") == "zonder-bom.txt"
    assert first_hit_path(svc, "kamerverhuur vraagt toezicht") == "met-nul.txt"
    svc.close()


# ---------------------------------------------------------------- limits and links


def test_a_file_over_the_size_limit_is_skipped_and_the_rest_indexed(tmp_path):
    corpus = tmp_path / "c"
    write(corpus, "groot.txt", "Groot verslag\n\n" + "De olifant in de kamer is een groot probleem. " * 1100)
    write(corpus, "klein.txt", f"Klein verslag\n\nDe kleine muis knaagde aan de kabels. {filler('muizen')}\n")
    assert (corpus / "groot.txt").stat().st_size > 50_000
    result = subprocess.run([sys.executable, "-m", "search_app.cli", "index", "--corpus", str(corpus),
                             "--index", str(tmp_path / "ix"), "--max-file-mb", "0.01"],
                            capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    reason = next(line for line in result.stdout.splitlines() if "groot.txt:" in line)
    assert "te groot" in reason and "0.01 MB" in reason          # the limit as it was given
    assert result.stdout.strip().splitlines()[-1] == "1 van 2 bestanden geïndexeerd"
    svc = SearchService(tmp_path / "ix")
    assert first_hit_path(svc, "kleine muis knaagde") == "klein.txt"
    assert api_search(svc, "olifant")["total"] == 0
    svc.close()


def test_links_out_of_the_corpus_are_refused_and_their_text_not_searchable(tmp_path):
    outside = tmp_path / "geheim"
    write(outside, "wachtwoorden.txt", "Geheime lijst\n\nHet kluiswachtwoord van de burgemeester is paarsezeekoe.\n")
    corpus = tmp_path / "c"
    write(corpus, "gewoon.txt", f"Gewoon verslag\n\nDe wijkraad vergaderde over parkeren. {filler('parkeren')}\n")
    (corpus / "lijst.txt").symlink_to(outside / "wachtwoorden.txt")
    (corpus / "map").symlink_to(outside, target_is_directory=True)
    (corpus / "weg.txt").symlink_to(tmp_path / "bestaat-niet.txt")
    (corpus / "spiegel").symlink_to(corpus, target_is_directory=True)    # inside: its files are already there
    (corpus / "kopie.txt").symlink_to(corpus / "gewoon.txt")             # inside: the file is read where it is
    (corpus / "kring-a.txt").symlink_to(corpus / "kring-b.txt")
    (corpus / "kring-b.txt").symlink_to(corpus / "kring-a.txt")
    report = build_index(corpus, tmp_path / "ix")
    skipped = dict(report.skipped)
    assert "buiten de corpusmap" in skipped["lijst.txt"]
    assert "buiten de corpusmap" in skipped["map"]                  # a linked folder is reported, not ignored
    assert "niet bestaat" in skipped["weg.txt"]
    assert skipped["kopie.txt"] == "verwijzing naar gewoon.txt, dat al in de corpusmap staat"
    assert "kringverwijzing" in skipped["kring-a.txt"] and "kringverwijzing" in skipped["kring-b.txt"]
    assert report.documents == 1 and report.files == 7 and report.duplicates_folded == 0
    svc = SearchService(tmp_path / "ix")
    assert api_search(svc, "paarsezeekoe")["total"] == 0
    assert api_search(svc, "kluiswachtwoord")["total"] == 0
    assert first_hit_path(svc, "vergaderde over parkeren") == "gewoon.txt"
    svc.close()


def test_a_word_file_that_unpacks_past_the_size_limit_is_skipped_before_it_is_parsed(tmp_path):
    """A zip bomb: a .docx of a few kilobytes whose document part unpacks to megabytes of empty
    paragraphs. The limit on a file's size holds for its unpacked parts too."""
    import docx
    import zipfile

    corpus = tmp_path / "c"
    corpus.mkdir()
    word = docx.Document()
    word.add_heading("Handreiking kamerverhuur", 1)
    word.add_paragraph(f"Kamerverhuur vraagt om toezicht. {filler('kamerverhuur')}")
    word.save(corpus / "gewoon.docx")
    with zipfile.ZipFile(corpus / "gewoon.docx") as original, \
            zipfile.ZipFile(corpus / "bom.docx", "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in original.infolist():
            data = original.read(item)
            if item.filename == "word/document.xml":
                data = data.replace(b"</w:body>", b"<w:p/>" * 400_000 + b"</w:body>")
            bomb.writestr(item, data, zipfile.ZIP_DEFLATED)
    assert (corpus / "bom.docx").stat().st_size < 100_000
    report = build_index(corpus, tmp_path / "ix", limits=Limits(max_bytes=1024 * 1024))
    assert report.documents == 1
    unpacked = sum(item.file_size for item in zipfile.ZipFile(corpus / "bom.docx").infolist()) / (1024 * 1024)
    assert report.skipped == [("bom.docx", f"uitgepakt te groot ({unpacked:.3g} MB; maximaal 1 MB)")]
    svc = SearchService(tmp_path / "ix")
    assert first_hit_path(svc, "kamerverhuur vraagt om toezicht") == "gewoon.docx"
    svc.close()


def test_a_letterhead_names_the_organisation_and_is_never_the_title(tmp_path):
    corpus = tmp_path / "c"
    write(corpus, "brief-arnhem.txt", "GEMEENTE ARNHEM\nPostbus 9029\n6800 EL  Arnhem\n\nAanpak overlast in de "
                                      f"binnenstad\n\nGeachte leden van de raad, de overlast neemt toe. {filler('overlast')}\n")
    write(corpus, "brief-capelle.txt", "GEMEENTE CAPELLE AAN DEN IJSSEL\n2900 AA Capelle aan den IJssel\n\nCameratoezicht "
                                       f"op het stationsplein\n\nHet college besloot tot cameratoezicht. {filler('camera')}\n")
    write(corpus, "notitie.txt", "Politie en gemeente werken samen\n\nDe wijkagent en de handhaver lopen samen. "
                                 f"{filler('handhaving')}\n")
    build_index(corpus, tmp_path / "ix")
    svc = SearchService(tmp_path / "ix")
    documents = {d["path"]: d["title"] for d in svc.lexicon.documents.values()}
    assert documents == {"brief-arnhem.txt": "Aanpak overlast in de binnenstad",
                         "brief-capelle.txt": "Cameratoezicht op het stationsplein",
                         "notitie.txt": "Politie en gemeente werken samen"}
    organisations = {hit["document"]["title"]: hit["organisation"] for hit in api_search(svc, "", per_page=50)["results"]}
    assert organisations["Aanpak overlast in de binnenstad"] == "Gemeente Arnhem"
    assert organisations["Cameratoezicht op het stationsplein"] == "Gemeente Capelle aan den IJssel"
    assert organisations["Politie en gemeente werken samen"] == "VeiligheidsAlliantie regio Rotterdam"    # the default
    svc.close()
