"""Sections from topics: one SectionRecord per (topic, report part), with its text and links."""
from __future__ import annotations

import re
from collections import Counter

from ...text_utils import fold, slugify
from ..records import NormalisedDocument, SectionRecord
from .topics import Topic, top_theme

MIN_SECTION_CHARS = 160
UNTITLED = "Inleiding"


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
