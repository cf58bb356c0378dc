"""Settings, declared once: name, default, environment variable, help and a parser that
validates. Precedence: ``create_app(config)`` over environment variables over defaults.

A bad value stops start-up with a message naming the setting (English / Dutch).
"""
from __future__ import annotations

import ipaddress
import os
import re
from dataclasses import dataclass
from typing import Callable, Mapping
from urllib.parse import urlsplit

from indexer.search.params import DEFAULT_PER_PAGE, MAX_PER_PAGE


class SettingsError(ValueError):
    """A setting that is unknown or has a bad value; the message names it."""


def text(value) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("expected a non-empty text / verwacht een niet-lege tekst")
    return value


def path(value) -> str:
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    return text(value)


def per_page(value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"expected a whole number from 1 to {MAX_PER_PAGE} / "
                         f"verwacht een geheel getal van 1 tot en met {MAX_PER_PAGE}") from None
    if not 1 <= number <= MAX_PER_PAGE:
        raise ValueError(f"expected 1 to {MAX_PER_PAGE} / verwacht 1 tot en met {MAX_PER_PAGE}")
    return number


def origins(value) -> list[str]:
    """'https://a.nl, https://b.nl' or a list of them, or '*': origins without a trailing slash."""
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)):
        raise ValueError("expected comma-separated origins / verwacht komma-gescheiden origins")
    cleaned = [str(o).strip().rstrip("/") for o in items if str(o).strip()]
    for origin in cleaned:
        if origin != "*" and not origin.startswith(("http://", "https://")):
            raise ValueError(f"'{origin}' is not an origin such as https://www.example.nl / "
                             f"'{origin}' is geen origin zoals https://www.example.nl")
    return cleaned


def urls(value) -> list[str]:
    """'https://a.nl/, https://a.nl/nieuws/' or a list of them: http(s) URLs (empty: none)."""
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)):
        raise ValueError("expected comma-separated URLs / verwacht komma-gescheiden URL's")
    cleaned = [str(u).strip() for u in items if str(u).strip()]
    for url in cleaned:
        if not url.startswith(("http://", "https://")) or len(url.split("/")[2]) == 0:
            raise ValueError(f"'{url}' is not an http(s) URL / '{url}' is geen http(s)-URL")
    return cleaned


def public_url(value) -> str:
    """Empty (each request's own address) or the site's public http(s) address, without a trailing slash."""
    url = str(value or "").strip().rstrip("/")
    if url and not is_site_address(url):
        raise ValueError(f"'{url}' is not an address such as https://kennisbank.example.nl / "
                         f"'{url}' is geen adres zoals https://kennisbank.example.nl")
    return url


def web_host(url: str) -> str | None:
    """The host of an http(s) URL with a valid port; None for anything else ('http://[::1', ':99999')."""
    try:
        parts = urlsplit(url)
        parts.port                       # raises on a port that is not a number from 0 to 65535
    except ValueError:
        return None
    return parts.hostname if parts.scheme in ("http", "https") else None


def is_site_address(url: str) -> bool:
    """An http(s) address of a host (a name, IPv4 or [IPv6]) with an optional port: no credentials,
    query or fragment, since every feed link starts with it."""
    host = web_host(url)
    if not host:
        return False
    parts = urlsplit(url)
    return ((re.fullmatch(r"[a-z0-9.-]+", host) is not None or is_ipv6(host))
            and parts.username is None and not parts.query and not parts.fragment
            and not any(character.isspace() for character in url))


def is_ipv6(host: str) -> bool:
    """Is this an IPv6 address (as urlsplit gives the host of http://[::1]/)?"""
    try:
        ipaddress.IPv6Address(host)
    except ValueError:
        return False
    return True


def admin_token(value) -> str:
    """Empty (the admin surface is off) or a secret of at least 16 characters."""
    token = str(value or "").strip()
    if token and len(token) < 16:
        raise ValueError("expected at least 16 characters / verwacht minstens 16 tekens")
    return token


