"""The search service: one per process, serving the index path's current generation.

``SearchService`` notices when the index path is repointed at a new generation (a
reindex) and opens it; requests take the current ``Generation`` snapshot and read it
without a lock. It returns the plain records of :mod:`indexer.search.results`.
"""
from __future__ import annotations

import os
import re
import threading
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
from whoosh.query import Every, Or

from .compile import CompiledQuery, QueryCompiler, SearchOptions
from .facet_counts import facet_counts, filter_mask
from .generation import Generation, IndexMissing
from .params import SECTIONS_PER_DOCUMENT, SUGGEST_LIMIT, Budget, SearchRequest, check_complexity, validate
from .parse import ParsedQuery, parse_query
from .results import Hit, SearchResponse, SectionView, Sibling
from .vector import Evaluation


RETRY_SECONDS = 5.0           # how often a broken index path is looked at again
YEAR_BOOST = 1.5              # a section of a year written in the query


class SearchService:
    """A long-lived view of an index path, refreshed when its generation changes."""

    def __init__(self, index_dir: str | Path):
        self.index_dir = Path(index_dir)
        self._swap_lock = threading.Lock()           # only one thread opens a new generation
        self._generation: Generation | None = None
        self.degraded: str | None = None             # why the last good generation is still served
        self._retry_at = 0.0
        self.refresh()

    # ------------------------------------------------------------ lifecycle

    def current_generation(self) -> str:
        """The directory the index path points at now."""
        if not self.index_dir.exists():
            raise IndexMissing(f"{self.index_dir} bestaat niet (meer)")
        return os.path.realpath(self.index_dir)

    def refresh(self) -> Generation:
        """The current generation, opened anew if the index path now points elsewhere.

        If the index path is gone or points at a generation that cannot be opened, the last good
        generation keeps serving (``degraded`` says why; another try after RETRY_SECONDS). Without
        one, IndexMissing says what is wrong.
        """
        generation = self._generation
        try:
            path = self.current_generation()
            if generation is not None and generation.path == path:
                self.degraded = None
                return generation
        except IndexMissing as exc:
            return self._last_good(exc)
        if generation is not None and time.monotonic() < self._retry_at:
            return generation
        with self._swap_lock:
            if self._generation is None or self._generation.path != path:
                try:
                    self._generation = Generation(path)
                except Exception as exc:           # any damage: keep what works, say why
                    return self._last_good(exc if isinstance(exc, IndexMissing) else IndexMissing(f"{path}: {exc!r}"))
                self.degraded = None
            return self._generation

    def _last_good(self, problem: IndexMissing) -> Generation:
        """Serve the generation we have, marked degraded, or raise when there is none."""
        if self._generation is None:
            raise problem
        self.degraded = str(problem)
        self._retry_at = time.monotonic() + RETRY_SECONDS
        return self._generation

    @property
    def generation(self) -> Generation:
        """The current generation (refreshed)."""
        return self.refresh()

    @property
    def lexicon(self):
        return self.refresh().lexicon

    def close(self) -> None:
        with self._swap_lock:
            if self._generation is not None:
                self._generation.close()
                self._generation = None

    # ------------------------------------------------------------ facts

    def stats(self) -> dict:
        """Documents and sections in the current generation."""
        generation = self.refresh()
        return {"documents": len(generation.by_document), "sections": len(generation.docnums)}

    def document_title(self, doc_id: str) -> str | None:
        """A document's title, or None when the current generation has no such document."""
        return self.refresh().lexicon.documents.get(doc_id, {}).get("title")

    def facet_values(self, facet: str) -> list:
        """Values a facet may take: the controlled lists, or what the index holds."""
        return self.refresh().facet_values(facet)

    def suggest(self, prefix: str, limit: int = SUGGEST_LIMIT) -> list[str]:
        """Completions of the last word typed (section titles whole, words after the earlier words)."""
        words = prefix.split()
        if not words:
            return []
        before = " ".join(words[:-1]) + " " if len(words) > 1 else ""
        completions = self.refresh().lexicon.completions(words[-1], limit)
        return [c if " " in c else before + c for c in completions]

    # ------------------------------------------------------------ search

    def search(self, q: str = "", filters: dict[str, list] | None = None, page: int = 1, per_page: int = 10,
               sort: str = "relevance", options: SearchOptions | None = None, group: str = "none",
               document: str | None = None, typing: bool = False) -> SearchResponse:
        """Search the current generation; raises SearchError (Dutch) for bad parameters.

        ``group="document"`` lists at most SECTIONS_PER_DOCUMENT sections of one document (the
        last one listed says how many more match); ``document`` keeps one document's sections;
        ``typing``: the query is still being typed (search as you type), so its last word is a
        prefix to complete, never a word to correct.
        """
        generation = self.refresh()
        options = options or SearchOptions(**generation.lexicon.analysis)
        request = validate(q, filters or {}, page, per_page, sort, generation.facet_values, group, document)
        if request.page != 1:
            return Search(generation, options, typing).run(request)
        key = (request.q, tuple(sorted((k, tuple(v)) for k, v in request.filters.items())), request.per_page,
               request.sort, request.group, request.document, typing, options)
        return generation.first_pages.get(key, lambda: Search(generation, options, typing).run(request))

    def section_text(self, section_id: str) -> str:
        """The full normalised text of a section (for evaluation; no highlighting or siblings)."""
        generation = self.refresh()
        return generation.fields(generation.by_id[section_id])["text"]

    def section(self, section_id: str, highlight_query: str = "") -> SectionView | None:
        """A whole section by id, its matches for ``highlight_query`` marked, with links and siblings."""
        generation = self.refresh()
        docnum = generation.by_id.get(section_id)
        if docnum is None:
            return None
        highlight = set()
        if highlight_query:
            compiler = QueryCompiler(generation.lexicon, generation.indexed, SearchOptions())
            highlight = compiler.compile(parse_query(highlight_query)).highlight
        fields = generation.fields(docnum)
        siblings = [Sibling(f["id"], f["title"], f["year"] or None, f["type"])
                    for f in (generation.cards[n] for n in generation.by_document[fields["doc_id"]])]
        return SectionView(
            hit=make_hit(generation, docnum, highlight, fields=fields),
            body=generation.highlighter.whole(fields["text"], highlight),
            links=fields["meta"]["links"], also_in=fields["meta"]["also_in"], siblings=siblings,
        )


