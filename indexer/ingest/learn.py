"""What each document teaches the lexicon, worked out once per document so builds can reuse it.

A document contributes its words (per section, since duplicate sections are folded away
later), the acronyms it defines, and a shingle sample for the duplicate check. The build
merges the lessons of all documents; an incremental build takes unchanged ones from cache.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ..acronyms import load_glossary, mine_acronyms
from ..analysis import surface_words
from .dedupe import shingle_sample
from .records import NormalisedDocument, SectionRecord


@dataclass(frozen=True)
class Lessons:
    """One document's contribution: folded word counts by section id, acronyms it defines, shingle sample."""

    words: dict[str, Counter]
    acronyms: dict[str, str]
    sample: frozenset[int]


def learn(doc: NormalisedDocument, sections: list[SectionRecord]) -> Lessons:
    """The lessons of one document and its sections."""
    return Lessons(
        words={s.id: Counter(surface_words(f"{s.title} {s.text}")) for s in sections},
        acronyms=mine_acronyms([doc.text]),
        sample=shingle_sample(doc.text),
    )


def vocabulary(lessons: list[Lessons], kept: set[str]) -> Counter:
    """Word frequencies over the sections that were kept (folded duplicates do not count twice)."""
    counts: Counter = Counter()
    for lesson in lessons:
        for section_id, words in lesson.words.items():
            if section_id in kept:
                counts.update(words)
    return counts


def acronyms(lessons: list[Lessons]) -> dict[str, str]:
    """Mined acronyms, the first definition in corpus order winning, with the curated glossary on top."""
    found: dict[str, str] = {}
    for lesson in lessons:
        for short, long_form in lesson.acronyms.items():
            found.setdefault(short, long_form)
    return {**found, **load_glossary()}
