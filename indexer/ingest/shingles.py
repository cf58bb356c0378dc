"""Word 5-grams (shingles) of a text, hashed: what the duplicate check compares.

A text's words are the runs of [a-z0-9] of its folded form. ``shingle_hashes`` are all of its
shingles as a sorted array (Python's salted hash: one build only); ``shingle_sample`` is a fixed
sample of stable hashes, small enough to cache with a document's lessons.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from typing import Iterator

import numpy as np

from .processes import worked_out_beside
from ..text_utils import fold

SHINGLE = 5


def folded_words(text: str) -> list[str]:
    """The words shingles are made of: the runs of [a-z0-9] of the folded text (hyphen joins already
    undone by normalisation). Split with bytes.translate, several times faster than a regex: every
    byte but [a-z0-9] becomes a space, and every character that is not ASCII (never in a word) '?' first."""
    return fold(text).encode("ascii", "replace").translate(WORD_BYTES).decode("ascii").split()


WORD_BYTES = bytes(c if chr(c) in "abcdefghijklmnopqrstuvwxyz0123456789" else 32 for c in range(256))


def word_grams(words: list[str]) -> Iterator[tuple[str, ...]]:
    """Every run of SHINGLE consecutive words, in order; none when there are fewer words."""
    return zip(*(words[i:] for i in range(SHINGLE)))


def shingles(text: str) -> set[tuple[str, ...]]:
    """Word 5-grams of the folded text (hyphen joins already undone by normalisation)."""
    return set(word_grams(folded_words(text)))


def shingle_hashes(text: str) -> np.ndarray:
    """The text's shingles as a sorted array of distinct 64-bit hashes: overlaps become array look-ups.

    Python's own tuple hash is used because it is many times faster than a digest; it is salted
    per process, so these arrays live for one build only and are never cached. Two different
    shingles of one corpus sharing a 64-bit hash is too unlikely to matter.
    """
    words = folded_words(text)
    hashes = np.fromiter(map(hash, word_grams(words)), np.int64, max(0, len(words) - SHINGLE + 1))
    return distinct(hashes)


def hash_texts(texts: list[str]) -> list[np.ndarray]:
    """``shingle_hashes`` of each text, the second half (by length) in a forked process when there are
    many: the duplicate check is serial, so a core is free. A fork hashes with the same salt."""
    if len(texts) < PARALLEL_HASHING_FROM:
        return each_hashed(texts)
    lengths = np.cumsum([len(text) for text in texts])
    half = int(np.searchsorted(lengths, lengths[-1] / 2))
    with worked_out_beside(each_hashed, texts[half:], in_child=True) as theirs:
        mine = each_hashed(texts[:half])
    return mine + theirs.result()


def each_hashed(texts: list[str]) -> list[np.ndarray]:
    """``shingle_hashes`` of each text, in this process."""
    return list(map(shingle_hashes, texts))


PARALLEL_HASHING_FROM = 200      # fewer texts are hashed in less time than a fork takes to pay back


def distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values, sorted (np.unique without its overhead, which counts for short arrays)."""
    values.sort()
    keep = np.ones(len(values), bool)
    keep[1:] = values[1:] != values[:-1]
    return values[keep]


SAMPLE_MODULUS = 8       # keep the shingles whose hash is 0 modulo this: the same ones in every copy


def shingle_sample(text: str) -> frozenset[int]:
    """A fixed sample of a document's shingle hashes: copies of one text share most of their samples.

    Sampling by hash value (not by position) picks the same shingles in every document, so the
    overlap of two samples estimates the overlap of the texts; it is small enough to cache.
    A shingle's hash combines its words' digests (each word digested once per process), so
    it is the same in every process and build, unlike Python's salted ``hash``.
    """
    words = folded_words(text)
    count = len(words) - SHINGLE + 1
    if count <= 0:
        return frozenset()
    digests = np.fromiter(map(word_digest, words), np.uint64, len(words))
    combined = np.zeros(count, np.uint64)
    for offset in range(SHINGLE):                  # a polynomial over the five words, modulo 2**64
        combined = combined * MULTIPLIER + digests[offset:offset + count]
    mixed = finalised(combined)
    return frozenset(mixed[mixed % SAMPLE_MODULUS == 0].tolist())


MULTIPLIER = np.uint64(0x100000001B3)               # the 64-bit FNV prime


@lru_cache(maxsize=500_000)
def word_digest(word: str) -> int:
    """A stable 64-bit digest of one word."""
    return int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "big")


def finalised(values: np.ndarray) -> np.ndarray:
    """Spread every input bit over the low bits (splitmix64's finaliser): the sample takes values by
    their remainder, which a plain polynomial leaves to the last word alone."""
    values = (values ^ (values >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    values = (values ^ (values >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return values ^ (values >> np.uint64(31))
