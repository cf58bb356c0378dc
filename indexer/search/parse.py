"""Parse what people type into a small query tree, leniently.

Words, "phrases", -exclusions, OF/OR between alternatives, EN/AND (the default);
unbalanced quotes and brackets never fail: a lone quote is ignored, brackets are
dropped. The tree is plain data; :mod:`indexer.search` turns it into Whoosh queries.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..analysis import TOKEN_PATTERN, is_stop_word

OR_WORDS = {"OF", "OR", "|"}
AND_WORDS = {"EN", "AND", "&"}
TOKEN = re.compile(r'-?"[^"]*"|-?[^\s"()]+')


@dataclass
class Clause:
    """One thing to match: a word or a phrase (words in order)."""

    words: list[str]
    phrase: bool = False


@dataclass
class ParsedQuery:
    """Alternatives (OR) of conjunctions (AND-ish) of clauses, plus exclusions."""

    alternatives: list[list[Clause]] = field(default_factory=list)
    excluded: list[Clause] = field(default_factory=list)

    @property
    def clauses(self) -> list[Clause]:
        return [clause for group in self.alternatives for clause in group]

    @property
    def word_count(self) -> int:
        """Words and phrases searched for or excluded; stop words are dropped, so they do not count."""
        return sum(clause.phrase or not is_stop_word(clause.words[0]) for clause in [*self.clauses, *self.excluded])

    @property
    def is_empty(self) -> bool:
        return not self.clauses


def parse_query(text: str) -> ParsedQuery:
    """Parse a query string; never raises on odd input."""
    text = text.replace("(", " ").replace(")", " ")
    if text.count('"') % 2:
        last = text.rfind('"')
        text = text[:last] + " " + text[last + 1:]
    parsed = ParsedQuery(alternatives=[[]])
    for token in TOKEN.findall(text):
        if token in OR_WORDS:
            if parsed.alternatives[-1]:
                parsed.alternatives.append([])
            continue
        if token in AND_WORDS:
            continue
        negate = token.startswith("-") and len(token) > 1
        body = token[1:] if negate else token
        words = re.findall(TOKEN_PATTERN, body)
        if not words:
            continue
        clause = Clause(words, phrase=len(words) > 1)
        (parsed.excluded if negate else parsed.alternatives[-1]).append(clause)
    parsed.alternatives = [group for group in parsed.alternatives if group]
    return parsed
