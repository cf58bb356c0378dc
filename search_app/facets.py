"""Facets on the page: the facet table's entries, each turning the API's facet values into
options with toggle URLs, and the selected values into removable chips."""
from __future__ import annotations

from urllib.parse import urlencode

from indexer.facets import FACET_NAMES, FACETS, FacetSpec

PARAMS = ("q", *FACET_NAMES, "sort")


def options(spec: FacetSpec, body: dict, state: dict[str, list[str]]) -> list[dict]:
    """A facet's values with labels, counts, whether selected, and the URL that toggles each."""
    selected = set(state.get(spec.name, []))
    out = []
    for item in body["facets"][spec.name]:
        value = str(item["value"])
        chosen = value in selected
        toggled = {**state, spec.name: sorted(selected - {value}) if chosen else sorted(selected | {value})}
        out.append({"value": value, "label": item["label"], "count": item["count"],
                    "selected": chosen, "url": state_url(toggled, page=None)})
    return out


def state_url(state: dict[str, list[str]], page: int | None = None, path: str = "/") -> str:
    """A shareable URL of a search state, using the API's parameter names."""
    pairs = [(key, value) for key in PARAMS for value in state.get(key, []) if value not in ("", None)]
    if page and page > 1:
        pairs.append(("page", str(page)))
    return path + ("?" + urlencode(pairs) if pairs else "")


def chips(state: dict[str, list[str]]) -> list[dict]:
    """Selected filters as removable chips."""
    out = []
    for spec in FACETS:
        for value in state.get(spec.name, []):
            rest = {**state, spec.name: [v for v in state[spec.name] if v != value]}
            out.append({"facet": spec.label, "label": spec.value_label(value), "url": state_url(rest)})
    return out
