"""Which words of a section match a query, and the best window of them as a snippet.

A ``Highlighter`` belongs to one index generation: its caches are keyed by that
generation's compound splitter and are freed with it.
"""
from __future__ import annotations

import re
from functools import lru_cache

from ..analysis import TOKEN_PATTERN, Decompounder, stem
from ..text_utils import fold
from .results import MarkedText

SNIPPET_CHARS = 260
LEAD_CHARS = 60          # context shown before the first match of a snippet


class Highlighter:
    """Finds match spans in section text for a set of query stems."""

    def __init__(self, decompounder: Decompounder):
        @lru_cache(maxsize=200_000)
        def token_keys(token: str) -> frozenset[str]:
            """Every form under which a text token can match a query term: folded, stemmed, its parts' stems."""
            folded = fold(token).split("'")[0]
            return frozenset({folded, stem(folded), *(stem(part) for part in decompounder.split(folded))})

        @lru_cache(maxsize=4096)
        def text_tokens(text: str) -> tuple[tuple[int, int, str], ...]:
            return tuple((m.start(), m.end(), m.group(0)) for m in re.finditer(TOKEN_PATTERN, text))

        self.token_keys = token_keys
        self.text_tokens = text_tokens

    def token_matches(self, token: str, stems: set[str] | frozenset[str]) -> bool:
        return not stems.isdisjoint(self.token_keys(token))

    def spans(self, text: str, highlight: set[str]) -> list[tuple[int, int]]:
        """Character spans of the tokens of text that match any of the stems."""
        if not highlight:
            return []
        return [(start, end) for start, end, token in self.text_tokens(text)
                if not highlight.isdisjoint(self.token_keys(token))]

    def whole(self, text: str, highlight: set[str]) -> MarkedText:
        """The whole text with its matches."""
        return MarkedText(text, tuple(self.spans(text, highlight)))

    def snippet(self, text: str, highlight: set[str], typed: frozenset[str] | set[str] = frozenset()) -> MarkedText:
        """The best window of matches, about SNIPPET_CHARS long, with '…' where text was cut.

        Windows are scored by distinct words typed by the person, then distinct expansion
        words (an acronym's long form, compound parts), then the number of matches.
        """
        flat = re.sub(r"\s+", " ", text).strip()
        spans = self.spans(flat, highlight)
        if not spans:
            end = min(len(flat), SNIPPET_CHARS)
            return window(flat, [], 0, end)
        start, end = self.best_window(flat, spans, set(typed))
        return window(flat, spans, start, end)

    def best_window(self, flat: str, spans: list[tuple[int, int]], typed: set[str]) -> tuple[int, int]:
        """Start and end of the window with the best score, cut at spaces."""
        primary = {i for i, (a, b) in enumerate(spans) if self.token_matches(flat[a:b], typed)}
        best_start, best_score = spans[0][0], -1
        for s, _ in spans:
            inside = [i for i, sp in enumerate(spans) if s <= sp[0] and sp[1] <= s + SNIPPET_CHARS - LEAD_CHARS]
            words = {fold(flat[spans[i][0]:spans[i][1]]) for i in inside}
            typed_words = {fold(flat[spans[i][0]:spans[i][1]]) for i in inside if i in primary}
            score = len(typed_words) * 100 + len(words) * 10 + len(inside)
            if score > best_score:
                best_start, best_score = s, score
        start = max(0, best_start - LEAD_CHARS)
        if start:
            space = flat.find(" ", start)
            start = space + 1 if 0 <= space < best_start else start
        end = min(len(flat), start + SNIPPET_CHARS)
        if end < len(flat):
            space = flat.rfind(" ", start, end)
            end = space if space > best_start else end
        return start, end


def window(flat: str, spans: list[tuple[int, int]], start: int, end: int) -> MarkedText:
    """flat[start:end] with '…' on each cut side and the spans that lie wholly inside, shifted."""
    lead = "…" if start else ""
    trail = "…" if end < len(flat) else ""
    shift = len(lead) - start
    marks = tuple((s + shift, e + shift) for s, e in spans if s >= start and e <= end)
    return MarkedText(lead + flat[start:end] + trail, marks)
