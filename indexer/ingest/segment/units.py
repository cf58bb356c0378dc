"""Units: the stream a normalised report is read as (headings, year markers, goal markers, paragraphs).

A line becomes a unit by its shape alone; which topic or report part it belongs to is
decided later by a strategy (``leading`` or ``trailing``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ...analysis import STOP_WORDS
from ..columns import two_column_heading
from ..records import PAGE_BREAK

YEAR_MARKER = re.compile(r"^(?:(terugblik|actieagenda)\s+)?((?:19|20)\d\d)$", re.IGNORECASE)
COLUMN_YEARS = re.compile(r"^((?:19|20)\d\d)\s+((?:19|20)\d\d)$")
GOAL_MARKER = re.compile(r"^meerjarendoel$", re.IGNORECASE)
NUMBERED = re.compile(r"^(\d+(?:\.\d+)*)\.?\s+(\S.*)$")
MARKDOWN_HEADING = re.compile(r"^#{1,4}\s+(.+)$")
THEMA_HEADING = re.compile(r"^thema:\s*(.+)$", re.IGNORECASE)
FINANCE_HEADING = re.compile(r"^(jaarrekening|begroting|realisatie|financi[eë]n)\b", re.IGNORECASE)
AMOUNT_END = re.compile(r"(?:€\s*)?\d{1,3}(?:\.\d{3})+(?:,\d+)?\s*$|\bpm$|€$")
HEADING_START = re.compile(r"[\"'(/]?[A-ZÀ-Þ0-9]")
CLAUSE_END = re.compile(r"[.,;:]$")        # searched in a line's last two characters only: its end
THREE_LETTERS = re.compile(r"[A-Za-zÀ-ÿ]{3}")
OCR_CONTINUATION = re.compile(r"/[a-z]{5,}")
NUMBER = re.compile(r"(?<![\w.,])\d[\d.,]*(?![\w])")
NAME_WORD = re.compile(r"[\wÀ-ÿ'-]+")
RUNS_ON = re.compile(r"[a-zà-ÿ0-9(]")


@dataclass
class Unit:
    """One element of a page: a heading, a year marker, a goal marker or a paragraph."""

    kind: str                  # heading, year, goal, columns, para
    text: str
    strength: str = ""         # for headings: strong, weak, numbered, continuation, finance
    year: int | None = None
    label: str = ""            # for years: terugblik / actieagenda / ''
    number: str = ""           # for numbered headings
    page: int = 0


def is_short_line(line: str) -> bool:
    """Could this line be a heading by its shape: short, no final punctuation, no amount, no tab."""
    if len(line) > 70:
        return False                     # most lines: no need to split them into words
    words = line.split()
    return (
        0 < len(words) <= 9 and "\t" not in line
        and not line.startswith("- ") and HEADING_START.match(line) is not None
        and not CLAUSE_END.search(line[-2:]) and THREE_LETTERS.search(line) is not None
        and not AMOUNT_END.search(line)
    )


def read_units(text: str) -> list[Unit]:
    """Turn normalised text into units, page by page."""
    units: list[Unit] = []
    for page_no, page in enumerate(text.split(PAGE_BREAK)):
        lines = [line.strip() for line in page.split("\n")]
        i = 0
        paragraph: list[str] = []

        def flush() -> None:
            if paragraph:
                units.append(Unit("para", "\n".join(paragraph), page=page_no))
                paragraph.clear()

        while i < len(lines):
            line = lines[i]
            if not line:                 # a blank line ends a paragraph, and is no unit
                flush()
                i += 1
                continue
            prev_blank = i == 0 or not lines[i - 1]
            nxt = lines[i + 1] if i + 1 < len(lines) else ""
            unit = classify_line(line, prev_blank, nxt)
            if unit is None:
                paragraph.append(line)
                i += 1
                continue
            flush()
            i += 1
            if unit.strength == "numbered":  # headings wrapped over up to three short lines
                while i < len(lines) and 0 < len(lines[i]) <= 30 and not NUMBERED.match(lines[i]) \
                        and not lines[i].endswith(".") and len(unit.text) < 60:
                    unit.text += " " + lines[i]
                    i += 1
            unit.page = page_no
            units.append(unit)
        flush()
    return units


def classify_line(line: str, prev_blank: bool, next_line: str) -> Unit | None:
    """A structural unit for this line, or None when it is ordinary text."""
    if not line:
        return None
    if line[0] in MARKER_STARTS and (unit := marker_unit(line)):
        return unit
    if line.startswith("/") and (is_short_line(line[1:]) or OCR_CONTINUATION.fullmatch(line)):
        return Unit("heading", line[1:].strip(), "continuation")      # '/hnensenhandel': OCR-damaged too
    if halves := two_column_heading(line):
        return Unit("heading", halves, "columns")
    if continues_as_paragraph(line, next_line):
        return None
    if (m := NUMBERED.match(line)) and is_short_line(m.group(2)) and len(line) <= 60 and not YEAR_MARKER.match(line):
        return Unit("heading", m.group(2).strip(), "numbered", number=m.group(1))
    if not prev_blank or not is_short_line(line) or is_table_row(line) or is_name_line(line):
        return None
    if FINANCE_HEADING.match(line):
        return Unit("heading", line, "finance")
    if next_line and is_short_line(next_line) and not next_line.startswith("- "):
        return None  # a run of short lines is a signature, address or list, not a heading
    return Unit("heading", line, "weak")


# The characters a line matching one of the patterns of ``marker_unit`` starts with (the ones read
# case-insensitively in both cases): most lines start otherwise, and need none of them tried.
MARKER_STARTS = frozenset("12AaMmTt#")


def marker_unit(line: str) -> Unit | None:
    """The unit of a line that is a marker by its pattern alone: year columns, a year or goal
    marker, a Markdown or 'Thema:' heading; else None."""
    if m := COLUMN_YEARS.match(line):
        return Unit("columns", line, year=int(m.group(1)))
    if m := YEAR_MARKER.match(line):
        return Unit("year", line, year=int(m.group(2)), label=(m.group(1) or "").lower())
    if GOAL_MARKER.match(line):
        return Unit("goal", line)
    if m := MARKDOWN_HEADING.match(line):
        return Unit("heading", m.group(1).strip(), "strong")
    if m := THEMA_HEADING.match(line):
        return Unit("heading", m.group(1).strip(), "strong")
    return None


def is_table_row(line: str) -> bool:
    """Three or more numbers on a short line: a table row ('Inkomsten 2020 2021 2022'), not a heading."""
    return len(NUMBER.findall(line)) >= 3


NAME_PARTICLES = frozenset({"de", "van", "der", "den", "ten", "ter", "het", "in", "t"})


@lru_cache(maxsize=1)
def dutch_words() -> frozenset[str]:
    """The common Dutch words of a general word list (wordfreq)."""
    from wordfreq import top_n_list

    return frozenset(top_n_list("nl", 40_000))


def is_name_line(line: str) -> bool:
    """A row of names ('Anouk Verhulst Joost de Wit Fatima el Amrani' under a foreword), not a heading:
    capitalised words and name particles only, three or more of them no Dutch word."""
    words = NAME_WORD.findall(line)
    if len(words) < 5 or not all(w[0].isupper() or w.lower() in NAME_PARTICLES for w in words):
        return False
    return sum(w.lower() not in dutch_words() for w in words if w.lower() not in NAME_PARTICLES) >= 3


def continues_as_paragraph(line: str, next_line: str) -> bool:
    """The first line of a wrapped paragraph: the sentence runs on into the next line."""
    words = line.rsplit(None, 1)
    last_word = words[-1].lower() if words else ""
    return RUNS_ON.match(next_line) is not None or last_word in STOP_WORDS or line.endswith("-")
