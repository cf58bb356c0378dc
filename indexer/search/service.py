"""Search over the kennisbank index: one service object per process.

``SearchService`` opens the index once, keeps one Whoosh searcher, and reopens it when
the index path is repointed at a new generation (a reindex). ``search`` takes the API's
parameters and returns the API's plain dict; the CLI and the web app both call it.
"""
from __future__ import annotations

import bisect
import html
import json
import os
import re
import threading
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.query import And, Every, NullQuery, Phrase, Query, Term
from whoosh.query.compound import DefaultOr as Or   # binary union tree: whoosh's automatic choice for
#   small indexes (an array matcher) allocates a 2048-slot array per OR node and was 3x slower here

from ..acronyms import is_acronym
from ..analysis import TOKEN_PATTERN, Decompounder, is_stop_word, stem
from ..facets import TYPES
from ..themes import theme_labels
from ..schema import LEXICON_FILE
from .parse import Clause, ParsedQuery, parse_query
from ..text_utils import fold

FIELDS = ("title", "doc_title", "text")
FACETS = ("theme", "year", "type", "organisation")
MAX_QUERY_LENGTH = 500
MAX_PER_PAGE = 50
SNIPPET_CHARS = 260
LEAD_CHARS = 60          # context shown before the first match of a snippet


class SearchError(ValueError):
    """Bad search parameters; the message is Dutch and shown to people."""


class IndexMissing(RuntimeError):
    """No index at the configured path."""


@dataclass
class SearchOptions:
    """Which query mechanisms are on: the ablation switches of ``scripts/eval``."""

    stemming: bool = True
    compounds: bool = True
    acronyms: bool = True
    typos: bool = True


@dataclass
class Expansion:
    term: str
    means: str


@dataclass
class BuiltQuery:
    query: Query
    excluded: Query | None = None
    highlight: set[str] = field(default_factory=set)
    typed: set[str] = field(default_factory=set)        # stems of the words as typed: preferred in snippets
    expansions: list[Expansion] = field(default_factory=list)
    corrections: dict[str, str] = field(default_factory=dict)


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


class Lexicon:
    """The index's vocabulary, compound parts and acronyms (lexicon.json of a generation)."""

    def __init__(self, data: dict):
        self.words: dict[str, int] = data.get("words", {})
        self.decompounder = Decompounder(data.get("parts", {}))
        self.acronyms: dict[str, str] = data.get("acronyms", {})
        self.acronyms_folded = {k.lower(): k for k in self.acronyms}
        self.long_forms = {fold(v): k for k, v in self.acronyms.items()}
        self.titles: list[str] = data.get("titles", [])
        self.analysis: dict = data.get("analysis", {"stemming": True, "compounds": True})
        self.documents: dict[str, dict] = data.get("documents", {})
        self.sorted_words = sorted(self.words)
        self._by_length: dict[int, list[str]] = {}
        for word in self.words:
            self._by_length.setdefault(len(word), []).append(word)

    @lru_cache(maxsize=4096)
    def correction(self, word: str) -> str | None:
        """The most frequent vocabulary word within edit distance 1 (2 for long words)."""
        if len(word) < 4 or word in self.words or not word.isalpha():
            return None
        limit = 1 if len(word) < 7 else 2
        best: tuple[int, int, str] | None = None
        for length in range(len(word) - limit, len(word) + limit + 1):
            for candidate in self._by_length.get(length, ()):
                distance = edit_distance(word, candidate, limit)
                if distance <= limit:
                    key = (distance, -self.words[candidate], candidate)
                    if best is None or key < best:
                        best = key
        return best[2] if best else None

    def completions(self, prefix: str, limit: int = 8) -> list[str]:
        """Section titles and words starting with a prefix, best first."""
        folded = fold(prefix).strip()
        if not folded:
            return []
        titles = [t for t in self.titles if fold(t).startswith(folded)]
        titles += [t for t in self.titles if f" {folded}" in fold(t) and t not in titles]
        start = bisect.bisect_left(self.sorted_words, folded)
        words = []
        for word in self.sorted_words[start:start + 2000]:
            if not word.startswith(folded):
                break
            words.append(word)
        words.sort(key=lambda w: -self.words[w])
        out: list[str] = []
        for item in titles[:4] + words:
            if item.lower() not in {o.lower() for o in out}:
                out.append(item)
            if len(out) == limit:
                break
        return out


