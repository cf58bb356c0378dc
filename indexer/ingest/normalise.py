"""Stage 2, normalise: repair text that came out of PDFs, OCR and web pages.

Each repair is one small function over the list of lines; `normalise_text` runs them
in order and counts what it changed, so that the cleaner of two copies of a report
can be told apart later. Lines are kept (the segmenter needs them); pages are marked
with a form feed line.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from .records import ExtractedDocument, NormalisedDocument

PAGE_BREAK = "\f"

_CHAR_REPAIRS = {
    "\ufb01": "fi", "\ufb02": "fl", "\ufb00": "ff", "\ufb03": "ffi", "\ufb04": "ffl",
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u2032": "'", "\u00b4": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"',
    "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u2002": " ", "\u2003": " ",
    "\u2013": "-", "\u2014": "-", "\u2011": "-", "\u00ad": "",
}
URL_LINE = re.compile(r"^\s*((?:https?://|www\.)\S+)\s*[(\[]?\s*$")
MARKDOWN_LINK = re.compile(r"\[([^\]\n]*)\]\(([^)\s]*)\)")
BULLET = re.compile(r"^\s*(?:[eo](?=\s+[A-Z0-9\"'(])|\*(?!\*)|•|·|-|►|▶|➤|■|▪)\s+")
LINK_MARKER = re.compile(r"\s*(?:\[\s*)?(?:»|►|▶|➤)(?:\s*\])?|\s\[(?=\s)|\s>(?=\s|$)")
FURNITURE = re.compile(r"^(?:terug naar (?:de inhoud|het overzicht|het)\b.*|overzicht|\d{1,3})$", re.IGNORECASE)
TRAILING_GLYPHS = re.compile(r"(?<=\S)(?:\s+(?:[o°NAv™\\/)(]|\(\)|o %|\\_ %|\\_(?:\s+[A-Z])?))+\s*$")
LEADING_GLYPH = re.compile(r"^[\\|]\s*(?=\S)")
# three or more leading scraps of at most two characters, none a word ('.g . &8 & - wordt'): scanner debris
LEADING_DEBRIS = re.compile(r"^\s*(?:(?:[^\w\s]+\w?|\w[^\w\s]+|[^\w\s])\s+){3,}(?=\w)")
HYPHEN_CONJUNCTIONS = {"en", "of", "tot", "noch", "als", "dan", "maar"}
STRUCTURAL = re.compile(r"^(?:(?:19|20)\d\d|meerjarendoel|terugblik \d{4}|actieagenda \d{4})$", re.IGNORECASE)


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


def repair_characters(text: str, log: RepairLog) -> str:
    """Ligatures, curly quotes, odd spaces and dashes to plain forms; NFC."""
    text = unicodedata.normalize("NFC", text)
    for bad, good in _CHAR_REPAIRS.items():
        text = text.replace(bad, good)
    doubled = len(re.findall(r"'{2,}", text))
    if doubled:
        log.add("quotes", doubled)
    return re.sub(r"'{2,}", "'", text).replace("\r\n", "\n").replace("\r", "\n")


def mark_pages(lines: list[str], log: RepairLog) -> list[str]:
    """A line starting with one space is where a PDF page began; put a form feed line before it."""
    out: list[str] = []
    for line in lines:
        if PAGE_BREAK in line:
            *pieces, line = line.split(PAGE_BREAK)
            for piece in pieces:
                if piece.strip():
                    out.append(piece)
                out.append(PAGE_BREAK)
        if re.match(r"^ (?=[^\s-])", line):
            out.append(PAGE_BREAK)
            log.add("pages")
        out.append(line.rstrip())
    return out


def pull_links(lines: list[str], log: RepairLog) -> list[str]:
    """Lines that are only a URL are link blocks: keep the URL as a link, drop the line."""
    out = []
    for line in lines:
        match = URL_LINE.match(line)
        if match:
            url = match.group(1).rstrip(".,")
            if url not in log.links:
                log.links.append(url)
            log.add("url_lines")
            continue
        for text, url in MARKDOWN_LINK.findall(line):
            if url and url != "#" and url not in log.links:
                log.links.append(url)
                log.link_texts[url] = text
        out.append(MARKDOWN_LINK.sub(r"\1", line))
    return out


def unify_bullets(lines: list[str], log: RepairLog) -> list[str]:
    """OCR bullets ('e ', 'o '), '*', '•', '►', '▶' ... all become '- '."""
    out = []
    for line in lines:
        match = BULLET.match(line)
        if match:
            if match.group(0).strip() != "-":
                log.add("bullets")
            line = "- " + line[match.end():]
        out.append(line)
    return out


def drop_link_markers(lines: list[str], log: RepairLog) -> list[str]:
    """'»', '►', '▶', '[»' and stray '>' mark links in the prose: remove them, keep the words."""
    out = []
    for line in lines:
        body_start = 2 if line.startswith("- ") else 0
        body, n = LINK_MARKER.subn("", line[body_start:])
        if n:
            log.add("link_markers", n)
        out.append(line[:body_start] + body)
    return out


def strip_emphasis(lines: list[str], log: RepairLog) -> list[str]:
    """Markdown **bold** and *italic* markers go; the words stay."""
    out = []
    for line in lines:
        new = re.sub(r"\*\*(.+?)\*\*", r"\1", line)
        new = re.sub(r"(?<![\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\w*])", r"\1", new)
        out.append(new.replace("**", ""))
    return out


DIGIT_LETTERS = str.maketrans("10", "IO")


def repair_ocr(lines: list[str], log: RepairLog) -> list[str]:
    """Typical OCR confusions: 0.a. -> o.a., 0ok -> ook, lJssel -> IJssel, VeiIig -> Veilig."""
    rules = [
        (re.compile(r"\b[o0]?0\.a\."), "o.a."),
        (re.compile(r"\bo0\.a\."), "o.a."),
        (re.compile(r"\b0(?=[a-z]{2,}\b)"), "o"),
        (re.compile(r"\blJ(?=[a-z])"), "IJ"),
        (re.compile(r"(?<=[A-Za-z])II(?=[a-z])"), "ll"),
        (re.compile(r"(?<=[a-z])I(?=[aeiouy])"), "l"),   # not LinkedIn
        # '&' joins letters in abbreviations (P&C, I&O); numbers never stand around it,
        # so a 1 or 0 there is an OCR-read I or O: '1&0 Research' -> 'I&O Research'
        (re.compile(r"(?<![\w&])[A-Z01]&[A-Z01](?![\w&])"), lambda m: m.group().translate(DIGIT_LETTERS)),
        (re.compile(r"(?<![\w&])&0(?=\s+[A-Z])"), "&O"),     # the same with its first letter lost
    ]
    out = []
    for line in lines:
        for pattern, replacement in rules:
            line, n = pattern.subn(replacement, line)
            if n:
                log.add("ocr", n)
        out.append(line)
    return out


def strip_glyphs(lines: list[str], log: RepairLog) -> list[str]:
    """Stray box-drawing debris: glyph-only lines, and glyphs hanging off the ends of lines."""
    out = []
    for line in lines:
        if line == PAGE_BREAK:
            out.append(line)
            continue
        stripped = line.strip()
        alnum = sum(ch.isalnum() for ch in stripped)
        if stripped and (alnum <= 1 or (len(stripped) < 16 and alnum / len(stripped) < 0.5)):
            log.add("glyph_lines")
            continue
        new = LEADING_DEBRIS.sub("", LEADING_GLYPH.sub("", TRAILING_GLYPHS.sub("", line)))
        if new != line:
            log.add("glyphs")
        out.append(new)
    return out


def drop_furniture(lines: list[str], log: RepairLog) -> list[str]:
    """Navigation and page furniture: 'Terug naar de inhoud', page numbers, running headers."""
    counts = Counter(line.strip() for line in lines if 0 < len(line.strip()) <= 40)
    repeated = {
        text for text, n in counts.items()
        if n >= 3 and not STRUCTURAL.match(text) and not text.startswith(("- ", "/")) and not re.search(r"\d{3}", text)
    }
    out = []
    for line in lines:
        stripped = line.strip()
        if FURNITURE.match(stripped) or stripped in repeated:
            log.add("furniture")
            continue
        out.append(line)
    return out


def join_hyphenation(lines: list[str], log: RepairLog) -> list[str]:
    """Join words split by a line-break hyphen (kennisbijeenkom- / sten); keep real hyphens.

    'Zorg- en Veiligheidshuis' keeps its hyphen (a conjunction follows) and 'Rotterdam-
    Rijnmond' keeps it too (a capital follows); 'leerhuis- bijeenkomsten' inside a line is joined.
    """
    out: list[str] = []
    for line in lines:
        joined = re.sub(r"(?<=[a-zà-ÿ])- (?=([a-zà-ÿ]+))",
                        lambda m: "- " if m.group(1) in HYPHEN_CONJUNCTIONS else "", line)
        if joined != line:
            log.add("hyphens")
            line = joined
        if out and re.search(r"[a-zà-ÿ]-$", out[-1]) and re.match(r"^[a-zà-ÿ]", line):
            first_word = re.match(r"[a-zà-ÿ]+", line).group(0)
            if first_word not in HYPHEN_CONJUNCTIONS:
                out[-1] = out[-1][:-1] + line
                log.add("hyphens")
                continue
            out[-1] = out[-1] + " " + line
            continue
        if out and re.search(r"[a-zà-ÿ]-$", out[-1]) and re.match(r"^[A-ZÀ-Þ]", line):
            out[-1] = out[-1] + line
            log.add("hyphens")
            continue
        out.append(line)
    return out


def split_glued_headings(lines: list[str], log: RepairLog) -> list[str]:
    """'3.5 FinanciënDe VAR-website ...': a numbered heading glued to the next paragraph."""
    out = []
    for line in lines:
        match = re.match(r"^(\d+(?:\.\d+)*\.?\s+\S+?[a-zà-ÿ])([A-Z][a-z].{20,})$", line)
        if match:
            out.extend([match.group(1), "", match.group(2)])
            log.add("glued_headings")
        else:
            out.append(line)
    return out


COLUMN_YEARS_LINE = re.compile(r"^(?:19|20)\d\d\s+(?:19|20)\d\d$")
BOUNDARY_END = re.compile(r"[-.,;:)'\"]$")
BOUNDARY_START = re.compile(r"^[A-Z0-9'\"(]")


def two_column_heading(line: str) -> str | None:
    """'Monitoring Monitoring' or 'Huiselijk Geweld /Huiselijk Geweld': one heading over two columns."""
    words = line.replace("/", " ").replace("\\", " ").split()
    half = len(words) // 2
    if len(words) >= 2 and len(words) % 2 == 0 and words[:half] == words[half:] and len(line) <= 90:
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


def tidy_spaces(lines: list[str], log: RepairLog) -> list[str]:
    """One space between words, none at the ends."""
    return [re.sub(r"[ \t]{2,}", " ", line).strip() if line != PAGE_BREAK else line for line in lines]


LINE_REPAIRS = (
    mark_pages, pull_links, unify_bullets, drop_link_markers, strip_emphasis, repair_ocr,
    strip_glyphs, drop_furniture, split_glued_headings, tidy_spaces, split_interleaved_columns, join_hyphenation,
)


def normalise_text(text: str) -> tuple[str, RepairLog]:
    """Run every repair over a text; return the repaired text and the log of repairs."""
    log = RepairLog()
    lines = repair_characters(text, log).split("\n")
    for repair in LINE_REPAIRS:
        lines = repair(lines, log)
    return "\n".join(lines), log


def normalise_document(doc: ExtractedDocument) -> NormalisedDocument:
    """Stage entry point: an extracted document in, a repaired one out."""
    text, log = normalise_text(doc.text)
    return NormalisedDocument(meta=doc.meta, text=text, links=log.links, repairs=log.total,
                              link_texts=log.link_texts)
