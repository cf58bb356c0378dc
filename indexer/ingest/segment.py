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

import re
from collections import Counter
from dataclasses import dataclass, field

from ..analysis import STOP_WORDS
from .classify import theme_for_heading, theme_scores
from .normalise import PAGE_BREAK, two_column_heading
from .records import NormalisedDocument, SectionRecord
from ..text_utils import fold, slugify

YEAR_MARKER = re.compile(r"^(?:(terugblik|actieagenda)\s+)?((?:19|20)\d\d)$", re.IGNORECASE)
COLUMN_YEARS = re.compile(r"^((?:19|20)\d\d)\s+((?:19|20)\d\d)$")
GOAL_MARKER = re.compile(r"^meerjarendoel$", re.IGNORECASE)
VERVOLG = re.compile(r"\s*-\s*vervolg$", re.IGNORECASE)
NUMBERED = re.compile(r"^(\d+(?:\.\d+)*)\.?\s+(\S.*)$")
MARKDOWN_HEADING = re.compile(r"^#{1,4}\s+(.+)$")
THEMA_HEADING = re.compile(r"^thema:\s*(.+)$", re.IGNORECASE)
FINANCE_HEADING = re.compile(r"^(jaarrekening|begroting|realisatie|financi[eë]n)\b", re.IGNORECASE)
AMOUNT_END = re.compile(r"(?:€\s*)?\d{1,3}(?:\.\d{3})+(?:,\d+)?\s*$|\bpm$|€$")
MIN_SECTION_CHARS = 160
UNTITLED = "Inleiding"


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


@dataclass
class Topic:
    """A topic being built: its title, breadcrumb and text per report part."""

    title: str | None
    parents: tuple[str, ...] = ()
    parts: dict = field(default_factory=dict)      # (part, year) -> list of text blocks
    order: list = field(default_factory=list)
    pre_text: int = 0                               # characters seen before any year part
    theme: str | None = None
    columns: bool = False                           # printed as two year columns side by side
    guessed: list = field(default_factory=list)     # paragraphs put in the plan column by their tense

    def add(self, part: tuple[str, int | None], block: str) -> None:
        if part not in self.parts:
            self.parts[part] = []
            self.order.append(part)
        self.parts[part].append(block)

    @property
    def has_year_parts(self) -> bool:
        return any(part[0] for part in self.order)


# ---------------------------------------------------------------- units

def is_short_line(line: str) -> bool:
    """Could this line be a heading by its shape: short, no final punctuation, no amount, no tab."""
    words = line.split()
    return (
        0 < len(words) <= 9 and len(line) <= 70 and "\t" not in line
        and not line.startswith("- ") and re.match(r"^[\"'(/]?[A-ZÀ-Þ0-9]", line) is not None
        and not re.search(r"[.,;:]$", line) and re.search(r"[A-Za-zÀ-ÿ]{3}", line) is not None
        and not AMOUNT_END.search(line)
    )


def read_units(text: str) -> list[Unit]:
    """Turn normalised text into units, page by page."""
    units: list[Unit] = []
    for page_no, page in enumerate(text.split(PAGE_BREAK)):
        lines = page.split("\n")
        i = 0
        paragraph: list[str] = []

        def flush() -> None:
            if paragraph:
                units.append(Unit("para", "\n".join(paragraph), page=page_no))
                paragraph.clear()

        while i < len(lines):
            line = lines[i].strip()
            prev_blank = i == 0 or not lines[i - 1].strip()
            nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
            unit = classify_line(line, prev_blank, nxt)
            if unit is None:
                if line:
                    paragraph.append(line)
                else:
                    flush()
                i += 1
                continue
            flush()
            i += 1
            if unit.strength == "numbered":  # headings wrapped over up to three short lines
                while i < len(lines) and 0 < len(lines[i].strip()) <= 30 and not NUMBERED.match(lines[i].strip()) \
                        and not lines[i].strip().endswith(".") and len(unit.text) < 60:
                    unit.text += " " + lines[i].strip()
                    i += 1
            unit.page = page_no
            units.append(unit)
        flush()
    return units


