"""Stage 6, index: write sections into a Whoosh index on disk, next to its lexicon.

Each build writes a fresh *generation* directory and then atomically repoints the
index path (a symlink) at it (see generations.py), so searchers keep serving the old
generation while staff reindex, and pick up the new one when they next check.
"""
from __future__ import annotations

import json
import os
import shutil
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from whoosh import index as whoosh_index

from ..analysis import Decompounder
from ..dutch_words import DUTCH_WORDS_FILE, dutch_word_keys, write_dutch_words
from ..schema import COMPLETE_MARKER, LEXICON_FILE, bind_lexicon, build_schema, new_generation_path
from .bulk_writer import BulkSegmentWriter
from .cache import CACHE_FILE, IngestCache, fingerprint, ingester_version, load_cache, paused_gc, save_cache
from .corpus import Limits
from .learn import acronyms
from .generations import build_lock, check_shrink, live_generation, mark_complete, remove_partial, swap_generation
from .pipeline import Ingestion, Progress, ingest_files
from .processes import call_inherited, forked_pool, worked_out_beside
from .records import IngestReport, SectionRecord

WORD_LIST_SIZE = 40_000
MAX_DELETED_SHARE = 0.1  # an incremental generation with more deleted sections is merged into one segment
MAX_SHRINK = 0.25        # a build that would drop more of the live documents is refused


