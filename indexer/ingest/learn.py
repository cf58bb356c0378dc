"""What each document teaches the lexicon, worked out once per document so builds can reuse it.

A document contributes its words (over all its sections: the build subtracts the few sections
folded away as duplicates), the acronyms it defines, and a shingle sample for the duplicate
check. The build merges the lessons of all documents; an incremental build takes unchanged ones
from cache.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import chain
from typing import Iterable

from ..acronyms import load_glossary, mine_acronyms
from ..analysis import surface_words
from .shingles import shingle_sample
from .records import NormalisedDocument, SectionRecord


@dataclass(frozen=True)
class Lessons:
    """One document's contribution: folded word counts of its sections, acronyms it defines, shingle sample."""

    words: Counter
    acronyms: dict[str, str]
    sample: frozenset[int]


def learn(doc: NormalisedDocument, sections: list[SectionRecord]) -> Lessons:
    """The lessons of one document and its sections."""
    return Lessons(
        words=Counter(chain.from_iterable(map(section_words, sections))),
        acronyms=mine_acronyms([doc.text]),
        sample=shingle_sample(doc.text),
    )


def section_words(section: SectionRecord) -> list[str]:
    """The folded words of a section's title and text, as the vocabulary counts them."""
    return surface_words(f"{section.title} {section.text}")


def word_totals(lessons: list[Lessons]) -> Counter:
    """The word counts of every document's sections together."""
    counts: Counter = Counter()
    for lesson in lessons:
        counts.update(lesson.words)
    return counts


def vocabulary(totals: Counter, folded_away: Iterable[SectionRecord]) -> Counter:
    """Word frequencies over the sections that were kept: ``word_totals`` less the sections folded
    away as duplicates of others (their words must not count twice)."""
    counts = Counter(totals)
    for section in folded_away:
        counts.subtract(section_words(section))
    return +counts          # without the words only folded sections had


def acronyms(lessons: list[Lessons]) -> dict[str, str]:
    """Mined acronyms, the first definition in corpus order winning, with the curated glossary on top."""
    found: dict[str, str] = {}
    for lesson in lessons:
        for short, long_form in lesson.acronyms.items():
            found.setdefault(short, long_form)
    return {**found, **load_glossary()}