def classify_line(line: str, prev_blank: bool, next_line: str) -> Unit | None:
    """A structural unit for this line, or None when it is ordinary text."""
    if not line:
        return None
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
    if line.startswith("/") and (is_short_line(line[1:]) or re.fullmatch(r"/[a-z]{5,}", line)):
        return Unit("heading", line[1:].strip(), "continuation")      # '/hnensenhandel': OCR-damaged too
    if halves := two_column_heading(line):
        return Unit("heading", halves, "columns")
    if continues_as_paragraph(line, next_line):
        return None
    if (m := NUMBERED.match(line)) and is_short_line(m.group(2)) and len(line) <= 60 and not YEAR_MARKER.match(line):
        return Unit("heading", m.group(2).strip(), "numbered", number=m.group(1))
    if not prev_blank or not is_short_line(line):
        return None
    if FINANCE_HEADING.match(line):
        return Unit("heading", line, "finance")
    if next_line and is_short_line(next_line) and not next_line.startswith("- "):
        return None  # a run of short lines is a signature, address or list, not a heading
    return Unit("heading", line, "weak")


def continues_as_paragraph(line: str, next_line: str) -> bool:
    """The first line of a wrapped paragraph: the sentence runs on into the next line."""
    last_word = line.split()[-1].lower() if line.split() else ""
    return bool(re.match(r"^[a-zà-ÿ0-9(]", next_line)) or last_word in STOP_WORDS or line.endswith("-")


def part_for_year(year: int, label: str, report_years: tuple[int, ...]) -> tuple[str, int]:
    """Which report part a year marker opens: the past year's verslag or the coming year's plan."""
    if label == "terugblik" or label == "jaarverslag":
        return ("verslag", year)
    if label in ("actieagenda", "jaarplan"):
        return ("plan", year)
    if report_years and year >= max(report_years) and len(set(report_years)) > 1:
        return ("plan", year)
    return ("verslag", year)


def plan_year(report_years: tuple[int, ...]) -> int | None:
    return max(report_years) if report_years else None


def finance_part(heading: str, report_years: tuple[int, ...]) -> tuple[str, int | None]:
    """'Jaarrekening 2024' -> ('rekening', 2024); 'Begroting 2025' -> ('begroting', 2025)."""
    folded = fold(heading)
    years = [int(y) for y in re.findall(r"(?:19|20)\d\d", heading)]
    first_word = re.match(r"\w+", folded).group(0)
    if first_word == "begroting":
        return ("begroting", years[0] if years else plan_year(report_years))
    if first_word in ("jaarrekening", "realisatie"):
        return ("rekening", years[0] if years else (report_years[0] if report_years else None))
    return ("rekening", years[0] if years else (report_years[0] if report_years else None))


# ---------------------------------------------------------------- the segmenter

