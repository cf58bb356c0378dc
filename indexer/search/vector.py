"""Scoring a compiled query over a whole generation with numpy, instead of Whoosh's matcher tree.

Whoosh walks a tree of matchers in Python for every posting (~25 µs per hit), so a query of
two common words took ~0.4 s at 10,000 sections. Here each term's postings are decoded once
per generation (ids and Whoosh's own BM25F score for that term, ``postings.py``) and kept in a
bounded cache; a query is then evaluated as vector arithmetic over all sections with the
semantics of Whoosh's matchers: a union sums the scores of the clauses that match, an
intersection sums them where all match, a boost multiplies. The sums run clause by clause in
the query's order, so every score is the same float however often it is computed.

Phrases need positions, so a phrase's match is checked only for the best candidates of the rest
of the query (``PHRASE_CANDIDATES``), from the positions of its words in those sections alone;
its score there is what Whoosh gives a phrase: the sum of its words' scores, times its boost.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict

import numpy as np
from whoosh.query import And, Every, NullQuery, Or, Phrase, Term

from . import postings as whoosh_postings
from .params import Budget

PHRASE_CANDIDATES = 100           # phrase bonuses are worked out for this many leading sections
PHRASE_EXACT = 300                # a phrase whose words occur together this rarely is checked everywhere
CACHE_PHRASES = 2000              # phrases whose checked sections are remembered per generation ...
CACHE_PHRASE_CHECKS = 100_000     # ... and at most this many checked sections in all (~100 B each)
CACHE_POSTINGS = 1_500_000        # postings kept decoded per generation (id + score: 12 B each, ~18 MB)
CACHE_TERMS = 50_000
CACHE_POSITIONS = 30_000          # a word's encoded positions in a section, for phrase checks (~150 B each)


class Vectors:
    """Per-generation decoded postings and phrase checks, and the evaluation of queries over them
    (thread-safe: each search evaluates in its own ``Evaluation``)."""

    def __init__(self, doc_count: int, searcher, live: np.ndarray):
        self.size = doc_count
        self.searcher = searcher              # a callable: this thread's Whoosh searcher
        self.live = live                      # sections not deleted (Whoosh skips the others)
        self.lengths = whoosh_postings.FieldLengths()
        self.cache: OrderedDict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self.cached = 0
        self.phrases: OrderedDict[str, dict[int, float | None]] = OrderedDict()
        self.phrase_checked = 0
        self.positions: OrderedDict[tuple[str, str, int], bytes] = OrderedDict()
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
        ids, scores = whoosh_postings.decode(self.searcher(), self.lengths, field, text)
        if len(ids) and not self.live[ids].all():     # deleted sections of shared segments
            keep = self.live[ids]
            ids, scores = ids[keep], scores[keep]
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

    def score(self, query, within: np.ndarray | None = None,
              budget: Budget | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(scores, matches) of a whole query (see ``Evaluation.score``)."""
        return Evaluation(self, budget).score(query, within)

    def phrase_checks(self, phrase: Phrase, docnums: np.ndarray,
                      budget: Budget | None = None) -> dict[int, float | None]:
        """Whoosh's phrase score per section (None: no match), remembered per phrase for later queries."""
        key = repr(phrase)
        with self.lock:
            known = self.phrases.setdefault(key, {})
            self.phrases.move_to_end(key)
        missing = np.asarray([int(n) for n in docnums if int(n) not in known], dtype=np.int64)
        if len(missing):
            found = self.phrase_scores(phrase, missing, budget)
            known.update({int(n): found.get(int(n)) for n in missing})
            with self.lock:
                if self.phrases.get(key) is known:        # not forgotten meanwhile
                    self.phrase_checked += len(missing)
                while (len(self.phrases) > CACHE_PHRASES or self.phrase_checked > CACHE_PHRASE_CHECKS) \
                        and len(self.phrases) > 1:
                    _, forgotten = self.phrases.popitem(last=False)
                    self.phrase_checked -= len(forgotten)
        return known

    def phrase_scores(self, phrase: Phrase, docnums: np.ndarray, budget: Budget | None = None) -> dict[int, float]:
        """Whoosh's score of a phrase in each of the (sorted) sections ``docnums`` that holds all its
        words where the phrase asks for them; a word's positions are read only for the sections
        where the words before it still stand as the phrase asks."""
        decode = whoosh_postings.position_decoder(self.searcher(), phrase.fieldname)
        ends: dict[int, list[int] | None] = {int(n): None for n in docnums}     # None: no word yet
        for word in phrase.words:
            if budget is not None:
                budget.check()
            places = self.places(phrase.fieldname, word, np.fromiter(ends, dtype=np.int64, count=len(ends)))
            following = {}
            for docnum, before in ends.items():
                if docnum in places:
                    reached = decode(places[docnum])
                    if before is not None:
                        reached = whoosh_postings.follow(before, reached, phrase.slop)
                    if reached:
                        following[docnum] = reached
            ends = following
        # Whoosh's phrase matcher is an intersection of its words' term matchers: their scores, summed
        matched = np.fromiter(ends, dtype=np.int64, count=len(ends))
        words = [self.postings(phrase.fieldname, word, budget) for word in phrase.words]
        summed = whoosh_postings.tree_sum([scores[np.searchsorted(ids, matched)] for ids, scores in words])
        return dict(zip(matched.tolist(), (summed * phrase.boost).tolist()))

    def places(self, field: str, word: str, docnums: np.ndarray) -> dict[int, bytes]:
        """The encoded positions of a word in a field for the (sorted) sections ``docnums`` that hold
        it, remembered per section for later phrase checks."""
        known = {}
        with self.lock:
            for n in docnums.tolist():
                if (key := (field, word, n)) in self.positions:
                    self.positions.move_to_end(key)
                    known[n] = self.positions[key]
        missing = docnums[[n not in known for n in docnums.tolist()]] if known else docnums
        if len(missing):
            found = whoosh_postings.values(self.searcher(), field, word, missing)
            with self.lock:
                for n, value in found.items():
                    self.positions[(field, word, n)] = value
                while len(self.positions) > CACHE_POSITIONS:
                    self.positions.popitem(last=False)
            known.update(found)
        return known


