"""What a generation remembers about how it was made, so the next build redoes only what changed.

Each generation holds ``ingest-cache.pickle``: per corpus file the key of its source (its
bytes, its manifest entry, its link and the ingester's own code) with the document and
sections that source gave, or the reason it was skipped; and per document a fingerprint
of the sections written into the index. An incremental build reuses every entry whose key
still matches and rewrites only the documents whose fingerprint changed.

The cache is a pickle because it holds the pipeline's own records; it lives inside the
index directory, which is as trusted as Whoosh's own (pickled) table of contents.
"""
from __future__ import annotations

import copy
import gc
import hashlib
import json
import pickle
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from functools import cache
from operator import attrgetter
from pathlib import Path

from .dedupe import CopyVerdicts
from .learn import Lessons
from .records import NormalisedDocument, SectionRecord

CACHE_FILE = "ingest-cache.pickle"
FORMAT = 4


@cache
def ingester_version() -> str:
    """A hash of the code, data and libraries that turn files into an index: change any of them and
    nothing is reused (an incremental build becomes a full one)."""
    from importlib.metadata import version

    root = Path(__file__).resolve().parent.parent          # indexer/
    digest = hashlib.sha1(str(FORMAT).encode())
    for path in sorted(root.rglob("*")):
        parts = path.relative_to(root).parts
        if path.is_file() and parts[0] != "search" and "__pycache__" not in parts:
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    for library in LIBRARIES:
        digest.update(f"{library}={version(library)}".encode())
    return digest.hexdigest()


LIBRARIES = ("whoosh-reloaded", "PyStemmer", "wordfreq", "pdfminer.six", "python-docx", "beautifulsoup4")


def source_key(path: Path, entry: dict | None, limits: object) -> str:
    """What a file's sections depend on: its bytes, its manifest entry (link included) and the limits."""
    digest = hashlib.sha1(ingester_version().encode())
    digest.update(json.dumps(entry or {}, sort_keys=True, ensure_ascii=False).encode())
    digest.update(repr(limits).encode())
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class CachedFile:
    """One corpus file as the pipeline left it: a document with its sections, or a skip reason."""

    key: str
    document: NormalisedDocument | None = None
    sections: list[SectionRecord] = field(default_factory=list)     # before duplicates are folded
    lessons: Lessons | None = None
    skipped: str = ""
    retry: bool = False                # a skip that may not happen again (too slow once): never reused

    def fresh_sections(self) -> list[SectionRecord]:
        """Copies of the sections: folding duplicates appends to ``also_in``, the cache must stay as it was."""
        return [fresh_copy(s) for s in self.sections]

    def __reduce__(self):
        """Pickled as the pickle of its fields, made once and kept: the worker that read the file makes
        it, the build process keeps it, and saving the cache writes those bytes as they are instead of
        pickling every document, section and word count again. A CachedFile is not changed once
        made (hence ``fresh_sections``), so the bytes stay true to it."""
        pickled = self.__dict__.get("_pickled")
        if pickled is None:
            pickled = pickle.dumps(tuple(getattr(self, f.name) for f in fields(self)), pickle.HIGHEST_PROTOCOL)
        return unpickled_file, (pickled,)


def unpickled_file(pickled: bytes) -> CachedFile:
    """The CachedFile of ``CachedFile.__reduce__``'s bytes, which it keeps for its next pickling."""
    entry = CachedFile(*pickle.loads(pickled))
    entry.__dict__["_pickled"] = pickled           # not a field: no part of its repr or equality
    return entry


def fresh_copy(section: SectionRecord) -> SectionRecord:
    """A copy of a section with its own ``also_in``; copy.copy is ``replace`` at half the cost (no
    keyword arguments to match), which counts for every section of every build."""
    duplicate = copy.copy(section)
    duplicate.also_in = list(section.also_in)
    return duplicate


@dataclass
class IngestCache:
    """The cache of one generation: files by corpus name, and section fingerprints by document id."""

    analysis: dict = field(default_factory=dict)
    version: str = ""                  # ingester_version() of the build that wrote it
    files: dict[str, CachedFile] = field(default_factory=dict)
    fingerprints: dict[str, str] = field(default_factory=dict)
    copies: CopyVerdicts = field(default_factory=CopyVerdicts)

    def lookup(self, name: str, key: str) -> CachedFile | None:
        """The cached result for a file, if its source is unchanged."""
        entry = self.files.get(name)
        return entry if entry is not None and entry.key == key and not entry.retry else None


def fingerprint(sections: list[SectionRecord]) -> str:
    """A digest of everything a document's sections put into the index: every field's value, in field
    order (the repr of plain tuples is made in C, a dataclass's repr in Python; the field names
    themselves are part of the code that ``ingester_version`` hashes)."""
    return hashlib.sha1(repr(list(map(SECTION_VALUES, sections))).encode("utf-8")).hexdigest()


SECTION_VALUES = attrgetter(*(f.name for f in fields(SectionRecord)))


def load_cache(generation: Path | None) -> IngestCache | None:
    """A generation's cache, or None when it has none or one this code cannot use."""
    path = generation / CACHE_FILE if generation else None
    if path is None or not path.exists():
        return None
    try:
        with path.open("rb") as handle, paused_gc():
            stored = pickle.load(handle)
    except Exception:                       # an older layout or a damaged file: rebuild from scratch
        return None
    return stored if isinstance(stored, IngestCache) else None


def save_cache(generation: Path, ingest_cache: IngestCache) -> None:
    """Write the cache into a generation that is being built (before it is marked complete)."""
    with (generation / CACHE_FILE).open("wb") as handle, paused_gc():
        pickle.dump(ingest_cache, handle, protocol=pickle.HIGHEST_PROTOCOL)


@contextmanager
def paused_gc():
    """No cyclic garbage collection while a cache, or the pipeline's results, are unpickled, or the
    build process works through them (the duplicate check; the lexicon and cache files while the
    writers run): the millions of objects made (word counts above all) set off collection after
    collection, each scanning more of the heap, that free nothing (these objects hold no garbage;
    at 50,000 sections five full collections took 4 s of the build process while the writers
    needed its core). Reference counting still frees what is dropped; the collections after the
    pause do what is left. Not around work that makes cyclic garbage (Whoosh's own writer), whose
    peak would grow. Not gc.freeze: it resets the collection counters, so a process that builds
    again and again would never collect its oldest generation again."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