class Search:
    """One search over one generation: run the query, correct it if need be, filter, page, count."""

    def __init__(self, generation: Generation, options: SearchOptions, typing: bool = False):
        self.generation = generation
        self.options = options
        self.typing = typing
        self.budget: Budget | None = None     # started once the query is compiled (see matches)

    def run(self, request: SearchRequest) -> SearchResponse:
        parsed = parse_query(request.q)
        check_complexity(parsed.word_count, len(parsed.alternatives))
        by_newest = request.sort == "newest" or parsed.is_empty
        built, scores, matches = self.matches(parsed, self.options, request.filters, request.document,
                                              ranked=not by_newest)
        corrected_from, q_used = None, request.q
        if built.corrections:
            _, _, literal = self.matches(parsed, replace(self.options, typos=False), ranked=False)
            if not literal.any():          # nothing as typed: search the correction and say so
                corrected_from, q_used = request.q, apply_corrections(request.q, built.corrections)
                built, scores, matches = self.matches(parse_query(q_used), self.options, request.filters,
                                                      request.document, ranked=not by_newest)
        # a query of stop words only ('de', 'wat is het') matches every section, as the empty one does
        by_newest = by_newest or isinstance(built.query, Every)
        generation = self.generation
        if request.document is not None:
            matches = matches & generation.document_mask(request.document)
        chosen = matches & filter_mask(generation.columns, request.filters, len(matches))
        start, end = (request.page - 1) * request.per_page, request.page * request.per_page
        if request.group == "document":
            page, more, total_grouped = self.grouped(scores, chosen, end, by_newest)
            page = page[start:]
        else:
            ranked = generation.newest[chosen[generation.newest]][:end] if by_newest else best(scores, chosen, end)
            page, more, total_grouped = [int(n) for n in ranked[start:]], {}, None
        hits = [make_hit(generation, n, built.highlight, built.typed, more=more.get(n, 0)) for n in page]
        suggestion = apply_corrections(request.q, built.corrections) if built.corrections and not corrected_from else None
        return SearchResponse(
            query=q_used, total=int(chosen.sum()), page=request.page, per_page=request.per_page, hits=hits,
            facets=facet_counts(generation.columns, matches, request.filters), suggestion=suggestion,
            expansions=list(built.expansions), corrected_from=corrected_from, total_grouped=total_grouped,
        )

    def grouped(self, scores: np.ndarray, chosen: np.ndarray, count: int,
                by_newest: bool) -> tuple[list[int], dict[int, int], int]:
        """The first ``count`` results with at most SECTIONS_PER_DOCUMENT per document; for each document's
        last listed section how many more of its sections match; and how long the whole grouped list is."""
        codes = self.generation.document_codes
        per_document = np.bincount(codes[chosen], minlength=len(self.generation.by_document))
        total_grouped = int(np.minimum(per_document, SECTIONS_PER_DOCUMENT).sum())
        count = min(count, total_grouped)
        wanted = count * SECTIONS_PER_DOCUMENT
        while True:          # rank a few more than needed; more only when big documents crowd the top
            ranked = (self.generation.newest[chosen[self.generation.newest]][:wanted] if by_newest
                      else best(scores, chosen, wanted))
            listed = take_per_document(ranked, codes, count)
            if len(listed) >= count or len(ranked) < wanted:
                break
            wanted *= 4
        more = {}
        listed_of: dict[int, int] = {}
        for n in listed:
            listed_of[codes[n]] = listed_of.get(codes[n], 0) + 1
            left = int(per_document[codes[n]]) - SECTIONS_PER_DOCUMENT
            if listed_of[codes[n]] == SECTIONS_PER_DOCUMENT and left > 0:
                more[n] = left
        return listed, more, total_grouped

    def matches(self, parsed: ParsedQuery, options: SearchOptions, filters: dict | None = None,
                document: str | None = None, ranked: bool = True) -> tuple[CompiledQuery, np.ndarray, np.ndarray]:
        """The compiled query, every section's score, and which sections match (exclusions removed).

        ``filters`` and ``document`` only steer which sections phrase bonuses are worked out for
        (those that can be shown). ``ranked=False``: the scores will not be used (a search sorted
        by date, a test for any match), so nothing that only adds to them is worked out."""
        live = self.generation.live
        if parsed.is_empty and not parsed.excluded:
            return CompiledQuery(Every()), np.zeros(len(live)), live.copy()
        compiler = QueryCompiler(self.generation.lexicon, self.generation.indexed, options, self.typing, ranked)
        built = compiler.compile(parsed)
        # the budget starts here: compiling is bounded by the word limit, and the first typo of a
        # generation builds its trigram index (once, over the whole vocabulary), which is no fault of the query
        self.budget = self.budget or Budget()
        evaluation = Evaluation(self.generation.vectors, self.budget)
        if built.excluded is not None:
            live = live & ~evaluation.score(built.excluded)[1]
        shown = live & filter_mask(self.generation.columns, filters or {}, len(live))
        if document is not None:
            shown &= self.generation.document_mask(document)
        scores, matches = evaluation.score(built.query, within=shown)
        if built.years and ranked:
            scores = scores * np.where(self.year_steering(built, evaluation), YEAR_BOOST, 1.0)
        return built, scores, matches & live

    def year_steering(self, built: CompiledQuery, evaluation: Evaluation) -> np.ndarray:
        """The sections a year in the query favours ("terugblik 2021"): that year's sections that are
        also about the rest of the query (a section that only mentions the year gains nothing), and
        sections of any year that name the topic together with the year ("het GVB 2021 verschijnt
        in april", in a plan for 2022): they are about that year too."""
        of_year = self.generation.columns["year"].mask(sorted(built.years))
        if not built.topic:
            return of_year
        topic = built.topic[0] if len(built.topic) == 1 else Or(built.topic)
        # the topic's clauses were evaluated with the query: only a phrase among them needs the full score
        about = evaluation.score(topic)[1] if evaluation.has_phrases(topic) else evaluation.matches(topic)
        steered = of_year & about
        if built.dated:
            steered |= evaluation.score(Or(built.dated))[1]
        return steered


