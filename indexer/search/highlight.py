"""Which words of a section match a query, and the best window of them as a snippet.

A ``Highlighter`` belongs to one index generation: its caches are keyed by that
generation's compound splitter and are freed with it.
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from ..analysis import TOKEN_PATTERN, Decompounder, stem, surface_word
from ..text_utils import fold
from .results import MarkedText

SNIPPET_CHARS = 260
LEAD_CHARS = 60          # context shown before the first match of a snippet
SNIPPET_SCAN_CHARS = 50_000   # a snippet is chosen from this much of a section's start: bounded work per hit
TOKEN_KEYS_CACHE = 20_000     # tokens whose match keys are remembered (~0.7 KB each with their compound split)


class Highlighter:
    """Finds match spans in section text for a set of query stems."""

    def __init__(self, decompounder: Decompounder):
        @lru_cache(maxsize=TOKEN_KEYS_CACHE)
        def token_keys(token: str) -> frozenset[str]:
            """Every form under which a text token can match a query term: folded, stemmed, its parts' stems."""
            folded = surface_word(token)
            return frozenset({folded, stem(folded), *(stem(part) for part in decompounder.split(folded))})

        self.token_keys = token_keys

    def token_matches(self, token: str, stems: set[str] | frozenset[str]) -> bool:
        return not stems.isdisjoint(self.token_keys(token))

    def spans(self, text: str, highlight: set[str]) -> list[tuple[int, int]]:
        """Character spans of the tokens of text that match any of the stems."""
        if not highlight:
            return []
        return [m.span() for m in re.finditer(TOKEN_PATTERN, text)
                if not highlight.isdisjoint(self.token_keys(m.group(0)))]

    def whole(self, text: str, highlight: set[str]) -> MarkedText:
        """The whole text with its matches."""
        return MarkedText(text, tuple(self.spans(text, highlight)))

    def snippet(self, text: str, highlight: set[str], typed: frozenset[str] | set[str] = frozenset()) -> MarkedText:
        """The best window of matches, about SNIPPET_CHARS long, with '…' where text was cut.

        Windows are scored by distinct words typed by the person, then distinct expansion
        words (an acronym's long form, compound parts), then the number of matches. Only the
        first SNIPPET_SCAN_CHARS of a section are looked at, in one pass.
        """
        flat = re.sub(r"\s+", " ", text[:SNIPPET_SCAN_CHARS]).strip()
        more = len(text) > SNIPPET_SCAN_CHARS
        spans = self.spans(flat, highlight)
        if not spans:
            end = min(len(flat), SNIPPET_CHARS)
            return window(flat, [], 0, end, more)
        start, end = self.best_window(flat, spans, set(typed))
        return window(flat, spans, start, end, more)

    def best_window(self, flat: str, spans: list[tuple[int, int]], typed: set[str]) -> tuple[int, int]:
        """Start and end of the window with the best score, cut at spaces."""
        return cut_window(flat, self.best_match(flat, spans, typed))

    def best_match(self, flat: str, spans: list[tuple[int, int]], typed: set[str]) -> int:
        """Where the best window's first match starts.

        A window starts at a match and holds the matches that end within SNIPPET_CHARS - LEAD_CHARS
        of it; sliding it over the matches in order makes this linear in their number.
        """
        words = [fold(flat[a:b]) for a, b in spans]
        primary = [self.token_matches(flat[a:b], typed) for a, b in spans]
        inside: Counter[str] = Counter()
        inside_typed: Counter[str] = Counter()
        best_start, best_score = spans[0][0], -1
        end = 0                           # the window is spans[first:end]
        for first, (s, _) in enumerate(spans):
            end = max(end, first)
            while end < len(spans) and spans[end][1] <= s + SNIPPET_CHARS - LEAD_CHARS:
                inside[words[end]] += 1
                inside_typed[words[end]] += primary[end]
                end += 1
            score = sum(1 for c in inside_typed.values() if c) * 100 + len(inside) * 10 + (end - first)
            if score > best_score:
                best_start, best_score = s, score
            if end > first:               # the first match leaves the window
                inside[words[first]] -= 1
                inside_typed[words[first]] -= primary[first]
                if not inside[words[first]]:
                    del inside[words[first]]
                    del inside_typed[words[first]]
        return best_start


def cut_window(flat: str, best_start: int) -> tuple[int, int]:
    """A window of about SNIPPET_CHARS with LEAD_CHARS of context before ``best_start``, cut at spaces."""
    start = max(0, best_start - LEAD_CHARS)
    if start:
        space = flat.find(" ", start)
        start = space + 1 if 0 <= space < best_start else start
    end = min(len(flat), start + SNIPPET_CHARS)
    if end < len(flat):
        space = flat.rfind(" ", start, end)
        end = space if space > best_start else end
    return start, end


def window(flat: str, spans: list[tuple[int, int]], start: int, end: int, more: bool = False) -> MarkedText:
    """flat[start:end] with '…' on each cut side (``more``: the text goes on past flat) and the spans
    that lie wholly inside, shifted."""
    lead = "…" if start else ""
    trail = "…" if end < len(flat) or more else ""
    shift = len(lead) - start
    marks = tuple((s + shift, e + shift) for s, e in spans if s >= start and e <= end)
    return MarkedText(lead + flat[start:end] + trail, marks)
