"""What a crawl may do (CrawlPolicy) and what it did (CrawlReport)."""
from __future__ import annotations

from dataclasses import dataclass, field

USER_AGENT = "KennisbankCrawler/1.0"

# The events a crawl reports per URL, in the order the summary names them.
ADDED, CHANGED, UNCHANGED, REMOVED, SKIPPED = "added", "changed", "unchanged", "removed", "skipped"
EVENT_LABELS = {ADDED: "nieuw", CHANGED: "gewijzigd", UNCHANGED: "ongewijzigd", REMOVED: "verwijderd",
                SKIPPED: "overgeslagen"}


class CrawlError(RuntimeError):
    """A crawl that cannot run at all (a start URL that is no web address, a site that does not answer,
    another crawl of the same corpus); the message says why, in Dutch."""


@dataclass(frozen=True)
class CrawlPolicy:
    """The limits of one crawl. ``allowed_hosts`` empty means: the hosts of the start URLs."""

    allowed_hosts: frozenset[str] = frozenset()
    max_pages: int = 500
    delay_seconds: float = 1.0           # between two requests to one host
    max_bytes: int = 50 * 1024 * 1024    # one response, after decompression
    timeout_seconds: float = 60.0        # one response, from connecting to its last byte
    max_redirects: int = 5
    user_agent: str = USER_AGENT
    block_private_networks: bool = False

    def __post_init__(self):
        # Accept any iterable of hosts, compare them lower-cased as URLs are.
        object.__setattr__(self, "allowed_hosts", frozenset(h.lower() for h in self.allowed_hosts))


@dataclass
class CrawlReport:
    """Every URL a crawl handled, by outcome; skipped ones with their reason (Dutch)."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    requests: int = 0
    seconds: float = 0.0

    def record(self, event: str, url: str, detail: str = "") -> None:
        """Add one URL's outcome to its list."""
        if event == SKIPPED:
            self.skipped.append((url, detail))
        else:
            getattr(self, event).append(url)

    def summary(self) -> str:
        """One Dutch line: how many URLs had each outcome, requests made and time taken."""
        counts = ", ".join(f"{len(getattr(self, event))} {label}" for event, label in EVENT_LABELS.items())
        return f"Crawl klaar: {counts} ({self.requests} verzoeken, {self.seconds:.1f} s)"