class SearchService:
    """One per process: a long-lived searcher, refreshed when the index generation changes."""

    def __init__(self, index_dir: str | Path):
        self.index_dir = Path(index_dir)
        self._lock = threading.RLock()
        self._generation: str | None = None
        self._searcher = None
        self.lexicon: Lexicon | None = None
        self._stored: list[dict] = []
        self._by_id: dict[str, int] = {}
        self._index_values: dict[str, list] = {}          # year / organisation values in this generation
        self._by_document: dict[str, list[int]] = {}      # doc_id -> docnums in reading order
        self.refresh()

    # ------------------------------------------------------------ lifecycle

    def current_generation(self) -> str:
        if not self.index_dir.exists():
            raise IndexMissing(str(self.index_dir))
        return os.path.realpath(self.index_dir)

    def refresh(self) -> bool:
        """Reopen the searcher if the index now points at another generation."""
        generation = self.current_generation()
        if generation == self._generation:
            return False
        with self._lock:
            if generation == self._generation:
                return False
            if not whoosh_index.exists_in(generation):
                raise IndexMissing(generation)
            ix = whoosh_index.open_dir(generation)
            searcher = ix.searcher()
            lexicon = Lexicon(json.loads((Path(generation) / LEXICON_FILE).read_text(encoding="utf-8")))
            stored = [dict(searcher.stored_fields(n)) for n in range(searcher.doc_count_all())]
            old = self._searcher
            self._searcher, self.lexicon, self._stored = searcher, lexicon, stored
            self._by_id = {fields["id"]: n for n, fields in enumerate(stored)}
            # facts that only change with the generation: computed here, not per request
            self._index_values = {facet: sorted({f[facet] for f in stored}, reverse=facet == "year")
                                  for facet in ("year", "organisation")}
            by_document: dict[str, list[int]] = {}
            for n in sorted(range(len(stored)), key=lambda n: stored[n]["position"]):
                by_document.setdefault(stored[n]["doc_id"], []).append(n)
            self._by_document = by_document
            self._generation = generation
            if old is not None:
                old.close()
            return True

    def close(self) -> None:
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None

    # ------------------------------------------------------------ facts

    def stats(self) -> dict:
        self.refresh()
        return {"documents": len(self._by_document), "sections": len(self._stored)}

    def facet_values(self, facet: str) -> list:
        """Values a facet may take: the controlled lists, or what the index holds."""
        if facet == "theme":
            return theme_labels()
        if facet == "type":
            return list(TYPES)
        return self._index_values[facet]

    # ------------------------------------------------------------ query building

    def term_stems(self, word: str, options: SearchOptions) -> str:
        folded = fold(word).split("'")[0]
        return stem(folded) if options.stemming else folded

    def word_query(self, word: str, built: BuiltQuery, options: SearchOptions) -> Query | None:
        """One typed word across the fields, with compound, acronym and typo expansions."""
        if is_stop_word(word):
            return None
        lexicon = self.lexicon
        folded = fold(word).split("'")[0]
        base = self.term_stems(word, options)
        built.highlight.add(base)
        built.typed.add(base)
        alternatives: list[Query] = [self.any_field(base)]
        parts = lexicon.decompounder.split(folded) if options.compounds else ()
        if parts:
            stems = [self.term_stems(p, options) for p in parts]
            built.highlight.update(stems)
            alternatives.append(And([self.any_field(s) for s in stems], boost=0.8))
        acronym = lexicon.acronyms_folded.get(folded) if options.acronyms else None
        # 'RCTM' as typed, or a short lower-case 'rctm' (stop words such as 'om' never reach here)
        if acronym and (is_acronym(word) or word.isupper() or len(folded) <= 5):
            long_form = lexicon.acronyms[acronym]
            words = [w for w in re.findall(TOKEN_PATTERN, long_form) if not is_stop_word(w)]
            if words:
                built.expansions.append(Expansion(acronym, long_form))
                sub = [self.word_query(w, BuiltQuery(Every()), SearchOptions(options.stemming, options.compounds,
                                                                              False, False)) for w in words]
                sub = [q for q in sub if q is not None]
                built.highlight.update(self.term_stems(w, options) for w in words)
                alternatives.append(And(sub, boost=0.9))
        if options.typos and not parts and folded.isalpha() and folded not in lexicon.words \
                and not self.indexed(base):
            correction = lexicon.correction(folded)
            if correction:
                built.corrections[word] = correction
                corrected = self.term_stems(correction, options)
                built.highlight.add(corrected)
                alternatives.append(self.any_field(corrected, boost=0.7))
        return alternatives[0] if len(alternatives) == 1 else Or(alternatives)

    def acronym_for_words(self, words: list[str], options: SearchOptions) -> str | None:
        """The acronym whose long form is exactly what was typed ('online aangejaagde ordeverstoringen')."""
        if not options.acronyms or len(words) < 2:
            return None
        typed = [self.term_stems(w, options) for w in words if not is_stop_word(w)]
        for long_form, acronym in self.lexicon.long_forms.items():
            stems = [self.term_stems(w, options) for w in re.findall(TOKEN_PATTERN, long_form) if not is_stop_word(w)]
            if len(stems) >= 2 and stems == typed:
                return acronym
        return None

    def indexed(self, term: str) -> bool:
        return any(self._searcher.doc_frequency(f, term) for f in FIELDS)

    @staticmethod
    def any_field(term: str, boost: float = 1.0) -> Query:
        return Or([Term(f, term) for f in FIELDS], boost=boost)

    def phrase_query(self, clause: Clause, built: BuiltQuery, options: SearchOptions) -> Query | None:
        stems = [self.term_stems(w, options) for w in clause.words if not is_stop_word(w)]
        if not stems:
            return None
        built.highlight.update(stems)
        if len(stems) == 1:
            return self.any_field(stems[0])
        # stop words leave gaps in the positions: allow one extra step per dropped word
        slop = 1 + sum(is_stop_word(w) for w in clause.words)
        return Or([Phrase("text", stems, slop=slop), Phrase("title", stems, slop=slop)])

    def group_query(self, group: list[Clause], built: BuiltQuery, options: SearchOptions) -> Query | None:
        """An AND-ish conjunction: any clause matches, all clauses and the phrase rank higher."""
        parts = []
        plain_words = []
        for clause in group:
            if clause.phrase:
                q = self.phrase_query(clause, built, options)
            else:
                q = self.word_query(clause.words[0], built, options)
                if q is not None:
                    plain_words.append(clause.words[0])
            if q is not None:
                parts.append(q)
        if not parts:
            return None
        acronym = self.acronym_for_words(plain_words, options)
        if acronym:
            built.expansions.append(Expansion(acronym, self.lexicon.acronyms[acronym]))
            built.highlight.add(self.term_stems(acronym, options))
            parts = [Or([And(parts), self.any_field(self.term_stems(acronym, options))])]
        if len(parts) == 1:
            return parts[0]
        combined: list[Query] = [Or(parts), And(parts, boost=2.0)]
        stems = [self.term_stems(w, options) for w in plain_words]
        if len(stems) > 1:
            combined.append(Phrase("text", stems, slop=4, boost=1.5))
        return Or(combined)

    def build_query(self, parsed: ParsedQuery, options: SearchOptions) -> BuiltQuery:
        built = BuiltQuery(NullQuery)
        groups = [q for g in parsed.alternatives if (q := self.group_query(g, built, options)) is not None]
        built.query = groups[0] if len(groups) == 1 else Or(groups) if groups else Every()
        excluded = [q for c in parsed.excluded
                    if (q := (self.phrase_query(c, BuiltQuery(NullQuery), options) if c.phrase
                              else self.any_field(self.term_stems(c.words[0], options)))) is not None]
        # Subtracted by document number: whoosh's AndNot(q, Or(...)) lets excluded documents through.
        built.excluded = Or(excluded) if excluded else None
        return built

    # ------------------------------------------------------------ search

    def validate(self, q: str, filters: dict[str, list], page: int, per_page: int) -> dict[str, list]:
        """Check parameters; returns filters with typed values or raises SearchError (Dutch)."""
        if len(q) > MAX_QUERY_LENGTH:
            raise SearchError(f"De zoekvraag is te lang (maximaal {MAX_QUERY_LENGTH} tekens).")
        if not 1 <= per_page <= MAX_PER_PAGE:
            raise SearchError(f"per_page moet tussen 1 en {MAX_PER_PAGE} liggen.")
        if page < 1:
            raise SearchError("page moet 1 of groter zijn.")
        clean: dict[str, list] = {}
        for facet, values in filters.items():
            if facet not in FACETS:
                raise SearchError(f"Onbekend filter '{facet}'. Geldig: {', '.join(FACETS)}.")
            typed = []
            for value in values:
                if facet == "year":
                    if not re.fullmatch(r"\d{4}", str(value).strip()):
                        raise SearchError(f"Jaar '{value}' is geen jaartal (bijvoorbeeld 2024).")
                    typed.append(int(value))
                    continue
                valid = self.facet_values(facet)
                match = next((v for v in valid if fold(v) == fold(str(value))), None)
                if match is None:
                    raise SearchError(f"Onbekende waarde '{value}' voor {facet}. Geldig: {', '.join(map(str, valid))}.")
                typed.append(match)
            if typed:
                clean[facet] = typed
        return clean

    def search(self, q: str = "", filters: dict[str, list] | None = None, page: int = 1, per_page: int = 10,
               sort: str = "relevance", options: SearchOptions | None = None) -> dict:
        """Search and return the API's response dict (see README, 'HTTP API')."""
        self.refresh()
        options = options or SearchOptions(**self.lexicon.analysis)
        filters = self.validate(q, filters or {}, page, per_page)
        if sort not in ("relevance", "newest"):
            raise SearchError("sort moet 'relevance' of 'newest' zijn.")
        parsed = parse_query(q)
        with self._lock:
            built, scored = self.run_query(parsed, options)
            corrected_from, q_used = None, q
            if built.corrections:
                literal = replace(options, typos=False)
                _, literal_scored = self.run_query(parsed, literal)
                if not literal_scored:       # nothing as typed: search the correction and say so
                    corrected_from, q_used = q, self.apply_corrections(q, built.corrections)
                    built, scored = self.run_query(parse_query(q_used), options)
            matching = [(n, s) for n, s in scored if self.passes(n, filters)]
            if sort == "newest" or parsed.is_empty:
                matching.sort(key=lambda item: (-(self._stored[item[0]]["year"] or 0), self._stored[item[0]]["doc_id"],
                                                self._stored[item[0]]["position"]))
            start = (page - 1) * per_page
            results = [self.result(n, built.highlight, built.typed) for n, _ in matching[start:start + per_page]]
            facets = self.facet_counts(scored, filters)
        suggestion = self.apply_corrections(q, built.corrections) if built.corrections and not corrected_from else None
        response = {
            "query": q, "total": len(matching), "page": page, "per_page": per_page, "results": results,
            "facets": facets, "suggestion": suggestion,
            "expansions": [{"term": e.term, "means": e.means} for e in built.expansions],
        }
        if corrected_from:
            response["corrected_from"] = corrected_from
            response["query"] = q_used
        return response

    def run_query(self, parsed: ParsedQuery, options: SearchOptions) -> tuple[BuiltQuery, list[tuple[int, float]]]:
        if parsed.is_empty and not parsed.excluded:
            return BuiltQuery(Every()), [(n, 0.0) for n in range(len(self._stored))]
        built = self.build_query(parsed, options)
        hits = self._searcher.search(built.query, limit=None, terms=False)
        scored = [(hit.docnum, hit.score) for hit in hits]
        if built.excluded is not None:
            excluded = {hit.docnum for hit in self._searcher.search(built.excluded, limit=None, terms=False)}
            scored = [(n, score) for n, score in scored if n not in excluded]
        return built, scored

    @staticmethod
    def apply_corrections(q: str, corrections: dict[str, str]) -> str:
        for wrong, right in corrections.items():
            q = re.sub(rf"(?<!\w){re.escape(wrong)}(?!\w)", right, q)
        return q

    def passes(self, docnum: int, filters: dict[str, list], skip: str | None = None) -> bool:
        fields = self._stored[docnum]
        return all(fields[f] in values for f, values in filters.items() if f != skip)

    def facet_counts(self, scored: list[tuple[int, float]], filters: dict[str, list]) -> dict[str, list[dict]]:
        """Counts per facet value, disjunctively: a facet's counts ignore its own selection."""
        facets = {}
        for facet in FACETS:
            counts = Counter(self._stored[n][facet] for n, _ in scored if self.passes(n, filters, skip=facet))
            for selected in filters.get(facet, []):
                counts.setdefault(selected, 0)
            if facet == "year":
                ordered = sorted(counts, key=lambda v: -v)
            else:
                ordered = sorted(counts, key=lambda v: (-counts[v], str(v)))
            facets[facet] = [{"value": v, "count": counts[v], "selected": v in filters.get(facet, [])}
                             for v in ordered if v not in ("", 0, None)]
        return facets

    # ------------------------------------------------------------ results

    def result(self, docnum: int, highlight: set[str], typed: frozenset[str] | set[str] = frozenset()) -> dict:
        fields = self._stored[docnum]
        meta = fields["meta"]
        document = self.lexicon.documents.get(fields["doc_id"], {})
        return {
            "id": fields["id"],
            "title": fields["title"],
            "document": {"id": fields["doc_id"], "title": fields["doc_title"], "url": document.get("url") or None},
            "url": f"/sectie/{fields['id']}",
            "anchor": meta["anchor"],
            "breadcrumb": [fields["doc_title"], *meta["parents"], fields["title"]],
            "theme": fields["theme"], "year": fields["year"] or None, "type": fields["type"],
            "organisation": fields["organisation"],
            "snippet": make_snippet(fields["text"], highlight, self.lexicon.decompounder, typed),
        }

    def section_text(self, section_id: str) -> str:
        """The full normalised text of a section (for evaluation; no highlighting or siblings)."""
        self.refresh()
        return self._stored[self._by_id[section_id]]["text"]

    def section(self, section_id: str, highlight_query: str = "") -> dict | None:
        """A whole section by id, with the same fields as a result plus text, links and siblings."""
        self.refresh()
        docnum = self._by_id.get(section_id)
        if docnum is None:
            return None
        highlight = self.build_query(parse_query(highlight_query), SearchOptions()).highlight if highlight_query else set()
        fields = self._stored[docnum]
        data = self.result(docnum, highlight)
        data["text"] = fields["text"]
        data["text_html"] = highlight_html(fields["text"], highlight, self.lexicon.decompounder)
        data["links"] = fields["meta"]["links"]
        data["also_in"] = fields["meta"]["also_in"]
        data["siblings"] = [
            {"id": f["id"], "title": f["title"], "year": f["year"] or None, "type": f["type"], "url": f"/sectie/{f['id']}"}
            for f in (self._stored[n] for n in self._by_document[fields["doc_id"]])
        ]
        return data


