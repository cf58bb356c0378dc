"""One crawl over a corpus: the queue of URLs, what each answer means for the corpus, the report.

What an answer means:
- 200 with HTML, PDF or DOCX: stored under the final URL's name; added, changed, or unchanged
  when the content hash is the one stored;
- 304 to our conditional request: unchanged, the stored copy stays;
- 404 or 410: the document is gone; a stored copy is removed, from the corpus and the state;
- anything else (5xx, time-outs, refused connections, ...): skipped with the reason, and a
  stored copy is kept, because a temporarily broken server must not unpublish documents.
"""
from __future__ import annotations

from collections import deque
from pathlib import Path, PurePosixPath
from typing import Callable
from urllib.parse import urlsplit

from .documents import CrawledDocuments
from .fetch import Fetcher, FetchFailed, Response
from .guard import private_network_refusal, scheme_refusal
from .links import host_of, normalise_url, page_links
from .policy import SKIPPED, CrawlError, CrawlPolicy, CrawlReport
from .robots import RobotsCache
from .sitemap import sitemap_pages
from .storage import document_suffix, stored_as

Progress = Callable[[str, str, str], None]        # (event, url, detail)

GONE = {404, 410}
# Linked files we know are no documents we read: not worth a request.
NOT_DOCUMENTS = {".jpg", ".jpeg", ".png", ".gif", ".svg", ".webp", ".ico", ".bmp", ".tif", ".tiff", ".css", ".js",
                 ".zip", ".gz", ".tgz", ".tar", ".rar", ".7z", ".mp3", ".mp4", ".m4a", ".avi", ".mov", ".wav",
                 ".webm", ".xls", ".xlsx", ".ppt", ".pptx", ".doc", ".odt", ".ods", ".odp", ".csv", ".xml",
                 ".json", ".exe", ".msi", ".dmg", ".iso", ".ics", ".rss"}
KEPT_NOTE = "; de opgeslagen versie blijft staan"


