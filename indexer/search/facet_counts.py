"""Filtering hits by facet values and counting facet values, disjunctively."""
from __future__ import annotations

from collections import Counter

from ..facets import FACETS
from .results import FacetValue


def passes(fields: dict, filters: dict[str, list], skip: str | None = None) -> bool:
    """Does a section's stored fields satisfy every filter (but the one named ``skip``)?"""
    return all(fields[f] in values for f, values in filters.items() if f != skip)


def facet_counts(stored: list[dict], docnums: list[int], filters: dict[str, list]) -> dict[str, list[FacetValue]]:
    """Counts per facet value over the hits; a facet's counts ignore its own selection."""
    facets = {}
    for spec in FACETS:
        counts = Counter(stored[n][spec.name] for n in docnums if passes(stored[n], filters, skip=spec.name))
        selected = filters.get(spec.name, [])
        for value in selected:
            counts.setdefault(value, 0)
        if spec.numeric:
            ordered = sorted(counts, key=lambda v: -v)
        else:
            ordered = sorted(counts, key=lambda v: (-counts[v], str(v)))
        facets[spec.name] = [FacetValue(v, counts[v], v in selected) for v in ordered if v not in ("", 0, None)]
    return facets
