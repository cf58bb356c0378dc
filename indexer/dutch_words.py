"""Which words are ordinary Dutch: a general word list (wordfreq), kept per generation as a
sorted array of 64-bit word hashes (about 1 MB), so a search process knows ~150,000 Dutch
words without loading wordfreq (~50 MB per process).

The search side never "corrects" a word that is Dutch, even when the corpus lacks it.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import numpy as np

DUTCH_WORDS_FILE = "dutch-words.npy"
DUTCH_WORD_LIST_SIZE = 150_000


def word_key(word: str) -> int:
    """A stable 64-bit hash of a folded word (the same in every process and Python version)."""
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")


@lru_cache(maxsize=1)
def dutch_word_keys() -> np.ndarray:
    """The sorted hashes of wordfreq's most frequent Dutch words (computed once per process)."""
    from wordfreq import top_n_list

    from .text_utils import fold

    keys = {word_key(fold(word)) for word in top_n_list("nl", DUTCH_WORD_LIST_SIZE) if word.isalpha()}
    return np.array(sorted(keys), dtype=np.uint64)


def write_dutch_words(directory: Path, keys: np.ndarray | None = None) -> None:
    """Store the word list's hashes (``dutch_word_keys()`` unless given) in a generation directory."""
    with (directory / DUTCH_WORDS_FILE).open("wb") as handle:
        np.save(handle, dutch_word_keys() if keys is None else keys, allow_pickle=False)


class DutchWords:
    """Membership in the general Dutch word list of one generation (empty if it has none)."""

    def __init__(self, keys: np.ndarray | None = None):
        self.keys = keys if keys is not None else np.zeros(0, dtype=np.uint64)

    @classmethod
    def load(cls, directory: Path) -> "DutchWords":
        path = directory / DUTCH_WORDS_FILE
        return cls(np.load(path, allow_pickle=False)) if path.exists() else cls()

    def __contains__(self, word: str) -> bool:
        key = np.uint64(word_key(word))
        at = int(np.searchsorted(self.keys, key))
        return at < len(self.keys) and self.keys[at] == key
