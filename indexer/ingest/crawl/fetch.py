"""HTTP for the crawler: one session, a pause between requests to a host, redirects followed
by hand (each hop checked), and responses capped in size and time.

`requests` rather than urllib: a Session reuses connections to a host (a crawl makes hundreds
of requests to one site), ``stream=True`` lets us stop reading at the size cap instead of
buffering a whole response, and ``allow_redirects=False`` gives plain 3xx responses, so every
hop can be checked against the allowed hosts, robots.txt and the private-network guard before
it is requested. urllib follows redirects itself and reads whole bodies.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Mapping
from urllib.parse import urljoin, urlsplit

import requests

from .guard import AddressRefused, PublicAddressesOnly
from .links import normalise_url
from .policy import CrawlPolicy

REDIRECTS = {301, 302, 303, 307, 308}
CHUNK = 16 * 1024         # small enough that the time limit is checked often

Check = Callable[[str], "str | None"]            # a URL -> why it may not be requested (Dutch), or None
Conditional = Callable[[str], "dict[str, str]"]  # a URL -> its If-None-Match / If-Modified-Since headers
Accept = Callable[[str, str], "str | None"]      # final URL, Content-Type -> why the body is not wanted, or None


class FetchFailed(Exception):
    """A URL that gave no usable response; the message is the reason (Dutch).
    ``unreachable`` when the server did not answer at all (no HTTP status)."""

    def __init__(self, reason: str, unreachable: bool = False):
        super().__init__(reason)
        self.unreachable = unreachable


@dataclass
class Response:
    """A final response: its URL after redirects, status, headers, and the body (only for 200)."""

    url: str
    status: int
    headers: Mapping[str, str]           # case-insensitive, as requests gives them
    body: bytes = b""
    hops: list[str] = field(default_factory=list)     # the URLs that redirected here, in order


def host_key(url: str) -> str:
    """The host a pause applies to: host and port, as the URL names them."""
    return urlsplit(url).netloc.lower()


class Fetcher:
    """Requests for one crawl: one session, per-host pacing, manual redirects, size and time caps."""

    def __init__(self, policy: CrawlPolicy):
        self.policy = policy
        self.session = requests.Session()
        self.session.headers["User-Agent"] = policy.user_agent
        if policy.block_private_networks:        # checked again where the connection is made (guard.py)
            for scheme in ("http://", "https://"):
                self.session.mount(scheme, PublicAddressesOnly())
        self.last_request: dict[str, float] = {}
        self.delays: dict[str, float] = {}
        self.requests = 0

    def close(self) -> None:
        self.session.close()

    def set_delay(self, url: str, seconds: float) -> None:
        """Pause at least ``seconds`` between requests to this URL's host (robots.txt Crawl-delay)."""
        self.delays[host_key(url)] = max(seconds, self.policy.delay_seconds)

    def pace(self, url: str) -> None:
        """Sleep until the host's pause since our previous request to it has passed."""
        host = host_key(url)
        delay = self.delays.get(host, self.policy.delay_seconds)
        previous = self.last_request.get(host)
        if previous is not None:
            wait = previous + delay - time.monotonic()
            if wait > 0:
                time.sleep(wait)
        self.last_request[host] = time.monotonic()

    def get(self, url: str, check: Check, conditional: Conditional | None = None,
            accept: Accept | None = None, max_bytes: int | None = None) -> Response:
        """GET a URL, following up to max_redirects redirects; every hop must pass ``check``
        and is asked with its own ``conditional`` headers.

        Only a 200 response has its body read, and only when ``accept`` does not object to
        its Content-Type. Raises FetchFailed with the reason when no usable response came.
        """
        hops: list[str] = []
        current = url
        while True:
            reason = check(current)
            if reason:
                raise FetchFailed(reason if not hops else f"doorverwezen naar {current}: {reason}")
            response = self.request(current, conditional(current) if conditional else {})
            target = response.headers.get("Location")
            if response.status_code not in REDIRECTS or not target:
                break
            response.close()
            hops.append(current)
            try:
                current = normalise_url(urljoin(current, target))
            except ValueError:
                raise FetchFailed(f"ongeldige doorverwijzing ({target})") from None
            if current in hops:
                raise FetchFailed("doorverwijzingen in een kring")
            if len(hops) > self.policy.max_redirects:
                raise FetchFailed(f"meer dan {self.policy.max_redirects} doorverwijzingen")
        with response:
            result = Response(current, response.status_code, response.headers, hops=hops)
            if response.status_code == 200:
                refusal = accept(current, response.headers.get("Content-Type", "")) if accept else None
                if refusal:
                    raise FetchFailed(refusal)
                result.body = self.read_body(response, max_bytes or self.policy.max_bytes)
        return result

    def request(self, url: str, headers: dict[str, str]) -> requests.Response:
        """One request, no redirects followed, after the host's pause; connection failures as FetchFailed."""
        self.pace(url)
        self.requests += 1
        timeout = self.policy.timeout_seconds
        try:
            return self.session.get(url, headers=headers, stream=True, allow_redirects=False,
                                    timeout=(timeout, timeout))
        except AddressRefused as exc:
            raise FetchFailed(str(exc)) from None
        except requests.Timeout:
            raise FetchFailed(f"geen antwoord binnen {timeout:g} s", unreachable=True) from None
        except requests.RequestException as exc:
            raise FetchFailed(f"verbinding mislukt ({type(exc).__name__})", unreachable=True) from None

    def read_body(self, response: requests.Response, max_bytes: int) -> bytes:
        """The body, read in chunks; FetchFailed past max_bytes or past the time limit."""
        too_big = f"groter dan {max_bytes / 1024 / 1024:.2f} MB"
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise FetchFailed(too_big)                # refuse before reading a byte
        deadline = time.monotonic() + self.policy.timeout_seconds
        body = bytearray()
        try:
            for chunk in response.iter_content(CHUNK):
                body += chunk
                if len(body) > max_bytes:
                    raise FetchFailed(too_big)        # a server may send more than it declared
                if time.monotonic() > deadline:
                    raise FetchFailed(f"downloaden duurde langer dan {self.policy.timeout_seconds:g} s")
        except requests.RequestException as exc:
            raise FetchFailed(f"downloaden afgebroken ({type(exc).__name__})") from None
        return bytes(body)
