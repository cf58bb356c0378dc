"""The crawled documents of a corpus: their files and their crawl state, always changed together,
and every change reported as an event (added, changed, unchanged, removed, skipped)."""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Callable

from .fetch import Response
from .policy import ADDED, CHANGED, REMOVED, SKIPPED, UNCHANGED
from .state import CrawlState, PageState, now
from .storage import corpus_name, disambiguated, remove_document, stored_as, write_atomically

Emit = Callable[[str, str, str], None]        # (event, url, detail)

SAVE_EVERY = 20          # changes between two saves of the state: a killed crawl loses little


class CrawledDocuments:
    """Stores, keeps and removes crawled documents, keeping the state file in step."""

    def __init__(self, corpus_dir: Path, emit: Emit):
        self.corpus_dir = corpus_dir
        self.emit = emit
        self.state = CrawlState.load(corpus_dir)
        self.owners = self.state.files()          # file -> URL, to keep two URLs out of one file
        self.unsaved = 0

    def is_stored(self, url: str) -> bool:
        return url in self.state.pages

    def stored_urls(self) -> list[str]:
        return list(self.state.pages)

    def conditional_headers(self, url: str) -> dict[str, str]:
        """If-None-Match / If-Modified-Since from the state, when the stored copy is still there."""
        page = self.state.pages.get(url)
        if page is None or not (self.corpus_dir / page.file).is_file():
            return {}               # without the file a 304 would leave us with nothing
        headers = {}
        if page.etag:
            headers["If-None-Match"] = page.etag
        if page.last_modified:
            headers["If-Modified-Since"] = page.last_modified
        return headers

    def store(self, response: Response, suffix: str) -> None:
        """Write a 200's document (unless its content is the one stored) under its final URL."""
        url = response.url
        digest = hashlib.sha1(response.body).hexdigest()
        page = self.state.pages.get(url)
        same = page is not None and page.sha1 == digest and stored_as(page.file, suffix) \
            and (self.corpus_dir / page.file).is_file()
        if same:
            name = page.file
            self.emit(UNCHANGED, url, "zelfde inhoud")
        else:
            name = page.file if page and stored_as(page.file, suffix) else self.name_for(url, suffix)
            try:
                write_atomically(self.corpus_dir / name, response.body)
            except OSError as exc:       # e.g. '/a.html/' wants a folder where '/a.html' has its file
                self.emit(SKIPPED, url, f"kan niet worden opgeslagen als {name} ({exc.strerror or exc})")
                return
            if page and page.file != name:
                remove_document(self.corpus_dir, page.file)     # the format changed, so did the name
                self.owners.pop(page.file, None)
            self.emit(CHANGED if page else ADDED, url, name)
        self.state.pages[url] = PageState(name, response.headers.get("ETag"), response.headers.get("Last-Modified"),
                                          digest, 200, now())
        self.owners[name] = url
        self.retire(response.hops, url)
        self.changed()

    def name_for(self, url: str, suffix: str) -> str:
        """The URL's derived corpus name; a hash is added when another URL already owns it."""
        name = corpus_name(url, suffix)
        return name if self.owners.get(name, url) == url else disambiguated(name, url)

    def unchanged(self, response: Response) -> PageState | None:
        """A 304: the stored copy is current. None (and skipped) when there is no stored copy
        (we asked without validators then, so a 304 would be the server's mistake)."""
        final = response.url
        page = self.state.pages.get(final)
        if page is None:
            self.emit(SKIPPED, final, "de server antwoordde 304 (ongewijzigd) maar er is geen opgeslagen versie")
            return None
        page.status, page.fetched = 304, now()
        self.emit(UNCHANGED, final, "304")
        self.retire(response.hops, final)
        return page

    def stored_text(self, page: PageState) -> str:
        """A stored page's text, for its links; a wrong byte here costs at most a link."""
        return (self.corpus_dir / page.file).read_bytes().decode("utf-8", errors="replace")

    def gone(self, response: Response) -> None:
        """A 404 or 410: the document is gone; a stored copy (under any URL of the chain) goes too."""
        known = [u for u in [*response.hops, response.url] if u in self.state.pages]
        if not known:
            self.emit(SKIPPED, response.url, f"niet gevonden (HTTP {response.status})")
        for gone_url in known:
            self.drop(gone_url, f"verdwenen van de site (HTTP {response.status})")

    def retire(self, hops: list[str], final: str) -> None:
        """URLs that now redirect to a stored document: their own old copies would be duplicates."""
        for url in hops:
            if url != final and url in self.state.pages:
                self.drop(url, f"doorverwezen naar {final}")

    def drop(self, url: str, reason: str) -> None:
        """Remove a URL's document from the corpus and the state (reported skipped if none is stored)."""
        page = self.state.pages.pop(url, None)
        if page is None:
            self.emit(SKIPPED, url, reason)
            return
        remove_document(self.corpus_dir, page.file)
        self.owners.pop(page.file, None)
        self.emit(REMOVED, url, reason)
        self.changed()

    def remove_asked(self, url: str) -> None:
        """One of remove_urls: drop its document, or say there is none."""
        if url in self.state.pages:
            self.drop(url, "verwijderd op verzoek")
        else:
            self.emit(SKIPPED, url, "niet verwijderd: dit adres staat niet in de crawlstatus")

    def changed(self) -> None:
        self.unsaved += 1
        if self.unsaved >= SAVE_EVERY:
            self.save()

    def save(self) -> None:
        self.state.save()
        self.unsaved = 0