def optional_path(value) -> str:
    """A path, or empty for 'none'."""
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    return str(value or "").strip()


def flag(value) -> bool:
    """true/false, yes/no, 1/0, ja/nee."""
    if isinstance(value, bool):
        return value
    text_value = str(value).strip().lower()
    if text_value in ("1", "true", "yes", "ja", "on"):
        return True
    if text_value in ("0", "false", "no", "nee", "off", ""):
        return False
    raise ValueError("expected true or false / verwacht true of false")


def seconds(value) -> float:
    """A number of seconds from 0 to 60."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError("expected a number of seconds / verwacht een aantal seconden") from None
    if not 0 <= number <= 60:
        raise ValueError("expected 0 to 60 seconds / verwacht 0 tot en met 60 seconden")
    return number


def whole_number(low: int, high: int, unit: str = "", unit_nl: str = "") -> Callable[[object], int]:
    """A parser of whole numbers from ``low`` to ``high`` (the message names the range and unit)."""
    def parse(value) -> int:
        try:
            number = int(str(value).strip())
        except (TypeError, ValueError):
            raise ValueError(f"expected a whole number{unit} / verwacht een geheel getal{unit_nl}") from None
        if not low <= number <= high:
            raise ValueError(f"expected {low} to {high}{unit} / verwacht {low} tot en met {high}{unit_nl}")
        return number
    return parse


def proxy_address(value) -> str:
    """Empty (no proxy is trusted) or the IP address of the reverse proxy."""
    address = str(value or "").strip()
    if address:
        try:
            ipaddress.ip_address(address)
        except ValueError:
            raise ValueError(f"'{address}' is not an IP address / '{address}' is geen IP-adres") from None
    return address


@dataclass(frozen=True)
class Setting:
    name: str
    default: object
    env: str
    help: str
    parse: Callable[[object], object] = text


SETTINGS = (
    Setting("INDEX_DIR", "var/index", "KENNISBANK_INDEX", "Path of the index (a symlink to its current generation).", path),
    Setting("CORPUS_DIR", "corpus", "KENNISBANK_CORPUS", "Folder of documents that `kennisbank index` reads.", path),
    Setting("CORS_ORIGINS", "", "KENNISBANK_CORS_ORIGINS",
            "Comma-separated origins allowed to call the JSON API from a browser (or '*').", origins),
    Setting("PER_PAGE", DEFAULT_PER_PAGE, "KENNISBANK_PER_PAGE",
            f"Results per page on the search page (1 to {MAX_PER_PAGE}).", per_page),
    Setting("ADMIN_TOKEN", "", "KENNISBANK_ADMIN_TOKEN",
            "Secret for the staff endpoints (publish hook, staff report), at least 16 characters; "
            "empty: those endpoints do not exist.", admin_token),
    Setting("QUERY_LOG", "", "KENNISBANK_QUERY_LOG",
            "SQLite file of the opt-in query log (query, filters, result count, time; nothing about the person); "
            "empty: nothing is logged.", optional_path),
    Setting("QUERY_LOG_DAYS", 90, "KENNISBANK_QUERY_LOG_DAYS", "Days the query log keeps a search (1 to 3650).",
            whole_number(1, 3650, " days", " dagen")),
    Setting("CRAWL_URLS", "", "KENNISBANK_CRAWL_URLS",
            "Comma-separated start URLs of the website the publish hook crawls; its hosts are the only ones "
            "a crawl started over HTTP may fetch from (empty: the hook only reindexes the corpus).", urls),
    Setting("CRAWL_DELAY", 1.0, "KENNISBANK_CRAWL_DELAY",
            "Seconds between two requests of a publish crawl to one host (robots.txt's Crawl-delay wins if longer).",
            seconds),
    Setting("CRAWL_PRIVATE_NETWORKS", False, "KENNISBANK_CRAWL_PRIVATE_NETWORKS",
            "Let publish crawls fetch from loopback and private addresses (an intranet site); off, they are refused.",
            flag),
    Setting("SITE_NAME", "Kennisbank VeiligheidsAlliantie", "KENNISBANK_SITE_NAME", "Name shown in the page header."),
    Setting("PUBLIC_URL", "", "KENNISBANK_PUBLIC_URL",
            "The search's public address (https://kennisbank.example.nl), which the absolute links of the Atom "
            "feeds start with; empty: the address each request names in its Host header.", public_url),
    Setting("EMBED_ORIGINS", "", "KENNISBANK_EMBED_ORIGINS",
            "Comma-separated origins allowed to show /embed in a frame (or '*'); empty: the CORS_ORIGINS "
            "(without '*'). No other page may be framed.", origins),
    Setting("THREADS", 4, "KENNISBANK_THREADS", "Request threads per worker process (1 to 64; --threads overrides).",
            whole_number(1, 64)),
    Setting("CONNECTION_LIMIT", 200, "KENNISBANK_CONNECTION_LIMIT",
            "Open connections one worker process accepts before it stops accepting more (10 to 10000).",
            whole_number(10, 10_000)),
    Setting("CHANNEL_TIMEOUT", 30, "KENNISBANK_CHANNEL_TIMEOUT",
            "Seconds after which a connection that sends nothing is closed (5 to 3600).",
            whole_number(5, 3600, " seconds", " seconden")),
    Setting("MAX_REQUEST_BODY", 1_048_576, "KENNISBANK_MAX_REQUEST_BODY",
            "Largest request body in bytes (1024 to 104857600); larger requests get 413.",
            whole_number(1024, 100 * 1024 * 1024, " bytes", " bytes")),
    Setting("TRUSTED_PROXY", "", "KENNISBANK_TRUSTED_PROXY",
            "IP address of the reverse proxy whose X-Forwarded-For and X-Forwarded-Proto are believed "
            "(empty: none; such headers are then removed).", proxy_address),
)
SETTINGS_BY_NAME = {s.name: s for s in SETTINGS}


def setting_value(setting: Setting, overrides: Mapping | None = None, environ: Mapping | None = None):
    """One setting's value: the override, else its environment variable, else the default; validated."""
    environ = os.environ if environ is None else environ
    if overrides and setting.name in overrides:
        raw, source = overrides[setting.name], f"setting {setting.name}"
    elif setting.env in environ:
        raw, source = environ[setting.env], f"environment variable {setting.env}"
    else:
        raw, source = setting.default, f"default of {setting.name}"
    try:
        return setting.parse(raw)
    except ValueError as exc:
        raise SettingsError(f"{source} = {raw!r}: {exc}") from None


def load_settings(overrides: Mapping | None = None, environ: Mapping | None = None) -> dict:
    """Every setting, validated. Unknown names in ``overrides`` are refused (Flask's own keys pass)."""
    from flask import Flask          # here: the CLI reads the settings table, and only `serve` needs Flask

    overrides = dict(overrides or {})
    unknown = sorted(set(overrides) - set(SETTINGS_BY_NAME) - set(Flask.default_config))
    if unknown:
        raise SettingsError(f"unknown setting(s) {', '.join(unknown)} / onbekende instelling(en); "
                            f"known: {', '.join(SETTINGS_BY_NAME)}")
    values = {name: value for name, value in overrides.items() if name not in SETTINGS_BY_NAME}
    values.update({s.name: setting_value(s, overrides, environ) for s in SETTINGS})
    return values


def settings_help() -> str:
    """The settings table for people: name, environment variable, default and help."""
    rows = [("setting", "environment variable", "default", "meaning")]
    rows += [(s.name, s.env, repr(s.default), s.help) for s in SETTINGS]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    return "\n".join(f"{a:<{widths[0]}}  {b:<{widths[1]}}  {c:<{widths[2]}}  {d}" for a, b, c, d in rows)
