"""The facet table: every facet's name, Dutch label and value labels, declared once.

Ingestion fills these fields, the search side filters and counts them, and the web
page, the embed, the JSON API and the CLI all read names and labels from here.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from .themes import theme_labels

TYPE_LABELS = {
    "jaarverslag": "Jaarverslag", "jaarplan": "Jaarplan", "jaarrekening": "Jaarrekening", "begroting": "Begroting",
    "handreiking": "Handreiking", "factsheet": "Factsheet", "nieuws": "Nieuws", "rapport": "Rapport",
    "regelgeving": "Regelgeving", "vergaderstuk": "Vergaderstuk", "overig": "Overig",
}
TYPES = tuple(TYPE_LABELS)


@dataclass(frozen=True)
class FacetSpec:
    """One facet: ``controlled`` lists its allowed values (else the index's values are allowed)."""

    name: str
    label: str                                   # Dutch, shown to people
    value_labels: dict = field(default_factory=dict)
    controlled: Callable[[], list] | None = None
    numeric: bool = False                        # values are years: typed as int, listed newest first

    def value_label(self, value) -> str:
        """The Dutch label of one value (the value itself where no label is declared)."""
        return self.value_labels.get(value, str(value))


FACETS = (
    FacetSpec("theme", "Thema", controlled=theme_labels),
    FacetSpec("year", "Jaar", numeric=True),
    FacetSpec("type", "Type document", TYPE_LABELS, controlled=lambda: list(TYPES)),
    FacetSpec("organisation", "Organisatie"),
)
FACET_NAMES = tuple(f.name for f in FACETS)
FACETS_BY_NAME = {f.name: f for f in FACETS}
