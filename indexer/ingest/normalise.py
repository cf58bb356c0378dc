"""Stage 2, normalise: repair text that came out of PDFs, OCR and web pages.

Each repair is one small function over the list of lines; `normalise_text` runs them
in order and counts what it changed, so that the cleaner of two copies of a report
can be told apart later. Lines are kept (the segmenter needs them); pages are marked
with a form feed line.
"""
from __future__ import annotations

import re
from collections import Counter
from functools import partial

from .columns import LEADING_GLYPH, split_interleaved_columns
from .records import PAGE_BREAK, ExtractedDocument, NormalisedDocument, RepairLog
from ..text_utils import visible


_CHAR_REPAIRS = {
    "\ufb01": "fi", "\ufb02": "fl", "\ufb00": "ff", "\ufb03": "ffi", "\ufb04": "ffl",
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u2032": "'", "\u00b4": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"',
    "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u2002": " ", "\u2003": " ",
    "\u2013": "-", "\u2014": "-", "\u2011": "-",
}
DOUBLED_QUOTES = re.compile(r"'{2,}")
PAGE_START = re.compile(r"^ (?=[^\s-])")
URL_LINE = re.compile(r"^\s*((?:https?://|www\.)\S+)\s*[(\[]?\s*$")
MARKDOWN_LINK = re.compile(r"\[([^\]\n]*)\]\(([^)\s]*)\)")
BULLET = re.compile(r"^\s*(?:[eo](?=\s+[A-Z0-9\"'(])|\*(?!\*)|•|·|-|►|▶|➤|■|▪)\s+")
LINK_MARKER = re.compile(r"\s*(?:\[\s*)?(?:»|►|▶|➤)(?:\s*\])?|\s\[(?=\s)|\s>(?=\s|$)")
LINK_MARKER_CHARS = re.compile(r"[»►▶➤\[>]")       # one of them is in every LINK_MARKER match
FURNITURE = re.compile(r"^(?:terug naar (?:de inhoud|het overzicht|het)\b.*|overzicht|\d{1,3})$", re.IGNORECASE)
TRAILING_GLYPHS = re.compile(r"(?<=\S)(?:\s+(?:[o°NAv™\\/)(]|\(\)|o %|\\_ %|\\_(?:\s+[A-Z])?))+\s*$")
# the last character of every TRAILING_GLYPHS match but its spaces: a line ending otherwise needs no search
GLYPH_ENDS = frozenset("o°NAv™\\/)(%_ABCDEFGHIJKLMNOPQRSTUVWXYZ")
TWO_ALNUM = re.compile(r"[^\W_].*?[^\W_]", re.DOTALL)     # [^\W_] is str.isalnum
ALNUM_RUN = re.compile(r"[^\W_]+")
# three or more leading scraps of at most two characters, none a word ('.g . &8 & - wordt'): scanner debris
LEADING_DEBRIS = re.compile(r"^\s*(?:(?:[^\w\s]+\w?|\w[^\w\s]+|[^\w\s])\s+){3,}(?=\w)")
HYPHEN_CONJUNCTIONS = {"en", "of", "tot", "noch", "als", "dan", "maar"}
STRUCTURAL = re.compile(r"^(?:(?:19|20)\d\d|meerjarendoel|terugblik \d{4}|actieagenda \d{4})$", re.IGNORECASE)


def repair_characters(text: str, log: RepairLog) -> str:
    """Ligatures, curly quotes, odd spaces and dashes to plain forms; NFC, without invisible characters."""
    text = visible(text)
    for bad, good in _CHAR_REPAIRS.items():
        text = text.replace(bad, good)      # one C scan per character: faster than str.translate's lookups
    if "''" in text:                        # seldom: the pattern would be tried at every character
        text, doubled = DOUBLED_QUOTES.subn("'", text)
        log.add("quotes", doubled)
    return text.replace("\r\n", "\n").replace("\r", "\n")


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
        if line.startswith(" ") and PAGE_START.match(line):
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
        if "](" not in line:             # no Markdown link: most lines
            out.append(line)
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
        if not LINK_MARKER_CHARS.search(line):
            out.append(line)
            continue
        body_start = 2 if line.startswith("- ") else 0
        body, n = LINK_MARKER.subn("", line[body_start:])
        if n:
            log.add("link_markers", n)
        out.append(line[:body_start] + body)
    return out


