"""One index generation, opened read-only: an immutable snapshot that requests share.

Everything a request reads is computed once when the generation opens and never
changes, so requests need no lock. Whoosh searchers are not shared between threads:
each thread opens its own on first use. When the last request lets go of a replaced
generation, its searchers are closed and its caches freed with it.
"""
from __future__ import annotations

import ctypes
import json
import pickle
import threading
import weakref
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage

from ..dutch_words import DutchWords
from ..facets import FACETS, FACETS_BY_NAME
from ..schema import LEXICON_FILE, TEXT_FIELDS
from .facet_counts import FacetColumn
from .highlight import Highlighter
from .lexicon import Lexicon
from .vector import Vectors


class IndexMissing(RuntimeError):
    """No usable index at the configured path; the message says what is wrong with it."""


FIRST_PAGE_CACHE = 512        # first pages of recent searches, per generation (so never stale)
INDEXED_CACHE = 100_000       # analysed terms known to be in the index or not, per generation


class ResultCache:
    """A small thread-safe LRU of finished responses."""

    def __init__(self, size: int):
        self.size = size
        self.items: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key, make):
        """The cached value of ``key``, else ``make()`` remembered (computed outside the lock)."""
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
        value = make()
        with self.lock:
            self.items[key] = value
            if len(self.items) > self.size:
                self.items.popitem(last=False)
        return value


CARD_FIELDS = ("id", "doc_id", "title", "theme", "year", "type", "organisation", "position")
CODED_FIELDS = ("doc_id", "theme", "year", "type", "organisation")     # few distinct values: codes per section
DELETED = object()            # the value of a coded field in a deleted section


class Cards(Sequence):
    """What every request may need of each section (no text, no links), kept as columns: ids and
    titles as strings, the other fields as a code per section (a dict per section took ~40 MB
    per process at 50,000 sections). ``cards[n]`` is section n's card, None for a deleted one."""

    def __init__(self, size: int, stored: Iterable[tuple[int, dict]]):
        values: dict[str, list] = {name: [DELETED if name in CODED_FIELDS else None] * size for name in CARD_FIELDS}
        for docnum, fields in stored:
            for name in CARD_FIELDS:
                values[name][docnum] = fields[name]
        self.ids: list[str | None] = values["id"]
        self.titles: list[str | None] = values["title"]
        self.columns = {name: FacetColumn.of(values[name], deleted=DELETED) for name in CODED_FIELDS}
        self.position = np.fromiter((p or 0 for p in values["position"]), dtype=np.int64, count=size)

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, docnum: int) -> dict | None:
        if self.ids[docnum] is None:
            return None
        card = {"id": self.ids[docnum], "title": self.titles[docnum], "position": int(self.position[docnum])}
        card.update((name, column.values[column.codes[docnum]]) for name, column in self.columns.items())
        return {name: card[name] for name in CARD_FIELDS}

    def codes(self, name: str) -> np.ndarray:
        """Each section's code for a coded field (-1: deleted)."""
        return self.columns[name].codes


