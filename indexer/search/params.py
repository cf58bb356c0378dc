"""The search parameters: their limits and defaults, declared once, and their validation.

Messages are Dutch: they are shown to people as they are (JSON 400s, the page, the CLI).
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Callable

from ..facets import FACETS_BY_NAME, FACET_NAMES
from ..text_utils import fold, visible

MAX_QUERY_LENGTH = 500
MAX_PER_PAGE = 50
DEFAULT_PER_PAGE = 10
MAX_PAGE = 1000
MAX_FACET_VALUES = 20          # distinct values of one facet in one search (repeated values count once)
MAX_FACET_VALUE_LENGTH = 200
MAX_QUERY_WORDS = 50           # words and phrases one search may look for (stop words do not count)
MAX_ALTERNATIVES = 20          # OF/OR alternatives of one search
QUERY_TIME_BUDGET = 1.0        # seconds of CPU one search may take before it is refused
MAX_SUGGEST_LENGTH = 100
SUGGEST_LIMIT = 8
SORTS = ("relevance", "newest")
GROUPS = ("none", "document")  # "document": at most SECTIONS_PER_DOCUMENT sections of one document in the list
SECTIONS_PER_DOCUMENT = 2
MAX_DOCUMENT_ID_LENGTH = 300


# C0 and C1 control characters (NUL included) and the Unicode line and paragraph separators
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class SearchError(ValueError):
    """Bad search parameters; the message is Dutch and shown to people."""


class QueryTooExpensive(SearchError):
    """A search that would take more work than one request may: refused, with a Dutch hint."""


class Budget:
    """The work one search may take; ``check()`` between steps refuses it once spent.

    Counted in the thread's own CPU time, not wall-clock time: on a busy server a search that
    waits for other requests (or a reindex) is not the person's fault and is not refused."""

    def __init__(self, seconds: float | None = None):
        self.deadline = time.thread_time() + (QUERY_TIME_BUDGET if seconds is None else seconds)

    def allow(self, seconds: float) -> None:
        """Work that does not count (decoding a term's postings once per generation)."""
        self.deadline += seconds

    def check(self) -> None:
        if time.thread_time() > self.deadline:
            raise QueryTooExpensive("Deze zoekvraag kost te veel rekentijd. Gebruik minder of eenvoudiger zoektermen.")


def check_complexity(words: int, alternatives: int) -> None:
    """SearchError when a query asks for more words or alternatives than one search may."""
    if words > MAX_QUERY_WORDS:
        raise QueryTooExpensive(f"De zoekvraag bevat te veel zoektermen ({words}; maximaal {MAX_QUERY_WORDS}).")
    if alternatives > MAX_ALTERNATIVES:
        raise QueryTooExpensive(f"De zoekvraag bevat te veel alternatieven met OF ({alternatives}; "
                                f"maximaal {MAX_ALTERNATIVES}).")


def clean_text(value: str) -> str:
    """Text typed or pasted by someone: control characters (NUL, tabs, newlines) become spaces,
    invisible ones go and accents compose (``visible``), ends trimmed."""
    return CONTROL_CHARACTERS.sub(" ", visible(value)).strip()


def distinct_values(facet: str, values: list) -> list:
    """A facet's values, repeated ones once and in order; SearchError beyond the limits."""
    values = list(dict.fromkeys(values))
    label = FACETS_BY_NAME[facet].label.lower() if facet in FACETS_BY_NAME else facet
    if len(values) > MAX_FACET_VALUES:
        raise SearchError(f"Kies hoogstens {MAX_FACET_VALUES} waarden voor het filter {label} "
                          f"({len(values)} gekozen).")
    if any(len(str(value)) > MAX_FACET_VALUE_LENGTH for value in values):
        raise SearchError(f"Een waarde voor het filter {label} is te lang (maximaal {MAX_FACET_VALUE_LENGTH} tekens).")
    return values


@dataclass(frozen=True)
class SearchRequest:
    """Validated parameters of one search: filters hold typed, canonical facet values."""

    q: str = ""
    filters: dict[str, list] = field(default_factory=dict)
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    sort: str = "relevance"
    group: str = "none"
    document: str | None = None          # only this document's sections


def check_query_length(q: str, limit: int = MAX_QUERY_LENGTH, what: str = "De zoekvraag") -> str:
    """The query itself, or SearchError when it is longer than the limit."""
    if len(q) > limit:
        raise SearchError(f"{what} is te lang (maximaal {limit} tekens).")
    return q


def validate(q: str, filters: dict[str, list], page: int, per_page: int, sort: str,
             facet_values: Callable[[str], list], group: str = "none", document: str | None = None) -> SearchRequest:
    """Check parameters; raises SearchError (Dutch) or returns them with typed filter values.

    ``facet_values(name)`` lists the values a facet may take in the current index.
    """
    check_query_length(q)
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise SearchError(f"per_page moet tussen 1 en {MAX_PER_PAGE} liggen.")
    if not 1 <= page <= MAX_PAGE:
        raise SearchError(f"page moet tussen 1 en {MAX_PAGE} liggen.")
    clean = {}
    for facet, values in filters.items():
        typed = list(dict.fromkeys(typed_value(facet, value, facet_values) for value in distinct_values(facet, values)))
        if typed:
            clean[facet] = typed
    if sort not in SORTS:
        raise SearchError(f"sort moet {' of '.join(repr(s) for s in SORTS)} zijn.")
    if group not in GROUPS:
        raise SearchError(f"group moet {' of '.join(repr(g) for g in GROUPS)} zijn.")
    # an unknown document (a bookmark of one since removed) simply matches nothing
    check_query_length(document or "", MAX_DOCUMENT_ID_LENGTH, "Het document")
    return SearchRequest(q, clean, page, per_page, sort, group, document)


def typed_value(facet: str, value, facet_values: Callable[[str], list]):
    """One filter value as the index stores it (a year as int, a label as written in the table)."""
    spec = FACETS_BY_NAME.get(facet)
    if spec is None:
        raise SearchError(f"Onbekend filter '{facet}'. Geldig: {', '.join(FACET_NAMES)}.")
    if spec.numeric:
        if not re.fullmatch(r"\d{4}", str(value).strip()) or int(value) < 1000:
            raise SearchError(f"Jaar '{value}' is geen jaartal (bijvoorbeeld 2024).")
        return int(value)
    valid = facet_values(facet)
    match = next((v for v in valid if fold(v) == fold(str(value))), None)
    if match is None:
        raise SearchError(f"Onbekende waarde '{value}' voor {facet}. Geldig: {', '.join(map(str, valid))}.")
    return match