def part_vocabulary(words: Counter) -> dict[str, int]:
    """Words that may be compound parts: the corpus plus a Dutch word list (wordfreq)."""
    from wordfreq import top_n_list

    vocabulary = {w: n for w, n in words.items() if w.isalpha()}
    for rank, word in enumerate(top_n_list("nl", WORD_LIST_SIZE)):
        if word.isalpha() and word not in vocabulary:
            vocabulary[word] = max(1, (WORD_LIST_SIZE - rank) // 4000)
    return vocabulary


def section_meta(section: SectionRecord) -> dict:
    """The stored, non-searched fields of a section."""
    return {
        "anchor": section.anchor, "url": section.url, "links": section.links, "parents": list(section.parents),
        "part": section.part, "also_in": section.also_in,
    }


def section_fields(section: SectionRecord) -> dict:
    """One section as a Whoosh document."""
    return dict(
        id=section.id, doc_id=section.doc_id, title=section.title, doc_title=section.doc_title,
        text=section.text, theme=section.theme, type=section.type, organisation=section.organisation,
        year=section.year or 0, position=section.position, meta=section_meta(section),
    )


def write_generation(target: Path, sections: list[SectionRecord], decompounder: Decompounder | None,
                     stemming: bool = True, writers: int | None = None,
                     meanwhile: Callable[[], None] | None = None) -> None:
    """Write the segments of one complete index generation into an empty directory: one per core.

    Each worker process writes the segment of a contiguous share of the sections (so section
    numbers keep the corpus order) with the bulk writer, and one commit lists the segments,
    as ``whoosh.multiproc`` does with ``multisegment=True``.
    Scores do not depend on how sections are split over segments (term and length statistics
    are summed over them). ``writers`` overrides the number of processes (for tests).
    ``meanwhile`` (the generation's other files: lexicon, cache) runs in this process while the
    writer processes run.
    """
    target.mkdir(parents=True)
    ix = whoosh_index.create_in(str(target), build_schema(decompounder, stemming))
    shares = contiguous_shares(sections, writers or writer_count(len(sections)))
    beside_the_segments = meanwhile or (lambda: None)
    if len(shares) <= 1:
        segments = [write_segment(target, share, decompounder) for share in shares]
        beside_the_segments()
    else:
        with forked_pool(len(shares), write_share, target, shares, decompounder) as pool:
            written = pool.map(call_inherited, range(len(shares)))
            with paused_gc():                   # no collection walks the corpus the writers have (and copy)
                beside_the_segments()           # the build process's own share of the work, while it waits
                segments = list(written)
    ix.writer().commit(mergetype=lambda writer, existing: existing + segments)


MAX_WRITERS = 4
SECTIONS_PER_WRITER = 2_000       # fewer sections than this per process: not worth starting one


def writer_count(sections: int) -> int:
    """How many processes write a generation of this many sections."""
    return max(1, min(os.cpu_count() or 1, MAX_WRITERS, sections // SECTIONS_PER_WRITER))


def contiguous_shares(sections: list[SectionRecord], count: int) -> list[list[SectionRecord]]:
    """The sections cut into ``count`` runs of nearly equal length, in order."""
    size = max(1, -(-len(sections) // count))
    return [sections[start:start + size] for start in range(0, len(sections), size)]


def write_share(target: Path, shares: list[list[SectionRecord]], decompounder: Decompounder | None, number: int):
    """In a writer process: write share ``number`` of the (inherited) sections into a segment."""
    return write_segment(target, shares[number], decompounder)


def write_segment(target: Path, sections: list[SectionRecord], decompounder: Decompounder | None):
    """Write sections into a new segment of the (uncommitted) index at ``target``; return the segment.

    The caller commits: it holds the index, so this writer takes no lock (as Whoosh's own
    multiprocessing writer does), and the schema read back from disk is bound to the lexicon.
    """
    writer = BulkSegmentWriter(whoosh_index.open_dir(str(target)))
    if decompounder is not None:
        bind_lexicon(writer.schema, decompounder)
    for section in sections:
        writer.add_document(**section_fields(section))
    return writer.finish()


def update_generation(target: Path, sections: list[SectionRecord], decompounder: Decompounder | None,
                      stale: set[str], fresh: set[str]) -> None:
    """Update a generation that shares the live one's segments (``link_segments``): drop the
    ``stale`` documents, add the ``fresh``."""
    writer = whoosh_index.open_dir(str(target)).writer(limitmb=256)
    if decompounder is not None:
        bind_lexicon(writer.schema, decompounder)        # the writer's own copy of the stored schema
    for doc_id in sorted(stale):
        writer.delete_by_term("doc_id", doc_id)
    for section in sections:
        if section.doc_id in fresh:
            writer.add_document(**section_fields(section))
    writer.commit()                 # Whoosh's default policy merges only the small segments
    index = whoosh_index.open_dir(str(target))
    if index.doc_count_all() - index.doc_count() > MAX_DELETED_SHARE * index.doc_count_all():
        # deleted sections still count in term statistics (idf, average lengths): rewrite them away
        writer = index.writer(limitmb=256)
        if decompounder is not None:
            bind_lexicon(writer.schema, decompounder)
        writer.commit(optimize=True)


def link_segments(live: Path, target: Path) -> None:
    """Hard-link the live generation's Whoosh files into a new directory (copy where links fail).

    Whoosh never rewrites a segment file, and deletions live in the new table of contents, so
    the live generation stays exactly as it was."""
    target.mkdir(parents=True)
    own = {LEXICON_FILE, COMPLETE_MARKER, CACHE_FILE, DUTCH_WORDS_FILE}
    for path in live.iterdir():
        if path.is_file() and path.name not in own and not path.name.endswith("LOCK"):
            try:
                os.link(path, target / path.name)
            except OSError:
                shutil.copy2(path, target / path.name)


WordListWriter = Callable[[Path], None]        # writes a generation's Dutch word list into its folder


def write_lexicon(target: Path, lexicon: dict, write_word_list: WordListWriter = write_dutch_words) -> None:
    """What the search side reads beside the segments: lexicon.json and the Dutch word list."""
    (target / LEXICON_FILE).write_text(json.dumps(lexicon, ensure_ascii=False), encoding="utf-8")
    write_word_list(target)


@contextmanager
def dutch_word_list(live: Path | None) -> Iterator[WordListWriter]:
    """What writes a new generation's Dutch word list, for a build that runs inside the block.

    ``live``: the live generation, when the same code made it (same ingester version, so the same
    wordfreq): its list is copied (never hard-linked, so nothing written can reach the live one).
    Otherwise the list (about 0.5 s of CPU) is made by a child process at the lowest priority
    while the block reads and folds the corpus, on what the other processes leave of the cores,
    instead of beside the segment writers; a process that made it before (tests) reuses its own.
    """
    if live is not None and (live / DUTCH_WORDS_FILE).exists():
        yield lambda target: shutil.copyfile(live / DUTCH_WORDS_FILE, target / DUTCH_WORDS_FILE)
        return
    made_here = dutch_word_keys.cache_info().currsize > 0
    with worked_out_beside(dutch_word_keys, in_child=not made_here, idle=True) as keys:
        yield lambda target: write_dutch_words(target, keys.result())


def word_parts(done: Ingestion, old_parts: dict[str, int] | None) -> dict:
    """The part of the lexicon the writers need: the vocabulary and the compound parts.

    An incremental build keeps the compound parts the reused segments were analysed with and
    only adds new words, so the query side splits compounds as those segments did.
    """
    parts = part_vocabulary(done.words)
    if old_parts is not None:
        parts = {**parts, **old_parts}
    return {"words": dict(done.words), "parts": parts}


def complete_lexicon(done: Ingestion, analysis: dict, words_and_parts: dict) -> dict:
    """``word_parts`` completed with what only searchers read: acronyms, titles, documents."""
    return {
        **words_and_parts,
        "acronyms": acronyms(done.lessons),
        "titles": sorted({s.title for s in done.sections}),
        "documents": {d.meta.doc_id: {"title": d.meta.title, "url": d.meta.url, "path": d.meta.path}
                      for d in done.docs},
        "built": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "analysis": analysis,
    }


def build_index(corpus_dir: Path, index_dir: Path, stemming: bool = True, compounds: bool = True,
                limits: Limits = Limits(), max_shrink: float = MAX_SHRINK, allow_shrink: bool = False,
                incremental: bool = False, progress: Progress | None = None, wait_seconds: float = 0) -> IngestReport:
    """Build the index of a corpus; searchers see the new generation once it is complete.

    ``incremental``: reuse what the live generation learned from files that did not change,
    and its segments for documents whose sections did not change (a full build otherwise,
    or when the live generation was made by other code or settings). Raises BuildRefused
    (the live index untouched) when another build runs (after waiting ``wait_seconds``) or
    the new index would lose too much; any other exception is a bug, and the live index is
    untouched too. ``stemming`` and ``compounds`` are switched off only to measure what they add.
    """
    index_dir = index_dir.absolute()
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    analysis = {"stemming": stemming, "compounds": compounds}
    with build_lock(index_dir, wait_seconds):
        remove_partial(index_dir)
        live = live_generation(index_dir)
        previous = load_cache(live)
        if previous is not None and (previous.analysis != analysis or previous.version != ingester_version()):
            previous = None            # other settings or other code made it: its segments cannot be reused
        with dutch_word_list(live if previous is not None else None) as write_word_list:
            done = ingest_files(corpus_dir, limits, previous if incremental else None, progress)
            report = done.report
            check_shrink(index_dir, report.documents, max_shrink, allow_shrink)
            started = time.perf_counter()
            generation = write_new_generation(index_dir, live, previous, done, analysis, write_word_list,
                                              reuse=incremental and previous is not None)
        swap_generation(index_dir, generation)
    report.seconds += time.perf_counter() - started
    return report


def write_new_generation(index_dir: Path, live: Path | None, previous: IngestCache | None, done: Ingestion,
                         analysis: dict, write_word_list: WordListWriter, reuse: bool) -> Path:
    """Write the complete generation of an ingested corpus beside the live one; its path.

    ``reuse``: share the live generation's segments and rewrite only the documents that changed.
    A failure removes the partial generation.
    """
    words_and_parts = word_parts(done, live_parts(live) if reuse else None)
    decompounder = Decompounder(words_and_parts["parts"]) if analysis["compounds"] else None
    generation = new_generation_path(index_dir, time.time_ns())

    def other_files() -> tuple[set[str], set[str]]:
        """Write the files the segment writers do not need; the documents to delete and to (re)write."""
        fingerprints = document_fingerprints(done.sections)
        changes = compare_documents(done.report, previous.fingerprints if previous else None, fingerprints)
        write_lexicon(generation, complete_lexicon(done, analysis, words_and_parts), write_word_list)
        save_cache(generation, IngestCache(analysis, ingester_version(), done.files, fingerprints, done.copies))
        return changes

    try:
        if reuse:
            link_segments(live, generation)
            update_generation(generation, done.sections, decompounder, *other_files())
        else:        # every document is written: the other files are made while the writers run
            write_generation(generation, done.sections, decompounder, analysis["stemming"], meanwhile=other_files)
        mark_complete(generation)
    except BaseException:
        shutil.rmtree(generation, ignore_errors=True)
        raise
    return generation


def document_fingerprints(sections: list[SectionRecord]) -> dict[str, str]:
    """Per document, a digest of the sections it puts into the index."""
    by_document: dict[str, list[SectionRecord]] = {}
    for section in sections:
        by_document.setdefault(section.doc_id, []).append(section)
    return {doc_id: fingerprint(doc_sections) for doc_id, doc_sections in by_document.items()}


def compare_documents(report: IngestReport, before: dict[str, str] | None,
                      after: dict[str, str]) -> tuple[set[str], set[str]]:
    """Fill the report's added/changed/removed; return the documents to delete and to (re)write."""
    before = before or {}
    report.added = sorted(set(after) - set(before))
    report.changed = sorted(d for d in set(after) & set(before) if after[d] != before[d])
    report.removed = sorted(set(before) - set(after))
    return set(report.changed) | set(report.removed), set(report.added) | set(report.changed)


def live_parts(live: Path) -> dict[str, int]:
    """The compound parts the live generation's segments were analysed with."""
    return json.loads((live / LEXICON_FILE).read_text(encoding="utf-8")).get("parts", {})
