"""Facets as small declarative objects: each turns the search response into plain dicts
that the HTML page renders (the JSON API returns the response's facet lists as they are)."""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

TYPE_LABELS = {
    "jaarverslag": "Jaarverslag", "jaarplan": "Jaarplan", "jaarrekening": "Jaarrekening", "begroting": "Begroting",
    "handreiking": "Handreiking", "factsheet": "Factsheet", "nieuws": "Nieuws", "rapport": "Rapport", "overig": "Overig",
}
PARAMS = ("q", "theme", "year", "type", "organisation", "sort")


@dataclass(frozen=True)
class Facet:
    name: str
    label: str

    def value_label(self, value) -> str:
        return TYPE_LABELS.get(value, str(value)) if self.name == "type" else str(value)

    def options(self, response: dict, state: dict[str, list[str]]) -> list[dict]:
        """The facet's values with counts, whether selected, and the URL that toggles each."""
        selected = set(state.get(self.name, []))
        out = []
        for item in response["facets"][self.name]:
            value = str(item["value"])
            chosen = value in selected
            toggled = {**state, self.name: sorted(selected - {value}) if chosen else sorted(selected | {value})}
            out.append({"value": value, "label": self.value_label(item["value"]), "count": item["count"],
                        "selected": chosen, "url": state_url(toggled, page=None)})
        return out


FACETS = (Facet("theme", "Thema"), Facet("year", "Jaar"), Facet("type", "Type document"),
          Facet("organisation", "Organisatie"))


def state_url(state: dict[str, list[str]], page: int | None = None, path: str = "/") -> str:
    """A shareable URL of a search state, using the API's parameter names."""
    pairs = [(key, value) for key in PARAMS for value in state.get(key, []) if value not in ("", None)]
    if page and page > 1:
        pairs.append(("page", str(page)))
    return path + ("?" + urlencode(pairs) if pairs else "")


def chips(state: dict[str, list[str]]) -> list[dict]:
    """Selected filters as removable chips."""
    out = []
    for facet in FACETS:
        for value in state.get(facet.name, []):
            rest = {**state, facet.name: [v for v in state[facet.name] if v != value]}
            out.append({"facet": facet.label, "label": facet.value_label(value), "url": state_url(rest)})
    return out
