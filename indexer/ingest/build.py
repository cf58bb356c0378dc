"""Stage 6, index: write sections into a Whoosh index on disk, next to its lexicon.

Each build writes a fresh *generation* directory and then atomically repoints the
index path (a symlink) at it (see generations.py), so searchers keep serving the old
generation while staff reindex, and pick up the new one when they next check.
"""
from __future__ import annotations

import json
import shutil
import time
from collections import Counter
from pathlib import Path

from whoosh import index as whoosh_index

from ..acronyms import merged_acronyms
from ..analysis import Decompounder, surface_words
from ..schema import LEXICON_FILE, build_schema, new_generation_path
from .corpus import Limits
from .generations import build_lock, check_shrink, mark_complete, remove_partial, swap_generation
from .pipeline import ingest_corpus
from .records import IngestReport, SectionRecord

WORD_LIST_SIZE = 40_000
MAX_SHRINK = 0.25        # a build that would drop more of the live documents is refused


def vocabulary_for(sections: list[SectionRecord]) -> Counter:
    """Surface word frequencies of the corpus (folded): the vocabulary for suggestions."""
    counts: Counter = Counter()
    for section in sections:
        counts.update(surface_words(f"{section.title} {section.text}"))
    return counts


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


def write_generation(target: Path, sections: list[SectionRecord], lexicon: dict,
                     decompounder: Decompounder | None, stemming: bool = True) -> None:
    """Write one complete index generation into an empty directory."""
    target.mkdir(parents=True)
    ix = whoosh_index.create_in(str(target), build_schema(decompounder, stemming))
    writer = ix.writer(limitmb=256)
    for section in sections:
        writer.add_document(
            id=section.id, doc_id=section.doc_id, title=section.title, doc_title=section.doc_title,
            text=section.text, theme=section.theme, type=section.type, organisation=section.organisation,
            year=section.year or 0, position=section.position, meta=section_meta(section),
        )
    writer.commit()
    (target / LEXICON_FILE).write_text(json.dumps(lexicon, ensure_ascii=False), encoding="utf-8")


def build_index(corpus_dir: Path, index_dir: Path, stemming: bool = True, compounds: bool = True,
                limits: Limits = Limits(), max_shrink: float = MAX_SHRINK, allow_shrink: bool = False) -> IngestReport:
    """Build the index of a corpus from scratch; searchers see it once it is complete.

    Raises BuildRefused (the live index untouched) when another build runs or the new index
    would lose too much; any other exception is a bug, and the live index is untouched too.
    ``stemming`` and ``compounds`` are switched off only to measure what they add.
    """
    index_dir = index_dir.absolute()
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    with build_lock(index_dir):
        remove_partial(index_dir)
        docs, sections, report = ingest_corpus(corpus_dir, limits)
        check_shrink(index_dir, report.documents, max_shrink, allow_shrink)
        started = time.perf_counter()
        words = vocabulary_for(sections)
        parts = part_vocabulary(words)
        lexicon = {
            "words": dict(words),
            "parts": parts,
            "acronyms": merged_acronyms([d.text for d in docs]),
            "titles": sorted({s.title for s in sections}),
            "documents": {d.meta.doc_id: {"title": d.meta.title, "url": d.meta.url, "path": d.meta.path}
                          for d in docs},
            "built": time.strftime("%Y-%m-%dT%H:%M:%S"),
            "analysis": {"stemming": stemming, "compounds": compounds},
        }
        generation = new_generation_path(index_dir, time.time_ns())
        try:
            write_generation(generation, sections, lexicon, Decompounder(parts) if compounds else None, stemming)
            mark_complete(generation)
        except BaseException:
            shutil.rmtree(generation, ignore_errors=True)
            raise
        swap_generation(index_dir, generation)
    report.seconds += time.perf_counter() - started
    return report
