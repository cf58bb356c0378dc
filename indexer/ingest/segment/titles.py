"""Titles from the table of contents, for topics whose heading was an image."""
from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter

from ...analysis import STOP_WORDS
from ...text_utils import fold
from ..classify import theme_for_heading
from .topics import Topic, heading_key_simple
from .units import GOAL_MARKER, YEAR_MARKER, is_short_line


def toc_candidates(text: str) -> list[str]:
    """Entries of the table of contents: runs of at least three short items near the start.

    An item is a short heading-like line or bullet of at most six words without digits;
    a run may have blank lines between its items but nothing else.
    """
    lines = [line.strip() for line in text.split("\n")]
    limit = next((i for i, line in enumerate(lines) if YEAR_MARKER.match(line) or GOAL_MARKER.match(line)),
                 len(lines))
    runs: list[list[str]] = [[]]
    for line in lines[:limit]:
        item = line[2:] if line.startswith("- ") else line
        if not item:
            continue
        if is_short_line(item) and len(item.split()) <= 6 and not re.search(r"\d", item):
            runs[-1].append(item)
        elif runs[-1]:
            runs.append([])
    seen, out = set(), []
    for run in runs:
        for item in run if len(run) >= 3 else []:
            if fold(item) not in seen:
                seen.add(fold(item))
                out.append(item)
    return out


def content_words(text: str) -> Counter:
    """Counts of the folded words of three letters or more that are not stop words."""
    return Counter(w for w in re.findall(r"[a-z]{3,}", fold(text)) if w not in STOP_WORDS)


class WordBag:
    """The content words of a text, counted; a long word counts its inflected forms too."""

    def __init__(self, text: str):
        self.counts = content_words(text)
        self.words = sorted(self.counts)        # words that share a prefix stand together
        self.known: dict[str, int] = {}         # every candidate asks again for the same words

    def count(self, word: str) -> int:
        """Occurrences of a word; of a word of 8 letters or more, of every word with its stem
        (all but its last two letters: veiligheidstrends ~ veiligheidstrend)."""
        if len(word) < 8:
            return self.counts[word]
        if word not in self.known:
            stem = word[:-2]
            after = stem[:-1] + chr(ord(stem[-1]) + 1)          # the first string past all that start with stem
            first, last = bisect_left(self.words, stem), bisect_left(self.words, after)
            self.known[word] = sum(self.counts[w] for w in self.words[first:last])
        return self.known[word]


def recover_titles(topics: list[Topic], text: str) -> None:
    """Give untitled topics the table-of-contents entry their text matches best.

    A candidate fits a topic when every one of its words occurs there; its score is the
    mean share of each word's occurrences (over all untitled topics) that fall in this
    topic, so words every topic uses ("thema's", "veiligheid") count for little and a
    name that belongs to one topic ("Burgernet") counts fully. Each entry is used once.
    """
    untitled = [t for t in topics if t.title is None and t.has_year_parts]
    if not untitled:
        return
    used = {heading_key_simple(t.title) for t in topics if t.title and t.has_year_parts}
    candidates = [c for c in toc_candidates(text) if heading_key_simple(c) not in used]
    bags = [WordBag(" ".join(sum(t.parts.values(), []))) for t in untitled]
    pairs = []
    for c_index, candidate in enumerate(candidates):
        words = list(content_words(candidate))
        if not words:
            continue
        totals = {w: sum(bag.count(w) for bag in bags) for w in words}
        for t_index, bag in enumerate(bags):
            shares = [bag.count(w) / totals[w] for w in words if totals[w]]
            if len(shares) < len(words) or not all(shares):
                continue
            pairs.append((sum(shares) / len(shares), c_index, t_index))
    taken_c, taken_t = set(), set()
    for score, c_index, t_index in sorted(pairs, reverse=True):
        if c_index in taken_c or t_index in taken_t or score < 0.2:
            continue
        untitled[t_index].title = candidates[c_index]
        untitled[t_index].theme = theme_for_heading(candidates[c_index])
        taken_c.add(c_index)
        taken_t.add(t_index)
