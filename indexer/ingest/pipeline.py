"""The ingestion pipeline: corpus files -> classified, de-duplicated sections.

Error policy, so that nothing is lost silently and no bug passes as a skipped file:
- a file that cannot be read (unsupported, too large, binary, a parser error, too slow)
  is skipped and reported with its reason; the other files are still ingested;
- an exception in our own stages after extraction is a bug: it propagates, the build
  fails loudly and the live index stays as it was.
"""
from __future__ import annotations

import os
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .cache import CachedFile, IngestCache, paused_gc, source_key
from .classify import classify_section, document_theme
from .corpus import MANIFEST_FILE, CorpusFile, Limits, scan_corpus
from .crawl import crawled_urls
from .dedupe import CopyVerdicts, fold_duplicates
from .extract import ExtractionError, TimeLimit, extract
from .learn import Lessons, learn, vocabulary, word_totals
from .manifest import ManifestError, load_manifest
from .metadata import document_meta
from .normalise import normalise_document
from .processes import call_inherited, forked_pool, worked_out_beside
from .records import ExtractedDocument, IngestReport, NormalisedDocument, SectionRecord
from .segment import segment_report
from .segment.units import dutch_words
from ..themes import theme_words


Progress = Callable[[int, int, str], None]      # (files done, files in all, the file just done)


class DuplicateDocumentId(ManifestError):
    """Two files were given one id (by the manifest): the build cannot tell them apart."""


@dataclass
class Ingestion:
    """What the pipeline made of a corpus, and per file what a later build may reuse."""

    docs: list[NormalisedDocument]
    sections: list[SectionRecord]
    report: IngestReport
    files: dict[str, CachedFile]
    lessons: list[Lessons]             # of the documents, in their order
    copies: CopyVerdicts               # which documents are copies of each other
    words: Counter                     # the vocabulary: folded word counts of the kept sections


def ingest_corpus(corpus_dir: Path, limits: Limits = Limits()
                  ) -> tuple[list[NormalisedDocument], list[SectionRecord], IngestReport]:
    """Run extract -> normalise -> segment -> classify -> dedupe over every corpus file."""
    done = ingest_files(corpus_dir, limits)
    return done.docs, done.sections, done.report


def ingest_files(corpus_dir: Path, limits: Limits = Limits(), previous: IngestCache | None = None,
                 progress: Progress | None = None) -> Ingestion:
    """The pipeline over every corpus file; a file whose source is unchanged since ``previous`` is reused."""
    started = time.perf_counter()
    manifest = load_manifest(corpus_dir)
    entries = corpus_entries(corpus_dir, manifest)
    files, refused = scan_corpus(corpus_dir)
    report = IngestReport(files=len(files) + len(refused),
                          skipped=list(refused) + unmatched_entries(manifest, files, refused))
    docs: list[NormalisedDocument] = []
    sections: list[SectionRecord] = []
    cached: dict[str, CachedFile] = {}
    owners: dict[str, str] = {}
    lessons: list[Lessons] = []
    todo = []
    for file in files:
        try:
            key = source_key(file.path, entries.get(file.name), limits)
        except FileNotFoundError:          # removed while we read the corpus (a crawl, staff)
            cached[file.name] = CachedFile("", skipped="bestand verdween tijdens het indexeren", retry=True)
            continue
        reused = previous.lookup(file.name, key) if previous else None
        if reused is None:
            todo.append((file, entries.get(file.name), key))
        else:
            cached[file.name] = reused
    report.reused_files = len(cached) - sum(1 for c in cached.values() if c.retry)
    for done, (file, result) in enumerate(ingest_many(todo, limits), report.reused_files + 1):
        cached[file.name] = result
        if progress:
            progress(done, len(files), file.name)
    if progress and not todo:
        progress(len(files), len(files), "")          # all reused: still say the reading is done
    for file in files:
        result = cached[file.name]
        if result.skipped:
            report.skipped.append((file.name, result.skipped))
            continue
        doc = result.document
        if doc.meta.doc_id in owners:
            raise DuplicateDocumentId(f"{corpus_dir / MANIFEST_FILE}: {file.name} and {owners[doc.meta.doc_id]} "
                                      f"share the id '{doc.meta.doc_id}'. Expected: an id no other file has, "
                                      f"given or made from its path")
        owners[doc.meta.doc_id] = file.name
        docs.append(doc)
        lessons.append(result.lessons)
        sections.extend(result.fresh_sections())
    samples = {doc.meta.doc_id: lesson.sample for doc, lesson in zip(docs, lessons)}
    keys = {doc.meta.doc_id: f"{doc.meta.doc_id}:{cached[doc.meta.path].key}" for doc in docs}   # unique even for twin files
    in_child = sum(len(lesson.words) for lesson in lessons) >= TOTALS_IN_CHILD_FROM
    with paused_gc(), worked_out_beside(word_totals, lessons, in_child=in_child) as totals:
        kept, folded, copies = fold_duplicates(docs, sections, samples, keys, previous.copies if previous else None)
    kept_ids = {section.id for section in kept}
    words = vocabulary(totals.result(), (section for section in sections if section.id not in kept_ids))
    sections = kept
    report.skipped.sort()
    report.documents = len(docs)
    report.sections = len(sections)
    report.duplicates_folded = folded
    for section in sections:
        report.sections_per_document[section.doc_id] = report.sections_per_document.get(section.doc_id, 0) + 1
    report.seconds = time.perf_counter() - started
    return Ingestion(docs, sections, report, cached, lessons, copies, words)


