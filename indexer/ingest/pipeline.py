"""The ingestion pipeline: corpus files -> classified, de-duplicated sections.

Error policy, so that nothing is lost silently and no bug passes as a skipped file:
- a file that cannot be read (unsupported, too large, binary, a parser error, too slow)
  is skipped and reported with its reason; the other files are still ingested;
- an exception in our own stages after extraction is a bug: it propagates, the build
  fails loudly and the live index stays as it was.
"""
from __future__ import annotations

import time
from pathlib import Path

from .classify import classify_section, document_theme
from .corpus import CorpusFile, Limits, scan_corpus
from .dedupe import fold_duplicates
from .extract import ExtractionError, extract
from .manifest import load_manifest
from .metadata import document_meta
from .normalise import normalise_document
from .records import ExtractedDocument, IngestReport, NormalisedDocument, SectionRecord
from .segment import segment_report


class DuplicateDocumentId(RuntimeError):
    """Two files were given one id (by the manifest): the build cannot tell them apart."""


def ingest_corpus(corpus_dir: Path, limits: Limits = Limits()
                  ) -> tuple[list[NormalisedDocument], list[SectionRecord], IngestReport]:
    """Run extract -> normalise -> segment -> classify -> dedupe over every corpus file."""
    started = time.perf_counter()
    manifest = load_manifest(corpus_dir)
    files, refused = scan_corpus(corpus_dir)
    report = IngestReport(files=len(files) + len(refused), skipped=list(refused))
    docs: list[NormalisedDocument] = []
    sections: list[SectionRecord] = []
    owners: dict[str, str] = {}
    for file in files:
        try:
            extraction = extract(file, limits)
        except ExtractionError as exc:
            report.skipped.append((file.name, str(exc)))
            continue
        doc, doc_sections = ingest_document(file, manifest.get(file.name), extraction)
        if doc.meta.doc_id in owners:
            raise DuplicateDocumentId(f"{file.name} and {owners[doc.meta.doc_id]} share the id '{doc.meta.doc_id}'")
        if not doc_sections:
            report.skipped.append((file.name, "geen secties gevonden"))
            continue
        owners[doc.meta.doc_id] = file.name
        docs.append(doc)
        sections.extend(doc_sections)
    sections, folded = fold_duplicates(docs, sections)
    report.skipped.sort()
    report.documents = len(docs)
    report.sections = len(sections)
    report.duplicates_folded = folded
    for section in sections:
        report.sections_per_document[section.doc_id] = report.sections_per_document.get(section.doc_id, 0) + 1
    report.seconds = time.perf_counter() - started
    return docs, sections, report


def ingest_document(file: CorpusFile, entry: dict | None, extraction) -> tuple[NormalisedDocument, list[SectionRecord]]:
    """One readable document through normalise, segment and classify (a failure here is a bug)."""
    meta = document_meta(file, entry, extraction)
    doc = normalise_document(ExtractedDocument(meta, extraction.text))
    theme = document_theme(meta.title, doc.text)
    return doc, [classify_section(s, meta, theme) for s in segment_report(doc)]
