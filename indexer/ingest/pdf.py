"""PDF to Markdown-like text with pdfminer.six's layout analysis: headings from type size and weight.

The body size is the size most characters have. Short lines set clearly larger are
headings, the largest size level 1; short bold lines at body size that stand alone are
one level below the smallest larger size. The title is the PDF's own metadata title,
else the largest text on the first page.
"""
from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

HEADING_RATIO = 1.15          # a line this much larger than the body is a heading
MAX_HEADING_CHARS = 120
MAX_LEVELS = 3


@dataclass
class Line:
    text: str
    size: float
    bold: bool


def read_layout(path: Path) -> list[list[list[Line]]]:
    """Pages of text boxes of lines, with each line's type size and weight."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTChar, LTTextContainer, LTTextLine

    pages = []
    for page in extract_pages(str(path)):
        boxes = []
        for element in page:
            if not isinstance(element, LTTextContainer):
                continue
            lines = []
            for line in element:
                if not isinstance(line, LTTextLine):
                    continue
                chars = [c for c in line if isinstance(c, LTChar)]
                text = line.get_text().strip()
                if text and chars:
                    bold = sum("bold" in c.fontname.lower() for c in chars) * 2 > len(chars)
                    lines.append(Line(text, round(statistics.median(c.size for c in chars), 1), bold))
            if lines:
                boxes.append(lines)
        pages.append(boxes)
    return pages


def body_size(pages: list[list[list[Line]]]) -> float:
    """The type size that most characters have."""
    sizes = Counter()
    for boxes in pages:
        for box in boxes:
            for line in box:
                sizes[line.size] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 0.0


def heading_levels(pages: list[list[list[Line]]], body: float) -> dict[float, int]:
    """Levels of the sizes used for short lines clearly larger than the body, largest first."""
    larger = sorted({line.size for boxes in pages for box in boxes for line in box
                     if line.size >= body * HEADING_RATIO and len(line.text) <= MAX_HEADING_CHARS}, reverse=True)
    return {size: min(level, MAX_LEVELS) for level, size in enumerate(larger, 1)}


def box_heading(box: list[Line], levels: dict[float, int], body: float) -> int:
    """The heading level of a text box (0 when it is text)."""
    text = " ".join(line.text for line in box)
    if len(text) > MAX_HEADING_CHARS or not re.search(r"[A-Za-zÀ-ÿ]{2}", text):
        return 0
    if all(line.size in levels for line in box):
        return min(levels[line.size] for line in box)
    if len(box) == 1 and box[0].bold and box[0].size >= body * 0.95 and not re.search(r"[.,;:]$", text):
        return min(max(levels.values(), default=0) + 1, MAX_LEVELS + 1)
    return 0


def pdf_layout_text(path: Path) -> tuple[str, str]:
    """Markdown-like text of a PDF (form feeds between pages) and the largest text of its first page."""
    pages = read_layout(path)
    body = body_size(pages)
    levels = heading_levels(pages, body)
    out_pages = []
    for boxes in pages:
        blocks = []
        for box in boxes:
            level = box_heading(box, levels, body)
            if level:
                blocks.append("#" * level + " " + " ".join(line.text for line in box))
            else:
                blocks.append("\n".join(line.text for line in box))
        out_pages.append("\n\n".join(blocks))
    return "\n\f".join(out_pages) + "\n", first_page_title(pages, body)


def first_page_title(pages: list[list[list[Line]]], body: float) -> str:
    """The text set in the largest size on the first page, when that is larger than the body."""
    lines = [line for box in (pages[0] if pages else []) for line in box]
    if not lines:
        return ""
    largest = max(line.size for line in lines)
    if largest < body * HEADING_RATIO:
        return ""
    title = " ".join(line.text for line in lines if line.size == largest)
    return re.sub(r"\s+", " ", title).strip()[:200]
