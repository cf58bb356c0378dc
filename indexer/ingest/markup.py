"""Markup to Markdown-like text: HTML pages and Markdown files, with the title each declares.

HTML: the main content only (navigation, banners, footers and forms dropped), headings as
`#`, list items as `- `, every link kept as `[text](url)`, text in any block element
(`div`s too). Markdown: HTML `<meta>`/comment lines dropped, `##Heading` and setext
headings made ordinary `## Heading`, YAML front matter read for the title.
"""
from __future__ import annotations

import re

from .records import Extraction

BLOCKS = {"p", "div", "section", "article", "main", "li", "dt", "dd", "td", "th", "pre", "blockquote", "figcaption",
          "h1", "h2", "h3", "h4", "h5", "h6", "address", "caption", "summary", "tr"}
DROPPED = ["script", "style", "nav", "header", "footer", "noscript", "form", "aside", "template", "svg", "iframe",
           "button", "select", "dialog"]
BOILERPLATE = re.compile(r"cookie|consent|banner|breadcrumb|kruimel|skip-?link|share|social|menu|navbar|sidebar", re.I)
TITLE_SEPARATORS = re.compile(r"\s+[|–—·-]\s+|\s+::\s+")
ATX = re.compile(r"^(#{1,6})[ \t]*(\S.*?)[ \t#]*$")
SETEXT = re.compile(r"^(=+|-+)\s*$")
FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)
HTML_LINE = re.compile(r"^\s*<(?:meta|link|!--|/?(?:html|head|body|div|span|br)\b)[^>]*>\s*$", re.I)


# ---------------------------------------------------------------- HTML

def html_to_text(html: str) -> tuple[str, str]:
    """The main content of a page as Markdown-like text, and the page's own title."""
    page = read_html_page(html)
    return page.text, page.title


def read_html_page(html: str) -> Extraction:
    """The main content of a page as Markdown-like text, with what its head declares."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    title, year, publisher = html_title(soup), published_year(soup), meta_content(soup, PUBLISHER_META)
    for tag in soup(DROPPED):
        tag.decompose()
    for tag in soup.find_all(attrs={"class": BOILERPLATE}) + soup.find_all(attrs={"id": BOILERPLATE}):
        if tag.name not in ("body", "main", "article", "html") and not tag.decomposed:
            tag.decompose()
    root = soup.find("main") or soup.find("article") or soup.body or soup
    for link in root.find_all("a", href=True):
        label = link.get_text(" ", strip=True)
        link.replace_with(f"[{label}]({link['href']})" if label else "")
    blocks: list[str] = []
    collect_blocks(root, blocks)
    return Extraction("\n\n".join(blocks), title, year, publisher[:80])


def collect_blocks(element, blocks: list[str]) -> None:
    """Blocks of text in document order; inline text directly inside a block belongs to it."""
    inline: list[str] = []

    def flush() -> None:
        text = re.sub(r"\s+", " ", "".join(inline)).strip()
        inline.clear()
        if text:
            blocks.append(block_prefix(element.name) + text)

    for child in element.children:
        name = getattr(child, "name", None)
        if name in BLOCKS:
            flush()
            collect_blocks(child, blocks)
        elif name is None:
            inline.append(str(child))
        else:
            inline.append(" " + child.get_text(" ") + " " if name in ("br", "td") else child.get_text())
    flush()


def block_prefix(tag: str | None) -> str:
    if tag and re.fullmatch(r"h[1-6]", tag):
        return "#" * int(tag[1]) + " "
    return "- " if tag == "li" else ""


def html_title(soup) -> str:
    """og:title, else <title> without the site's name, else the first h1."""
    og = soup.find("meta", attrs={"property": "og:title"})
    if og and og.get("content", "").strip():
        return clean_title(og["content"])
    site = soup.find("meta", attrs={"property": "og:site_name"})
    site_name = site.get("content", "").strip() if site else ""
    if soup.title and soup.title.get_text(strip=True):
        parts = [p for p in TITLE_SEPARATORS.split(soup.title.get_text(" ", strip=True)) if p.strip()]
        parts = [p for p in parts if p.strip().lower() != site_name.lower()] or parts
        if parts:
            return clean_title(max(parts[:2], key=len) if len(parts) > 1 and not site_name else parts[0])
    h1 = soup.find("h1")
    return clean_title(h1.get_text(" ", strip=True)) if h1 else ""


DATE_META = ("article:published_time", "datePublished", "date", "dc.date", "dcterms.created", "dcterms.issued",
             "dcterms.date", "citation_publication_date")
PUBLISHER_META = ("og:site_name", "dc.publisher", "dcterms.publisher", "publisher")   # not author: often a person


def meta_content(soup, names: tuple[str, ...]) -> str:
    """The content of the first <meta> (by property, name or itemprop) among ``names``."""
    for name in names:
        for attribute in ("property", "name", "itemprop"):
            tag = soup.find("meta", attrs={attribute: re.compile(f"^{re.escape(name)}$", re.I)})
            if tag and tag.get("content", "").strip():
                return clean_title(tag["content"])
    return ""


def published_year(soup) -> int | None:
    """The year a page declares it was published (<meta> dates, else the first <time datetime>)."""
    declared = meta_content(soup, DATE_META)
    if not declared and (time := soup.find("time", attrs={"datetime": True})):
        declared = time["datetime"]
    m = re.search(r"\b(19\d\d|20\d\d)\b", declared)
    return int(m.group(1)) if m else None


def clean_title(title: str) -> str:
    return re.sub(r"\s+", " ", title).strip()


# ---------------------------------------------------------------- Markdown

def tidy_markdown(text: str) -> str:
    """Markdown with ordinary ATX headings: no HTML head lines, '##Title' spaced, setext converted."""
    body = FRONT_MATTER.sub(lambda m: front_matter_heading(m.group(1)), text, count=1)
    # the patterns are only tried on lines that hold the character every match starts with
    lines = [line for line in body.split("\n") if "<" not in line or not HTML_LINE.match(line)]
    out: list[str] = []
    for line in lines:
        if (m := SETEXT.match(line)) and out and out[-1].strip() and not out[-1].startswith(("#", "- ", "* ")) \
                and len(out[-1].strip()) <= 120 and (m.group(1)[0] == "=" or len(m.group(1)) >= 3):
            out[-1] = ("# " if m.group(1)[0] == "=" else "## ") + out[-1].strip()
            continue
        if line.startswith("#") and (m := ATX.match(line)) and not line.startswith("#!"):
            line = f"{m.group(1)} {m.group(2)}"
        out.append(line)
    return "\n".join(out).strip("\n") + "\n"


def front_matter_heading(block: str) -> str:
    """YAML front matter becomes a title heading (when it names a title) and is otherwise dropped."""
    m = re.search(r"^title:\s*[\"']?(.+?)[\"']?\s*$", block, re.M)
    return f"# {m.group(1)}\n\n" if m else ""


def markdown_title(text: str) -> str:
    """The first level-1 heading, else the first heading of any level ('' when there is none)."""
    headings = [m for line in text.split("\n") if line.startswith("#") and (m := ATX.match(line))]
    best = next((m for m in headings if len(m.group(1)) == 1), None) or (headings[0] if headings else None)
    return clean_title(best.group(2)) if best else ""