TOTALS_IN_CHILD_FROM = 200_000     # word counts to merge (~0.1 s): fewer are not worth forking a process for


def corpus_entries(corpus_dir: Path, manifest: dict[str, dict]) -> dict[str, dict]:
    """What is known about each file beyond its bytes: its ``manifest`` entry, or the URL it was crawled from."""
    entries = dict(manifest)
    for name, url in crawled_urls(corpus_dir).items():
        entries[name] = {"file": name, "url": url, **entries.get(name, {})}
    return entries


def unmatched_entries(manifest: dict[str, dict], files: list[CorpusFile],
                      refused: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(manifest.toml, reason) for each manifest entry whose file the corpus does not hold: reported, not
    silently unused (a typo in a name, a file removed without its entry)."""
    present = {file.name for file in files} | {name for name, _ in refused}
    return [(MANIFEST_FILE, f"geen bestand '{name}' in de corpusmap; dit gegeven wordt niet gebruikt")
            for name in sorted(manifest) if name not in present]


def ingest_many(todo: list[tuple[CorpusFile, dict | None, str]], limits: Limits):
    """(file, CachedFile) for each file to read, in order; on every core when there are enough.

    Worker processes, not threads: the stages are Python (one core per process), and the
    per-file time limit (SIGALRM) needs each file read in a main thread, which a pool
    process's task runs in. An exception from a stage (a bug) is raised here, as in one process.
    """
    workers = min(os.cpu_count() or 1, MAX_WORKERS, len(todo) // FILES_PER_WORKER)
    if workers < 2:
        for file, entry, key in todo:
            yield file, ingest_file(file, entry, key, limits)
        return
    load_word_lists()                                   # the workers inherit the loaded code and data
    # The parent only unpickles results meanwhile: millions of objects that set off collections of
    # the whole heap, on a core the workers need. The pool is made first: each worker collects as
    # the parent did before the pause.
    with forked_pool(workers, ingest_file) as pool, paused_gc():
        results = pool.map(call_inherited, *zip(*todo), [limits] * len(todo), chunksize=CHUNK)
        yield from zip((file for file, _, _ in todo), results)


def load_word_lists() -> None:
    """Load the word lists the stages read (wordfreq's, the themes') before forking, so that every
    worker inherits them instead of loading its own copy."""
    dutch_words()
    theme_words()


MAX_WORKERS = 8
FILES_PER_WORKER = 8           # fewer files than this per worker: not worth starting processes
CHUNK = 4


def ingest_file(file: CorpusFile, entry: dict | None, key: str, limits: Limits) -> CachedFile:
    """Read one file and run it through the stages; a reading failure becomes a skip reason."""
    try:
        extraction = extract(file, limits)
    except TimeLimit as exc:                # may pass next time (the machine was busy): not remembered
        return CachedFile(key, skipped=str(exc), retry=True)
    except ExtractionError as exc:
        return CachedFile(key, skipped=str(exc))
    doc, doc_sections = ingest_document(file, entry, extraction)
    if not doc_sections:
        return CachedFile(key, skipped="geen secties gevonden")
    return CachedFile(key, document=doc, sections=doc_sections, lessons=learn(doc, doc_sections))


def ingest_document(file: CorpusFile, entry: dict | None, extraction) -> tuple[NormalisedDocument, list[SectionRecord]]:
    """One readable document through normalise, segment and classify (a failure here is a bug)."""
    meta = document_meta(file, entry, extraction)
    doc = normalise_document(ExtractedDocument(meta, extraction.text))
    theme = document_theme(meta.title, doc.text)
    return doc, [classify_section(s, meta, theme) for s in segment_report(doc)]
