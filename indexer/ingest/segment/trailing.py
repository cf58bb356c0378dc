"""Headings trail their text: the segmenter for PDFs whose numbered headings sit in a margin column.

Extraction puts such headings after the text they head, at the end of each page.
"""
from __future__ import annotations

from ..classify import theme_for_heading, theme_scores
from ..records import NormalisedDocument
from .topics import Topic, finance_part, topic_theme
from .units import Unit


def headings_trail(units: list[Unit]) -> bool:
    """Do this document's numbered headings come after their text (a PDF margin column)?"""
    numbered = [i for i, u in enumerate(units) if u.kind == "heading" and u.strength == "numbered"]
    if len(numbered) < 3:
        return False
    at_page_end = 0
    for i in numbered:
        rest = [u for u in units[i + 1:] if u.page == units[i].page]
        if all(u.kind == "heading" for u in rest):
            at_page_end += 1
    return at_page_end * 2 >= len(numbered)


def group_headings(page_units: list[Unit]) -> list[Unit | list[Unit]]:
    """Consecutive numbered headings on a page become one list (a stack of headings)."""
    grouped: list[Unit | list[Unit]] = []
    for unit in page_units:
        if unit.kind == "heading" and unit.strength == "numbered":
            if grouped and isinstance(grouped[-1], list):
                grouped[-1].append(unit)
            else:
                grouped.append([unit])
        else:
            grouped.append(unit)
    return grouped


def segment_trailing(doc: NormalisedDocument, units: list[Unit]) -> list[Topic]:
    """Segment a document whose numbered headings follow the text they head.

    On each page a stack of numbered headings labels the text before it (back to the
    previous stack); text after the last stack continues that topic onto the next page.
    Where a page opens with text of the previous topic, or several headings share the
    text, the cut points follow the themes of the paragraphs (``assign_by_theme``).
    Finance headings ('Jaarrekening 2017') still lead their tables.
    """
    topics: list[Topic] = [Topic(None)]
    chapter: dict[str, str] = {}
    pages: dict[int, list[Unit]] = {}
    for unit in units:
        pages.setdefault(unit.page, []).append(unit)
    for page_units in pages.values():
        chunk: list[Unit] = []
        first_chunk_on_page, finance_opened_here = True, False
        for item in group_headings(page_units):
            if isinstance(item, list):
                if finance_opened_here:                       # '3.5 Financiën' printed under its table
                    flush_chunk(topics[-1], chunk)
                    topics[-1].parents = tuple(u.text for u in item)
                    finance_opened_here = False
                    continue
                new_topics = topics_for_group(item, chapter)
                continuing = first_chunk_on_page and topics[-1].title is not None
                assign_by_theme(chunk, ([topics[-1]] if continuing else []) + new_topics)
                topics.extend(new_topics)
                chunk, first_chunk_on_page = [], False
            elif item.kind == "heading" and item.strength == "finance":
                flush_chunk(topics[-1], chunk)
                finance = Topic(item.text)
                finance.add(finance_part(item.text, doc.meta.years), "")
                topics.append(finance)
                first_chunk_on_page, finance_opened_here = False, True
            else:
                chunk.append(item)
        flush_chunk(topics[-1], chunk)
    return topics


def topics_for_group(group: list[Unit], chapter: dict[str, str]) -> list[Topic]:
    """Topics for a stack of numbered headings; chapter headings ('2.') become breadcrumbs."""
    for unit in group:
        if "." not in unit.number:
            chapter[unit.number] = unit.text
    leaves = [u for u in group if "." in u.number] or group
    leaves.sort(key=lambda u: [int(n) for n in u.number.split(".") if n])
    result = []
    for unit in leaves:
        parent = chapter.get(unit.number.split(".")[0])
        parents = (parent,) if parent and parent != unit.text else ()
        result.append(Topic(unit.text, parents, theme=theme_for_heading(unit.text)))
    return result


def flush_chunk(topic: Topic, chunk: list[Unit]) -> None:
    """Move the chunk's units into the topic's latest report part, and empty the chunk."""
    part = topic.order[-1] if topic.order else ("", None)
    for unit in chunk:
        topic.add(part, unit.text)
    chunk.clear()


def assign_by_theme(chunk: list[Unit], topics: list[Topic]) -> None:
    """Share text that precedes its headings among topics, in order, where themes agree best.

    The margin column lost where each topic began, so the cut points are chosen to
    maximise how many theme words each piece shares with its topic's theme; on ties the
    text goes to the later topic (the heading that follows it).
    """
    themes = [topic_theme(t) for t in topics]
    scores = [theme_scores(u.text) for u in chunk]
    n, k = len(chunk), len(topics)
    # best[i][j]: best score with the first i units assigned and unit i-1 in topic j
    best = [[-1.0] * k for _ in range(n + 1)]
    back = [[0] * k for _ in range(n + 1)]
    best[0] = [0.0] * k
    for i in range(1, n + 1):
        for j in range(k):
            gain = scores[i - 1][themes[j]] if themes[j] else 0
            prev = max(range(j + 1), key=lambda p: (best[i - 1][p], p))
            best[i][j] = best[i - 1][prev] + gain
            back[i][j] = prev
    j = max(range(k), key=lambda t: (best[n][t], t))
    owners = [0] * n
    for i in range(n, 0, -1):
        owners[i - 1] = j
        j = back[i][j]
    for unit, owner in zip(chunk, owners):
        flush_chunk(topics[owner], [unit])
