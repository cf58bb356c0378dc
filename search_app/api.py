"""The JSON API: /api/search, /api/sections/<id>, /api/suggest and /healthz."""
from __future__ import annotations

import time

from flask import Blueprint, current_app, jsonify, request

from indexer.search import SearchError

from .requests_args import search_args

bp = Blueprint("api", __name__)
SUGGEST_LIMIT = 8


def service():
    return current_app.extensions["kennisbank"]


def error(message: str, status: int):
    return jsonify({"error": message}), status


@bp.errorhandler(SearchError)
def bad_request(exc: SearchError):
    return error(str(exc), 400)


@bp.get("/api/search")
def api_search():
    """Faceted search; see README 'HTTP API' for the response."""
    return jsonify(service().search(**search_args(request.args)))


@bp.get("/api/sections/<section_id>")
def api_section(section_id: str):
    """One whole section: the result fields plus text and links."""
    section = service().section(section_id, request.args.get("q", "")[:500])
    if section is None:
        return error(f"Sectie '{section_id}' bestaat niet.", 404)
    section.pop("text_html", None)
    return jsonify(section)


@bp.get("/api/suggest")
def api_suggest():
    """Up to eight completions (section titles and words) for what has been typed so far."""
    q = request.args.get("q", "")
    if len(q) > 100:
        raise SearchError("De invoer voor suggesties is te lang (maximaal 100 tekens).")
    started = time.perf_counter()
    service().refresh()
    words = q.split()
    prefix = " ".join(words[:-1]) + " " if len(words) > 1 else ""
    completions = service().lexicon.completions(words[-1] if words else "", SUGGEST_LIMIT) if words else []
    completions = [c if " " in c else prefix + c for c in completions]
    return jsonify({"query": q, "suggestions": completions,
                    "took_ms": round((time.perf_counter() - started) * 1000, 2)})


@bp.get("/healthz")
def healthz():
    return jsonify({"status": "ok", **service().stats()})


@bp.after_app_request
def cors(response):
    """CORS headers on the API only, and only for the configured origins."""
    if not request.path.startswith("/api/"):
        return response
    origin = request.headers.get("Origin", "").rstrip("/")
    allowed = current_app.config["CORS_ORIGINS"]
    if origin and ("*" in allowed or origin in allowed):
        response.headers["Access-Control-Allow-Origin"] = "*" if "*" in allowed else origin
        response.headers["Access-Control-Allow-Methods"] = "GET, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "Content-Type"
    response.headers.add("Vary", "Origin")
    return response


@bp.app_errorhandler(404)
def not_found(exc):
    if request.path.startswith("/api/"):
        return error("Niet gevonden.", 404)
    from .pages import render_not_found
    return render_not_found()


@bp.app_errorhandler(405)
def not_allowed(exc):
    return error("Methode niet toegestaan.", 405)


@bp.app_errorhandler(500)
def server_error(exc):
    return error("Er ging iets mis aan onze kant.", 500)
