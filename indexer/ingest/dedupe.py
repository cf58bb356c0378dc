"""Stage 5, dedupe: keep one copy of each section that two sources share.

Two documents are copies of one report when most of the smaller one's word 5-grams
(shingles) occur in the other. Only documents that share a sampled shingle are compared,
so the check grows with the corpus, not with its square. Of such a pair the cleaner source (fewer repairs per
character during normalisation) is kept; every section of the other one whose shingles
are mostly found in the kept document is folded into the kept section it overlaps most,
which remembers it in ``also_in``. Sections only one copy has (a cover letter) stay, and so
does a section that holds a passage of its own: a paragraph the kept copy lacks is not lost.

For speed the shared samples of all pairs are counted at once with numpy, and the shingles
of each document and section are hashed once per build into a sorted array of 64-bit
hashes, so that overlaps are array look-ups rather than sets of word tuples.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import chain
from typing import Iterator

import numpy as np

from .records import NormalisedDocument, SectionRecord
from .shingles import SHINGLE, distinct, folded_words, hash_texts, shingle_hashes, shingle_sample, word_grams
from ..text_utils import fold

DOCUMENT_OVERLAP = 0.5
SECTION_OVERLAP = 0.6
WORD_OVERLAP = 0.9       # tables whose cells a PDF scrambled: same words, other order
# a passage of its own: this many shingles in a row that the kept copy lacks (about 24 words),
# holding at least NEW_WORDS words the kept copy never uses (OCR slips and scrambled tables do not)
OWN_PASSAGE = 20
NEW_WORDS = 3

BAG_WORD = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)*")


def word_bag(text: str) -> set[str]:
    """The distinct folded words of a text, numbers with their decimals kept whole."""
    return set(BAG_WORD.findall(fold(text)))


def containment(part: set, whole: set) -> float:
    """The share of ``part`` that ``whole`` holds too."""
    return len(part & whole) / len(part) if part else 0.0


def shared(a: np.ndarray, b: np.ndarray) -> int:
    """How many values two sorted arrays of distinct values have in common."""
    if len(a) > len(b):
        a, b = b, a                    # look the shorter one up in the longer one
    if not len(a):
        return 0
    at = np.minimum(np.searchsorted(b, a), len(b) - 1)
    return int(np.count_nonzero(b[at] == a))


def hashed_containment(part: np.ndarray, whole: np.ndarray) -> float:
    """``containment`` of two shingle hash arrays (see ``shingle_hashes``)."""
    return shared(part, whole) / len(part) if len(part) else 0.0


def cleanliness(doc: NormalisedDocument) -> float:
    """Repairs needed per 1000 characters: lower is cleaner."""
    return 1000 * doc.repairs / max(1, len(doc.text))


MAX_HOLDERS = 100        # a shingle in more documents than this is boilerplate, not a sign of a copy
MIN_RELIABLE_SAMPLE = 20
PAIR_BLOCK = 1 << 20     # pair codes (and pairs found) counted at once: bounds the memory used
DENSE_TALLY = 16         # count by table rather than by sorting when the codes fill 1/16 of their range


@dataclass
class CopyVerdicts:
    """Pairs that needed a full comparison, by the documents' source keys, and whether they are copies.

    A later build takes the verdict of every pair of unchanged documents from here and compares
    only pairs with a new or changed document: the check grows with the change, not the corpus.
    """

    keys: frozenset[str] = frozenset()
    copies: dict[tuple[str, str], bool] = field(default_factory=dict)


@dataclass
class Holders:
    """Every (sample value, document) entry, sorted by value, then stale before fresh documents, then
    by document index; per entry the span of its value's group and where the group's fresh part starts."""

    fresh: np.ndarray                  # by document index
    docs: np.ndarray
    start: np.ndarray
    fresh_start: np.ndarray
    stop: np.ndarray


def holders(samples: list[frozenset[int]], fresh: np.ndarray) -> Holders:
    """The documents holding each sampled value, as groups of one sorted array."""
    sizes = np.fromiter(map(len, samples), np.int64, len(samples))
    values = np.fromiter(chain.from_iterable(samples), np.uint64, int(sizes.sum()))
    docs = np.repeat(np.arange(len(samples)), sizes)
    order = np.lexsort((docs, fresh[docs], values))
    values, docs = values[order], docs[order]
    new = np.ones(len(values), bool)
    new[1:] = values[1:] != values[:-1]
    starts = np.flatnonzero(new)
    group = np.cumsum(new) - 1
    stops = np.append(starts[1:], len(values))
    stale = np.add.reduceat((~fresh[docs]).astype(np.int64), starts) if len(starts) else starts
    return Holders(fresh, docs, starts[group], starts[group] + stale[group], stops[group])


def shared_sample_counts(table: Holders) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(first, second, count): document pairs (first < second), at least one of them fresh, that share
    a sample value held by at most MAX_HOLDERS documents, and how many such values they share."""
    count = table.stop - table.start
    position = np.arange(len(table.docs))
    emits = table.fresh[table.docs] & (count > 1) & (count <= MAX_HOLDERS)
    # Each pair is produced by one of its documents only, so that it is counted once per shared value:
    # by a fresh document with the stale holders, and by the lower-numbered of two fresh ones.
    emitter = np.concatenate([table.docs[emits], table.docs[emits]])
    lo = np.concatenate([table.start[emits], position[emits] + 1])
    hi = np.concatenate([table.fresh_start[emits], table.stop[emits]])
    order = np.argsort(emitter, kind="stable")
    emitter, lo, hi = emitter[order], lo[order], hi[order]
    n = len(table.fresh)
    found = [tally(emitter[a:b], lo[a:b], hi[a:b], table.docs, n) for a, b in blocks(emitter, hi - lo, n)]
    if not found:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64)
    one, other, counts = (np.concatenate(parts) for parts in zip(*found))
    return np.minimum(one, other), np.maximum(one, other), counts


