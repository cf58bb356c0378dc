"""A normalisation repair of its own: report pages printed in two year columns whose lines a
PDF extractor read across both columns ('2021 2022' over the page, each line holding both).
"""
from __future__ import annotations

import re

from .records import PAGE_BREAK, RepairLog


LEADING_GLYPH = re.compile(r"^[\\|]\s*(?=\S)")
COLUMN_YEARS_LINE = re.compile(r"^(?:19|20)\d\d\s+(?:19|20)\d\d$")
BOUNDARY_END = re.compile(r"[-.,;:)'\"]$")
BOUNDARY_START = re.compile(r"^[A-Z0-9'\"(]")


def two_column_heading(line: str) -> str | None:
    """'Monitoring Monitoring' or 'Huiselijk Geweld /Huiselijk Geweld': one heading over two columns."""
    if len(line) > 90:
        return None
    spaced = line.replace("/", " ").replace("\\", " ")
    first = spaced.split(None, 1)
    if len(first) < 2 or first[0] not in first[1]:      # the second half starts with the first word again
        return None
    words = spaced.split()
    half = len(words) // 2
    if len(words) >= 2 and len(words) % 2 == 0 and words[:half] == words[half:]:
        return " ".join(words[:half])
    return None


def column_boundary(line: str, width: float) -> int | None:
    """Where the left column ends in a line that holds both columns (a space index), or None."""
    best, best_score = None, -9.0
    for i, ch in enumerate(line):
        if ch != " " or not width * 0.6 <= i <= width * 1.3:
            continue
        left, right = line[:i], line[i + 1:]
        score = -abs(i - width) / width                      # the measured column width dominates
        score += 0.12 if left.endswith("-") else 0.06 if BOUNDARY_END.search(left) else 0
        score += 0.05 if BOUNDARY_START.match(right) else 0
        if score > best_score:
            best, best_score = i, score
    return best


def split_interleaved_columns(lines: list[str], log: RepairLog) -> list[str]:
    """Pages printed as two year columns ('2021 2022', 'X /X') whose lines hold both columns:
    split each such line where the left column most likely ends, and put the right column
    after the left one under a '/X' continuation heading (the coming year's column)."""
    lengths = sorted(len(line) for line in lines if len(line) >= 40)
    if not lengths:
        return lines
    width = lengths[len(lengths) // 2]
    out: list[str] = []
    page: list[str] = []
    for line in lines + [PAGE_BREAK]:
        if line != PAGE_BREAK:
            page.append(line)
            continue
        out.extend(deinterleave_page(page, width, log))
        out.append(PAGE_BREAK)
        page = []
    return out[:-1]


def deinterleave_page(page: list[str], width: float, log: RepairLog) -> list[str]:
    if not any(COLUMN_YEARS_LINE.match(l.strip()) or two_column_heading(l.strip()) for l in page):
        return page
    out: list[str] = []
    heading, left, right = None, [], []
    in_columns = False

    def flush() -> None:
        out.extend(left)
        if right:
            out.extend(["", "/" + (heading or "Vervolg"), ""])
            out.extend(right)
        left.clear()
        right.clear()

    for index, line in enumerate(page):
        stripped = line.strip()
        named = two_column_heading(stripped)
        if named or COLUMN_YEARS_LINE.match(stripped):
            flush()
            heading = named or heading
            in_columns = True
            out.append(line)
            continue
        if in_columns and 0 < len(stripped) <= 40 and (index == 0 or not page[index - 1].strip()) \
                and stripped[0].isupper() and (left or right):
            flush()                       # a new heading: the two columns end here
            in_columns = False
        if not in_columns:
            out.append(line)
            continue
        cut = column_boundary(line, width) if len(line) > width * 1.2 else None
        if cut is None:
            left.append(line)
        else:
            left.append(line[:cut])
            right.append(LEADING_GLYPH.sub("", line[cut + 1:]))    # a column's own box glyph, e.g. '\\Er'
            log.add("columns")
    flush()
    return out
