"""Reading search parameters from a request, the same way for the page and the API.

Everything a query string can hold is bounded here before the engine sees it: text
parameters are checked for length as sent, then control characters (NUL included) become
spaces; a facet's repeated values count once and at most ``MAX_FACET_VALUES`` are taken;
numbers are plain ASCII digits. Parameters nobody reads are ignored.
"""
from __future__ import annotations

import re

from werkzeug.datastructures import MultiDict

from indexer.facets import FACET_NAMES
from indexer.search import SearchError
from indexer.search.params import DEFAULT_PER_PAGE, MAX_DOCUMENT_ID_LENGTH, MAX_QUERY_LENGTH, check_query_length, clean_text, distinct_values

MAX_NUMBER_DIGITS = 9


def int_arg(args: MultiDict, name: str, default: int) -> int:
    """A whole number (ASCII digits only), the default when absent or empty; SearchError otherwise."""
    raw = args.get(name, "").strip()
    if not raw:
        return default
    if not re.fullmatch(rf"[0-9]{{1,{MAX_NUMBER_DIGITS}}}", raw):
        shown = clean_text(raw[:20])
        raise SearchError(f"{name} moet een geheel getal zijn, niet '{shown}'.")
    return int(raw)


def text_arg(args: MultiDict, name: str = "q", limit: int = MAX_QUERY_LENGTH, what: str = "De zoekvraag") -> str:
    """A text parameter: at most ``limit`` characters as sent, control characters removed, trimmed."""
    return clean_text(check_query_length(args.get(name, ""), limit, what))


def facet_args(args: MultiDict) -> dict[str, list[str]]:
    """Every facet's values: cleaned, empty ones dropped, repeated ones once; SearchError past the limits."""
    filters = {}
    for facet in FACET_NAMES:
        values = [clean_text(v) for v in args.getlist(facet)]
        filters[facet] = distinct_values(facet, [v for v in values if v])
    return filters


def search_args(args: MultiDict, default_per_page: int = DEFAULT_PER_PAGE, default_group: str = "none") -> dict:
    """q, filters (repeatable facet parameters), page, per_page, sort, group, document and typing from a query string."""
    document = check_query_length(args.get("document", ""), MAX_DOCUMENT_ID_LENGTH, "Het document")
    return {
        "q": text_arg(args),
        "filters": {k: v for k, v in facet_args(args).items() if v},
        "page": int_arg(args, "page", 1),
        "per_page": int_arg(args, "per_page", default_per_page),
        "sort": clean_text(args.get("sort", "")) or "relevance",
        "group": clean_text(args.get("group", "")) or default_group,
        "document": clean_text(document) or None,
        "typing": args.get("typing") == "1",        # search as you type: the last word is a prefix
    }