# ---------------------------------------------------------------- highlighting

@lru_cache(maxsize=200_000)
def token_keys(token: str, decompounder: Decompounder) -> frozenset[str]:
    """Every form under which a text token can match a query term: folded, stemmed, its parts' stems."""
    folded = fold(token).split("'")[0]
    return frozenset({folded, stem(folded), *(stem(part) for part in decompounder.split(folded))})


def token_matches(token: str, highlight: set[str], decompounder: Decompounder) -> bool:
    return not highlight.isdisjoint(token_keys(token, decompounder))


@lru_cache(maxsize=4096)
def text_tokens(text: str) -> tuple[tuple[int, int, str], ...]:
    return tuple((m.start(), m.end(), m.group(0)) for m in re.finditer(TOKEN_PATTERN, text))


def highlight_spans(text: str, highlight: set[str], decompounder: Decompounder) -> list[tuple[int, int]]:
    if not highlight:
        return []
    return [(start, end) for start, end, token in text_tokens(text)
            if not highlight.isdisjoint(token_keys(token, decompounder))]


def render(text: str, spans: list[tuple[int, int]], start: int, end: int) -> str:
    """Escape everything from the document; only <mark> is markup."""
    out, cursor = [], start
    for s, e in spans:
        if s < start or e > end:
            continue
        out.append(html.escape(text[cursor:s]))
        out.append("<mark>" + html.escape(text[s:e]) + "</mark>")
        cursor = e
    out.append(html.escape(text[cursor:end]))
    return "".join(out)


