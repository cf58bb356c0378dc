"""The JSON API: /api/search, /api/sections/<id>, /api/suggest and /healthz; CORS, OPTIONS and errors.

Errors are JSON (``{"error": "..."}``, Dutch) on every JSON path and a Dutch HTML page elsewhere,
whatever raised them: a bad parameter, an unknown path, a wrong method, a malformed request
or a bug (500, without details).
"""
from __future__ import annotations

import time

from flask import Blueprint, abort, current_app, jsonify, request
from werkzeug.exceptions import HTTPException, NotFound

from indexer.search import SearchError
from indexer.search.params import MAX_QUERY_LENGTH, MAX_SUGGEST_LENGTH, clean_text

from .querylog import record
from .requests_args import search_args, text_arg
from .search_service import get_service
from .security import BadHost
from .serialise import search_dict, section_dict

bp = Blueprint("api", __name__)

JSON_PATHS = ("/healthz", "/openapi.json")
ADMIN_BLUEPRINTS = ("publish", "staff")        # their endpoints exist only with an admin token
CORS_MAX_AGE = "600"
MESSAGES = {
    400: "Ongeldig verzoek.",
    404: "Niet gevonden.",
    405: "Methode niet toegestaan.",
    413: "Het verzoek is te groot.",
    414: "Het adres is te lang.",
    415: "Dit type inhoud wordt niet ondersteund.",
    429: "Te veel verzoeken; probeer het later opnieuw.",
    431: "De headers van het verzoek zijn te groot.",
    500: "Er ging iets mis aan onze kant.",
}


def is_json_path(path: str) -> bool:
    """Whether a path speaks JSON (the API, /healthz, /openapi.json) rather than HTML."""
    return path.startswith("/api/") or path == "/api" or path in JSON_PATHS


def wants_json() -> bool:
    """Whether this request's path speaks JSON."""
    return is_json_path(request.path)


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
        record("log_search", params["q"], params["filters"], body["total"], params["page"], typing=params["typing"])
    return jsonify(body)


@bp.get("/api/sections/<section_id>")
def api_section(section_id: str):
    """One whole section: the result fields plus text and links."""
    section = get_service().section(section_id, text_arg(request.args, "q", MAX_QUERY_LENGTH))
    if section is None:
        return error(f"Sectie '{clean_text(section_id[:200])}' bestaat niet.", 404)
    return jsonify(section_dict(section))


@bp.get("/api/suggest")
def api_suggest():
    """Up to eight completions (section titles and words) for what has been typed so far."""
    q = text_arg(request.args, "q", MAX_SUGGEST_LENGTH, "De invoer voor suggesties")
    started = time.perf_counter()
    suggestions = get_service().suggest(q)
    return jsonify({"query": q, "suggestions": suggestions,
                    "took_ms": round((time.perf_counter() - started) * 1000, 2)})


@bp.get("/healthz")
def healthz():
    """ok, or 503 degraded (with the reason) while the last good index serves in place of a broken one."""
    service = get_service()
    stats = service.stats()
    if service.degraded:
        return jsonify({"status": "degraded", "reason": service.degraded, **stats}), 503
    return jsonify({"status": "ok", **stats})


@bp.before_app_request
def answer_options():
    """OPTIONS on a route: 204 with Allow (and, on the API, CORS headers for allowed origins)."""
    if request.method != "OPTIONS" or request.url_rule is None:
        return None
    if request.blueprint in ADMIN_BLUEPRINTS and not current_app.config.get("ADMIN_TOKEN"):
        abort(404)
    response = current_app.response_class(status=204)
    del response.headers["Content-Type"]                 # no body, so no type
    response.headers["Allow"] = ", ".join(sorted(request.url_rule.methods or ()))
    return response


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
        if request.method == "OPTIONS":
            response.headers["Access-Control-Max-Age"] = CORS_MAX_AGE
    response.headers.add("Vary", "Origin")
    return response


def hides_a_staff_route(exc: HTTPException) -> bool:
    """Is this a 405 on a staff route while there is no admin token? Then the route does not exist
    (404), whatever the method: its Allow header would tell that it does."""
    methods = getattr(exc, "valid_methods", None)
    if not methods or current_app.config.get("ADMIN_TOKEN"):
        return False
    try:
        endpoint, _ = current_app.url_map.bind("localhost").match(request.path, method=methods[0])
    except HTTPException:
        return False
    return endpoint.split(".")[0] in ADMIN_BLUEPRINTS


@bp.app_errorhandler(HTTPException)
def http_error(exc: HTTPException):
    """Any HTTP error in Dutch: JSON on JSON paths, the error page elsewhere (Allow kept on 405).

    A bug arrives here as InternalServerError: the answer is a plain 500, never a traceback.
    """
    if hides_a_staff_route(exc):
        return http_error(NotFound())
    status = exc.code or 500
    message = exc.description if isinstance(exc, BadHost) else MESSAGES.get(status, MESSAGES[400 if status < 500 else 500])
    if wants_json():
        response = jsonify({"error": message})
        response.status_code = status
    else:
        from .pages import render_error
        response = render_error(status, message)
    if getattr(exc, "valid_methods", None):
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    return response
