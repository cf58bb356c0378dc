"""Reading search parameters from a request, the same way for the page and the API."""
from __future__ import annotations

from werkzeug.datastructures import MultiDict

from indexer.facets import FACET_NAMES
from indexer.search import SearchError
from indexer.search.params import DEFAULT_PER_PAGE


def int_arg(args: MultiDict, name: str, default: int) -> int:
    raw = args.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SearchError(f"{name} moet een geheel getal zijn, niet '{raw[:20]}'.") from None


def search_args(args: MultiDict, default_per_page: int = DEFAULT_PER_PAGE) -> dict:
    """q, filters (repeatable facet parameters), page, per_page and sort from a query string."""
    filters = {facet: [v for v in args.getlist(facet) if v.strip()] for facet in FACET_NAMES}
    return {
        "q": args.get("q", "").strip(),
        "filters": {k: v for k, v in filters.items() if v},
        "page": int_arg(args, "page", 1),
        "per_page": int_arg(args, "per_page", default_per_page),
        "sort": args.get("sort", "relevance") or "relevance",
    }
