"""The index on disk, shared by the writer (ingestion) and the reader (search).

An index path is a symlink to its current *generation*: a directory holding Whoosh
segments and ``lexicon.json`` (vocabulary, compound parts, acronyms, titles, documents).
"""
from __future__ import annotations

from pathlib import Path

from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema

from .analysis import Decompounder, TokenTerms, dutch_analyzer

LEXICON_FILE = "lexicon.json"
TEXT_FIELDS = ("title", "doc_title", "text")        # the searched fields, in this order
GENERATION_INFIX = ".gen-"
COMPLETE_MARKER = "complete"                     # written last: a generation without it is partial


class DutchText(TEXT):
    """A TEXT field whose index terms are exactly its analyzer's, with each distinct token analysed once.

    Whoosh's own path runs the whole filter chain over every occurrence of every word; this
    one tokenises with the analyzer's tokenizer and takes each token's terms from a TokenTerms
    memo, then counts positions and weights exactly as ``whoosh.formats.Positions`` does.
    """

    def index(self, value, **kwargs):
        """(term bytes, frequency, weight, encoded positions) per distinct term of ``value``."""
        terms_of = self.token_terms
        positions: dict[str, list[int]] = {}
        weights: dict[str, float] = {}
        for position, token in enumerate(self.tokens(value)):
            for text, boost in terms_of(token):
                found = positions.get(text)
                if found is None:
                    positions[text], weights[text] = [position], boost
                else:
                    found.append(position)
                    weights[text] += boost
        field_boost, encode = self.format.field_boost, self.format.encode
        for text, found in positions.items():
            yield text.encode("utf-8"), len(found), weights[text] * field_boost, encode(found)

    def tokens(self, value: str) -> list[str]:
        """The tokens of a value, as the analyzer's tokenizer cuts them (one position each)."""
        return self.analyzer.items[0].expression.findall(value)

    def token_terms(self, token: str) -> tuple[tuple[str, float], ...]:
        """A token's index terms as (text, boost) pairs, remembered per distinct token."""
        terms_of = self.__dict__.get("_terms")
        if terms_of is None:
            terms_of = self._terms = TokenTerms(self.analyzer)
        return terms_of(token)

    def forget_terms(self) -> None:
        """Drop the remembered token analysis (the analyzer's compound splitter changed)."""
        self.__dict__.pop("_terms", None)

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("_terms", None)            # a build's memo does not belong in the stored schema
        return state


def build_schema(decompounder: Decompounder | None, stemming: bool = True) -> Schema:
    """Dutch-analysed text fields, a boosted title, and the four facets as sortable columns."""
    analyzer = dutch_analyzer(decompounder, stemming)
    return Schema(
        id=ID(stored=True, unique=True),
        doc_id=ID(stored=True),
        title=DutchText(analyzer=analyzer, stored=True, field_boost=3.0),
        doc_title=DutchText(analyzer=analyzer, stored=True, field_boost=1.5),
        text=DutchText(analyzer=analyzer, stored=True),
        theme=ID(stored=True, sortable=True),
        type=ID(stored=True, sortable=True),
        organisation=ID(stored=True, sortable=True),
        year=NUMERIC(int, stored=True, sortable=True),
        position=NUMERIC(int, stored=True, sortable=True),
        meta=STORED(),
    )


def generations(index_dir: Path) -> list[Path]:
    """The generation directories of an index path, oldest first."""
    return sorted(index_dir.parent.glob(index_dir.name + GENERATION_INFIX + "*"))


def is_complete(generation: Path) -> bool:
    """Was this generation written to the end (and so may be served or kept as a fallback)?"""
    return (generation / COMPLETE_MARKER).exists()


def new_generation_path(index_dir: Path, stamp: int) -> Path:
    """Where a build writes its generation before the index path is repointed at it."""
    return index_dir.with_name(f"{index_dir.name}{GENERATION_INFIX}{stamp}")


def bind_lexicon(schema: Schema, decompounder: Decompounder) -> Schema:
    """Give the analyzers of a schema read back from an index their generation's compound splitter.

    Whoosh pickles the schema into the index without the (large) compound vocabulary, which
    lives in lexicon.json; a writer or analysis that reuses the stored schema must bind it first.
    """
    from .analysis import CompoundFilter

    for name in TEXT_FIELDS:
        if isinstance(schema[name], DutchText):
            schema[name].forget_terms()
        for item in schema[name].analyzer.items:
            if isinstance(item, CompoundFilter):
                item.bind(decompounder)
    return schema
