"""robots.txt: fetched once per host, read with Protego (RFC 9309: longest match, Allow
overrides, wildcards, Crawl-delay, Sitemap lines), which the standard library's parser gets wrong."""
from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from protego import Protego

from .fetch import Check, Fetcher, FetchFailed

MAX_ROBOTS_BYTES = 512 * 1024        # what RFC 9309 asks crawlers to read at least
MAX_CRAWL_DELAY = 60.0               # a larger Crawl-delay would stall a publish hook for minutes per page


@dataclass
class HostRules:
    """One host's robots.txt: its rules, or why nothing there may be fetched."""

    parser: Protego | None = None
    refusal: str | None = None        # set when the host is closed to us (robots.txt unreachable)
    unreachable: bool = False         # the server did not answer at all
    sitemaps: list[str] = field(default_factory=list)


def robots_url(url: str) -> str:
    """The robots.txt of a URL's host (scheme, host and port count: RFC 9309 section 2.3)."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/robots.txt", "", ""))


def rules_from(status: int, body: bytes) -> HostRules:
    """The rules a robots.txt answer gives (RFC 9309 section 2.3.1): a 200 is parsed, any other
    4xx means no rules at all (a missing robots.txt allows all), a 5xx closes the host for now."""
    if status == 200:
        parser = Protego.parse(body.decode("utf-8", errors="replace"))
        return HostRules(parser, sitemaps=list(parser.sitemaps))
    if 400 <= status < 500:
        return HostRules()
    return HostRules(refusal=f"robots.txt van deze site is niet bereikbaar (HTTP {status})")


class RobotsCache:
    """The robots.txt rules of every host a crawl visits, each fetched once."""

    def __init__(self, fetcher: Fetcher, check: Check, user_agent: str):
        self.fetcher = fetcher
        self.check = check            # the guard for robots.txt requests and their redirects
        self.user_agent = user_agent
        self.hosts: dict[str, HostRules] = {}

    def rules(self, url: str) -> HostRules:
        """The rules of a URL's host, fetching robots.txt the first time the host is seen."""
        key = robots_url(url)
        if key not in self.hosts:
            self.hosts[key] = self.load(key)
        return self.hosts[key]

    def load(self, key: str) -> HostRules:
        try:
            response = self.fetcher.get(key, self.check, max_bytes=MAX_ROBOTS_BYTES)
        except FetchFailed as exc:
            return HostRules(refusal=f"robots.txt niet op te halen: {exc}", unreachable=exc.unreachable)
        rules = rules_from(response.status, response.body)
        delay = rules.parser.crawl_delay(self.user_agent) if rules.parser else None
        if delay:
            self.fetcher.set_delay(key, min(float(delay), MAX_CRAWL_DELAY))
        return rules

    def refusal(self, url: str) -> str | None:
        """Why robots.txt keeps us from this URL (Dutch), or None when it may be fetched."""
        rules = self.rules(url)
        if rules.refusal:
            return rules.refusal
        if rules.parser and not rules.parser.can_fetch(url, self.user_agent):
            return "robots.txt verbiedt deze pagina"
        return None