BOLD = re.compile(r"\*\*(.+?)\*\*")
ITALIC = re.compile(r"(?<![\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\w*])")


def strip_emphasis(lines: list[str], log: RepairLog) -> list[str]:
    """Markdown **bold** and *italic* markers go; the words stay."""
    out = []
    for line in lines:
        if "*" not in line:
            out.append(line)
            continue
        new = BOLD.sub(r"\1", line)
        new = ITALIC.sub(r"\1", new)
        out.append(new.replace("**", ""))
    return out


DIGIT_LETTERS = str.maketrans("10", "IO")
# A letter, '&' and a letter ('1&0'), none of them joined to more: found from its '&' (the regex
# engine jumps between those), the letter before it being looked back at, not matched.
AMPERSAND = re.compile(r"&(?<=(?<![\w&])[A-Z01]&)[A-Z01](?![\w&])")


def ampersand_letters(text: str) -> tuple[str, int]:
    """'1&0 Research' -> 'I&O Research', and how many were changed: '&' joins letters in abbreviations
    (P&C, I&O) and numbers never stand around it, so a 1 or 0 there is an OCR-read I or O."""
    pieces, done = [], 0
    for match in AMPERSAND.finditer(text):
        before = match.start() - 1
        pieces += [text[done:before], text[before:match.end()].translate(DIGIT_LETTERS)]
        done = match.end()
    return "".join(pieces) + text[done:], len(pieces) // 2


def rule(pattern: str, replacement: str):
    """An OCR rule as a function: text -> (repaired text, number of repairs)."""
    return partial(re.compile(pattern).subn, replacement)


# (what every match holds, the rule): a rule is not run over a text without it.
# Each rule matches inside one line (a line end is neither a letter nor [\w&], and never a
# space the last rule looks for), so the rules run over all lines joined, one call per rule.
# Where a rule can start with its letters and look back after them (\b0 is 0(?<!\w0)), it does:
# the regex engine then jumps between those letters instead of trying every position.
OCR_RULES = (
    ("0.a.", rule(r"\b[o0]?0\.a\.", "o.a.")),
    ("o0.a.", rule(r"\bo0\.a\.", "o.a.")),
    ("0", rule(r"0(?<!\w0)(?=[a-z]{2,}\b)", "o")),
    ("lJ", rule(r"lJ(?<!\wlJ)(?=[a-z])", "IJ")),
    ("II", rule(r"II(?<=[A-Za-z]II)(?=[a-z])", "ll")),
    ("I", rule(r"I(?<=[a-z]I)(?=[aeiouy])", "l")),   # not LinkedIn
    ("&", ampersand_letters),
    ("&0", rule(r"(?<![\w&])&0(?=[^\S\n]+[A-Z])", "&O")),     # '1&0' with its first letter lost
)


def repair_ocr(lines: list[str], log: RepairLog) -> list[str]:
    """Typical OCR confusions: 0.a. -> o.a., 0ok -> ook, lJssel -> IJssel, VeiIig -> Veilig."""
    text = "\n".join(lines)
    for needed, repair in OCR_RULES:
        if needed not in text:
            continue
        text, n = repair(text)
        if n:
            log.add("ocr", n)
    return text.split("\n")


def strip_glyphs(lines: list[str], log: RepairLog) -> list[str]:
    """Stray box-drawing debris: glyph-only lines, and glyphs hanging off the ends of lines."""
    out = []
    for line in lines:
        if line == PAGE_BREAK:
            out.append(line)
            continue
        if is_glyph_line(line.strip()):
            log.add("glyph_lines")
            continue
        new = TRAILING_GLYPHS.sub("", line) if line.rstrip()[-1:] in GLYPH_ENDS else line
        if new.startswith(("\\", "|")):     # where every LEADING_GLYPH starts: most lines need no call
            new = LEADING_GLYPH.sub("", new)
        new = LEADING_DEBRIS.sub("", new)
        if new != line:
            log.add("glyphs")
        out.append(new)
    return out


