"""The admin gate: staff endpoints (the publish hook, the staff report) need the admin token.

- no token configured: the endpoints do not exist (404, as any unknown URL);
- the token comes as ``Authorization: Bearer <token>``, or, for staff in a browser, as the
  password of HTTP Basic auth (the browser shows its login prompt);
- compared in constant time; failed attempts are limited per client address (per /64 for
  IPv6), and a client over the limit gets 429 for the rest of the window, even with the
  right token;
- what the gate lets through is sent with ``Cache-Control: no-store``;
- the token is never echoed, and never part of a URL (so not of an access log).
"""
from __future__ import annotations

import hmac
import ipaddress
import threading
import time
from collections import deque
from functools import wraps

from flask import Flask, abort, current_app, jsonify, make_response, request

MAX_FAILURES = 10
WINDOW_SECONDS = 60
SWEEP_AT = 10_000                 # clients remembered before idle ones are swept out
REALM = 'Basic realm="kennisbank beheer", charset="UTF-8"'


class FailureLimiter:
    """Failed attempts per client within a sliding window (one per app, thread-safe).

    Only clients with a failure in the window are remembered: the others are swept out when
    the table grows, so memory follows the failures of the last minute, not all time.
    """

    def __init__(self, limit: int = MAX_FAILURES, window: float = WINDOW_SECONDS):
        self.limit, self.window = limit, window
        self.failures: dict[str, deque] = {}
        self.lock = threading.Lock()
        self.sweep_at = SWEEP_AT

    def _trim(self, times: deque, now: float) -> deque:
        while times and now - times[0] > self.window:
            times.popleft()
        return times

    def blocked_for(self, client: str) -> int:
        """Seconds until this client may try again (0: it may now)."""
        now = time.monotonic()
        with self.lock:
            times = self._trim(self.failures.get(client, deque()), now)
            if len(times) < self.limit:
                return 0
            return max(1, int(self.window - (now - times[0])) + 1)

    def fail(self, client: str) -> None:
        now = time.monotonic()
        with self.lock:
            if len(self.failures) >= self.sweep_at:      # amortised: the next sweep waits for twice as many
                for key in [k for k, v in self.failures.items() if not self._trim(v, now)]:
                    del self.failures[key]
                self.sweep_at = max(SWEEP_AT, 2 * len(self.failures))
            self._trim(self.failures.setdefault(client, deque()), now).append(now)


def init_app(app: Flask) -> None:
    """Give the app its own failure limiter."""
    app.extensions["kennisbank_admin_limiter"] = FailureLimiter()


def presented_token() -> str:
    """The token the request carries (Bearer, else the Basic password), or ''."""
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip()
    if request.authorization and request.authorization.type == "basic":
        return request.authorization.password or ""
    return ""


def client_key() -> str:
    """Whom failures are counted against: the address, or its /64 for IPv6 (one subscriber usually has a whole /64)."""
    address = request.remote_addr or "?"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    return str(ipaddress.ip_network(f"{ip}/64", strict=False)) if ip.version == 6 else address


def refusal(message: str, status: int, headers: dict | None = None):
    """A refusal in the form the path speaks: JSON under /api, plain text for the staff pages."""
    if request.path.startswith("/api/"):
        response = jsonify(error=message)
    else:
        response = make_response(message, status)
        response.mimetype = "text/plain"
    response.status_code = status
    response.headers.update(headers or {})
    return response


def require_admin(view):
    """Let a view run only for a request with the configured admin token."""
    @wraps(view)
    def guarded(*args, **kwargs):
        token = current_app.config.get("ADMIN_TOKEN") or ""
        if not token:
            abort(404)
        limiter: FailureLimiter = current_app.extensions["kennisbank_admin_limiter"]
        client = client_key()
        wait = limiter.blocked_for(client)
        if wait:
            return refusal("Te veel mislukte pogingen; probeer het later opnieuw.", 429, {"Retry-After": str(wait)})
        if not hmac.compare_digest(presented_token().encode("utf-8"), token.encode("utf-8")):
            limiter.fail(client)
            return refusal("Toegang geweigerd: een geldige beheersleutel is nodig.", 401, {"WWW-Authenticate": REALM})
        response = make_response(view(*args, **kwargs))
        response.headers["Cache-Control"] = "no-store"          # what staff see stays out of caches
        return response
    return guarded
