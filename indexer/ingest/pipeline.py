"""The ingestion pipeline: corpus files -> classified, de-duplicated sections."""
from __future__ import annotations

import time
from pathlib import Path

from .classify import classify_section
from .dedupe import fold_duplicates
from .extract import ExtractionError, extract_text
from .manifest import corpus_files, document_meta, load_manifest
from .normalise import normalise_document
from .records import ExtractedDocument, IngestReport, NormalisedDocument, SectionRecord
from .segment import segment_report


def ingest_corpus(corpus_dir: Path) -> tuple[list[NormalisedDocument], list[SectionRecord], IngestReport]:
    """Run extract -> normalise -> segment -> classify -> dedupe over every corpus file.

    A document that fails at any stage is skipped with its reason in the report;
    the others are still ingested.
    """
    started = time.perf_counter()
    report = IngestReport()
    manifest = load_manifest(corpus_dir)
    docs: list[NormalisedDocument] = []
    sections: list[SectionRecord] = []
    seen_ids: set[str] = set()
    for path in corpus_files(corpus_dir):
        name = str(path.relative_to(corpus_dir))
        try:
            text = extract_text(path)
            meta = document_meta(path, corpus_dir, manifest.get(name), text)
            if meta.doc_id in seen_ids:
                raise ExtractionError(f"dubbel document-id '{meta.doc_id}'")
            doc = normalise_document(ExtractedDocument(meta, text))
            doc_sections = [classify_section(s, meta) for s in segment_report(doc)]
            if not doc_sections:
                raise ExtractionError("geen secties gevonden")
        except (ExtractionError, OSError, ValueError, KeyError) as exc:
            report.skipped.append((name, str(exc)))
            continue
        seen_ids.add(meta.doc_id)
        docs.append(doc)
        sections.extend(doc_sections)
    sections, folded = fold_duplicates(docs, sections)
    report.documents = len(docs)
    report.sections = len(sections)
    report.duplicates_folded = folded
    for section in sections:
        report.sections_per_document[section.doc_id] = report.sections_per_document.get(section.doc_id, 0) + 1
    report.seconds = time.perf_counter() - started
    return docs, sections, report