def best(scores: np.ndarray, chosen: np.ndarray, count: int) -> list[int]:
    """The ``count`` best chosen sections, best first; ties in index order (as Whoosh orders them)."""
    candidates = np.flatnonzero(chosen)
    if len(candidates) > count:
        # the count-th best score, then every candidate at least that good (ties kept whole)
        cutoff = np.partition(scores[candidates], len(candidates) - count)[len(candidates) - count]
        candidates = candidates[scores[candidates] >= cutoff]
    ordered = candidates[np.lexsort((candidates, -scores[candidates]))]
    return [int(n) for n in ordered[:count]]


def take_per_document(ranked, codes: np.ndarray, count: int) -> list[int]:
    """The first ``count`` of ``ranked`` keeping at most SECTIONS_PER_DOCUMENT sections of each document."""
    listed: list[int] = []
    taken: dict[int, int] = {}
    for n in ranked:
        code = int(codes[n])
        if taken.get(code, 0) < SECTIONS_PER_DOCUMENT:
            taken[code] = taken.get(code, 0) + 1
            listed.append(int(n))
            if len(listed) == count:
                break
    return listed


def apply_corrections(q: str, corrections: dict[str, str]) -> str:
    """The query with each corrected word replaced where it stands alone."""
    for wrong, right in corrections.items():
        q = re.sub(rf"(?<!\w){re.escape(wrong)}(?!\w)", right, q)
    return q


def make_hit(generation: Generation, docnum: int, highlight: set[str],
             typed: frozenset[str] | set[str] = frozenset(), fields: dict | None = None, more: int = 0) -> Hit:
    """A section's result record, with a snippet around its best matches (``fields``: if already read)."""
    fields = fields or generation.fields(docnum)
    meta = fields["meta"]
    document = generation.lexicon.documents.get(fields["doc_id"], {})
    return Hit(
        id=fields["id"], title=fields["title"], doc_id=fields["doc_id"], doc_title=fields["doc_title"],
        doc_url=document.get("url") or None, anchor=meta["anchor"], parents=tuple(meta["parents"]),
        theme=fields["theme"], year=fields["year"] or None, type=fields["type"], organisation=fields["organisation"],
        snippet=generation.highlighter.snippet(fields["text"], highlight, typed), more_in_document=more,
    )
