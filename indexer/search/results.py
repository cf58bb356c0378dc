"""What the search side returns: plain, immutable records without URLs or HTML.

The web layer (and the CLI) turn them into links, labels and escaped HTML.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class MarkedText:
    """Document text with the character spans that match the query, in order."""

    text: str
    marks: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Expansion:
    """A query word read as something more: an acronym and its long form, or a word and a synonym."""

    term: str
    means: str
    kind: str = "acronym"          # "acronym" or "synonym" (from the domain thesaurus)


@dataclass(frozen=True)
class FacetValue:
    value: str | int
    count: int
    selected: bool


@dataclass(frozen=True)
class Hit:
    """One matching section, as a result list shows it."""

    id: str
    title: str
    doc_id: str
    doc_title: str
    doc_url: str | None
    anchor: str
    parents: tuple[str, ...]
    theme: str
    year: int | None
    type: str
    organisation: str
    snippet: MarkedText
    more_in_document: int = 0        # grouped lists: the document's other matching sections not listed

    @property
    def breadcrumb(self) -> list[str]:
        return [self.doc_title, *self.parents, self.title]


@dataclass(frozen=True)
class SearchResponse:
    """One page of results with the facet counts over all matches."""

    query: str
    total: int
    page: int
    per_page: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    suggestion: str | None = None
    expansions: list[Expansion] = field(default_factory=list)
    corrected_from: str | None = None        # the query as typed, when its correction was searched instead
    total_grouped: int | None = None         # grouped by document: how many results the list holds (for paging)


@dataclass(frozen=True)
class Sibling:
    """Another section of the same document, in reading order."""

    id: str
    title: str
    year: int | None
    type: str


@dataclass(frozen=True)
class SectionView:
    """A whole section: its hit fields, its text with matches marked, links and siblings."""

    hit: Hit
    body: MarkedText
    links: list[str]
    also_in: list[str]
    siblings: list[Sibling]