UPPER_BOUND, NOWHERE, EVERYWHERE = None, "nowhere", "everywhere"     # how phrases are evaluated


class Evaluation:
    """The evaluation of one search's queries over a generation.

    A clause without phrases scores the same in every pass over the tree, so the largest such
    clauses are evaluated once and remembered while the search runs.
    """

    def __init__(self, vectors: Vectors, budget: Budget | None = None):
        self.vectors = vectors
        self.size = vectors.size
        self.budget = budget
        self.remembered: dict[int, tuple[object, np.ndarray, np.ndarray]] = {}
        self.with_phrases: dict[int, tuple[object, bool]] = {}     # the node is kept: its id stays its own

    def score(self, query, within: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(scores, matches) of a whole query.

        Where phrases only add a bonus (the query matches the same sections with or without
        them), they are checked for the leading candidates of a first pass ``within`` the
        sections that can be shown; where a phrase decides what matches (a quoted phrase, an
        excluded one), it is checked in every section that holds its words.
        """
        if not self.has_phrases(query):
            return self.evaluate(query)
        first, upper = self.evaluate(query, UPPER_BOUND)
        if not np.array_equal(upper, self.matches(query, NOWHERE)):
            return self.evaluate(query, EVERYWHERE)
        eligible = upper if within is None else upper & within
        count = min(PHRASE_CANDIDATES, int(eligible.sum()))
        ranked = np.where(eligible, first, -1.0)
        leading = np.argpartition(-ranked, count - 1)[:count] if count else np.zeros(0, dtype=np.int64)
        return self.evaluate(query, np.sort(leading[eligible[leading]]))

    def has_phrases(self, node) -> bool:
        """Does a query node hold a phrase anywhere below it? (asked at every level of the tree)"""
        known = self.with_phrases.get(id(node))
        if known is None:
            known = self.with_phrases[id(node)] = (node, bool(phrases(node)))
        return known[1]

    def evaluate(self, node, candidates=UPPER_BOUND) -> tuple[np.ndarray, np.ndarray]:
        """(scores, matches) of a query node over all sections (the budget checked at every clause).

        A phrase is scored for the ``candidates`` only (sections where all its words occur, if
        those are few, else the leading sections of a first pass); elsewhere it counts as
        matching wherever all its words occur, and scores nothing.
        """
        if self.budget is not None:
            self.budget.check()
        if id(node) in self.remembered:
            return self.remembered[id(node)][1:]
        if isinstance(node, Term):
            ids, values = self.vectors.postings(node.fieldname, node.text, self.budget)
            scores, matches = np.zeros(self.size), np.zeros(self.size, dtype=bool)
            scores[ids] = values * node.boost
            matches[ids] = True
            return scores, matches
        if isinstance(node, Phrase):
            return self.phrase(node, candidates)
        if isinstance(node, Every):
            return np.zeros(self.size), np.ones(self.size, dtype=bool)
        if node is NullQuery or (isinstance(node, (And, Or)) and not node.subqueries):
            return np.zeros(self.size), np.zeros(self.size, dtype=bool)
        if not isinstance(node, (And, Or)):
            raise TypeError(f"no vector evaluation for {type(node).__name__}")
        remember = self.has_phrases(node)          # its clauses without phrases: once per search
        union = isinstance(node, Or)
        scores = np.zeros(self.size)
        matches = np.zeros(self.size, dtype=bool) if union else np.ones(self.size, dtype=bool)
        for child in node.subqueries:
            if isinstance(child, Term) and not remember:    # added straight from its postings
                ids, values = self.vectors.postings(child.fieldname, child.text, self.budget)
                scores[ids] += values * child.boost
                if union:
                    matches[ids] = True
                else:
                    matches &= present(ids, self.size)
                continue
            child_scores, child_matches = self.evaluate(child, candidates)
            if remember and not self.has_phrases(child):
                self.remembered[id(child)] = (child, child_scores, child_matches)
            scores += child_scores
            if union:
                matches |= child_matches
            else:
                matches &= child_matches
        # a clause's sum counts only where it matches; the sum ran clause by clause, from zero
        scores *= matches
        scores *= node.boost
        return scores, matches

    def matches(self, node, candidates=UPPER_BOUND) -> np.ndarray:
        """Which sections a query node matches, without working out scores."""
        if id(node) in self.remembered:
            return self.remembered[id(node)][2]
        if isinstance(node, Term):
            return present(self.vectors.postings(node.fieldname, node.text, self.budget)[0], self.size)
        if isinstance(node, Phrase):
            return self.phrase(node, candidates)[1]
        if isinstance(node, Every):
            return np.ones(self.size, dtype=bool)
        if node is NullQuery or (isinstance(node, (And, Or)) and not node.subqueries):
            return np.zeros(self.size, dtype=bool)
        if not isinstance(node, (And, Or)):
            raise TypeError(f"no vector evaluation for {type(node).__name__}")
        parts = (self.matches(child, candidates) for child in node.subqueries)
        combined = next(parts).copy()
        for part in parts:
            if isinstance(node, And):
                combined &= part
            else:
                combined |= part
        return combined

    def phrase(self, phrase: Phrase, candidates) -> tuple[np.ndarray, np.ndarray]:
        """A phrase, by ``candidates``: UPPER_BOUND ('all its words occur', no score), NOWHERE (no
        match), EVERYWHERE (checked in every section holding its words), or an array of sections to
        check (with all holders when they are few; elsewhere 'all its words occur', no score)."""
        words = np.ones(self.size, dtype=bool)
        for word in phrase.words:
            words &= present(self.vectors.postings(phrase.fieldname, word, self.budget)[0], self.size)
        scores = np.zeros(self.size)
        if candidates is UPPER_BOUND:
            return scores, words
        if candidates is NOWHERE:
            return scores, np.zeros(self.size, dtype=bool)
        holders = np.flatnonzero(words)
        everywhere = candidates is EVERYWHERE or len(holders) <= PHRASE_EXACT
        checked = holders if everywhere else np.intersect1d(candidates, holders)
        found = self.vectors.phrase_checks(phrase, checked, self.budget)
        words[checked] = False
        for docnum in checked:
            score = found[int(docnum)]
            if score is not None:
                scores[docnum], words[docnum] = score, True
        return scores, words


def present(ids: np.ndarray, size: int) -> np.ndarray:
    """A mask of the sections ``ids``."""
    mask = np.zeros(size, dtype=bool)
    mask[ids] = True
    return mask


def phrases(node) -> list[Phrase]:
    """The phrase clauses anywhere in a query tree."""
    if isinstance(node, Phrase):
        return [node]
    return [p for child in getattr(node, "subqueries", ()) for p in phrases(child)]