def give_back_freed_memory() -> None:
    """Return the heap's free pages to the system (glibc only; a no-op elsewhere).

    Opening a generation reads every section's stored fields, text included, and the lexicon:
    ~20 MB at 50,000 sections that is freed again but that glibc would keep in the process."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def open_readonly(path: str):
    """Open a generation's Whoosh index without memory-mapping its files: a segment file that is
    truncated under a mapping kills the process with SIGBUS; a read gives an error we can handle."""
    if not whoosh_index.exists_in(path):
        raise IndexMissing(f"{path}: geen Whoosh-index")
    return FileStorage(path, supports_mmap=False, readonly=True).open_index()


class Generation:
    """A read-only view of one generation directory: section cards, facet columns, lexicon, searchers.

    Only a card per section (ids, title, facet values, position) stays in memory, as columns;
    text and links are read from Whoosh's stored fields for the sections a page shows.
    """

    def __init__(self, path: str):
        try:
            self._index = open_readonly(path)
            lexicon = json.loads((Path(path) / LEXICON_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError, EOFError, IndexError, KeyError, pickle.UnpicklingError, IndexMissing) as exc:
            raise IndexMissing(f"{path}: {exc or type(exc).__name__}") from exc
        self.path = path
        self._local = threading.local()
        self._searchers: list = []
        self._searchers_lock = threading.Lock()
        weakref.finalize(self, close_all, self._searchers)
        self.lexicon = Lexicon(lexicon, DutchWords.load(Path(path)))
        del lexicon                   # what the Lexicon did not keep is freed before give_back_freed_memory
        self.highlighter = Highlighter(self.lexicon.decompounder)
        reader = self.searcher().reader()
        # an incrementally built generation keeps deleted sections in shared segments: skip them
        self.docnums: list[int] = list(reader.all_doc_ids())
        self.cards = cards = Cards(reader.doc_count_all(), ((n, reader.stored_fields(n)) for n in self.docnums))
        self.by_id = {cards.ids[n]: n for n in self.docnums}
        self.columns = {spec.name: cards.columns[spec.name] for spec in FACETS}
        self.index_values = {spec.name: sorted(self.columns[spec.name].values, reverse=spec.numeric)
                             for spec in FACETS if spec.controlled is None}
        self.live = np.zeros(len(cards), dtype=bool)
        self.live[self.docnums] = True
        self.newest = self.newest_first(cards, np.asarray(self.docnums, dtype=np.int64))
        self.vectors = Vectors(len(cards), self.searcher, self.live)
        self.first_pages = ResultCache(FIRST_PAGE_CACHE)
        self._indexed: dict[str, bool] = {}
        by_document: dict[str, list[int]] = {}
        documents = cards.columns["doc_id"]
        for n in sorted(self.docnums, key=cards.position.__getitem__):
            by_document.setdefault(documents.values[documents.codes[n]], []).append(n)
        self.by_document = by_document
        # each section's document as a small number: grouping counts sections per document with bincount
        self.document_codes = np.full(len(cards), -1, dtype=np.int64)
        for code, numbers in enumerate(by_document.values()):
            self.document_codes[numbers] = code
        give_back_freed_memory()

    @staticmethod
    def newest_first(cards: Cards, docnums: np.ndarray) -> np.ndarray:
        """The sections newest year first, then by document id and position in the document
        (then by number: the sort is stable)."""
        years = np.asarray([year or 0 for year in cards.columns["year"].values], dtype=np.int64)
        year_of = years[cards.codes("year")[docnums]]
        # a document's code is its id's rank (FacetColumn sorts its values)
        order = np.lexsort((cards.position[docnums], cards.codes("doc_id")[docnums], -year_of))
        return docnums[order]

    def fields(self, docnum: int) -> dict:
        """All stored fields of one section, text included, read from disk when a page needs them."""
        return self.searcher().stored_fields(docnum)

    def document_mask(self, doc_id: str) -> np.ndarray:
        """Which sections belong to one document."""
        mask = np.zeros(len(self.cards), dtype=bool)
        mask[self.by_document.get(doc_id, [])] = True
        return mask

    def searcher(self):
        """This thread's Whoosh searcher of this generation (opened on first use)."""
        searcher = getattr(self._local, "searcher", None)
        if searcher is None:
            searcher = self._index.searcher()
            self._local.searcher = searcher
            with self._searchers_lock:
                self._searchers.append(searcher)
        return searcher

    def indexed(self, term: str) -> bool:
        """Does any searched field hold this analysed term? (Asked for every word and synonym of
        every query, so the answers are remembered.)"""
        known = self._indexed.get(term)
        if known is None:
            searcher = self.searcher()
            known = any(searcher.doc_frequency(f, term) for f in TEXT_FIELDS)
            if len(self._indexed) >= INDEXED_CACHE:
                self._indexed.clear()
            self._indexed[term] = known
        return known

    def facet_values(self, facet: str) -> list:
        """Values a facet may take: its controlled list, or what this generation holds."""
        spec = FACETS_BY_NAME[facet]
        return spec.controlled() if spec.controlled else self.index_values[facet]

    def close(self) -> None:
        """Close every searcher now (only when no request can still be using this generation)."""
        close_all(self._searchers)


def close_all(searchers: list) -> None:
    for searcher in searchers:
        searcher.close()
    searchers.clear()
