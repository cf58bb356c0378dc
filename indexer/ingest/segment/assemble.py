"""Sections from topics: one SectionRecord per (topic, report part), with its text and links."""
from __future__ import annotations

import re
from collections import Counter

from ...text_utils import fold, slugify
from ...themes import heading_key
from ..records import NormalisedDocument, SectionRecord
from .topics import Topic, top_theme

MIN_SECTION_CHARS = 160
MAX_SECTION_CHARS = 12_000      # a longer section is split: hits stay readable and snippets cheap
UNTITLED = "Inleiding"
SENTENCE_END = re.compile(r"[.:;!?]$")        # searched in a line's last two characters only: its end
LOWER_START = re.compile(r"[a-z(]")


def paragraph_text(blocks: list[str]) -> str:
    """Blocks joined as paragraphs; lines inside a paragraph reflowed, bullets kept on their own line."""
    out = []
    for block in blocks:
        lines: list[str] = []
        for line in block.split("\n"):
            if lines and not line.startswith("- ") and not SENTENCE_END.search(lines[-1][-2:]) \
                    and len(lines[-1]) > 50:
                lines[-1] += " " + line
            elif lines and not line.startswith("- ") and lines[-1].startswith("- ") and len(lines[-1]) > 50 \
                    and LOWER_START.match(line):
                lines[-1] += " " + line
            else:
                lines.append(line)
        out.append("\n".join(lines))
    return "\n\n".join(b for b in out if b.strip())


def sections_from_topics(doc: NormalisedDocument, topics: list[Topic]) -> list[SectionRecord]:
    """One SectionRecord per (topic, part) with text; tiny ones fold into the section before them,
    until it has taken MIN_SECTION_CHARS of them (a run of one-line articles or headings becomes
    sections of a few each, never one section without bound)."""
    sections: list[SectionRecord] = []
    used_ids: Counter = Counter()
    absorbed = 0                      # characters of tiny topics the last section took in
    for topic in topics:
        for part in topic.order:
            text = paragraph_text(topic.parts[part])
            if not text.strip():
                continue
            title = topic.title or (topic.has_year_parts and top_theme(text)) or UNTITLED
            addition = "\n\n" + (title + "\n" if topic.title else "") + text
            if len(text) < MIN_SECTION_CHARS and sections and absorbed < MIN_SECTION_CHARS \
                    and len(sections[-1].text) + len(addition) <= MAX_SECTION_CHARS:
                sections[-1].text += addition
                absorbed += len(addition)
                continue
            absorbed = 0
            with_year = part[0] and part[1] and str(part[1]) not in title
            pieces = bounded(text)
            for number, piece in enumerate(pieces, 1):
                piece_title = f"{title} (deel {number})" if len(pieces) > 1 else title
                slug = slugify(f"{piece_title} {part[1]}" if with_year else piece_title, 50)
                used_ids[slug] += 1
                if used_ids[slug] > 1:
                    slug = f"{slug}-{used_ids[slug]}"
                sections.append(SectionRecord(
                    id=f"{doc.meta.doc_id}--{slug}", doc_id=doc.meta.doc_id, doc_title=doc.meta.title,
                    title=piece_title, heading=piece_title, anchor=slug, text=piece, position=len(sections),
                    parents=topic.parents, part=part[0], part_year=part[1],
                    url=f"{doc.meta.url}#{slug}" if doc.meta.url else "",
                ))
    sections = without_menus(sections)
    attach_links(sections, doc.links, doc.link_texts)
    name_report_parts(sections)
    return sections


MIN_MENU_ITEMS = 3


def without_menus(sections: list[SectionRecord]) -> list[SectionRecord]:
    """Drop navigation: list items that name the document's own sections ('- Burgernet' on a
    clickable contents page). A section left with too little text joins the one before it."""
    headings = {heading_key(s.heading) for s in sections}
    kept: list[SectionRecord] = []
    for section in sections:
        lines = section.text.split("\n")
        own = heading_key(section.heading)
        items = {i: heading_key(line[2:]) for i, line in enumerate(lines) if line.startswith("- ") and len(line) <= 100}
        menu = [i for i, key in items.items() if key in headings and key != own]
        if len(menu) >= MIN_MENU_ITEMS:
            section.text = re.sub(r"\n{3,}", "\n\n", "\n".join(l for i, l in enumerate(lines) if i not in menu)).strip()
            if len(section.text) < MIN_SECTION_CHARS and kept:
                kept[-1].text += ("\n\n" + section.text) if section.text else ""
                continue
        if section.text:
            kept.append(section)
    for position, section in enumerate(kept):
        section.position = position
    return kept


PART_NAMES = {"verslag": "terugblik {year}", "plan": "plannen {year}", "doel": "meerjarendoel",
              "rekening": "jaarrekening {year}", "begroting": "begroting {year}"}


def name_report_parts(sections: list[SectionRecord]) -> None:
    """A title that several report parts share gets its part: 'Mensenhandel — terugblik 2021'.

    Only the title shown changes; ids and anchors keep the plain title, so links stay valid.
    """
    counts = Counter(s.title for s in sections)
    for section in sections:
        name = PART_NAMES.get(section.part)
        if counts[section.title] > 1 and name:
            label = name.format(year=section.part_year or "").strip()
            if label.lower() not in section.title.lower():
                section.title = f"{section.title} — {label}"


def bounded(text: str, limit: int = MAX_SECTION_CHARS) -> list[str]:
    """The text in pieces of at most ``limit`` characters, cut between paragraphs, else lines,
    else words (a text without any of those is cut hard)."""
    if len(text) <= limit:
        return [text]
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[:limit]
        cut = max(window.rfind("\n\n"), 0) or max(window.rfind("\n"), 0) or max(window.rfind(" "), 0) or limit
        if cut < limit // 4:             # no break in the last three quarters: cut hard rather than tiny pieces
            cut = limit if window.rfind(" ") < limit // 4 else window.rfind(" ")
        pieces.append(rest[:cut].strip())
        rest = rest[cut:].lstrip()
    if rest.strip():
        pieces.append(rest.strip())
    return [p for p in pieces if p]


def slug_words(url: str) -> list[str]:
    """The words of five letters or more in a URL's path: 'https://x.nl/aanpak-overlast' -> ['aanpak', 'overlast']."""
    return [w for w in re.split(r"[^a-z0-9]+", fold(url.split("//")[-1].split("/", 1)[-1])) if len(w) >= 5]


def attach_links(sections: list[SectionRecord], links: list[str], link_texts: dict[str, str]) -> None:
    """Give each section the links it holds: by anchor text where known, else when it
    mentions most of the words of the URL's path (PDF link blocks lose their anchors)."""
    clues = [(url, fold(link_texts.get(url, "")), slug_words(url)) for url in links]     # the same for every section
    if not clues:
        return                   # most documents link nowhere: no section text need be folded
    for section in sections:
        folded = fold(section.text)
        for url, anchor, words in clues:
            if (len(anchor) >= 4 and anchor in folded) or \
                    (not anchor and words and sum(w in folded for w in words) * 2 >= len(words)):
                section.links.append(url)
