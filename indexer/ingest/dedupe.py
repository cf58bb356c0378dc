"""Stage 5, dedupe: keep one copy of each section that two sources share.

Two documents are copies of one report when most of the smaller one's word 5-grams
(shingles) occur in the other. Only documents that share a sampled shingle are compared,
so the check grows with the corpus, not with its square. Of such a pair the cleaner source (fewer repairs per
character during normalisation) is kept; every section of the other one whose shingles
are mostly found in the kept document is folded into the kept section it overlaps most,
which remembers it in ``also_in``. Sections only one copy has (a cover letter) stay.
"""
from __future__ import annotations

import hashlib
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


SAMPLE_MODULUS = 8       # keep the shingles whose hash is 0 modulo this: the same ones in every copy


def shingle_sample(text: str) -> frozenset[int]:
    """A fixed sample of a document's shingle hashes: copies of one text share most of their samples.

    Sampling by hash value (not by position) picks the same shingles in every document, so the
    overlap of two samples estimates the overlap of the texts; it is small enough to cache.
    """
    hashes = (int.from_bytes(hashlib.blake2b(" ".join(g).encode(), digest_size=8).digest(), "big")
              for g in shingles(text))
    return frozenset(h for h in hashes if h % SAMPLE_MODULUS == 0)


def candidate_pairs(samples: dict[str, frozenset[int]]) -> set[tuple[str, str]]:
    """Documents that share at least one sampled shingle: near-linear, instead of every pair."""
    holders: dict[int, list[str]] = {}
    for doc_id, sample in samples.items():
        for value in sample:
            holders.setdefault(value, []).append(doc_id)
    pairs = set()
    for ids in holders.values():
        if 1 < len(ids) <= MAX_HOLDERS:
            pairs.update((a, b) for i, a in enumerate(ids) for b in ids[i + 1:])
    return pairs


MAX_HOLDERS = 100        # a shingle in more documents than this is boilerplate, not a sign of a copy


def may_be_copies(a: frozenset[int], b: frozenset[int]) -> bool:
    """Could the texts behind two samples overlap enough? Large samples answer themselves; small ones
    cannot tell, so their texts are compared in full."""
    smaller = min(len(a), len(b))
    if smaller < MIN_RELIABLE_SAMPLE:
        return True
    return len(a & b) / smaller >= DOCUMENT_OVERLAP - 0.1      # a margin: the exact check decides


MIN_RELIABLE_SAMPLE = 20


def duplicate_pairs(docs: list[NormalisedDocument], samples: dict[str, frozenset[int]] | None = None
                    ) -> list[tuple[NormalisedDocument, NormalisedDocument]]:
    """(kept, dropped) pairs of documents that are copies of one report.

    Candidates share a sampled shingle; only they are compared in full. ``samples`` (by
    document id) may come from a cache; missing ones are computed.
    """
    samples = dict(samples or {})
    for doc in docs:
        if doc.meta.doc_id not in samples:
            samples[doc.meta.doc_id] = shingle_sample(doc.text)
    by_id = {d.meta.doc_id: d for d in docs}
    order = {d.meta.doc_id: n for n, d in enumerate(docs)}
    grams: dict[str, set] = {}
    pairs = []
    for first, second in sorted(candidate_pairs({i: samples[i] for i in by_id}), key=lambda p: sorted(map(order.get, p))):
        if not may_be_copies(samples[first], samples[second]):
            continue
        a, b = sorted((by_id[first], by_id[second]), key=lambda d: order[d.meta.doc_id])
        ga = grams.setdefault(a.meta.doc_id, shingles(a.text))
        gb = grams.setdefault(b.meta.doc_id, shingles(b.text))
        smaller, larger = (ga, gb) if len(ga) <= len(gb) else (gb, ga)
        if containment(smaller, larger) >= DOCUMENT_OVERLAP:
            pairs.append((a, b) if cleanliness(a) <= cleanliness(b) else (b, a))
    return pairs


def fold_duplicates(docs: list[NormalisedDocument], sections: list[SectionRecord],
                    samples: dict[str, frozenset[int]] | None = None) -> tuple[list[SectionRecord], int]:
    """Drop the sections of less clean copies that the cleaner copy already holds.

    Returns the kept sections and how many were folded away.
    """
    by_doc: dict[str, list[SectionRecord]] = {}
    for section in sections:
        by_doc.setdefault(section.doc_id, []).append(section)
    dropped_ids: set[str] = set()
    for kept_doc, other_doc in duplicate_pairs(docs, samples):
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