class ReportSegmenter:
    """Builds topics from the unit stream of one document (headings lead their text)."""

    def __init__(self, doc: NormalisedDocument):
        self.doc = doc
        self.years = doc.meta.years
        self.topics: list[Topic] = []
        self.topic = self.new_topic(None)
        self.part: tuple[str, int | None] = ("", None)
        self.pending_year: Unit | None = None

    def new_topic(self, title: str | None, parents: tuple[str, ...] = ()) -> Topic:
        topic = Topic(title, parents, theme=theme_for_heading(title) if title else None)
        self.topics.append(topic)
        self.topic = topic
        self.part = ("", None)
        return topic

    def find_topic(self, title: str, fuzzy: bool = False) -> Topic | None:
        """The latest topic with this title; with ``fuzzy``, also one OCR damage away ('/hnensenhandel')."""
        key = heading_key_simple(title)
        for topic in reversed(self.topics):
            if topic.title and heading_key_simple(topic.title) == key:
                return topic
        if fuzzy and len(key) >= 6:
            for topic in reversed(self.topics):
                if topic.title and near(heading_key_simple(topic.title), key):
                    return topic
        return None

    def run(self, units: list[Unit]) -> list[Topic]:
        self.last_page, self.last_kind = -1, ""
        for unit in units:
            handler = getattr(self, "on_" + unit.kind)
            handler(unit)
            self.last_page, self.last_kind = unit.page, unit.kind
        if self.pending_year:
            self.apply_year(self.pending_year)
        return self.topics

    def on_columns(self, unit: Unit) -> None:
        self.pending_year = Unit("year", unit.text, year=unit.year)

    def on_year(self, unit: Unit) -> None:
        if self.pending_year:
            self.apply_year(self.pending_year)
        if self.last_kind == "heading" and not self.topic.parts.get(self.part):
            self.part = part_for_year(unit.year, unit.label, self.years)   # 'Monitoring' then '2024'
            return
        self.pending_year = unit

    def apply_year(self, unit: Unit) -> None:
        """A year marker not followed by a heading: a new part of this topic, or of a new untitled one."""
        self.pending_year = None
        part = part_for_year(unit.year, unit.label, self.years)
        topic = self.topic
        going_back = (self.part[0] in ("verslag", "plan") and part[1] <= self.part[1]
                      and bool(topic.parts.get(self.part)))
        if going_back or topic.pre_text > 200:
            self.new_topic(None)
        self.part = part

    def on_goal(self, unit: Unit) -> None:
        if self.pending_year:
            self.apply_year(self.pending_year)
        if self.topic.has_year_parts or self.topic.pre_text > 200:
            self.new_topic(None)
        self.part = ("doel", plan_year(self.years))

    def on_heading(self, unit: Unit) -> None:
        pending, self.pending_year = self.pending_year, None
        if unit.strength == "continuation" or VERVOLG.search(unit.text):
            self.continue_topic(unit, pending)
        elif unit.strength == "finance":
            self.new_topic(unit.text)
            self.part = finance_part(unit.text, self.years)
        elif not self.starts_topic(unit, pending):
            self.add_text(unit.text)            # a subheading inside a report part stays in the text
        elif pending is not None and pending.label:
            self.part = part_for_year(pending.year, pending.label, self.years)
            self.add_text(unit.text)            # 'Actieagenda 2022' then a subheading
        else:
            self.open_topic(unit, pending)

    def starts_topic(self, unit: Unit, pending: Unit | None) -> bool:
        """Does this heading begin a topic, or is it a subheading of the current report part?"""
        in_finance = self.part[0] in ("rekening", "begroting")
        named = theme_for_heading(unit.text)
        return (
            unit.strength in ("strong", "numbered")
            or (unit.strength == "columns" and not in_finance)
            or (pending is not None and not pending.label)
            or not self.topic.has_year_parts
            or (named is not None and named != self.topic.theme and not in_finance)
        )

    def continue_topic(self, unit: Unit, pending: Unit | None) -> None:
        """'/Mensenhandel' or 'Kennisbijeenkomsten - vervolg': back to a topic, usually its next column."""
        title = VERVOLG.sub("", unit.text)
        topic = self.find_topic(title, fuzzy=True)
        if topic is None and unit.strength == "continuation" and self.topic.has_year_parts:
            in_finance = self.part[0] in ("rekening", "begroting")
            self.part = ("begroting" if in_finance else "plan", plan_year(self.years))
            self.add_text(title)                # '/Agenda': a subheading of the plan column
            return
        self.topic = topic or self.new_topic(title)
        if self.topic.guessed:                  # the columns were split for real: undo the tense guesses
            plan = ("plan", plan_year(self.years))
            for text in self.topic.guessed:
                self.topic.parts[plan].remove(text)
                self.topic.add(("verslag", self.years[0]), text)
            self.topic.guessed.clear()
        if pending:
            self.part = part_for_year(pending.year, pending.label, self.years)
        elif unit.strength == "continuation":
            self.part = ("plan", plan_year(self.years))

    def open_topic(self, unit: Unit, pending: Unit | None) -> None:
        """Start a topic and decide which report part its text begins in."""
        in_body = self.topic.has_year_parts
        inherited = self.part if in_body and pending is None and unit.strength == "weak" else None
        if in_body and unit.page != self.last_page and len(self.years) > 1:
            inherited = ("verslag", self.years[0])    # a topic opening a page starts in the first column
        carried = self.part if self.last_kind == "year" and not any(self.topic.parts.values()) else None
        if self.find_topic(unit.text) is not self.topic:
            self.new_topic(unit.text)
        if carried and not pending and not inherited:
            self.part = carried                 # 'VEILIG ONDERNEMEN' / '2021' / 'Platform Veilig Ondernemen'
        elif pending:
            self.part = part_for_year(pending.year, pending.label, self.years)
        elif unit.strength == "columns" and self.years:
            self.part = ("verslag", self.years[0])    # 'Monitoring Monitoring': both columns, verslag first
            self.topic.columns = True
        elif inherited:
            self.part = inherited

    def on_para(self, unit: Unit) -> None:
        if self.pending_year:
            self.apply_year(self.pending_year)
        self.add_text(unit.text)

    def add_text(self, text: str) -> None:
        if not self.part[0]:
            self.topic.pre_text += len(text)
        part = self.part
        if self.topic.columns and part[0] == "verslag" and len(self.years) > 1 and looks_ahead(text):
            part = ("plan", plan_year(self.years))     # a paragraph of the coming year's column
            self.topic.guessed.append(text)
        self.topic.add(part, text)


