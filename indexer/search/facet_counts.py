"""Filtering by facet values and counting facet values, disjunctively, over arrays.

Each facet of a generation is a code per section (``FacetColumn``); a filter is a boolean
mask over sections and a count is a ``bincount`` of the codes of the matching sections.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..facets import FACETS
from .results import FacetValue


@dataclass(frozen=True)
class FacetColumn:
    """One facet over all sections: its distinct values and each section's value code (-1: deleted)."""

    values: list
    codes: np.ndarray

    @classmethod
    def of(cls, per_section: list, deleted=None) -> "FacetColumn":
        """The column of each section's value (``deleted`` stands for a deleted section)."""
        values = sorted({value for value in per_section if value is not deleted}, key=str)
        index = {value: code for code, value in enumerate(values)}
        codes = np.fromiter((-1 if value is deleted else index[value] for value in per_section),
                            dtype=np.int32, count=len(per_section))
        return cls(values, codes)

    def mask(self, selected: list) -> np.ndarray:
        """Sections whose value is one of ``selected``."""
        index = {value: code for code, value in enumerate(self.values)}
        wanted = [index[value] for value in selected if value in index]
        return np.isin(self.codes, np.asarray(wanted, dtype=np.int32))


def filter_mask(columns: dict[str, FacetColumn], filters: dict[str, list], size: int,
                skip: str | None = None) -> np.ndarray:
    """Sections that satisfy every filter (but the one named ``skip``)."""
    mask = np.ones(size, dtype=bool)
    for name, selected in filters.items():
        if name != skip:
            mask &= columns[name].mask(selected)
    return mask


def facet_counts(columns: dict[str, FacetColumn], matches: np.ndarray,
                 filters: dict[str, list]) -> dict[str, list[FacetValue]]:
    """Counts per facet value over the matches; a facet's counts ignore its own selection."""
    facets = {}
    for spec in FACETS:
        column = columns[spec.name]
        chosen = matches & filter_mask(columns, filters, len(matches), skip=spec.name)
        tally = np.bincount(column.codes[chosen], minlength=len(column.values))
        counts = {column.values[code]: int(n) for code, n in enumerate(tally) if n}
        selected = filters.get(spec.name, [])
        for value in selected:
            counts.setdefault(value, 0)
        if spec.numeric:
            ordered = sorted(counts, key=lambda v: -v)
        else:
            ordered = sorted(counts, key=lambda v: (-counts[v], str(v)))
        facets[spec.name] = [FacetValue(v, counts[v], v in selected) for v in ordered if v not in ("", 0, None)]
    return facets
