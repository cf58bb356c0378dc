"""The search side: reads an index generation; never imports ingestion.

    parse.py         what people type -> ParsedQuery
    compile.py       ParsedQuery -> Whoosh query with Dutch expansions (compounds, acronyms, typos)
    lexicon.py       a generation's vocabulary: corrections, completions
    highlight.py     match spans and snippets
    facet_counts.py  filters and disjunctive facet counts
    postings.py      a term's postings read from Whoosh's segments, with Whoosh's BM25F scores
    vector.py        queries scored over all sections with numpy, exactly as Whoosh scores them
    params.py        limits, defaults and validation of search parameters (Dutch errors)
    generation.py    one generation opened read-only: the snapshot requests share
    service.py       SearchService: follows the index path, searches, returns results.py records
"""
from .compile import SearchOptions
from .generation import Generation, IndexMissing
from .params import SearchError
from .results import Expansion, FacetValue, Hit, MarkedText, SearchResponse, SectionView, Sibling
from .service import SearchService

__all__ = ["Expansion", "FacetValue", "Generation", "Hit", "IndexMissing", "MarkedText", "SearchError",
           "SearchOptions", "SearchResponse", "SearchService", "SectionView", "Sibling"]
