"""The crawl state (corpus/crawl-state.json): per URL its file, validators and content hash.

It is what makes a second crawl cheap (conditional requests), what tells a removed page's
file, and what gives the ingester each crawled file's URL. Written atomically, and only one
crawl of a corpus runs at a time, so the state never mixes two crawls.
"""
from __future__ import annotations

import fcntl
import json
import os
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath

from ..corpus import CRAWL_STATE_FILE
from .policy import CrawlError
from .storage import WEB_FOLDER, write_atomically

STATE_VERSION = 1


@dataclass
class PageState:
    """What the last crawl learnt about one URL (the final URL, after redirects)."""

    file: str                          # corpus-relative, posix
    etag: str | None = None
    last_modified: str | None = None
    sha1: str = ""
    status: int = 200
    fetched: str = ""                  # ISO 8601, UTC


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def check_file_name(name: str) -> None:
    """ValueError unless a state's file name lies in the corpus's web folder: files named there
    get deleted, so an edited state must not point at anything else."""
    path = PurePosixPath(name)
    if path.is_absolute() or path.parts[:1] != (WEB_FOLDER,) or ".." in path.parts or len(path.parts) < 3:
        raise ValueError(f"bestandsnaam buiten {WEB_FOLDER}/: {name!r}")


class CrawlState:
    """Every crawled URL of a corpus with its PageState."""

    def __init__(self, path: Path, pages: dict[str, PageState] | None = None):
        self.path = path
        self.pages: dict[str, PageState] = pages or {}

    @classmethod
    def load(cls, corpus_dir: Path) -> "CrawlState":
        """The corpus's state; an empty one before the first crawl. A damaged file is refused
        (CrawlError) rather than silently replaced: it is the only record of the crawled files."""
        path = corpus_dir / CRAWL_STATE_FILE
        if not path.exists():
            return cls(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            known = {f.name for f in fields(PageState)}
            pages = {url: PageState(**{k: v for k, v in entry.items() if k in known})
                     for url, entry in data["pages"].items()}
            for page in pages.values():
                check_file_name(page.file)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise CrawlError(f"{path} is beschadigd ({exc}); herstel of verwijder het bestand en crawl opnieuw") \
                from None
        return cls(path, pages)

    def save(self) -> None:
        """Write the state atomically, URLs sorted so that two crawls' files can be compared."""
        data = {"version": STATE_VERSION, "pages": {url: asdict(self.pages[url]) for url in sorted(self.pages)}}
        write_atomically(self.path, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))

    def files(self) -> dict[str, str]:
        """Corpus-relative file name -> URL, for every crawled document."""
        return {page.file: url for url, page in self.pages.items()}


@contextmanager
def crawl_lock(corpus_dir: Path):
    """Hold the corpus's crawl lock (a flock on the folder itself, so no lock file lands in the
    corpus), or refuse at once. The OS releases it when the process dies."""
    handle = os.open(corpus_dir, os.O_RDONLY)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise CrawlError(f"Er loopt al een crawl naar {corpus_dir}; probeer het opnieuw als die klaar is.") \
                from None
        yield
    finally:
        os.close(handle)               # closing the descriptor releases the lock
