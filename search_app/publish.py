"""The publish hook: staff's website tells the search what was published or taken down.

``POST /api/reindex`` (admin token) starts a crawl of the named URLs, or of the configured
site, plus an incremental reindex, in a child process, and answers 202 with a job id;
``GET /api/reindex/<job>`` reports progress and the outcome. Without a configured admin
token neither endpoint exists.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, jsonify, request, url_for

from .admin import require_admin
from .jobs import jobs_dir, read_job, start_reindex_job
from .settings import web_host

bp = Blueprint("publish", __name__)

MAX_URLS = 100
MAX_ACTIVE_JOBS = 5


class PublishError(ValueError):
    """A publish request that cannot be carried out; the message is for the caller (Dutch)."""


@bp.post("/api/reindex")
@require_admin
def start_reindex():
    """Start a crawl and incremental reindex; 202 with the job's id and where to follow it."""
    try:
        fetch, remove = requested_urls(request.get_json(silent=True) if request.data else {})
    except PublishError as exc:
        return jsonify(error=str(exc)), 400
    if active_jobs() >= MAX_ACTIVE_JOBS:
        return jsonify(error="Er wachten al te veel indexeringen; probeer het over enkele minuten opnieuw."), 429
    crawl = [] if fetch or remove else list(current_app.config["CRAWL_URLS"])
    config = current_app.config
    job_id = start_reindex_job(config["INDEX_DIR"], config["CORPUS_DIR"], crawl=crawl, fetch=fetch, remove=remove,
                               crawl_delay=config["CRAWL_DELAY"], private_networks=config["CRAWL_PRIVATE_NETWORKS"])
    status_url = url_for("publish.reindex_status", job_id=job_id)
    response = jsonify(job=job_id, status_url=status_url, state="wachtend")
    response.status_code = 202
    response.headers["Location"] = status_url
    return response


@bp.get("/api/reindex/<job_id>")
@require_admin
def reindex_status(job_id: str):
    """A job's state (wachtend, bezig, klaar, mislukt, geweigerd), progress and outcome."""
    status = read_job(current_app.config["INDEX_DIR"], job_id)
    if status is None:
        return jsonify(error=f"Onbekende indexeertaak '{job_id[:40]}'."), 404
    status.pop("pid", None)
    return jsonify(status)


def requested_urls(body) -> tuple[list[str], list[str]]:
    """The URLs to fetch and to remove from a request body ``{"urls": [...], "remove": [...]}``, checked."""
    if body is None or not isinstance(body, dict):
        raise PublishError('Verwacht een JSON-object zoals {"urls": ["https://..."], "remove": ["https://..."]}.')
    unknown = sorted(set(body) - {"urls", "remove"})
    if unknown:
        raise PublishError(f"Onbekend veld '{unknown[0]}'; toegestaan zijn 'urls' en 'remove'.")
    fetch, remove = (checked_urls(body.get(key, []), key) for key in ("urls", "remove"))
    return fetch, remove


def checked_urls(value, key: str) -> list[str]:
    """A list of at most MAX_URLS http(s) URLs on the configured site's hosts."""
    if not isinstance(value, list) or not all(isinstance(url, str) for url in value):
        raise PublishError(f"'{key}' moet een lijst met URL's zijn.")
    if len(value) > MAX_URLS:
        raise PublishError(f"Hoogstens {MAX_URLS} URL's in '{key}' per verzoek.")
    hosts = {urlsplit(url).hostname for url in current_app.config["CRAWL_URLS"]}
    if value and not hosts:
        raise PublishError("Er is geen website ingesteld om pagina's van op te halen (KENNISBANK_CRAWL_URLS).")
    for url in value:
        if web_host(url) not in hosts:
            raise PublishError(f"'{url[:200]}' is geen http(s)-adres op de ingestelde website "
                               f"({', '.join(sorted(hosts))}).")
    return list(dict.fromkeys(value))


def active_jobs() -> int:
    """Jobs that wait or run now."""
    folder = jobs_dir(current_app.config["INDEX_DIR"])
    index = current_app.config["INDEX_DIR"]
    states = (read_job(index, path.stem) for path in folder.glob("*.json")) if folder.is_dir() else ()
    return sum(1 for status in states if status and status.get("state") in ("wachtend", "bezig"))