PLAN_WORDS = frozenset({"wordt", "worden", "zal", "zullen", "gaat", "gaan", "verwacht", "verwachten", "komende",
                        "komend", "volgend", "volgende", "gepland", "streven", "willen", "wil", "plannen"})
PAST_WORDS = frozenset({"werd", "werden", "vond", "vonden", "was", "waren", "heeft", "hebben", "had", "hadden",
                        "volgde", "volgden", "afgelopen", "verscheen", "verschenen"})


def looks_ahead(text: str) -> bool:
    """Does a paragraph speak of the coming year (future and intent verbs) more than of the past?"""
    words = re.findall(r"[a-z]+", fold(text))
    return sum(w in PLAN_WORDS for w in words) > sum(w in PAST_WORDS for w in words)


def heading_key_simple(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", fold(title)).strip()


def near(a: str, b: str) -> bool:
    """At most two edits apart (OCR damage in a repeated heading)."""
    from difflib import SequenceMatcher

    return abs(len(a) - len(b)) <= 2 and SequenceMatcher(None, a, b).ratio() >= 0.85


# ---------------------------------------------------------------- trailing headings

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
    part = topic.order[-1] if topic.order else ("", None)
    for unit in chunk:
        topic.add(part, unit.text)
    chunk.clear()


def topic_theme(topic: Topic) -> str | None:
    return topic.theme or top_theme(topic.title or "") or top_theme(" ".join(sum(topic.parts.values(), [])))


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


def top_theme(text: str) -> str | None:
    scores = theme_scores(text)
    return scores.most_common(1)[0][0] if scores else None


# ---------------------------------------------------------------- titles from the table of contents

def toc_candidates(text: str) -> list[str]:
    """Entries of the table of contents: runs of at least three short items near the start.

    An item is a short heading-like line or bullet of at most six words without digits;
    a run may have blank lines between its items but nothing else.
    """
    lines = [line.strip() for line in text.split("\n")]
    limit = next((i for i, line in enumerate(lines) if YEAR_MARKER.match(line) or GOAL_MARKER.match(line)),
                 len(lines))
    runs: list[list[str]] = [[]]
    for line in lines[:limit]:
        item = line[2:] if line.startswith("- ") else line
        if not item:
            continue
        if is_short_line(item) and len(item.split()) <= 6 and not re.search(r"\d", item):
            runs[-1].append(item)
        elif runs[-1]:
            runs.append([])
    seen, out = set(), []
    for run in runs:
        for item in run if len(run) >= 3 else []:
            if fold(item) not in seen:
                seen.add(fold(item))
                out.append(item)
    return out


def content_words(text: str) -> Counter:
    return Counter(w for w in re.findall(r"[a-z]{3,}", fold(text)) if w not in STOP_WORDS)


def recover_titles(topics: list[Topic], text: str) -> None:
    """Give untitled topics the table-of-contents entry their text matches best.

    A candidate fits a topic when every one of its words occurs there; its score is the
    mean share of each word's occurrences (over all untitled topics) that fall in this
    topic, so words every topic uses ("thema's", "veiligheid") count for little and a
    name that belongs to one topic ("Burgernet") counts fully. Each entry is used once.
    """
    untitled = [t for t in topics if t.title is None and t.has_year_parts]
    if not untitled:
        return
    used = {heading_key_simple(t.title) for t in topics if t.title and t.has_year_parts}
    candidates = [c for c in toc_candidates(text) if heading_key_simple(c) not in used]
    bags = [content_words(" ".join(sum(t.parts.values(), []))) for t in untitled]

    def count(bag: Counter, word: str) -> int:
        if len(word) >= 8:   # inflected forms of long words: veiligheidstrends ~ veiligheidstrend
            return sum(n for w, n in bag.items() if w.startswith(word[:-2]))
        return bag[word]

    pairs = []
    for c_index, candidate in enumerate(candidates):
        words = list(content_words(candidate))
        if not words:
            continue
        totals = {w: sum(count(bag, w) for bag in bags) for w in words}
        for t_index, bag in enumerate(bags):
            shares = [count(bag, w) / totals[w] for w in words if totals[w]]
            if len(shares) < len(words) or not all(shares):
                continue
            pairs.append((sum(shares) / len(shares), c_index, t_index))
    taken_c, taken_t = set(), set()
    for score, c_index, t_index in sorted(pairs, reverse=True):
        if c_index in taken_c or t_index in taken_t or score < 0.2:
            continue
        untitled[t_index].title = candidates[c_index]
        untitled[t_index].theme = theme_for_heading(candidates[c_index])
        taken_c.add(c_index)
        taken_t.add(t_index)


# ---------------------------------------------------------------- sections

def paragraph_text(blocks: list[str]) -> str:
    """Blocks joined as paragraphs; lines inside a paragraph reflowed, bullets kept on their own line."""
    out = []
    for block in blocks:
        lines: list[str] = []
        for line in block.split("\n"):
            if lines and not line.startswith("- ") and not re.search(r"[.:;!?]$", lines[-1]) \
                    and len(lines[-1]) > 50:
                lines[-1] += " " + line
            elif lines and not line.startswith("- ") and lines[-1].startswith("- ") and len(lines[-1]) > 50 \
                    and re.match(r"^[a-z(]", line):
                lines[-1] += " " + line
            else:
                lines.append(line)
        out.append("\n".join(lines))
    return "\n\n".join(b for b in out if b.strip())


def sections_from_topics(doc: NormalisedDocument, topics: list[Topic]) -> list[SectionRecord]:
    """One SectionRecord per (topic, part) with text; tiny ones fold into their neighbour."""
    sections: list[SectionRecord] = []
    used_ids: Counter = Counter()
    for topic in topics:
        for part in topic.order:
            text = paragraph_text(topic.parts[part])
            if not text.strip():
                continue
            title = topic.title or (topic.has_year_parts and top_theme(text)) or UNTITLED
            if len(text) < MIN_SECTION_CHARS and sections and sections[-1].doc_id == doc.meta.doc_id:
                sections[-1].text += "\n\n" + (title + "\n" if topic.title else "") + text
                continue
            with_year = part[0] and part[1] and str(part[1]) not in title
            slug = slugify(f"{title} {part[1]}" if with_year else title, 50)
            used_ids[slug] += 1
            if used_ids[slug] > 1:
                slug = f"{slug}-{used_ids[slug]}"
            sections.append(SectionRecord(
                id=f"{doc.meta.doc_id}--{slug}", doc_id=doc.meta.doc_id, doc_title=doc.meta.title,
                title=title, anchor=slug, text=text, position=len(sections),
                parents=topic.parents, part=part[0], part_year=part[1],
                url=f"{doc.meta.url}#{slug}" if doc.meta.url else "",
            ))
    attach_links(sections, doc.links, doc.link_texts)
    return sections


def attach_links(sections: list[SectionRecord], links: list[str], link_texts: dict[str, str]) -> None:
    """Give each section the links it holds: by anchor text where known, else when it
    mentions most of the words of the URL's path (PDF link blocks lose their anchors)."""
    for section in sections:
        folded = fold(section.text)
        for url in links:
            anchor = fold(link_texts.get(url, ""))
            slug_words = [w for w in re.split(r"[^a-z0-9]+", fold(url.split("//")[-1].split("/", 1)[-1])) if len(w) >= 5]
            if (len(anchor) >= 4 and anchor in folded) or \
                    (not anchor and slug_words and sum(w in folded for w in slug_words) * 2 >= len(slug_words)):
                section.links.append(url)


def segment_report(doc: NormalisedDocument) -> list[SectionRecord]:
    """Stage entry point: a normalised document in, its sections out (unclassified)."""
    units = read_units(doc.text)
    if headings_trail(units):
        topics = segment_trailing(doc, units)
    else:
        topics = ReportSegmenter(doc).run(units)
        recover_titles(topics, doc.text)
    return sections_from_topics(doc, topics)
