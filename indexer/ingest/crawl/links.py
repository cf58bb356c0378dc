"""URLs in one spelling, and what an HTML page links to and allows (meta robots)."""
from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

DEFAULT_PORTS = {"http": 80, "https": 443}
# Characters a path or query may hold as they are; anything else is percent-encoded, so that
# 'a b.html' and 'a%20b.html' are one URL (one state entry, one corpus file).
SAFE_CHARS = "/%:@!$&'()*+,;=-._~?"


def normalise_url(url: str) -> str:
    """One spelling per URL: lower-case scheme and host, no default port, no fragment,
    '/' for an empty path, unsafe characters percent-encoded. ValueError for a bad port."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"                                    # an IPv6 literal keeps its brackets
    port = parts.port
    netloc = host if port is None or port == DEFAULT_PORTS.get(scheme) else f"{host}:{port}"
    if parts.username is not None:
        netloc = parts.netloc.rsplit("@", 1)[0] + "@" + netloc
    path = quote(parts.path or "/", safe=SAFE_CHARS)
    return urlunsplit((scheme, netloc, path, quote(parts.query, safe=SAFE_CHARS), ""))


def host_of(url: str) -> str:
    """The host a URL names, lower-cased, without port (what allowed_hosts lists)."""
    return (urlsplit(url).hostname or "").lower()


@dataclass
class PageLinks:
    """What one HTML page offers the crawler: its links, and whether it may be indexed and followed."""

    links: list[str] = field(default_factory=list)
    noindex: bool = False
    nofollow: bool = False


class LinkParser(HTMLParser):
    """Collects <a href> targets, <base href> and <meta name=robots> from a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self.base: str | None = None
        self.robots: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = {name: value or "" for name, value in attrs}
        if tag == "a" and values.get("href") and "nofollow" not in values.get("rel", "").lower().split():
            self.hrefs.append(values["href"])
        elif tag == "base" and values.get("href") and self.base is None:
            self.base = values["href"]
        elif tag == "meta" and values.get("name", "").lower() in ("robots", "kennisbankcrawler"):
            self.robots.append(values.get("content", "").lower())


def robots_words(values: list[str]) -> set[str]:
    """The directives of meta robots tags or X-Robots-Tag headers: 'noindex, nofollow' -> {...}."""
    return {word.strip() for value in values for word in value.split(",")}


def page_links(html: str, page_url: str, robots_header: str = "") -> PageLinks:
    """The http(s) links of a page, resolved and normalised, fragments dropped, each once, in page
    order; mailto:, javascript: and the like are not links to crawl. Meta robots and the
    X-Robots-Tag header say whether the page may be indexed and its links followed."""
    parser = LinkParser()
    parser.feed(html)
    parser.close()
    words = robots_words(parser.robots + ([robots_header.lower()] if robots_header else []))
    result = PageLinks(noindex=bool(words & {"noindex", "none"}), nofollow=bool(words & {"nofollow", "none"}))
    base = urljoin(page_url, parser.base) if parser.base else page_url
    seen = set()
    for href in parser.hrefs:
        try:
            url = normalise_url(urljoin(base, href.strip()))
        except ValueError:
            continue                                          # a malformed port or host: not a link
        if urlsplit(url).scheme in DEFAULT_PORTS and url not in seen:
            seen.add(url)
            result.links.append(url)
    return result
