"""The general strategy for structured documents: regulations, handreidingen, web pages.

Headings come from the text's outline: Markdown headings (every format arrives with them)
and, in plain text, lines that open a legal unit ('Hoofdstuk 2', 'Artikel 3a', '§ 4').
Legal units rank by what they are (a Titel holds Hoofdstukken, which hold Artikelen),
whatever the number of hashes the converter gave them; a heading right under a legal
unit's heading with no text between is its subtitle ('Artikel 1' + 'Taak'). Each heading
with text becomes a section, with the headings above it as its breadcrumb; a title used
twice in one document is told apart by its parent. A short document stays one section.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..records import PAGE_BREAK
from .topics import Topic

ATX = re.compile(r"^(#{1,6}) (.+?)\s*$")
LEGAL = re.compile(r"^(titel|hoofdstuk|afdeling|paragraaf|§|artikel)\s*([0-9IVXLC]+[a-z]?(?:\.\d+)*)\.?"
                   r"(?:\s+(.*))?$", re.IGNORECASE)
LEGAL_RANK = {"titel": 1, "hoofdstuk": 2, "afdeling": 3, "paragraaf": 4, "§": 4, "artikel": 5}
LEGAL_LEVEL = 2               # a legal unit's outline level is LEGAL_LEVEL + its rank
SHORT_DOCUMENT = 1500         # characters: a news item or factsheet stays one section
MAX_HEADING_LINE = 120
# the characters a heading line starts with: ATX's '#' and LEGAL's first letters in either case
HEADING_STARTS = frozenset("#§AaHhPpTt")


@dataclass
class Heading:
    title: str
    level: int
    legal: bool = False
    lines: list[str] = field(default_factory=list)


def heading_of(line: str) -> Heading | None:
    """The heading a line opens, with its outline level, or None for ordinary text."""
    if line[:1] not in HEADING_STARTS:
        return None
    if m := ATX.match(line):
        title = m.group(2).strip()
        legal = LEGAL.match(title)
        level = LEGAL_LEVEL + LEGAL_RANK[legal.group(1).lower()] if legal else len(m.group(1))
        return Heading(clean(title), level, legal=bool(legal))
    if len(line) <= MAX_HEADING_LINE and (legal := LEGAL.match(line)) and not re.search(r"[.;,:]$", legal.group(3) or ""):
        return Heading(clean(line), LEGAL_LEVEL + LEGAL_RANK[legal.group(1).lower()], legal=True)
    return None


def clean(title: str) -> str:
    return re.sub(r"\s+", " ", title).strip(" *_#")


def outline(text: str) -> list[Heading]:
    """The document as headings with their own lines; text before the first heading has level 0."""
    nodes = [Heading("", 0)]
    for line in text.replace(PAGE_BREAK, "\n").split("\n"):
        heading = heading_of(line.strip())
        if heading is None:
            nodes[-1].lines.append(line)
        elif nodes[-1].legal and not has_text(nodes[-1]) and not heading.legal and heading.level > LEGAL_LEVEL:
            nodes[-1].title += ". " + heading.title          # 'Artikel 1' + 'Taak': a subtitle
        else:
            nodes.append(heading)
    return nodes


def has_text(node: Heading) -> bool:
    return any(line.strip() for line in node.lines)


def is_structured(text: str, nodes: list[Heading] | None = None) -> bool:
    """Does the text carry an outline of its own (at least two headings)? ``nodes``: its outline, if known."""
    return len((outline(text) if nodes is None else nodes)[1:]) >= 2


def segment_structured(title: str, text: str, nodes: list[Heading] | None = None) -> list[Topic]:
    """Topics of a structured document: one per heading with text, breadcrumbs from the outline
    (``nodes``: the text's outline, if the caller has it already)."""
    nodes = outline(text) if nodes is None else nodes
    if len(text) <= SHORT_DOCUMENT:
        body = [line for node in nodes
                for line in ([node.title] if node.level and not names_document(node.title, title) else []) + node.lines]
        return [topic_of(title, (), body)]
    topics, stack = [], []
    for node in nodes:
        while stack and stack[-1].level >= node.level:
            stack.pop()
        parents = tuple(h.title for h in stack if h.title and not names_document(h.title, title))
        if has_text(node):
            # the document's own title heading is the opening of its text (a regulation's formal title)
            lines = [node.title, ""] + node.lines if names_document(node.title, title) else node.lines
            topics.append(topic_of(node.title or title, parents, lines))
        if node.level:
            stack.append(node)
    distinguish_titles(topics)
    return topics


def names_document(heading: str, title: str) -> bool:
    """Is this heading the document's title (which may have been shortened with '…')?"""
    return bool(heading) and (heading == title or title.endswith("…") and heading.startswith(title[:-1].rstrip()))


def topic_of(title: str, parents: tuple[str, ...], lines: list[str]) -> Topic:
    topic = Topic(title or None, parents)
    for block in re.split(r"\n\s*\n", "\n".join(lines).strip()):
        if block.strip():
            topic.add(("", None), block.strip())
    return topic


def distinguish_titles(topics: list[Topic]) -> None:
    """A title used more than once in a document gets its nearest parent: 'Taak — Artikel 2'."""
    counts: dict[str, int] = {}
    for topic in topics:
        counts[topic.title or ""] = counts.get(topic.title or "", 0) + 1
    for topic in topics:
        if topic.title and counts[topic.title] > 1 and topic.parents:
            topic.title = f"{topic.title} — {topic.parents[-1]}"
