"""Word (.docx) to Markdown-like text with python-docx: heading styles become '#' headings
(English and Dutch style names), list paragraphs '- ' items, tables tab-separated rows."""
from __future__ import annotations

import re
from pathlib import Path

HEADING_STYLE = re.compile(r"^(?:heading|kop)\s*(\d)$", re.IGNORECASE)
TITLE_STYLES = {"title", "titel"}
LIST_STYLE = re.compile(r"list|lijst|opsomming", re.IGNORECASE)


def docx_text(path: Path) -> tuple[str, str]:
    """The document's blocks in order, and its title (core properties, else the Title-styled paragraph)."""
    import docx

    document = docx.Document(str(path))
    blocks, styled_title = [], ""
    for block in document.iter_inner_content():
        if isinstance(block, docx.table.Table):
            rows = ["\t".join(cell.text.strip() for cell in row.cells) for row in block.rows]
            blocks.append("\n".join(row for row in rows if row.strip()))
            continue
        text = block.text.strip()
        if not text:
            continue
        style = (block.style.name if block.style is not None else "").strip()
        if style.lower() in TITLE_STYLES:
            styled_title = styled_title or text
            blocks.append("# " + text)
        elif m := HEADING_STYLE.match(style):
            blocks.append("#" * min(int(m.group(1)) + 1, 6) + " " + text)
        elif LIST_STYLE.search(style):
            blocks.append("- " + text)
        else:
            blocks.append(text)
    title = (document.core_properties.title or "").strip() or styled_title
    return "\n\n".join(blocks), title