def blocks(emitter: np.ndarray, lengths: np.ndarray, n: int) -> Iterator[tuple[int, int]]:
    """Slices of the ranges (sorted by emitter) to count at once, each with at most PAIR_BLOCK pairs
    and PAIR_BLOCK possible pair codes (n per emitting document): bounded memory at any corpus size."""
    per_doc = np.bincount(emitter, weights=lengths, minlength=n).astype(np.int64).tolist()
    ends = np.searchsorted(emitter, np.arange(n), side="right").tolist()
    first, load, start = 0, 0, 0
    for doc in range(n):
        if doc > first and ((doc + 1 - first) * n > PAIR_BLOCK or load + per_doc[doc] > PAIR_BLOCK):
            if ends[doc - 1] > start:
                yield start, ends[doc - 1]
            first, load, start = doc, 0, ends[doc - 1]
        load += per_doc[doc]
    if n and ends[n - 1] > start:
        yield start, ends[n - 1]


def tally(emitter: np.ndarray, lo: np.ndarray, hi: np.ndarray, docs: np.ndarray, n: int
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(emitting document, partner, count) over the ranges [lo, hi) of partner entries in ``docs``."""
    lengths = hi - lo
    total = int(lengths.sum())
    positions = np.arange(total) + np.repeat(lo - (np.cumsum(lengths) - lengths), lengths)
    first = int(emitter[0])
    codes = np.repeat(emitter - first, lengths) * n + docs[positions]
    size = (int(emitter[-1]) - first + 1) * n
    if size <= DENSE_TALLY * total:        # a table is linear; a sort is not, but needs no room per code
        counts = np.bincount(codes, minlength=size)
        codes = np.flatnonzero(counts)
        counts = counts[codes]
    else:
        codes, counts = np.unique(codes, return_counts=True)
    return codes // n + first, codes % n, counts


BITS_SET = np.array([bin(byte).count("1") for byte in range(256)], np.uint8)     # by byte value


def widespread_shared(table: Holders, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """How many sample values held by more than MAX_HOLDERS documents each pair shares.

    Finding pairs through such values would cost the square of their holders; counting them for
    pairs already found costs little: each document gets a row of bits, one per such value, and a
    pair's count is the number of bits set in both rows.
    """
    wide = table.stop - table.start > MAX_HOLDERS
    column = np.unique(table.start[wide], return_inverse=True)[1].reshape(-1)
    width = (int(column.max()) + 8) // 8 if len(column) else 0
    rows = np.zeros((len(table.fresh), width), np.uint8)
    np.bitwise_or.at(rows, (table.docs[wide], column >> 3), (1 << (column & 7)).astype(np.uint8))
    counts = np.zeros(len(first), np.int64)
    step = max(1, PAIR_BLOCK // max(width, 1))
    for at in range(0, len(first), step):
        part = slice(at, at + step)
        counts[part] = BITS_SET[rows[first[part]] & rows[second[part]]].sum(axis=1, dtype=np.int64)
    return counts


def may_be_copies(shared: np.ndarray, smaller: np.ndarray) -> np.ndarray:
    """Could the texts behind pairs of samples overlap enough, given how many values each pair shares and
    the size of its smaller sample? Large samples answer themselves; small ones cannot tell, so their
    texts are compared in full."""
    reliable = smaller >= MIN_RELIABLE_SAMPLE
    return ~reliable | (shared / np.maximum(smaller, 1) >= DOCUMENT_OVERLAP - 0.1)   # a margin: the exact check decides


def pairs_to_compare(samples: dict[str, frozenset[int]], fresh: set[str]) -> list[tuple[str, str]]:
    """The pairs to compare in full: a fresh document with each that shares a sampled shingle held by
    at most MAX_HOLDERS documents, if ``may_be_copies`` lets them through. Near-linear, not every pair."""
    ids = list(samples)
    listed = [samples[doc_id] for doc_id in ids]
    table = holders(listed, np.array([doc_id in fresh for doc_id in ids], bool))
    first, second, common = shared_sample_counts(table)
    sizes = np.fromiter(map(len, listed), np.int64, len(listed))
    passed = may_be_copies(common + widespread_shared(table, first, second), np.minimum(sizes[first], sizes[second]))
    return [(ids[a], ids[b]) for a, b in zip(first[passed].tolist(), second[passed].tolist())]


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
    pairs = pairs_to_compare(samples, fresh)
    needed = list(dict.fromkeys(chain.from_iterable(pairs)))     # a document is often in several pairs
    hashed = dict(zip(needed, hash_texts([by_id[doc_id].text for doc_id in needed])))
    for first, second in pairs:
        verdicts[tuple(sorted((keys[first], keys[second])))] = overlap_is_copy(hashed[first], hashed[second])
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
    return overlap_is_copy(shingle_hashes(a.text), shingle_hashes(b.text))


def overlap_is_copy(a: np.ndarray, b: np.ndarray) -> bool:
    """``are_copies`` for two documents' shingle hash arrays."""
    smaller, larger = (a, b) if len(a) <= len(b) else (b, a)
    return hashed_containment(smaller, larger) >= DOCUMENT_OVERLAP


@dataclass
class SectionOverlap:
    """One document's sections with their shingle hashes and word bags, worked out once per build."""

    records: list[SectionRecord]
    grams: list[np.ndarray]
    bags: list[set[str]]
    union: np.ndarray                  # the shingles of all its sections
    every: np.ndarray                  # the shingles of each section, all in one sorted array
    owners: np.ndarray                 # the section each of ``every`` belongs to
    known_words: set[str] | None = None

    @classmethod
    def of(cls, sections: list[SectionRecord]) -> SectionOverlap:
        grams = [shingle_hashes(s.text) for s in sections]
        every = np.concatenate(grams) if grams else np.zeros(0, np.int64)
        owners = np.repeat(np.arange(len(grams)), [len(g) for g in grams])
        order = np.argsort(every, kind="stable")
        return cls(sections, grams, [word_bag(s.text) for s in sections], distinct(every.copy()),
                   every[order], owners[order])

    def home(self, grams: np.ndarray, bag: set[str]) -> int | None:
        """The section a section of a copy folds into: the one sharing most shingles if this document
        holds most of them, else the one holding most of its words if one holds nearly all; or None."""
        if len(grams) and hashed_containment(grams, self.union) >= SECTION_OVERLAP:
            return int(np.argmax(self.shared_per_section(grams)))    # the first of equals, as max() picks
        if bag and self.bags and max(containment(bag, b) for b in self.bags) >= WORD_OVERLAP:
            return max(range(len(self.bags)), key=lambda i: containment(bag, self.bags[i]))
        return None

    def lacks_passage_of(self, text: str) -> bool:
        """Does ``text`` (a section of a copy) hold a passage of its own that this document lacks:
        OWN_PASSAGE shingles in a row that none of its sections has, with NEW_WORDS words it never uses?"""
        words = folded_words(text)
        count = len(words) - SHINGLE + 1
        if count < OWN_PASSAGE:
            return False
        grams = np.fromiter(map(hash, word_grams(words)), np.int64, count)
        if len(self.union):
            lacking = self.union[np.minimum(np.searchsorted(self.union, grams), len(self.union) - 1)] != grams
        else:
            lacking = np.ones(count, bool)
        edges = np.flatnonzero(np.diff(np.concatenate(([0], lacking.astype(np.int8), [0]))))
        known = self.words()
        return any(len(set(words[start:end + SHINGLE - 1]) - known) >= NEW_WORDS
                   for start, end in zip(edges[::2].tolist(), edges[1::2].tolist()) if end - start >= OWN_PASSAGE)

    def words(self) -> set[str]:
        """The shingle words of all its sections, worked out when first needed."""
        if self.known_words is None:
            self.known_words = set(chain.from_iterable(folded_words(s.text) for s in self.records))
        return self.known_words

    def shared_per_section(self, grams: np.ndarray) -> np.ndarray:
        """``shared(grams, g)`` for each section's ``g``, counted at once: the values of ``every`` equal to
        one of ``grams`` (distinct within a section), tallied by the section they belong to."""
        first = np.searchsorted(self.every, grams, "left")
        counts = np.searchsorted(self.every, grams, "right") - first
        starts = np.repeat(first - (np.cumsum(counts) - counts), counts)
        return np.bincount(self.owners[starts + np.arange(len(starts))], minlength=len(self.grams))


def fold_duplicates(docs: list[NormalisedDocument], sections: list[SectionRecord],
                    samples: dict[str, frozenset[int]] | None = None, keys: dict[str, str] | None = None,
                    previous: CopyVerdicts | None = None) -> tuple[list[SectionRecord], int, CopyVerdicts]:
    """Drop the sections of less clean copies that the cleaner copy already holds.

    Returns the kept sections, how many were folded away, and the verdicts for the next build.
    """
    by_doc: dict[str, list[SectionRecord]] = {}
    for section in sections:
        by_doc.setdefault(section.doc_id, []).append(section)
    overlaps: dict[str, SectionOverlap] = {}     # a document can be in several pairs: work it out once
    dropped_ids: set[str] = set()
    pairs, verdicts = duplicate_pairs(docs, samples, keys, previous)
    for kept_doc, other_doc in pairs:
        for doc in (kept_doc, other_doc):
            if doc.meta.doc_id not in overlaps:
                overlaps[doc.meta.doc_id] = SectionOverlap.of(by_doc.get(doc.meta.doc_id, []))
        kept, other = overlaps[kept_doc.meta.doc_id], overlaps[other_doc.meta.doc_id]
        for section, grams, bag in zip(other.records, other.grams, other.bags):
            best = kept.home(grams, bag)
            if best is not None and not kept.lacks_passage_of(section.text):
                kept.records[best].also_in.append(section.id)
                dropped_ids.add(section.id)
    kept = [s for s in sections if s.id not in dropped_ids]
    return kept, len(dropped_ids), verdicts
