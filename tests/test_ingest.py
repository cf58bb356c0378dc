"""ingestion: new documents without manifest entries, HTML and PDF, broken files skipped with reasons."""
from indexer.ingest.markup import html_to_text
from indexer.ingest.build import build_index
from indexer.ingest.pipeline import ingest_corpus
from indexer.search import SearchService

from .support import api_search, api_section


def minimal_pdf(lines: list[str]) -> bytes:
    """A real one-page PDF with the given lines of text (Helvetica)."""
    return pdf_with("BT /F1 12 Tf 50 780 Td 14 TL " + " ".join(f"({line}) '" for line in lines) + " ET")


def pdf_with(content: str) -> bytes:
    """A real one-page PDF drawing ``content`` with fonts F1 (Helvetica) and F2 (Helvetica-Bold)."""
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def test_new_documents_of_every_format_are_indexed_and_broken_ones_skipped(small_corpus, tmp_path):
    (small_corpus / "handreiking-woonoverlast.html").write_text(
        "<html><body><nav>menu</nav><h1>Handreiking woonoverlast</h1><p>Deze handreiking helpt gemeenten bij de "
        "aanpak van woonoverlast met de <a href='https://example.org/wet'>Wet aanpak woonoverlast</a>.</p>"
        "<h2>Stappen</h2><ul><li>Signaleren van overlast door buren</li><li>Gesprek met de bewoner</li></ul>"
        "<p>Meer uitleg over de stappen en de rol van de burgemeester bij woonoverlast in de wijk.</p></body></html>",
        encoding="utf-8")
    (small_corpus / "factsheet-geldezels-2023.pdf").write_bytes(minimal_pdf([
        "Factsheet geldezels 2023", "", "Jongeren worden geronseld als geldezel via sociale media.",
        "Signalen herkennen en melden bij de politie helpt slachtoffers en voorkomt schade."]))
    (small_corpus / "kapot.pdf").write_bytes(b"%PDF-1.4 dit is geen echte pdf")
    (small_corpus / "leeg.txt").write_text("   \n", encoding="utf-8")
    (small_corpus / "binair.txt").write_bytes(b"\x00\x01\x02" * 100)

    report = build_index(small_corpus, tmp_path / "ix")
    skipped = dict(report.skipped)
    assert set(skipped) == {"kapot.pdf", "leeg.txt", "binair.txt"}
    assert "geen tekst" in skipped["leeg.txt"] and "binair" in skipped["binair.txt"]
    assert report.documents == 7

    svc = SearchService(tmp_path / "ix")
    html_hit = api_search(svc, "handreiking woonoverlast", {"type": ["handreiking"]})["results"][0]
    assert html_hit["document"]["title"] == "Handreiking woonoverlast" and html_hit["theme"] == "Veilig wonen"
    section = api_section(svc, html_hit["id"])
    assert "https://example.org/wet" in section["links"] and "menu" not in section["text"]
    pdf_hit = api_search(svc, "geldezel", {"type": ["factsheet"]})["results"][0]
    assert pdf_hit["year"] == 2023 and pdf_hit["theme"] == "Digitale veiligheid"
    assert api_search(svc, "Inwonersbijdrage")["total"] > 0   # the rest of the corpus is still there
    svc.close()


def test_html_extraction_keeps_structure():
    text, _title = html_to_text("<h2>Kop</h2><p>Tekst met <a href='/x'>link</a>.</p><script>bad()</script><li>punt</li>")
    assert text == "## Kop\n\nTekst met [link](/x).\n\n- punt"


def test_ingest_does_not_depend_on_file_names(small_corpus):
    (small_corpus / "000_7eba004f3e4e4558.txt").rename(small_corpus / "elke-naam.txt")
    (small_corpus / "manifest.toml").write_text(
        (small_corpus / "manifest.toml").read_text().replace("000_7eba004f3e4e4558.txt", "elke-naam.txt"))
    docs, sections, report = ingest_corpus(small_corpus)
    assert report.documents == 5 and any(d.meta.path == "elke-naam.txt" for d in docs)


def styled_pdf(blocks: list[tuple[str, int, str]]) -> bytes:
    """A real one-page PDF: (font F1 regular or F2 bold, size, line) blocks top to bottom."""
    ops, y = [], 780
    for font, size, line in blocks:
        ops.append(f"BT /{font} {size} Tf 50 {y} Td ({line}) Tj ET")
        y -= size + 14
    return pdf_with(" ".join(ops))


def test_pdf_headings_from_type_size_and_weight_and_word_heading_styles(tmp_path):
    import docx

    corpus = tmp_path / "c"
    corpus.mkdir()
    body = "Drugsafval wordt gedumpt in natuurgebieden en op erven van boeren, dat is gevaarlijk."
    (corpus / "scan-0042.pdf").write_bytes(styled_pdf(
        [("F1", 24, "Handreiking drugsafval"), ("F2", 11, "Wat is drugsafval")] + [("F1", 11, body)] * 12
        + [("F2", 11, "Melden en opruimen")] + [("F1", 11, "Meld vondsten van vaten bij de politie of de gemeente.")] * 12))
    word = docx.Document()
    word.add_heading("Handreiking buurtbemiddeling", 0)
    for heading in ("Wat is buurtbemiddeling", "Aanmelden bij het team"):
        word.add_heading(heading, 1)
        for _ in range(12):
            word.add_paragraph(f"{heading}: buren die ruzie hebben over geluid of huisdieren praten onder begeleiding.")
    word.save(corpus / "document1.docx")
    report = build_index(corpus, tmp_path / "ix")
    assert report.documents == 2 and report.skipped == []
    svc = SearchService(tmp_path / "ix")
    titles = {(r["document"]["title"], r["title"]) for r in api_search(svc, "", per_page=50)["results"]}
    assert ("Handreiking drugsafval", "Melden en opruimen") in titles
    assert ("Handreiking drugsafval", "Wat is drugsafval") in titles
    assert ("Handreiking buurtbemiddeling", "Aanmelden bij het team") in titles
    svc.close()


def test_a_page_declares_its_year_and_publisher(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "bericht.html").write_text(
        '<html><head><title>Buurtpreventie groeit | Gemeente Voorbeeld</title>'
        '<meta property="og:site_name" content="Gemeente Voorbeeld">'
        '<meta property="article:published_time" content="2023-05-04T10:00:00+02:00"></head>'
        "<body><main><h1>Buurtpreventie groeit</h1><p>In 2019 begonnen drie wijken; nu doen er twaalf mee aan "
        "buurtpreventie met appgroepen en wandelingen door de wijk.</p></main></body></html>", encoding="utf-8")
    build_index(corpus, tmp_path / "ix")
    hit = api_search(SearchService(tmp_path / "ix"), "buurtpreventie")["results"][0]
    assert (hit["document"]["title"], hit["year"], hit["organisation"]) == ("Buurtpreventie groeit", 2023,
                                                                           "Gemeente Voorbeeld")
