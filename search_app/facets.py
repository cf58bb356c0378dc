"""Facets on the page: the facet table's entries, each turning the API's facet values into
options with toggle URLs, and the selected values (and a chosen document) into removable chips."""
from __future__ import annotations

from typing import Callable
from urllib.parse import urlencode

from indexer.facets import FACET_NAMES, FACETS, FacetSpec

# the page's parameters, in the order its URLs list them: the API's names ("group" only ever
# holds "none": the page groups by document unless told not to)
PARAMS = ("q", *FACET_NAMES, "document", "sort", "group")
DOCUMENT_LABEL = "Document"


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


def chips(state: dict[str, list[str]], document_title: Callable[[str], str | None] = lambda doc_id: None) -> list[dict]:
    """Selected filters as removable chips; a chosen document by its title (``document_title``), else its id."""
    out = []
    for spec in FACETS:
        for value in state.get(spec.name, []):
            rest = {**state, spec.name: [v for v in state[spec.name] if v != value]}
            label = spec.value_label(value)
            out.append({"facet": spec.label, "label": label, "text": label, "url": state_url(rest)})
    for doc_id in state.get("document", []):
        title = document_title(doc_id) or doc_id
        out.append({"facet": DOCUMENT_LABEL, "label": title, "text": f"{DOCUMENT_LABEL}: {title}",
                    "url": state_url({**state, "document": []})})
    return out
