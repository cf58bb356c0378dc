"""Scoring a compiled query over a whole generation with numpy, instead of Whoosh's matcher tree.

Whoosh walks a tree of matchers in Python for every posting (~25 µs per hit), so a query of
two common words took ~0.4 s at 10,000 sections. Here each term's postings are decoded once
per generation (ids and Whoosh's own BM25F score for that term) and kept in a bounded cache;
a query is then evaluated as dense vector arithmetic over all sections with the semantics of
Whoosh's matchers: a union sums the scores of the clauses that match, an intersection sums
them where all match, a boost multiplies. Phrases need positions, so they are scored by
Whoosh, but only for the best candidates of the rest of the query (``PHRASE_CANDIDATES``).
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict

import numpy as np
from whoosh.query import And, Every, NullQuery, Or, Phrase, Term

from .params import Budget

PHRASE_CANDIDATES = 100           # phrase bonuses are worked out for this many leading sections
CACHE_PHRASES = 2000              # phrases whose checked sections are remembered per generation
CACHE_POSTINGS = 4_000_000        # postings kept decoded per generation (ids + scores: 16 B each, ~64 MB)
CACHE_TERMS = 50_000


class Vectors:
    """Per-generation decoded postings and the evaluation of queries over them (thread-safe)."""

    def __init__(self, doc_count: int, searcher):
        self.size = doc_count
        self.searcher = searcher              # a callable: this thread's Whoosh searcher
        self.cache: OrderedDict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self.cached = 0
        self.phrases: OrderedDict[tuple, dict[int, float | None]] = OrderedDict()
        self.lock = threading.Lock()

    def postings(self, field: str, text: str, budget: Budget | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(section numbers, Whoosh's score of the term there) for one term, decoded once.

        Decoding is not charged to the query's ``budget``: it happens once per term and generation
        (the first searches after a reindex would otherwise be refused on a large index), and the
        words a query may hold are limited."""
        key = (field, text)
        with self.lock:
            if key in self.cache:
                self.cache.move_to_end(key)
                return self.cache[key]
        started = time.thread_time()
        ids, scores = decode(self.searcher(), field, text)
        if budget is not None:
            budget.allow(time.thread_time() - started)
        if not len(ids):
            return ids, scores            # unknown words (typos, anything typed) are not remembered
        with self.lock:
            if key not in self.cache:     # another thread may have decoded it meanwhile
                self.cache[key] = (ids, scores)
                self.cached += len(ids)
            while (self.cached > CACHE_POSTINGS or len(self.cache) > CACHE_TERMS) and len(self.cache) > 1:
                _, (old, _) = self.cache.popitem(last=False)
                self.cached -= len(old)
        return ids, scores

    def evaluate(self, node, candidates=None, budget: Budget | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(scores, matches) of a query node over all sections (``budget`` checked at every clause).

        A phrase is scored by Whoosh for the ``candidates`` only (sections where all its words
        occur, if those are few, else the leading sections of a first pass); elsewhere it counts
        as matching wherever all its words occur, and scores nothing.
        """
        if budget is not None:
            budget.check()
        if isinstance(node, Term):
            scores = np.zeros(self.size)
            ids, values = self.postings(node.fieldname, node.text, budget)
            scores[ids] = values * node.boost
            matches = np.zeros(self.size, dtype=bool)
            matches[ids] = True
            return scores, matches
        if isinstance(node, Phrase):
            return self.phrase(node, candidates, budget)
        if isinstance(node, Every):
            return np.zeros(self.size), np.ones(self.size, dtype=bool)
        if node is NullQuery or (isinstance(node, (And, Or)) and not node.subqueries):
            return np.zeros(self.size), np.zeros(self.size, dtype=bool)
        if not isinstance(node, (And, Or)):
            raise TypeError(f"no vector evaluation for {type(node).__name__}")
        parts = [self.evaluate(child, candidates, budget) for child in node.subqueries]
        if isinstance(node, And):
            matches = np.logical_and.reduce([m for _, m in parts])
        else:
            matches = np.logical_or.reduce([m for _, m in parts])
        scores = np.sum([s for s, _ in parts], axis=0) * matches * node.boost
        return scores, matches

    def phrase(self, phrase: Phrase, candidates, budget: Budget | None = None) -> tuple[np.ndarray, np.ndarray]:
        """A phrase, by ``candidates``: UPPER_BOUND ('all its words occur', no score), NOWHERE (no
        match), EVERYWHERE (checked in every section holding its words), or an array of sections to
        check (with all holders when they are few; elsewhere 'all its words occur', no score)."""
        words = np.ones(self.size, dtype=bool)
        for word in phrase.words:
            present = np.zeros(self.size, dtype=bool)
            present[self.postings(phrase.fieldname, word, budget)[0]] = True
            words &= present
        scores = np.zeros(self.size)
        if candidates is UPPER_BOUND:
            return scores, words
        if candidates is NOWHERE:
            return scores, np.zeros(self.size, dtype=bool)
        holders = np.flatnonzero(words)
        everywhere = candidates is EVERYWHERE or len(holders) <= PHRASE_EXACT
        checked = holders if everywhere else np.intersect1d(candidates, holders)
        found = self.phrase_checks(phrase, checked, budget)
        words[checked] = False
        for docnum in checked:
            score = found[int(docnum)]
            if score is not None:
                scores[docnum], words[docnum] = score, True
        return scores, words

    def phrase_checks(self, phrase: Phrase, docnums: np.ndarray,
                      budget: Budget | None = None) -> dict[int, float | None]:
        """Whoosh's phrase score per section (None: no match), remembered per phrase for later queries."""
        key = ("phrase", repr(phrase))
        with self.lock:
            known = self.phrases.setdefault(key, {})
            self.phrases.move_to_end(key)
            while len(self.phrases) > CACHE_PHRASES:
                self.phrases.popitem(last=False)
        missing = [int(n) for n in docnums if int(n) not in known]
        if missing:
            found = phrase_scores(self.searcher(), phrase, np.asarray(missing), budget)
            known.update({n: found.get(n) for n in missing})
        return known

    def score(self, query, within: np.ndarray | None = None,
              budget: Budget | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(scores, matches) of a whole query.

        Where phrases only add a bonus (the query matches the same sections with or without
        them), they are checked for the leading candidates of a first pass ``within`` the
        sections that can be shown; where a phrase decides what matches (a quoted phrase, an
        excluded one), it is checked in every section that holds its words.
        """
        if not phrases(query):
            return self.evaluate(query, budget=budget)
        first, upper = self.evaluate(query, UPPER_BOUND, budget)
        if not np.array_equal(upper, self.evaluate(query, NOWHERE, budget)[1]):
            return self.evaluate(query, EVERYWHERE, budget)
        eligible = upper if within is None else upper & within
        count = min(PHRASE_CANDIDATES, int(eligible.sum()))
        ranked = np.where(eligible, first, -1.0)
        leading = np.argpartition(-ranked, count - 1)[:count] if count else np.zeros(0, dtype=np.int64)
        return self.evaluate(query, np.sort(leading[eligible[leading]]), budget)


UPPER_BOUND, NOWHERE, EVERYWHERE = None, "nowhere", "everywhere"     # how phrases are evaluated
PHRASE_EXACT = 300                # a phrase whose words occur together this rarely is checked everywhere


def decode(searcher, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
    """All postings of a term with Whoosh's score for each (one Python pass, then cached)."""
    term = Term(field, text)
    if not searcher.reader().__contains__((field, text)):
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    matcher = term.matcher(searcher)
    ids, scores = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        scores.append(matcher.score())
        matcher.next()
    return np.asarray(ids, dtype=np.int64), np.asarray(scores)


def phrases(node) -> list[Phrase]:
    """The phrase clauses anywhere in a query tree."""
    if isinstance(node, Phrase):
        return [node]
    return [p for child in getattr(node, "subqueries", ()) for p in phrases(child)]


def phrase_scores(searcher, phrase: Phrase, candidates: np.ndarray,
                  budget: Budget | None = None) -> dict[int, float]:
    """Whoosh's score of a phrase for each candidate section it matches (skipping through postings)."""
    matcher = phrase.matcher(searcher)
    found = {}
    for checked, docnum in enumerate(sorted(int(n) for n in candidates)):
        if budget is not None and checked % 64 == 0:
            budget.check()
        if not matcher.is_active():
            break
        if matcher.id() < docnum:
            matcher.skip_to(docnum)
            if not matcher.is_active():
                break
        if matcher.id() == docnum:
            found[docnum] = matcher.score()
    return found
