"""Sitemaps: the page URLs a site lists, through sitemap indexes and gzipped sitemaps.

Parsed with the standard library's ElementTree: it never fetches external entities, and
the bundled expat (>= 2.4) refuses entity expansion bombs; the body is size-capped before.
"""
from __future__ import annotations

import zlib
from typing import Callable
from xml.etree import ElementTree

from .fetch import FetchFailed
from .links import normalise_url

MAX_SITEMAPS = 50              # per crawl: a sitemap index may not send us round a whole archive
GZIP_MAGIC = b"\x1f\x8b"


class SitemapError(ValueError):
    """A sitemap that cannot be read; the message says why (Dutch)."""


def local_name(tag: str) -> str:
    """'{http://www.sitemaps.org/schemas/sitemap/0.9}loc' -> 'loc'."""
    return tag.rsplit("}", 1)[-1]


def ungzip(body: bytes, max_bytes: int) -> bytes:
    """A gzipped sitemap's XML, never more than max_bytes of it (a small file can unpack huge)."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        xml = inflater.decompress(body, max_bytes + 1)
    except zlib.error:
        raise SitemapError("gzip-bestand is beschadigd") from None
    if len(xml) > max_bytes:
        raise SitemapError("uitgepakt groter dan toegestaan")
    return xml


def parse_sitemap(body: bytes, max_bytes: int) -> tuple[list[str], list[str]]:
    """The page URLs of a <urlset> and the sitemap URLs of a <sitemapindex>: (pages, sitemaps)."""
    if body.startswith(GZIP_MAGIC):
        body = ungzip(body, max_bytes)
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError as exc:
        raise SitemapError(f"geen geldige XML ({exc})") from None
    kind = local_name(root.tag)
    if kind not in ("urlset", "sitemapindex"):
        raise SitemapError(f"geen sitemap (<{kind}>)")
    entry = "url" if kind == "urlset" else "sitemap"
    locations = []
    for element in root:
        if local_name(element.tag) != entry:
            continue
        for child in element:
            if local_name(child.tag) == "loc" and child.text and child.text.strip():
                locations.append(child.text.strip())
    return (locations, []) if kind == "urlset" else ([], locations)


def sitemap_pages(sitemaps: list[str], fetch: Callable[[str], bytes], max_bytes: int
                  ) -> tuple[list[str], list[tuple[str, str]]]:
    """Every page URL the sitemaps list, following sitemap indexes (each sitemap read once,
    MAX_SITEMAPS at most), and the sitemaps skipped with their reason."""
    pending = list(sitemaps)
    seen: set[str] = set()
    pages: list[str] = []
    skipped: list[tuple[str, str]] = []
    while pending:
        url = normalise_url(pending.pop(0))
        if url in seen:
            continue
        if len(seen) >= MAX_SITEMAPS:
            skipped.append((url, f"sitemap niet gelezen: al {MAX_SITEMAPS} sitemaps gelezen"))
            continue
        seen.add(url)
        try:
            found, nested = parse_sitemap(fetch(url), max_bytes)
        except (FetchFailed, SitemapError) as exc:
            skipped.append((url, f"sitemap niet gelezen: {exc}"))
            continue
        pages.extend(found)
        pending.extend(nested)
    return pages, skipped
