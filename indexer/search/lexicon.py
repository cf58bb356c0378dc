"""The vocabulary side of one index generation (its lexicon.json): words, compound parts,
acronyms, section titles and documents, with typo correction and completions."""
from __future__ import annotations

import bisect
import threading
from collections.abc import Mapping

import numpy as np

from ..analysis import Decompounder
from ..dutch_words import DutchWords
from ..text_utils import fold
from .vocabulary import question_words_or_empty, thesaurus_or_empty

CORRECTION_CACHE = 4096


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, giving up (returning limit + 1) once it must exceed limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def trigrams(word: str) -> set[str]:
    padded = f"  {word} "
    return {padded[i:i + 3] for i in range(len(padded) - 2)}


class TrigramIndex:
    """Typo candidates without scanning the vocabulary: words sharing enough character trigrams.

    One edit changes at most three of a word's padded trigrams, so a word within ``limit``
    edits shares at least ``len(trigrams) - 3 * limit`` of them (pg_trgm's reasoning); only
    those few candidates get an exact edit distance.
    """

    def __init__(self, words: list[str]):
        self.words = words
        self.lengths = np.fromiter((len(w) for w in words), dtype=np.int32, count=len(words))
        postings: dict[str, list[int]] = {}
        for number, word in enumerate(words):
            for gram in trigrams(word):
                postings.setdefault(gram, []).append(number)
        self.postings = {gram: np.asarray(ids, dtype=np.int32) for gram, ids in postings.items()}

    def candidates(self, word: str, limit: int) -> list[str]:
        grams = trigrams(word)
        lists = [self.postings[g] for g in grams if g in self.postings]
        if not lists:
            return []
        shared = np.bincount(np.concatenate(lists), minlength=len(self.words))
        close = (shared >= max(1, len(grams) - 3 * limit)) & (np.abs(self.lengths - len(word)) <= limit)
        return [self.words[n] for n in np.flatnonzero(close)]


class Vocabulary(Mapping):
    """The corpus's words and how often each occurs, as a sorted list and an array of counts: a
    read-only dict of them, without a dict's table (~10 MB for 180,000 words, in every process)."""

    def __init__(self, counts: dict[str, int]):
        self.sorted = sorted(counts)
        self.counts = np.fromiter((counts[w] for w in self.sorted), dtype=np.int64, count=len(self.sorted))

    def position(self, word) -> int | None:
        """Where a word stands in the sorted list, or None when it is not a word of the corpus."""
        at = bisect.bisect_left(self.sorted, word) if isinstance(word, str) else len(self.sorted)
        return at if at < len(self.sorted) and self.sorted[at] == word else None

    def __contains__(self, word) -> bool:
        return self.position(word) is not None

    def __getitem__(self, word: str) -> int:
        at = self.position(word)
        if at is None:
            raise KeyError(word)
        return int(self.counts[at])

    def __iter__(self):
        return iter(self.sorted)

    def __len__(self) -> int:
        return len(self.sorted)

    def most_frequent_with_prefix(self, prefix: str, limit: int) -> list[str]:
        """The ``limit`` most frequent words that start with ``prefix``; ties alphabetically."""
        start = bisect.bisect_left(self.sorted, prefix)
        end = bisect.bisect_left(self.sorted, prefix + "\U0010ffff")
        order = np.argsort(-self.counts[start:end], kind="stable")[:limit]
        return [self.sorted[start + int(n)] for n in order]


class Lexicon:
    """The index's vocabulary, compound parts and acronyms (lexicon.json of a generation).

    Its caches belong to the instance, so they are freed with the generation that owns it.
    """

    def __init__(self, data: dict, dutch: DutchWords | None = None):
        self.words = Vocabulary(data.get("words", {}))
        self.dutch = dutch or DutchWords()                    # general Dutch words: never 'corrected'
        self.thesaurus = thesaurus_or_empty()
        self.question_words = question_words_or_empty()
        self.decompounder = Decompounder(data.get("parts", {}))
        self.acronyms: dict[str, str] = data.get("acronyms", {})
        self.acronyms_folded = {k.lower(): k for k in self.acronyms}
        self.long_forms = {fold(v): k for k, v in self.acronyms.items()}
        self.titles: list[str] = data.get("titles", [])
        self.analysis: dict = data.get("analysis", {"stemming": True, "compounds": True})
        self.documents: dict[str, dict] = data.get("documents", {})
        self._trigrams: TrigramIndex | None = None          # built on the first correction
        self._trigrams_lock = threading.Lock()
        self._corrections: dict[str, str | None] = {}

    def correction(self, word: str) -> str | None:
        """The most frequent vocabulary word within edit distance 1 (2 for long words)."""
        if word not in self._corrections:
            if len(self._corrections) >= CORRECTION_CACHE:
                self._corrections.clear()
            self._corrections[word] = self._closest_word(word)
        return self._corrections[word]

    def _closest_word(self, word: str) -> str | None:
        if len(word) < 4 or word in self.words or not word.isalpha():
            return None
        limit = 1 if len(word) < 7 else 2
        if self._trigrams is None:
            with self._trigrams_lock:           # one thread builds it; the others wait for it
                if self._trigrams is None:
                    self._trigrams = TrigramIndex(self.words.sorted)
        best: tuple[int, int, str] | None = None
        for candidate in self._trigrams.candidates(word, limit):
            distance = edit_distance(word, candidate, limit)
            if distance <= limit:
                key = (distance, -self.words[candidate], candidate)
                if best is None or key < best:
                    best = key
        return best[2] if best else None

    def known(self, word: str) -> bool:
        """A word of the corpus or of the general Dutch word list (folded)."""
        return word in self.words or word in self.dutch

    def words_with_prefix(self, prefix: str, limit: int) -> list[str]:
        """The corpus's most frequent words that start with a folded prefix."""
        return self.words.most_frequent_with_prefix(prefix, limit)

    def completions(self, prefix: str, limit: int = 8) -> list[str]:
        """Section titles and words starting with a prefix, best first."""
        folded = fold(prefix).strip()
        if not folded:
            return []
        titles = [t for t in self.titles if fold(t).startswith(folded)]
        titles += [t for t in self.titles if f" {folded}" in fold(t) and t not in titles]
        words = self.words_with_prefix(folded, 2000)
        out: list[str] = []
        for item in titles[:4] + words:
            if item.lower() not in {o.lower() for o in out}:
                out.append(item)
            if len(out) == limit:
                break
        return out
