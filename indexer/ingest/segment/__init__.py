"""Stage 3, segment: split a normalised report into the sections a professional wants as hits.

A section is one topic (a theme or subject heading) and, inside a topic, one report part:
the past year (jaarverslag), the coming year (jaarplan), a multi-year goal, or a finance
table (jaarrekening / begroting). The segmenter reads the document as a stream of units
(headings, year markers, paragraphs) and handles the layouts seen in the corpus:

* headings before their text (Markdown, 'Thema: X', short title lines);
* numbered headings printed *after* the text they head (PDF margin columns);
* year markers ('2024', 'Terugblik 2021', 'Actieagenda 2022', 'Meerjarendoel') that split
  a topic into parts, and continuation headings ('/Mensenhandel', 'X - vervolg');
* topics whose heading was an image: their title is recovered from the table of contents.
"""
from __future__ import annotations

from ..columns import two_column_heading
from ..records import NormalisedDocument, SectionRecord
from .assemble import sections_from_topics
from .leading import ReportSegmenter
from .structured import SHORT_DOCUMENT, is_structured, outline, segment_structured
from .titles import recover_titles, toc_candidates
from .topics import looks_ahead
from .trailing import headings_trail, segment_trailing
from .units import read_units

# Names imported from ``indexer.ingest.segment`` elsewhere (the pipeline and tests/test_segment.py).
__all__ = ["looks_ahead", "read_units", "segment_report", "toc_candidates", "two_column_heading"]


def segment_report(doc: NormalisedDocument) -> list[SectionRecord]:
    """Stage entry point: a normalised document in, its sections out (unclassified)."""
    units = read_units(doc.text)
    if headings_trail(units):
        topics = segment_trailing(doc, units)
    elif not is_report(units) and (is_structured(doc.text, nodes := outline(doc.text))
                                   or len(doc.text) <= SHORT_DOCUMENT):
        topics = segment_structured(doc.meta.title, doc.text, nodes)     # the outline read once, not twice
    else:
        topics = ReportSegmenter(doc).run(units)
        recover_titles(topics, doc.text)
    return sections_from_topics(doc, topics)


def is_report(units: list) -> bool:
    """Is this a report in year parts (year markers, goals, year columns), for the report strategies?"""
    return any(unit.kind in ("year", "goal", "columns") for unit in units)
