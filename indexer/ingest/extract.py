"""Stage 1, extract: read a corpus file into plain text with its structure kept.

Text and Markdown-like files are read as they are. HTML headings become Markdown
headings and links become `[text](url)`, so the later stages treat every source alike.
PDF text comes from pdfminer.six with pages separated by form feeds.
"""
from __future__ import annotations

import re
from pathlib import Path

from .records import DocumentMeta, ExtractedDocument


class ExtractionError(Exception):
    """A document that cannot be read; the message is the reason shown in the index report."""


def read_text_file(path: Path) -> str:
    """Decode a text file as UTF-8 (falling back to cp1252, the other encoding seen in the wild)."""
    raw = path.read_bytes()
    if b"\x00" in raw[:4096]:
        raise ExtractionError("binair bestand, geen tekst")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ExtractionError("onbekende tekstcodering")


def html_to_text(html: str) -> str:
    """Visible text of an HTML page, headings as '# ', list items as '- ', links as [text](url)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "nav", "header", "footer", "noscript", "form"]):
        tag.decompose()
    for link in soup.find_all("a", href=True):
        link.replace_with(f"[{link.get_text(' ', strip=True)}]({link['href']})")
    blocks: list[str] = []
    for element in soup.find_all(["h1", "h2", "h3", "h4", "p", "li", "td", "pre"]):
        text = re.sub(r"\s+", " ", element.get_text()).strip()
        if not text:
            continue
        if element.name in ("h1", "h2", "h3", "h4"):
            blocks.append("#" * int(element.name[1]) + " " + text)
        elif element.name == "li":
            blocks.append("- " + text)
        else:
            blocks.append(text)
    return "\n\n".join(blocks)


def pdf_to_text(path: Path) -> str:
    """Text of a PDF in reading order, one form feed between pages."""
    from pdfminer.high_level import extract_text
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        return extract_text(str(path))
    except (PDFSyntaxError, ValueError, TypeError, KeyError) as exc:
        raise ExtractionError(f"PDF onleesbaar: {exc}") from exc


def extract_text(path: Path) -> str:
    """Read one corpus file as text; raises ExtractionError with a reason for people when it cannot."""
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        text = pdf_to_text(path)
    elif suffix in (".html", ".htm"):
        text = html_to_text(read_text_file(path))
    else:
        text = read_text_file(path)
    if len(text.strip()) < 20:
        raise ExtractionError("geen tekst gevonden")
    return text


def extract_document(path: Path, meta: DocumentMeta) -> ExtractedDocument:
    """Stage entry point: a corpus file and its metadata in, its text out."""
    return ExtractedDocument(meta=meta, text=extract_text(path))
