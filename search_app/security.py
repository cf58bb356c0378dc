"""Security headers on every response, redirects that stay on the site, and Host headers checked.

- ``Content-Security-Policy``: pages run only the site's own script files (no inline script,
  no event-handler attributes, no ``eval``) and use only its own style sheets; nothing else
  (JSON, scripts, style sheets, errors) may run or load anything at all.
- Frames: no page may be framed (``frame-ancestors 'none'``, ``X-Frame-Options: DENY``),
  except ``/embed``, which the configured embed origins (and the site itself) may frame.
- ``X-Content-Type-Options: nosniff`` (JSON is never read as HTML) and
  ``Referrer-Policy: strict-origin-when-cross-origin`` (search words in our URLs never
  reach another site).
- Redirects carry a relative ``Location``: a request with ``Host: evil.example`` is never
  sent there.
- A Host header that is not a host name (too long, a label over 63 characters, spaces or
  other characters) is refused with a Dutch 400.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from flask import Flask, Response, current_app, request
from werkzeug.exceptions import BadRequest

FRAMEABLE_PATHS = ("/embed",)
PAGE_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
               "form-action 'self'; base-uri 'none'; frame-ancestors {ancestors}")
OTHER_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox"
REFERRER_POLICY = "strict-origin-when-cross-origin"

MAX_HOST_LENGTH = 255
LABEL = r"[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?"
HOST = re.compile(rf"(?:(?:{LABEL}\.)*{LABEL}\.?|\[[0-9A-Fa-f:.]{{2,45}}\])(?::[0-9]{{1,5}})?")


class BadHost(BadRequest):
    """A Host header that names no host; the description is Dutch."""

    description = "Het verzoek heeft een ongeldige Host-header."


def init_app(app: Flask) -> None:
    """Check Host headers before, and add headers and relative redirects after, every request."""
    app.before_request(check_host)
    app.after_request(secure_headers)


def check_host() -> None:
    host = request.headers.get("Host")
    if host is not None and (len(host) > MAX_HOST_LENGTH or not HOST.fullmatch(host)):
        raise BadHost()


def embed_ancestors() -> list[str]:
    """Origins that may frame /embed: EMBED_ORIGINS, else the CORS origins (never '*' by that route)."""
    configured = current_app.config["EMBED_ORIGINS"]
    if configured:
        return ["*"] if "*" in configured else list(configured)
    return [origin for origin in current_app.config["CORS_ORIGINS"] if origin != "*"]


def frame_ancestors() -> str:
    if request.path not in FRAMEABLE_PATHS:
        return "'none'"
    return " ".join(["'self'", *embed_ancestors()])


def secure_headers(response: Response) -> Response:
    ancestors = frame_ancestors()
    if response.mimetype == "text/html":
        response.headers["Content-Security-Policy"] = PAGE_POLICY.format(ancestors=ancestors)
    else:
        response.headers["Content-Security-Policy"] = OTHER_POLICY
    if ancestors == "'none'":
        response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = REFERRER_POLICY
    if response.location:
        response.headers["Location"] = relative_location(response.location)
    return response


def relative_location(location: str) -> str:
    """A redirect to this site as a path (never to whatever host the request named)."""
    parts = urlsplit(location)
    request_hosts = {"", (request.headers.get("Host") or "").lower(), request.host.lower()}
    if parts.scheme not in ("http", "https") or parts.netloc.lower() not in request_hosts:
        return location
    path = "/" + parts.path.lstrip("/")            # never '//host': that would leave the site again
    return urlunsplit(("", "", path, parts.query, parts.fragment))
