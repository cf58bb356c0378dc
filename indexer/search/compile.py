"""Compile a parsed query into a Whoosh query, with Dutch expansions.

Each typed word becomes ``Or(stem in title/doc_title/text)`` plus, when they apply, the
AND of its compound parts (boost 0.8; for a compound the index lacks, each part alone too,
0.3, so parts widen a match and never block it), the AND of its acronym's long-form words
(0.9), its synonyms from the domain thesaurus (0.6), a typo correction (0.7, only for words
that are neither in the index nor ordinary Dutch) and, for the last word while it is still
being typed, the index's words it begins (0.8). The words of a query combine as
``Or(any) | And(all)^2 | Phrase(slop 4)^1.5``: all words and proximity first, without losing
recall. Question words ("hoeveel", "welke", "doet") say what is asked, not what about: they
are left out unless the query holds nothing else; a year ("in 2022") is noted so the search
can favour that year.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Callable

from whoosh.query import And, Every, NullQuery, Phrase, Query, Term
from whoosh.query.compound import DefaultOr as Or   # binary union tree: whoosh's automatic choice for
#   small indexes (an array matcher) allocates a 2048-slot array per OR node and was 3x slower here

from ..acronyms import is_acronym
from ..analysis import TOKEN_PATTERN, is_stop_word, stem, surface_word
from ..schema import TEXT_FIELDS
from ..text_utils import fold
from .lexicon import Lexicon
from .parse import Clause, ParsedQuery
from .results import Expansion
from .vocabulary import entry_words

TITLE_FIELDS = ("title", "doc_title")
TITLE_SLOP = 2
TITLE_PHRASE_BOOST = 1.5
UNKNOWN_COMPOUND_PART_WEIGHT = 0.3   # one part of a compound the index lacks
SYNONYM_WEIGHT = 0.6         # a thesaurus synonym, below the word as typed
PREFIX_WEIGHT = 0.8          # an index word the last, half-typed word begins
PREFIX_COMPLETIONS = 5
YEAR = re.compile(r"(19|20)\d\d")


@dataclass(frozen=True)
class SearchOptions:
    """Which query mechanisms are on: the ablation switches of ``scripts/eval``."""

    stemming: bool = True
    compounds: bool = True
    acronyms: bool = True
    typos: bool = True
    questions: bool = True       # question words do not drive ranking
    thesaurus: bool = True       # synonyms from the domain thesaurus
    years: bool = True           # a year in the words favours that year's sections


@dataclass
class CompiledQuery:
    """A Whoosh query plus what the response and the highlighter need to know about it."""

    query: Query
    excluded: Query | None = None
    highlight: set[str] = field(default_factory=set)    # stems to mark in snippets
    typed: set[str] = field(default_factory=set)        # stems of the words as typed: preferred in snippets
    expansions: list[Expansion] = field(default_factory=list)
    corrections: dict[str, str] = field(default_factory=dict)
    years: set[int] = field(default_factory=set)         # years written in the query
    topic: list[Query] = field(default_factory=list)     # the clauses that are not a year: what it is about
    dated: list[Query] = field(default_factory=list)     # the words together with their year ('GVB 2021')


def any_field(term: str, boost: float = 1.0) -> Query:
    """One analysed term in any searched field."""
    return Or([Term(f, term) for f in TEXT_FIELDS], boost=boost)


class QueryCompiler:
    """Turns a ParsedQuery into a CompiledQuery against one generation's lexicon.

    ``indexed(term)`` tells whether the index holds an analysed term: a word the index
    knows is never treated as a typo. ``ranked=False``: only which sections match counts (a
    search sorted by date), so a group is its clauses' OR, without the clauses that only add
    to the score (all words together, the words as a phrase), which match no other sections.
    """

    def __init__(self, lexicon: Lexicon, indexed: Callable[[str], bool], options: SearchOptions,
                 typing: bool = False, ranked: bool = True):
        self.lexicon = lexicon
        self.indexed = indexed
        self.options = options
        self.typing = typing          # the query is still being typed: its last word is a prefix
        self.ranked = ranked

    def term(self, word: str) -> str:
        """The indexed form of a typed word (folded, stemmed when stemming is on)."""
        folded = surface_word(word)
        return stem(folded) if self.options.stemming else folded

    def compile(self, parsed: ParsedQuery) -> CompiledQuery:
        """The whole query: OR of its alternatives, exclusions kept apart."""
        built = CompiledQuery(NullQuery)
        last = len(parsed.alternatives) - 1
        groups = [q for i, g in enumerate(parsed.alternatives)
                  if (q := self.group_query(g, built, last=i == last)) is not None]
        built.query = groups[0] if len(groups) == 1 else Or(groups) if groups else Every()
        excluded = [q for c in parsed.excluded
                    if (q := (self.phrase_query(c, CompiledQuery(NullQuery)) if c.phrase
                              else any_field(self.term(c.words[0])))) is not None]
        # Subtracted by document number: whoosh's AndNot(q, Or(...)) lets excluded documents through.
        built.excluded = Or(excluded) if excluded else None
        return built

    def is_question_word(self, word: str) -> bool:
        return self.options.questions and fold(word) in self.lexicon.question_words

    def is_year(self, word: str) -> bool:
        """A year written as a word ('2022'), when year steering is on."""
        return self.options.years and YEAR.fullmatch(surface_word(word)) is not None

    def group_query(self, group: list[Clause], built: CompiledQuery, last: bool = False) -> Query | None:
        """An AND-ish conjunction: any clause matches, all clauses and the phrase rank higher.

        ``last``: the query's last group, whose last word may still be being typed."""
        parts = []
        plain_words = []
        asked = [c for c in group if not c.phrase and self.is_question_word(c.words[0])]
        content = [c for c in group if c.phrase or not is_stop_word(c.words[0])]
        if all(c in asked for c in content):    # nothing but question (and stop) words: they are what was asked
            asked = []
        for clause in group:
            if clause in asked:
                continue
            if clause.phrase:
                q = self.phrase_query(clause, built)
            else:
                q = self.word_query(clause.words[0], built, prefix=last and self.typing and clause is group[-1])
                if q is not None:
                    plain_words.append(clause.words[0])
            if q is not None:
                parts.append(q)
                if clause.phrase or not self.is_year(clause.words[0]):
                    built.topic.append(q)
        if not parts:
            return None
        acronym = self.acronym_for_words(plain_words)
        if acronym:
            built.expansions.append(Expansion(acronym, self.lexicon.acronyms[acronym]))
            built.highlight.add(self.term(acronym))
            parts = [Or([And(parts), any_field(self.term(acronym))])]
        if len(parts) == 1:
            return parts[0]
        if not self.ranked:
            return Or(parts)
        combined: list[Query] = [Or(parts), And(parts, boost=2.0)]
        stems = [self.term(w) for w in plain_words]
        if len(stems) > 1:
            phrases = [Phrase("text", stems, slop=4, boost=1.5)]
            # the words together in a title: what a known-item query ('wet tijdelijk huisverbod') looks for
            phrases += [Phrase(field, stems, slop=TITLE_SLOP, boost=TITLE_PHRASE_BOOST) for field in TITLE_FIELDS]
            combined += phrases
            if any(self.is_year(w) for w in plain_words):
                built.dated += phrases
        return Or(combined)

    def word_query(self, word: str, built: CompiledQuery, prefix: bool = False) -> Query | None:
        """One typed word across the fields, with compound, acronym, synonym and typo expansions.

        ``prefix``: the word is still being typed; it is completed, never corrected."""
        if is_stop_word(word):
            return None
        folded = surface_word(word)
        base = self.term(word)
        built.highlight.add(base)
        built.typed.add(base)
        if self.is_year(word):
            built.years.add(int(folded))
        alternatives: list[Query] = [any_field(base)]
        parts = self.lexicon.decompounder.split(folded) if self.options.compounds else ()
        if parts:
            stems = [self.term(p) for p in parts]
            built.highlight.update(stems)
            alternatives.append(And([any_field(s) for s in stems], boost=0.8))
            if not self.indexed(base):      # a compound the index lacks: any of its parts may match
                alternatives += [any_field(s, boost=UNKNOWN_COMPOUND_PART_WEIGHT) for s in dict.fromkeys(stems)]
        if expanded := self.acronym_query(word, folded, built):
            alternatives.append(expanded)
        alternatives += self.synonym_queries(word, folded, built)
        completions = self.completion_queries(folded, built) if prefix else []
        alternatives += completions
        # a half-typed word that begins no indexed word cannot become one by typing on: a typo after all
        if not completions and self.options.typos and not parts and folded.isalpha() and not self.lexicon.known(folded) \
                and not self.indexed(base):
            correction = self.lexicon.correction(folded)
            if correction:
                built.corrections[word] = correction
                corrected = self.term(correction)
                built.highlight.add(corrected)
                alternatives.append(any_field(corrected, boost=0.7))
        return alternatives[0] if len(alternatives) == 1 else Or(alternatives)

    def synonym_queries(self, word: str, folded: str, built: CompiledQuery) -> list[Query]:
        """The word's synonyms from the domain thesaurus that the index holds, below the word's weight."""
        if not self.options.thesaurus:
            return []
        queries = []
        for entry in self.lexicon.thesaurus.get(stem(folded), ()):
            stems = [self.term(w) for w in entry_words(entry) if not is_stop_word(w)]
            if not stems or not all(self.indexed(s) for s in stems):
                continue
            built.expansions.append(Expansion(word, entry, "synonym"))
            built.highlight.update(stems)
            queries.append(any_field(stems[0], SYNONYM_WEIGHT) if len(stems) == 1
                           else And([any_field(s) for s in stems], boost=SYNONYM_WEIGHT))
        return queries

    def completion_queries(self, folded: str, built: CompiledQuery) -> list[Query]:
        """The index's most frequent words that a half-typed word begins ('ondermij' -> 'ondermijning')."""
        if len(folded) < 3 or folded in self.lexicon.words:
            return []
        completions = self.lexicon.words_with_prefix(folded, PREFIX_COMPLETIONS)
        stems = list(dict.fromkeys(self.term(c) for c in completions))
        built.highlight.update(stems)
        return [any_field(s, PREFIX_WEIGHT) for s in stems]

    def acronym_query(self, word: str, folded: str, built: CompiledQuery) -> Query | None:
        """The AND of an acronym's long-form words, for 'RCTM' as typed or a short lower-case 'rctm'."""
        acronym = self.lexicon.acronyms_folded.get(folded) if self.options.acronyms else None
        # stop words such as 'om' never reach here, so a short lower-case word may be an acronym
        if not acronym or not (is_acronym(word) or word.isupper() or len(folded) <= 5):
            return None
        long_form = self.lexicon.acronyms[acronym]
        words = [w for w in re.findall(TOKEN_PATTERN, long_form) if not is_stop_word(w)]
        if not words:
            return None
        built.expansions.append(Expansion(acronym, long_form))
        literal = QueryCompiler(self.lexicon, self.indexed, replace(self.options, acronyms=False, typos=False,
                                                                     thesaurus=False, years=False))
        sub = [q for w in words if (q := literal.word_query(w, CompiledQuery(Every()))) is not None]
        built.highlight.update(self.term(w) for w in words)
        return And(sub, boost=0.9)

    def acronym_for_words(self, words: list[str]) -> str | None:
        """The acronym whose long form is exactly what was typed ('online aangejaagde ordeverstoringen')."""
        if not self.options.acronyms or len(words) < 2:
            return None
        typed = [self.term(w) for w in words if not is_stop_word(w)]
        for long_form, acronym in self.lexicon.long_forms.items():
            stems = [self.term(w) for w in re.findall(TOKEN_PATTERN, long_form) if not is_stop_word(w)]
            if len(stems) >= 2 and stems == typed:
                return acronym
        return None

    def phrase_query(self, clause: Clause, built: CompiledQuery) -> Query | None:
        """Words in order (a few dropped stop words allowed between them), in the text or the title."""
        stems = [self.term(w) for w in clause.words if not is_stop_word(w)]
        if not stems:
            return None
        built.highlight.update(stems)
        if len(stems) == 1:
            return any_field(stems[0])
        # stop words leave gaps in the positions: allow one extra step per dropped word
        slop = 1 + sum(is_stop_word(w) for w in clause.words)
        return Or([Phrase("text", stems, slop=slop), Phrase("title", stems, slop=slop)])
