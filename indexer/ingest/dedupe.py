"""Stage 5, dedupe: keep one copy of each section that two sources share.

Two documents are copies of one report when most of the smaller one's word 5-grams
(shingles) occur in the other. Of such a pair the cleaner source (fewer repairs per
character during normalisation) is kept; every section of the other one whose shingles
are mostly found in the kept document is folded into the kept section it overlaps most,
which remembers it in ``also_in``. Sections only one copy has (a cover letter) stay.
"""
from __future__ import annotations

import re

from .records import NormalisedDocument, SectionRecord
from ..text_utils import fold

SHINGLE = 5
DOCUMENT_OVERLAP = 0.5
SECTION_OVERLAP = 0.6
WORD_OVERLAP = 0.9       # tables whose cells a PDF scrambled: same words, other order


def shingles(text: str) -> set[tuple[str, ...]]:
    """Word 5-grams of the folded text (hyphen joins already undone by normalisation)."""
    words = re.findall(r"[a-z0-9]+", fold(text))
    return {tuple(words[i:i + SHINGLE]) for i in range(max(0, len(words) - SHINGLE + 1))}


def word_bag(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+(?:[.,][0-9]+)*", fold(text)))


def containment(part: set, whole: set) -> float:
    return len(part & whole) / len(part) if part else 0.0


def cleanliness(doc: NormalisedDocument) -> float:
    """Repairs needed per 1000 characters: lower is cleaner."""
    return 1000 * doc.repairs / max(1, len(doc.text))


def duplicate_pairs(docs: list[NormalisedDocument]) -> list[tuple[NormalisedDocument, NormalisedDocument]]:
    """(kept, dropped) pairs of documents that are copies of one report."""
    grams = {d.meta.doc_id: shingles(d.text) for d in docs}
    pairs = []
    for i, a in enumerate(docs):
        for b in docs[i + 1:]:
            ga, gb = grams[a.meta.doc_id], grams[b.meta.doc_id]
            smaller, larger = (ga, gb) if len(ga) <= len(gb) else (gb, ga)
            if containment(smaller, larger) >= DOCUMENT_OVERLAP:
                pairs.append((a, b) if cleanliness(a) <= cleanliness(b) else (b, a))
    return pairs


def fold_duplicates(docs: list[NormalisedDocument], sections: list[SectionRecord]) -> tuple[list[SectionRecord], int]:
    """Drop the sections of less clean copies that the cleaner copy already holds.

    Returns the kept sections and how many were folded away.
    """
    by_doc: dict[str, list[SectionRecord]] = {}
    for section in sections:
        by_doc.setdefault(section.doc_id, []).append(section)
    dropped_ids: set[str] = set()
    for kept_doc, other_doc in duplicate_pairs(docs):
        kept_sections = by_doc.get(kept_doc.meta.doc_id, [])
        kept_grams = [shingles(s.text) for s in kept_sections]
        all_kept = set().union(*kept_grams) if kept_grams else set()
        kept_bags = [word_bag(s.text) for s in kept_sections]
        for section in by_doc.get(other_doc.meta.doc_id, []):
            grams, bag = shingles(section.text), word_bag(section.text)
            if grams and containment(grams, all_kept) >= SECTION_OVERLAP:
                best = max(range(len(kept_sections)), key=lambda i: len(grams & kept_grams[i]))
            elif bag and kept_bags and max(containment(bag, b) for b in kept_bags) >= WORD_OVERLAP:
                best = max(range(len(kept_sections)), key=lambda i: containment(bag, kept_bags[i]))
            else:
                continue
            kept_sections[best].also_in.append(section.id)
            dropped_ids.add(section.id)
    kept = [s for s in sections if s.id not in dropped_ids]
    return kept, len(dropped_ids)
