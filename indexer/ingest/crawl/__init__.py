"""The polite crawler: a website's pages and linked documents into the corpus folder.

Every fetched document lands under ``corpus/web/<host>/<path from the URL>`` (see storage.py),
so a URL keeps its file, and hence its document id, from crawl to crawl. The crawl state
(``corpus/crawl-state.json``, state.py) remembers each URL's file, validators and content
hash: a second crawl asks "changed since?" and mostly hears 304.

Polite: only the allowed hosts, robots.txt obeyed (Crawl-delay too), a pause between two
requests to a host, conditional requests, capped responses. Safe to point at the web from a
publish hook: ``block_private_networks`` refuses every URL (and redirect hop) that resolves to
an internal address, and checks again the address each connection goes to (guard.py: no DNS
rebinding). A temporarily broken server never removes documents: only a 404 or 410
(or a ``remove_urls`` entry) does.

    report = crawl(["https://www.example.nl/"], Path("corpus"), policy=CrawlPolicy(max_pages=200))
    print(report.summary())
"""
from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from .guard import scheme_refusal
from .links import host_of, normalise_url
from .policy import CrawlError, CrawlPolicy, CrawlReport
from .state import CrawlState, crawl_lock

if TYPE_CHECKING:
    from .crawler import Progress

__all__ = ["CrawlError", "CrawlPolicy", "CrawlReport", "crawl", "crawled_urls"]


def start_url(url: str) -> str:
    """A start URL in its normal spelling; CrawlError when it is no http(s) address."""
    try:
        normal = normalise_url(url)
    except ValueError:
        raise CrawlError(f"Kan niet crawlen vanaf {url}: ongeldig adres") from None
    reason = scheme_refusal(normal)
    if reason:
        raise CrawlError(f"Kan niet crawlen vanaf {url}: {reason}")
    return normal


def crawl(start_urls: Iterable[str] | None, corpus_dir: Path, *, sitemaps: Iterable[str] = (),
          policy: CrawlPolicy = CrawlPolicy(), only_urls: Iterable[str] | None = None,
          remove_urls: Iterable[str] = (), progress: Progress | None = None) -> CrawlReport:
    """Crawl a site into ``corpus_dir`` and report what happened to every URL.

    Without ``only_urls``: the start URLs, the pages of the sitemaps (given, and named in
    robots.txt) and every page crawled before, following links on the allowed hosts up to
    ``policy.max_pages`` requests. With ``only_urls`` (a publish hook naming changed pages):
    exactly those URLs, links not followed; robots.txt, hosts and limits still apply.
    ``remove_urls`` are removed from the corpus first; with no start URLs and no ``only_urls``
    that is all a call does (give ``policy.allowed_hosts`` then). ``progress(event, url, detail)`` is
    called for every URL (events: added, changed, unchanged, removed, skipped).

    Raises CrawlError when the crawl cannot run: a start URL is no http(s) address, a start
    host does not answer at all, or another crawl of this corpus is running.
    """
    started = time.perf_counter()
    starts = [start_url(url) for url in start_urls or ()]
    if not policy.allowed_hosts:
        if not starts:
            raise CrawlError("Geen start-URL en geen toegestane hosts: er valt niets te crawlen.")
        policy = replace(policy, allowed_hosts=frozenset(host_of(url) for url in starts))
    # Imported here: the ingester imports this package for crawled_urls and needs no HTTP library.
    from .crawler import Crawl

    corpus_dir = Path(corpus_dir)
    corpus_dir.mkdir(parents=True, exist_ok=True)
    with crawl_lock(corpus_dir):
        run = Crawl(corpus_dir, policy, progress)
        try:
            run.run(starts, list(sitemaps), None if only_urls is None else list(only_urls), list(remove_urls))
        finally:
            run.finish()
    run.report.seconds = time.perf_counter() - started
    return run.report


def crawled_urls(corpus_dir: Path) -> dict[str, str]:
    """Corpus-relative file name (posix) -> the URL its document was fetched from, for every
    crawled document (empty before the first crawl): the link the index shows for it."""
    return CrawlState.load(Path(corpus_dir)).files()