class Crawl:
    """The queue and the report of one crawl, its fetcher and robots.txt rules; ``run`` does the work."""

    def __init__(self, corpus_dir: Path, policy: CrawlPolicy, progress: Progress | None = None):
        self.corpus_dir = corpus_dir
        self.policy = policy
        self.progress = progress
        self.fetcher = Fetcher(policy)
        self.robots = RobotsCache(self.fetcher, self.guard, policy.user_agent)
        self.report = CrawlReport()
        self.documents = CrawledDocuments(corpus_dir, self.emit)
        self.queue: deque[str] = deque()
        self.seen: set[str] = set()        # queued or handled, requested and final URLs alike
        self.follow = True
        self.visits = 0

    # ------------------------------------------------------------------ the run

    def run(self, start_urls: list[str], sitemaps: list[str], only_urls: list[str] | None,
            remove_urls: list[str]) -> CrawlReport:
        """Remove what was asked, queue what is to be fetched, and fetch until the queue is empty."""
        for url in remove_urls:
            url = normalise_url(url)
            self.seen.add(url)                 # not fetched back by this crawl
            self.documents.remove_asked(url)
        if only_urls is not None:
            self.follow = False            # a publish hook names exactly the pages that changed
            for url in only_urls:
                self.enqueue(url)
        elif start_urls:
            self.check_reachable(start_urls)
            for url in start_urls:
                self.enqueue(url)
            self.queue_sitemaps(start_urls, sitemaps)
            for url in self.documents.stored_urls():     # known pages: a page no longer linked may be gone
                if host_of(url) in self.policy.allowed_hosts:
                    self.enqueue(url)
        while self.queue:
            self.visit(self.queue.popleft())
        return self.report

    def finish(self) -> None:
        """Save the state and let go of the connections; called even when the crawl failed."""
        self.documents.save()
        self.report.requests = self.fetcher.requests
        self.fetcher.close()

    def emit(self, event: str, url: str, detail: str = "") -> None:
        """Record one URL's outcome in the report and tell the caller's progress callback."""
        self.report.record(event, url, detail)
        if self.progress:
            self.progress(event, url, detail)

    def check_reachable(self, start_urls: list[str]) -> None:
        """A site that does not answer at all makes the crawl fail, rather than report every page skipped."""
        for url in start_urls:
            rules = self.robots.rules(url)
            if rules.unreachable:
                raise CrawlError(f"{url} is niet bereikbaar: {rules.refusal}")

    # ------------------------------------------------------------------ which URLs

    def guard(self, url: str) -> str | None:
        """Why no request at all may go to this URL (robots.txt requests pass here too)."""
        reason = scheme_refusal(url)
        if not reason and self.policy.block_private_networks:
            reason = private_network_refusal(url)
        return reason

    def host_refusal(self, url: str) -> str | None:
        """Why a URL is off limits by its host (Dutch), or None on an allowed host."""
        host = host_of(url)
        return None if host in self.policy.allowed_hosts else f"andere website ({host}); wordt niet gevolgd"

    def check(self, url: str) -> str | None:
        """Why this URL (or a redirect hop) may not be fetched: scheme, host, network, robots.txt."""
        return scheme_refusal(url) or self.host_refusal(url) or self.guard(url) or self.robots.refusal(url)

    def enqueue(self, url: str) -> None:
        """Queue a URL once; one that is plainly not for us is reported skipped right away."""
        try:
            url = normalise_url(url)
        except ValueError:
            self.emit(SKIPPED, url, "ongeldig adres")
            return
        if url in self.seen:
            return
        self.seen.add(url)
        suffix = PurePosixPath(urlsplit(url).path).suffix.lower()
        reason = scheme_refusal(url) or self.host_refusal(url)
        if not reason and suffix in NOT_DOCUMENTS:
            reason = f"bestandstype {suffix} wordt niet opgehaald (alleen HTML, PDF en Word .docx)"
        if reason:
            self.emit(SKIPPED, url, reason)
        else:
            self.queue.append(url)

    def queue_sitemaps(self, start_urls: list[str], sitemaps: list[str]) -> None:
        """Queue the pages of the given sitemaps and of the Sitemap lines in the start hosts' robots.txt."""
        named = [normalise_url(s) for s in sitemaps]
        for url in start_urls:
            named += [s for s in self.robots.rules(url).sitemaps if s not in named]
        pages, skipped = sitemap_pages(named, self.sitemap_body, self.policy.max_bytes)
        for url, reason in skipped:
            self.emit(SKIPPED, url, reason)
        for url in pages:
            self.enqueue(url)

    def sitemap_body(self, url: str) -> bytes:
        """A sitemap's bytes, fetched under the same rules as a page; FetchFailed otherwise."""
        response = self.fetcher.get(url, self.check)
        if response.status != 200:
            raise FetchFailed(f"HTTP {response.status}")
        return response.body

    # ------------------------------------------------------------------ one URL

    def visit(self, url: str) -> None:
        """Fetch one URL (conditionally when a copy is stored) and act on the answer."""
        if self.visits >= self.policy.max_pages:
            self.emit(SKIPPED, url, f"niet opgehaald: het maximum van {self.policy.max_pages} pagina's is bereikt")
            return
        self.visits += 1

        def check(hop: str) -> str | None:
            # A redirect to a URL this crawl already handled is not worth a second request.
            return self.check(hop) or ("al verwerkt in deze crawl" if hop != url and hop in self.seen else None)

        try:
            response = self.fetcher.get(url, check, self.documents.conditional_headers, accept=self.accept)
        except FetchFailed as exc:
            self.emit(SKIPPED, url, str(exc) + (KEPT_NOTE if self.documents.is_stored(url) else ""))
            return
        final = response.url
        self.seen.add(final)
        if response.status == 200:
            self.received(response)
        elif response.status == 304:
            self.not_modified(response)
        elif response.status in GONE:
            self.documents.gone(response)
        else:
            self.emit(SKIPPED, final, f"HTTP {response.status}" + (KEPT_NOTE if self.documents.is_stored(final) else ""))

    def accept(self, url: str, content_type: str) -> str | None:
        """Read a 200 response's body only for a document we store."""
        if document_suffix(url, content_type):
            return None
        return f"inhoudstype '{content_type or 'onbekend'}' wordt niet opgeslagen (alleen HTML, PDF en Word .docx)"

    def received(self, response: Response) -> None:
        """A 200: store the document unless the page asks not to be indexed; then follow its links."""
        url = response.url
        suffix = document_suffix(url, response.headers.get("Content-Type", ""))
        # Only a page has links; any document may carry an X-Robots-Tag header.
        html = response.body.decode("utf-8", errors="replace") if suffix == ".html" else ""
        links = page_links(html, url, response.headers.get("X-Robots-Tag", ""))
        if links.noindex:
            self.documents.drop(url, "de pagina vraagt om niet geïndexeerd te worden (noindex)")
        else:
            self.documents.store(response, suffix)
        if not links.nofollow:
            self.follow_links(links.links)

    def not_modified(self, response: Response) -> None:
        """A 304: the stored copy stays; a stored HTML page's links are followed as if it had been sent."""
        page = self.documents.unchanged(response)
        if page and stored_as(page.file, ".html") and self.follow:
            links = page_links(self.documents.stored_text(page), response.url)
            if not links.nofollow:
                self.follow_links(links.links)

    def follow_links(self, links: list[str]) -> None:
        """Queue a page's links, unless this crawl fetches named URLs only."""
        if self.follow:
            for link in links:
                self.enqueue(link)