def make_snippet(text: str, highlight: set[str], decompounder: Decompounder,
                 typed: frozenset[str] | set[str] = frozenset()) -> str:
    """The best window of matches, about SNIPPET_CHARS long, escaped, matches in <mark>.

    Windows are scored by distinct words typed by the person, then distinct expansion
    words (an acronym's long form, compound parts), then the number of matches.
    """
    flat = re.sub(r"\s+", " ", text).strip()
    spans = highlight_spans(flat, highlight, decompounder)
    if not spans:
        end = min(len(flat), SNIPPET_CHARS)
        return render(flat, [], 0, end) + ("…" if end < len(flat) else "")
    primary = {i for i, (a, b) in enumerate(spans) if token_matches(flat[a:b], set(typed), decompounder)}
    best_start, best_score = spans[0][0], -1
    for s, _ in spans:
        window = [i for i, sp in enumerate(spans) if s <= sp[0] and sp[1] <= s + SNIPPET_CHARS - LEAD_CHARS]
        words = {fold(flat[spans[i][0]:spans[i][1]]) for i in window}
        typed_words = {fold(flat[spans[i][0]:spans[i][1]]) for i in window if i in primary}
        score = len(typed_words) * 100 + len(words) * 10 + len(window)
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
    return ("…" if start else "") + render(flat, spans, start, end) + ("…" if end < len(flat) else "")


def highlight_html(text: str, highlight: set[str], decompounder: Decompounder) -> str:
    """The whole text escaped, with matches in <mark>."""
    return render(text, highlight_spans(text, highlight, decompounder), 0, len(text))