def is_glyph_line(stripped: str) -> bool:
    """A line of debris: at most one letter or digit, or a short line less than half letters and digits."""
    if not stripped:
        return False
    if len(stripped) >= 16:
        return TWO_ALNUM.search(stripped) is None       # stops at the second letter: no count needed
    alnum = sum(map(len, ALNUM_RUN.findall(stripped)))
    return alnum <= 1 or alnum / len(stripped) < 0.5


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


HYPHEN_IN_LINE = re.compile(r"(?<=[a-zà-ÿ])- (?=([a-zà-ÿ]+))")
HYPHEN_AT_END = re.compile(r"[a-zà-ÿ]-$")
LOWER_WORD = re.compile(r"[a-zà-ÿ]+")
UPPER_START = re.compile(r"[A-ZÀ-Þ]")


def keep_conjunction_hyphen(match: re.Match) -> str:
    """'Zorg- en' keeps its hyphen and space; 'leerhuis- bijeenkomsten' loses both."""
    return "- " if match.group(1) in HYPHEN_CONJUNCTIONS else ""


def ends_in_hyphen(line: str) -> bool:
    """Does the line end in a word broken off with a hyphen ('kennisbijeenkom-')?"""
    return HYPHEN_AT_END.search(line[-3:]) is not None     # a match is the last characters: read only those


def join_hyphenation(lines: list[str], log: RepairLog) -> list[str]:
    """Join words split by a line-break hyphen (kennisbijeenkom- / sten); keep real hyphens.

    'Zorg- en Veiligheidshuis' keeps its hyphen (a conjunction follows) and 'Rotterdam-
    Rijnmond' keeps it too (a capital follows); 'leerhuis- bijeenkomsten' inside a line is joined.
    """
    out: list[str] = []
    for line in lines:
        # a letter stands before every HYPHEN_IN_LINE match: a list item's own '- ' is no reason to look
        joined = HYPHEN_IN_LINE.sub(keep_conjunction_hyphen, line) if line.find("- ", 1) >= 0 else line
        if joined != line:
            log.add("hyphens")
            line = joined
        broken = bool(out) and out[-1].endswith("-") and ends_in_hyphen(out[-1])     # the cheap test first
        if broken and (first_word := LOWER_WORD.match(line)):
            if first_word.group(0) not in HYPHEN_CONJUNCTIONS:
                out[-1] = out[-1][:-1] + line
                log.add("hyphens")
                continue
            out[-1] = out[-1] + " " + line
            continue
        if broken and UPPER_START.match(line):
            out[-1] = out[-1] + line
            log.add("hyphens")
            continue
        out.append(line)
    return out


GLUED_HEADING = re.compile(r"^(\d+(?:\.\d+)*\.?\s+\S+?[a-zà-ÿ])([A-Z][a-z].{20,})$")


def split_glued_headings(lines: list[str], log: RepairLog) -> list[str]:
    """'3.5 FinanciënDe VAR-website ...': a numbered heading glued to the next paragraph."""
    out = []
    for line in lines:
        match = GLUED_HEADING.match(line)
        if match:
            out.extend([match.group(1), "", match.group(2)])
            log.add("glued_headings")
        else:
            out.append(line)
    return out


SPACE_RUN = re.compile(r"[ \t]{2,}")


def tidy_spaces(lines: list[str], log: RepairLog) -> list[str]:
    """One space between words, none at the ends."""
    return [line if line == PAGE_BREAK else single_spaced(line).strip() for line in lines]


def single_spaced(line: str) -> str:
    """Runs of spaces and tabs as one space (a line without two spaces or a tab is left unread)."""
    return SPACE_RUN.sub(" ", line) if "  " in line or "\t" in line else line


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
