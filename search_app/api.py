"""The JSON API: /api/search, /api/sections/<id>, /api/suggest and /healthz."""
from __future__ import annotations

import time

from flask import Blueprint, current_app, jsonify, request

from indexer.search import SearchError
from indexer.search.params import MAX_QUERY_LENGTH, MAX_SUGGEST_LENGTH, check_query_length

from .querylog import record
from .requests_args import search_args
from .search_service import get_service
from .serialise import search_dict, section_dict

bp = Blueprint("api", __name__)


def error(message: str, status: int):
    return jsonify({"error": message}), status


@bp.errorhandler(SearchError)
def bad_request(exc: SearchError):
    return error(str(exc), 400)


@bp.get("/api/search")
def api_search():
    """Faceted search; see README 'HTTP API' for the response."""
    params = search_args(request.args)
    body = search_dict(get_service().search(**params))
    if params["q"] or params["filters"]:
        record("log_search", params["q"], params["filters"], body["total"], params["page"])
    return jsonify(body)


@bp.get("/api/sections/<section_id>")
def api_section(section_id: str):
    """One whole section: the result fields plus text and links."""
    section = get_service().section(section_id, request.args.get("q", "")[:MAX_QUERY_LENGTH])
    if section is None:
        return error(f"Sectie '{section_id}' bestaat niet.", 404)
    return jsonify(section_dict(section))


@bp.get("/api/suggest")
def api_suggest():
    """Up to eight completions (section titles and words) for what has been typed so far."""
    q = check_query_length(request.args.get("q", ""), MAX_SUGGEST_LENGTH, "De invoer voor suggesties")
    started = time.perf_counter()
    suggestions = get_service().suggest(q)
    return jsonify({"query": q, "suggestions": suggestions,
                    "took_ms": round((time.perf_counter() - started) * 1000, 2)})


@bp.get("/healthz")
def healthz():
    return jsonify({"status": "ok", **get_service().stats()})


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
