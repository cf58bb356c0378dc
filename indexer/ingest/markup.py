"""Markup to Markdown-like text: HTML pages and Markdown files, with the title each declares.

HTML: the main content only (navigation, banners, footers and forms dropped), headings as
`#`, list items as `- `, every link kept as `[text](url)`, text in any block element
(`div`s too). Markdown: HTML `<meta>`/comment lines dropped, `##Heading` and setext
headings made ordinary `## Heading`, YAML front matter read for the title.
"""
from __future__ import annotations

import re
from urllib.parse import quote

from .metadata import is_organisation_name
from .records import Extraction

BLOCKS = {"p", "div", "section", "article", "main", "li", "dt", "dd", "td", "th", "pre", "blockquote", "figcaption",
          "h1", "h2", "h3", "h4", "h5", "h6", "address", "caption", "summary", "tr"}
DROPPED = ["script", "style", "nav", "header", "footer", "noscript", "form", "aside", "template", "svg", "iframe",
           "button", "select", "dialog"]
# words of a class or id that name page furniture ('cookie-banner', 'mainMenu', 'skip-link'), matched
# as whole words so that 'shared-block' or 'socialdomein' is not furniture
BOILERPLATE_WORDS = frozenset({"cookie", "cookies", "cookiebar", "consent", "banner", "breadcrumb", "breadcrumbs",
                               "kruimel", "kruimelpad", "skip", "skiplink", "skiplinks", "share", "sharing", "social",
                               "menu", "navbar", "sidebar"})
NAME_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
FURNITURE_SHARE = 0.5     # an element holding more of the page's text than this is its content, whatever its class
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
    drop_furniture(soup)
    root = soup.find("main") or soup.find("article") or soup.body or soup
    for link in root.find_all("a", href=True):
        link.replace_with(markdown_link(link.get_text(" ", strip=True), link["href"]))
    blocks: list[str] = []
    collect_blocks(root, blocks)
    return Extraction("\n\n".join(blocks), title, year, publisher[:80])


def markdown_link(label: str, href: str) -> str:
    """A link as ``[label](href)`` that normalisation reads back whole: brackets in the label and
    spaces or parentheses in the address escaped; a link that is not to a web page, a mail
    address or a relative path (javascript:, data:) is its label alone."""
    href = href.strip()
    scheme = LINK_SCHEME.match(href)
    if not label or (scheme and scheme.group(1).lower() not in ("http", "https", "mailto")):
        return label
    label = label.replace("[", "(").replace("]", ")")
    return f"[{label}]({quote(href, safe=URL_SAFE)})"


LINK_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
URL_SAFE = ":/?#@!$&'*+,;=%~[]"         # what stays as written: all but spaces, parentheses and non-ASCII


def drop_furniture(soup) -> None:
    """Remove the elements whose class or id names page furniture (cookie banners, menus, share
    buttons), but never the page's body, main or article, nor an element holding most of its text
    (a layout class such as 'has-sidebar' on the element that wraps the whole page)."""
    from bs4 import Tag

    lengths = text_lengths(soup)
    most = FURNITURE_SHARE * lengths.get(id(soup), 0)
    stack = [soup]              # outer elements first; a removed one's descendants are never visited
    while stack:
        element = stack.pop()
        if element is not soup and element.name not in ("body", "main", "article", "html") \
                and is_furniture(element) and lengths.get(id(element), 0) <= most:
            element.decompose()
            continue
        stack.extend(child for child in reversed(element.contents) if isinstance(child, Tag))


def text_lengths(soup) -> dict[int, int]:
    """The length of the text in every element (by ``id``), worked out in one pass from the last node
    back (every node's descendants come before it), not by ``get_text`` per element: furniture
    nested thousands deep would make that quadratic."""
    from bs4 import NavigableString

    lengths: dict[int, int] = {}
    for node in reversed(list(soup.descendants)):
        own = len(node) if type(node) is NavigableString else lengths.get(id(node), 0)
        if own:
            lengths[id(node.parent)] = lengths.get(id(node.parent), 0) + own
    return lengths


def is_furniture(tag) -> bool:
    """Does a class or the id of this element name page furniture?"""
    names = tag.get("class") or []
    names = [names] if isinstance(names, str) else list(names)
    names.append(tag.get("id") or "")
    return any(word.lower() in BOILERPLATE_WORDS for name in names for word in NAME_WORDS.findall(name))


def collect_blocks(root, blocks: list[str]) -> None:
    """Blocks of text in document order; inline text directly inside a block belongs to it.

    A loop over a stack of open blocks, not recursion: a page may nest blocks deeper than
    Python's recursion limit (a thousand ``div``s) and must still be read."""
    stack = [(root, iter(root.children), [])]       # (block, its children still to read, its inline text)
    while stack:
        element, children, inline = stack[-1]
        for child in children:
            name = getattr(child, "name", None)
            if name in BLOCKS:
                flush_block(element, inline, blocks)
                stack.append((child, iter(child.children), []))
                break
            if name is None:
                inline.append(str(child))
            else:
                inline.append(" " + child.get_text(" ") + " " if name in ("br", "td") else child.get_text())
        else:
            flush_block(element, inline, blocks)
            stack.pop()


def flush_block(element, inline: list[str], blocks: list[str]) -> None:
    """The inline text gathered so far in a block, as a block of its own (if any), and start anew."""
    text = re.sub(r"\s+", " ", "".join(inline)).strip()
    inline.clear()
    if text:
        blocks.append(block_prefix(element.name) + text)


def block_prefix(tag: str | None) -> str:
    if tag and re.fullmatch(r"h[1-6]", tag):
        return "#" * int(tag[1]) + " "
    return "- " if tag == "li" else ""


def html_title(soup) -> str:
    """og:title, else the page's part of its <title> (see ``page_part``), else the first h1."""
    og = soup.find("meta", attrs={"property": "og:title"})
    if og and og.get("content", "").strip():
        return clean_title(og["content"])
    h1 = soup.find("h1")
    heading = clean_title(h1.get_text(" ", strip=True)) if h1 else ""
    if soup.title and soup.title.get_text(strip=True):
        return page_part(clean_title(soup.title.get_text(" ", strip=True)), meta_content(soup, PUBLISHER_META), heading)
    return heading


def page_part(title: str, site_name: str, heading: str) -> str:
    """A <title> without the site's name: 'Afval scheiden | Gemeente Rotterdam' is 'Afval scheiden'.

    Of the parts between separators, the one the page's h1 repeats; else the first that is not
    the declared site name or publisher, nor shaped like an organisation's name ('Gemeente
    Utrecht - Parkeren'); else the first.
    """
    parts = [part.strip() for part in TITLE_SEPARATORS.split(title) if part.strip()]
    if len(parts) <= 1:
        return title
    folded_heading = heading.casefold()
    for part in parts:
        if folded_heading and (part.casefold() in folded_heading or folded_heading in part.casefold()):
            return part
    site = site_name.strip().casefold()
    return next((part for part in parts if part.casefold() != site and not is_organisation_name(part)), parts[0])


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
