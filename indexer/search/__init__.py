"""The search side: reads an index generation, never imports ingestion."""
from .service import FACETS, IndexMissing, SearchError, SearchOptions, SearchService  # noqa: F401
