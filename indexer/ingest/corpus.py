"""The files of a corpus folder: every one is read or reported, never silently passed over.

A document's identity comes from its path relative to the corpus, never from its text:
a readable slug of the path, plus a short hash of the path wherever the slug alone could
be shared by another path (it was shortened, or characters were folded away).
"""
from __future__ import annotations

import errno
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from ..text_utils import slugify

MANIFEST_FILE = "manifest.toml"
CRAWL_STATE_FILE = "crawl-state.json"      # written by the crawler (ingest/crawl/state.py)
SUPPORTED_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx"}
MAX_ID_LENGTH = 60
HASH_LENGTH = 8
CLEAN_PART = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class CorpusFile:
    """A file found in the corpus: where it is, its name relative to the corpus, and its size."""

    path: Path
    name: str           # relative to the corpus, with '/' separators
    size: int


@dataclass(frozen=True)
class Limits:
    """Per-file limits of one build; a file over a limit is skipped with the reason."""

    max_bytes: int = 50 * 1024 * 1024
    max_seconds: float = 120.0


def document_id(name: str) -> str:
    """A stable, unique id for a corpus path: 'beleid/Handreiking woonoverlast.pdf' ->
    'beleid--handreiking-woonoverlast-pdf-1a2b3c4d'; a clean short path keeps no hash
    ('nieuws/drugsafval.md' -> 'nieuws--drugsafval-md')."""
    parts = name.replace("\\", "/").split("/")
    stem, dot, suffix = parts[-1].rpartition(".")
    pieces = parts[:-1] + ([stem, suffix] if dot else [parts[-1]])
    slugs = [slugify(piece, 200) for piece in parts[:-1]] + [slugify(parts[-1], 200)]
    readable = "--".join(slugs)
    lossless = all(CLEAN_PART.fullmatch(piece) for piece in pieces) and len(readable) <= MAX_ID_LENGTH
    if lossless:
        return readable
    digest = hashlib.sha1(name.encode("utf-8")).hexdigest()[:HASH_LENGTH]
    tail = readable[-(MAX_ID_LENGTH - HASH_LENGTH - 1):]     # the end of a path is its most specific part
    if len(readable) > len(tail) and "-" in tail:
        tail = tail[tail.index("-"):]                        # start at a word
    tail = tail.strip("-")
    return f"{tail}-{digest}"


LOOP = "kringverwijzing: een verwijzing die naar zichzelf leidt"


def scan_corpus(corpus_dir: Path) -> tuple[list[CorpusFile], list[tuple[str, str]]]:
    """Every file under the corpus in a stable order, and the ones refused with a reason (Dutch).

    Refused: unsupported formats, symlinks that lead outside the corpus, to a file in it (read
    where it is) or round in a loop, unreadable entries.
    The manifest and the crawl state are not documents.
    """
    root = corpus_dir.resolve()
    found, refused = [], []
    for path in sorted(corpus_dir.rglob("*")):
        name = path.relative_to(corpus_dir).as_posix()
        if name in (MANIFEST_FILE, CRAWL_STATE_FILE) or (path.is_dir() and not path.is_symlink()):
            continue
        if path.is_dir() and path.resolve().is_relative_to(root):
            continue                    # a linked folder inside the corpus: its files are scanned where they are
        try:
            real = path.resolve(strict=True)
        except RuntimeError:              # how pathlib before Python 3.13 reports a loop
            refused.append((name, LOOP))
            continue
        except OSError as exc:
            refused.append((name, LOOP if exc.errno == errno.ELOOP else "verwijzing naar een bestand dat niet bestaat"))
            continue
        if not real.is_relative_to(root):
            refused.append((name, "verwijzing naar een bestand buiten de corpusmap"))
        elif path.is_symlink() and real.is_file():       # the file itself is read where it is: once
            refused.append((name, f"verwijzing naar {real.relative_to(root).as_posix()}, dat al in de corpusmap staat"))
        elif not real.is_file():
            refused.append((name, "geen gewoon bestand"))
        elif path.suffix.lower() not in SUPPORTED_SUFFIXES:
            refused.append((name, f"bestandsformaat '{path.suffix or name}' wordt niet ondersteund"))
        else:
            found.append(CorpusFile(path, name, real.stat().st_size))
    return found, refused
