"""dedupe: the PDF and the digital edition of one report give one copy of each section."""
from indexer.ingest.pipeline import ingest_corpus

from .conftest import CORPUS


def test_duplicate_report_keeps_the_cleaner_copy_and_remembers_the_other():
    docs, sections, report = ingest_corpus(CORPUS)
    by_doc = {}
    for s in sections:
        by_doc.setdefault(s.doc_id, []).append(s)
    assert report.duplicates_folded >= 10
    digital, pdf = by_doc["var-jaarverslag-2024"], by_doc["var-jaarverslag-2024-pdf"]
    assert len(pdf) < 5 < len(digital)
    folded = [i for s in digital for i in s.also_in]
    assert folded and all(i.startswith("var-jaarverslag-2024-pdf--") for i in folded)
    # the cover letter exists only in the PDF copy, so it stays
    assert any("Geachte heer, mevrouw" in s.text for s in pdf)
    # one copy of a passage that both editions contain
    assert sum("Themadiner polarisatie voor bestuurders" in s.text for s in sections) == 1
