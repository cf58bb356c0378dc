"""Plain records passed between the ingestion stages."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

PAGE_BREAK = "\f"          # a line of its own between the pages of a normalised text


@dataclass(frozen=True)
class DocumentMeta:
    """What the manifest (or inference) says about one corpus document."""

    doc_id: str
    path: str
    title: str
    organisation: str
    kind: str = "jaarverslag"          # a document type of indexer.facets.TYPES
    years: tuple[int, ...] = ()        # report years: (verslag year, plan year) for annual reports
    url: str = ""


@dataclass(frozen=True)
class Extraction:
    """A file's text as a reader made it, and what its format declares: title, publication year, publisher."""

    text: str
    title: str = ""
    year: int | None = None
    publisher: str = ""


@dataclass
class ExtractedDocument:
    """Raw text of a document, as the extractor read it."""

    meta: DocumentMeta
    text: str


@dataclass
class NormalisedDocument:
    """Repaired text (lines kept, pages marked with form feeds) plus what was pulled out of it."""

    meta: DocumentMeta
    text: str
    links: list[str] = field(default_factory=list)
    repairs: int = 0                   # how many OCR/PDF repairs were needed: a measure of how clean the source is
    link_texts: dict[str, str] = field(default_factory=dict)   # url -> its anchor text, where known


@dataclass
class SectionRecord:
    """One searchable section: the unit of a hit."""

    id: str
    doc_id: str
    doc_title: str
    title: str                         # as shown: the heading, told apart from its namesakes by report part
    anchor: str
    text: str
    position: int
    links: list[str] = field(default_factory=list)
    parents: tuple[str, ...] = ()      # breadcrumb headings above the title
    part: str = ""                     # "verslag", "plan", "doel", "rekening", "begroting" or "" (no year part)
    part_year: int | None = None
    theme: str = ""
    year: int | None = None
    type: str = ""
    organisation: str = ""
    url: str = ""
    also_in: list[str] = field(default_factory=list)   # ids of duplicate sections folded into this one
    heading: str = ""                  # the heading the text stood under, as the segmenter found it


@dataclass
class IngestReport:
    """What an indexing run did: counted for people, skipped files with reasons."""

    files: int = 0                     # every file under the corpus but the manifest
    documents: int = 0
    sections: int = 0
    duplicates_folded: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    sections_per_document: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    reused_files: int = 0              # files an incremental build took from the previous generation
    added: list[str] = field(default_factory=list)      # document ids, compared with the previous generation
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


@dataclass
class RepairLog:
    """Counts of each kind of repair made to one document."""

    counts: Counter = field(default_factory=Counter)
    links: list[str] = field(default_factory=list)
    link_texts: dict[str, str] = field(default_factory=dict)     # url -> the words that linked to it

    def add(self, kind: str, n: int = 1) -> None:
        self.counts[kind] += n

    @property
    def total(self) -> int:
        return sum(self.counts.values())
