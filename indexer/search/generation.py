"""One index generation, opened read-only: an immutable snapshot that requests share.

Everything a request reads is computed once when the generation opens and never
changes, so requests need no lock. Whoosh searchers are not shared between threads:
each thread opens its own on first use. When the last request lets go of a replaced
generation, its searchers are closed and its caches freed with it.
"""
from __future__ import annotations

import json
import pickle
import threading
from collections import OrderedDict
import weakref
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


def card(fields: dict) -> dict:
    """What every request may need of a section, kept in memory: no text, no links."""
    return {name: fields[name] for name in CARD_FIELDS}


def open_readonly(path: str):
    """Open a generation's Whoosh index without memory-mapping its files: a segment file that is
    truncated under a mapping kills the process with SIGBUS; a read gives an error we can handle."""
    if not whoosh_index.exists_in(path):
        raise IndexMissing(f"{path}: geen Whoosh-index")
    return FileStorage(path, supports_mmap=False, readonly=True).open_index()


class Generation:
    """A read-only view of one generation directory: section cards, facet columns, lexicon, searchers.

    Only a card per section (ids, title, facet values, position) stays in memory; text and
    links are read from Whoosh's stored fields for the sections a page shows.
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
        self.highlighter = Highlighter(self.lexicon.decompounder)
        reader = self.searcher().reader()
        # an incrementally built generation keeps deleted sections in shared segments: skip them
        self.docnums: list[int] = list(reader.all_doc_ids())
        self.cards: list[dict | None] = [None] * reader.doc_count_all()
        for n in self.docnums:
            self.cards[n] = card(reader.stored_fields(n))
        cards = self.cards
        self.by_id = {cards[n]["id"]: n for n in self.docnums}
        self.index_values = {spec.name: sorted({cards[n][spec.name] for n in self.docnums}, reverse=spec.numeric)
                             for spec in FACETS if spec.controlled is None}
        self.live = np.zeros(len(cards), dtype=bool)
        self.live[self.docnums] = True
        self.columns = {spec.name: FacetColumn.of(cards, spec.name) for spec in FACETS}
        self.newest = np.asarray(sorted(self.docnums, key=lambda n: (
            -(cards[n]["year"] or 0), cards[n]["doc_id"], cards[n]["position"])), dtype=np.int64)
        self.vectors = Vectors(len(cards), self.searcher)
        self.first_pages = ResultCache(FIRST_PAGE_CACHE)
        by_document: dict[str, list[int]] = {}
        for n in sorted(self.docnums, key=lambda n: cards[n]["position"]):
            by_document.setdefault(cards[n]["doc_id"], []).append(n)
        self.by_document = by_document
        # each section's document as a small number: grouping counts sections per document with bincount
        self.document_codes = np.full(len(cards), -1, dtype=np.int64)
        for code, numbers in enumerate(by_document.values()):
            self.document_codes[numbers] = code

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
        """Does any searched field hold this analysed term?"""
        searcher = self.searcher()
        return any(searcher.doc_frequency(f, term) for f in TEXT_FIELDS)

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
