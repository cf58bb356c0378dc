"""Where a crawled document lives in the corpus, and writing it there atomically.

A URL's file name is derived from the URL alone (plus the suffix of its content type), so
it is the same on every crawl and so is the document id the ingester gives it.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from .links import DEFAULT_PORTS

WEB_FOLDER = "web"
HASH_LENGTH = 8
MAX_SEGMENT = 120                      # characters; file systems allow 255 bytes per name

# Content type -> the suffix stored, and the suffixes a URL may already carry for it.
CONTENT_TYPES = {
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "application/pdf": ".pdf",
    "application/x-pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
}
KEPT_SUFFIXES = {".html": (".html", ".htm"), ".pdf": (".pdf",), ".docx": (".docx",)}
# Servers often send documents as 'download this': then the URL's own suffix tells the format.
GENERIC_TYPES = {"", "application/octet-stream", "binary/octet-stream", "application/download",
                 "application/force-download", "application/x-download"}


def short_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:HASH_LENGTH]


def document_suffix(url: str, content_type: str) -> str | None:
    """The corpus suffix of a response ('.html', '.pdf', '.docx'), or None for other content."""
    mime = content_type.split(";", 1)[0].strip().lower()
    if mime in CONTENT_TYPES:
        return CONTENT_TYPES[mime]
    if mime in GENERIC_TYPES:
        suffix = PurePosixPath(urlsplit(url).path).suffix.lower()
        return suffix if suffix in (".pdf", ".docx") else None
    return None


def stored_as(name: str, suffix: str) -> bool:
    """True when a stored file's name fits a content type's suffix ('x.HTM' fits '.html')."""
    return PurePosixPath(name).suffix.lower() in KEPT_SUFFIXES[suffix]


def safe_segment(segment: str) -> str:
    """A URL path segment as one file or folder name: no separators, no control characters,
    no '.'/'..' or hidden names, never too long (a long one keeps its start and a hash)."""
    cleaned = "".join("_" if ch in "/\\" or ord(ch) < 32 or ch == "\x7f" else ch for ch in unquote(segment))
    if cleaned.startswith("."):
        cleaned = "_" + cleaned[1:]
    if len(cleaned) > MAX_SEGMENT:
        cleaned = f"{cleaned[:MAX_SEGMENT - HASH_LENGTH - 1]}-{short_hash(cleaned)}"
    return cleaned


def host_folder(url: str) -> str:
    """'https://www.example.org:8443/x' -> 'www.example.org-8443'; a default port is left out."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().replace(":", "_")          # IPv6 literals
    port = parts.port
    return host if port is None or port == DEFAULT_PORTS.get(parts.scheme) else f"{host}-{port}"


def file_name(leaf: str, query: str, suffix: str) -> str:
    """The last part of the name: the URL's own name (or 'index'), a hash of the query if
    there is one, and the suffix of the content type."""
    stem, own_suffix = leaf or "index", ""
    for kept in KEPT_SUFFIXES[suffix]:
        if stem.lower().endswith(kept) and len(stem) > len(kept):
            stem, own_suffix = stem[: -len(kept)], stem[-len(kept):]
            break
    if query:
        stem = f"{stem}-{short_hash(query)}"
    return stem + (own_suffix or suffix)


def corpus_name(url: str, suffix: str) -> str:
    """The corpus-relative name (posix) of a URL's document:
    'https://site.nl/beleid/plan.pdf' -> 'web/site.nl/beleid/plan.pdf',
    'https://site.nl/' -> 'web/site.nl/index.html', '/zoek?q=x' -> 'web/site.nl/zoek-1a2b3c4d.html'."""
    parts = urlsplit(url)
    segments = parts.path.split("/")[1:] or [""]
    folders = [safe_segment(s) for s in segments[:-1] if s]         # '//' is no extra folder
    leaf = file_name(safe_segment(segments[-1]) if segments[-1] else "", parts.query, suffix)
    return "/".join([WEB_FOLDER, host_folder(url), *folders, leaf])


def disambiguated(name: str, url: str) -> str:
    """Another name for a URL whose derived name belongs to another URL ('/a' and '/a.html'):
    the derived one with a hash of the whole URL."""
    path = PurePosixPath(name)
    return str(path.with_name(f"{path.stem}-{short_hash(url)}{path.suffix}"))


def write_atomically(path: Path, data: bytes) -> None:
    """Write a file so that readers see the old or the new content, never half of it:
    a temporary file in the same folder (a hidden '.part', which the ingester refuses
    rather than reads), then os.replace."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def remove_document(corpus_dir: Path, name: str) -> None:
    """Delete a crawled file and the folders it leaves empty, up to the web folder."""
    path = corpus_dir / name
    path.unlink(missing_ok=True)
    stop = corpus_dir / WEB_FOLDER
    folder = path.parent
    while folder != stop and folder.is_relative_to(stop):
        try:
            folder.rmdir()
        except OSError:
            break                     # not empty: the rest of the site lives here
        folder = folder.parent
