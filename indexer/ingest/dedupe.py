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
from dataclasses import dataclass, field

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


MAX_HOLDERS = 100        # a shingle in more documents than this is boilerplate, not a sign of a copy
MIN_RELIABLE_SAMPLE = 20


@dataclass
class CopyVerdicts:
    """Pairs that needed a full comparison, by the documents' source keys, and whether they are copies.

    A later build takes the verdict of every pair of unchanged documents from here and compares
    only pairs with a new or changed document: the check grows with the change, not the corpus.
    """

    keys: frozenset[str] = frozenset()
    copies: dict[tuple[str, str], bool] = field(default_factory=dict)


def candidate_pairs(samples: dict[str, frozenset[int]], fresh: set[str]) -> set[tuple[str, str]]:
    """Pairs with a ``fresh`` document that share a sampled shingle with it: near-linear, not every pair."""
    holders: dict[int, list[str]] = {}
    for doc_id, sample in samples.items():
        for value in sample:
            holders.setdefault(value, []).append(doc_id)
    pairs = set()
    for doc_id in fresh:
        for value in samples[doc_id]:
            others = holders[value]
            if len(others) <= MAX_HOLDERS:
                pairs.update(tuple(sorted((doc_id, other))) for other in others if other != doc_id)
    return pairs


def may_be_copies(a: frozenset[int], b: frozenset[int]) -> bool:
    """Could the texts behind two samples overlap enough? Large samples answer themselves; small ones
    cannot tell, so their texts are compared in full."""
    smaller = min(len(a), len(b))
    if smaller < MIN_RELIABLE_SAMPLE:
        return True
    return len(a & b) / smaller >= DOCUMENT_OVERLAP - 0.1      # a margin: the exact check decides


def duplicate_pairs(docs: list[NormalisedDocument], samples: dict[str, frozenset[int]] | None = None,
                    keys: dict[str, str] | None = None, previous: CopyVerdicts | None = None
                    ) -> tuple[list[tuple[NormalisedDocument, NormalisedDocument]], CopyVerdicts]:
    """(kept, dropped) pairs of documents that are copies of one report, and the verdicts to remember.

    Candidates share a sampled shingle; only they are compared in full. ``samples`` (by document
    id) may come from a cache; ``keys`` name each document's source, so that ``previous``
    verdicts are reused for pairs of documents whose sources did not change.
    """
    samples = {d.meta.doc_id: (samples or {}).get(d.meta.doc_id) or shingle_sample(d.text) for d in docs}
    keys = keys or {d.meta.doc_id: d.meta.doc_id for d in docs}
    previous = previous or CopyVerdicts()
    by_key = {keys[doc_id]: doc_id for doc_id in samples}
    verdicts = {pair: copies for pair, copies in previous.copies.items() if pair[0] in by_key and pair[1] in by_key}
    fresh = {doc_id for doc_id in samples if keys[doc_id] not in previous.keys}
    by_id = {d.meta.doc_id: d for d in docs}
    for first, second in candidate_pairs(samples, fresh):
        if may_be_copies(samples[first], samples[second]):
            verdicts[tuple(sorted((keys[first], keys[second])))] = are_copies(by_id[first], by_id[second])
    order = {d.meta.doc_id: n for n, d in enumerate(docs)}
    found = sorted((sorted((by_key[a], by_key[b]), key=order.get) for (a, b), copies in verdicts.items() if copies),
                   key=lambda pair: [order[doc_id] for doc_id in pair])
    pairs = []
    for first, second in found:
        a, b = by_id[first], by_id[second]
        pairs.append((a, b) if cleanliness(a) <= cleanliness(b) else (b, a))
    return pairs, CopyVerdicts(frozenset(by_key), verdicts)


def are_copies(a: NormalisedDocument, b: NormalisedDocument) -> bool:
    """Does most of the smaller document's text occur in the other?"""
    ga, gb = shingles(a.text), shingles(b.text)
    smaller, larger = (ga, gb) if len(ga) <= len(gb) else (gb, ga)
    return containment(smaller, larger) >= DOCUMENT_OVERLAP


def fold_duplicates(docs: list[NormalisedDocument], sections: list[SectionRecord],
                    samples: dict[str, frozenset[int]] | None = None, keys: dict[str, str] | None = None,
                    previous: CopyVerdicts | None = None) -> tuple[list[SectionRecord], int, CopyVerdicts]:
    """Drop the sections of less clean copies that the cleaner copy already holds.

    Returns the kept sections, how many were folded away, and the verdicts for the next build.
    """
    by_doc: dict[str, list[SectionRecord]] = {}
    for section in sections:
        by_doc.setdefault(section.doc_id, []).append(section)
    dropped_ids: set[str] = set()
    pairs, verdicts = duplicate_pairs(docs, samples, keys, previous)
    for kept_doc, other_doc in pairs:
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
    return kept, len(dropped_ids), verdicts
