"""GET /openapi.json: the OpenAPI 3.1 description of the JSON API, built from the code's own tables.

Limits and defaults come from ``indexer.search.params``, facet names, labels and values from
the facet table (``indexer.facets``) and the open index, the staff endpoints' limits from
``publish.py`` and ``staff.py``: nothing here repeats a number the code decides.
``tests/test_openapi.py`` checks that every route under /api/ and /healthz is described,
that the search parameters are exactly the ones ``requests_args.search_args`` reads, and
runs schemathesis against a real server.
"""
from __future__ import annotations

from importlib import metadata
from typing import Callable

from flask import Blueprint, jsonify

from indexer.facets import FACETS, FacetSpec
from indexer.search.params import (DEFAULT_PER_PAGE, GROUPS, MAX_DOCUMENT_ID_LENGTH, MAX_FACET_VALUE_LENGTH,
                                   MAX_FACET_VALUES, MAX_PAGE, MAX_PER_PAGE, MAX_QUERY_LENGTH, MAX_SUGGEST_LENGTH,
                                   SECTIONS_PER_DOCUMENT, SORTS, SUGGEST_LIMIT)

from .jobs import STATES
from .publish import MAX_URLS
from .search_service import get_service
from .staff import MAX_DAYS

bp = Blueprint("openapi", __name__)

OPENAPI_VERSION = "3.1.0"
JSON = "application/json"
STAFF_NOTE = ("Exists only when the server has an admin token (KENNISBANK_ADMIN_TOKEN); without one it answers 404 "
              "like any unknown path. Send the token as `Authorization: Bearer <token>`.")


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(properties: dict, optional: tuple[str, ...] = (), closed: bool = True) -> dict:
    """An object schema whose properties are all required except ``optional``."""
    schema = {"type": "object", "properties": properties, "required": [k for k in properties if k not in optional]}
    if closed:
        schema["additionalProperties"] = False
    return schema


def array(items: dict, **limits) -> dict:
    return {"type": "array", "items": items, **limits}


STRING = {"type": "string"}
INTEGER = {"type": "integer"}
COUNT = {"type": "integer", "minimum": 0}
NULLABLE_STRING = {"type": ["string", "null"]}
NULLABLE_YEAR = {"type": ["integer", "null"]}


def json_response(description: str, schema: dict) -> dict:
    return {"description": description, "content": {JSON: {"schema": schema}}}


def error_response(description: str) -> dict:
    return json_response(description, ref("Error"))


SERVER_ERROR = {"500": error_response("A fault on the server's side (no details).")}


def hit_properties() -> dict:
    return {
        "id": STRING, "title": STRING,
        "document": obj({"id": STRING, "title": STRING,
                         "url": {**NULLABLE_STRING, "description": "http(s) or mailto only; null otherwise"}}),
        "url": {"type": "string", "description": "the section page (/sectie/<id>)"},
        "anchor": STRING, "breadcrumb": array(STRING),
        "theme": STRING, "year": NULLABLE_YEAR, "type": STRING,
        "type_label": {"type": "string", "description": "Dutch label of `type`"},
        "organisation": STRING,
        "snippet": {"type": "string", "description": "HTML: document text escaped, only <mark> is markup"},
        "more_in_document": {"oneOf": [{"type": "null"}, obj({"count": {"type": "integer", "minimum": 1},
                                                              "document": STRING})],
                             "description": "group=document: on a document's last listed section, how many more of "
                                            "its sections match (filter on them with document=<id>); else null"},
    }


def schemas() -> dict:
    """The components: every response body the API returns."""
    facet_names = [spec.name for spec in FACETS]
    facet_value = obj({"value": {"type": ["string", "integer"]}, "label": STRING, "count": COUNT,
                       "selected": {"type": "boolean"}})
    hit = obj(hit_properties())
    section = obj({**hit_properties(), "text": STRING,
                   "links": array({"type": "string", "description": "http(s) or mailto URLs only"}),
                   "also_in": array(STRING, description="ids of folded duplicate sections"),
                   "siblings": array(obj({"id": STRING, "title": STRING, "year": NULLABLE_YEAR, "type": STRING,
                                          "url": STRING}))})
    search = obj({
        "query": STRING, "total": COUNT,
        "page": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
        "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
        "results": array(ref("Hit"), maxItems=MAX_PER_PAGE),
        "facets": obj({name: array(ref("FacetValue")) for name in facet_names}),
        "suggestion": {**NULLABLE_STRING, "description": "a 'Bedoelde u ...' query"},
        "expansions": array(obj({"term": STRING, "means": STRING,
                                 "kind": {"type": "string", "enum": ["acronym", "synonym"],
                                          "description": "an acronym's long form, or a thesaurus synonym"}})),
        "facet_labels": obj({spec.name: {"type": "string", "const": spec.label} for spec in FACETS}),
        "corrected_from": {"type": "string", "description": "the query as typed, when its correction was searched"},
        "total_grouped": {**COUNT, "description": "group=document: how many results the grouped list holds"},
    }, optional=("corrected_from", "total_grouped"))
    return {
        "Error": obj({"error": {"type": "string", "description": "what went wrong, in Dutch"}}),
        "FacetValue": facet_value, "Hit": hit, "Section": section, "SearchResponse": search,
        "Suggestions": obj({"query": STRING, "suggestions": array(STRING, maxItems=SUGGEST_LIMIT),
                            "took_ms": {"type": "number", "minimum": 0}}),
        "Health": obj({"status": {"type": "string", "const": "ok"}, "documents": COUNT, "sections": COUNT}),
        "Degraded": obj({"status": {"type": "string", "const": "degraded"}, "reason": STRING,
                         "documents": COUNT, "sections": COUNT}),
        "ReindexStarted": obj({"job": STRING, "status_url": STRING, "state": {"type": "string", "const": STATES[0]}}),
        "ReindexStatus": obj({"state": {"type": "string", "enum": list(STATES)}}, closed=False),
        "SearchBehaviour": {"type": "object", "description": "the query log's report (README, 'Staff endpoints')"},
    }


def query_text(name: str, limit: int, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": {"type": "string", "maxLength": limit, "default": ""}}


def facet_parameter(spec: FacetSpec, facet_values: Callable[[str], list]) -> dict:
    """A repeatable facet parameter: its values from the facet table (or the index), at most MAX_FACET_VALUES."""
    values = [] if spec.numeric else [str(v) for v in facet_values(spec.name)]
    if spec.numeric:
        item = {"type": "string", "pattern": "^[1-9][0-9]{3}$", "description": "a year from 1000, e.g. 2024"}
    elif values:
        item = {"type": "string", "enum": values, "maxLength": MAX_FACET_VALUE_LENGTH}
    else:
        item = {"type": "string", "maxLength": MAX_FACET_VALUE_LENGTH}
    return {"name": spec.name, "in": "query", "required": False, "style": "form", "explode": True,
            "description": f"Filter '{spec.label}' (repeatable: values of one facet are OR-ed, facets AND-ed; "
                           f"a repeated value counts once; case is ignored)",
            "schema": array(item, maxItems=MAX_FACET_VALUES)}


def search_parameters(facet_values: Callable[[str], list]) -> list[dict]:
    """Every parameter /api/search reads (``requests_args.search_args``); others are ignored."""
    return [
        query_text("q", MAX_QUERY_LENGTH, "What to search for: words, \"a phrase\", -exclude, OF/OR, EN/AND. "
                   "Empty lists everything, newest first. Control characters are removed."),
        *(facet_parameter(spec, facet_values) for spec in FACETS),
        {"name": "page", "in": "query", "required": False,
         "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}},
        {"name": "per_page", "in": "query", "required": False,
         "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": DEFAULT_PER_PAGE}},
        {"name": "sort", "in": "query", "required": False,
         "schema": {"type": "string", "enum": list(SORTS), "default": SORTS[0]}},
        {"name": "group", "in": "query", "required": False,
         "description": f"'document': at most {SECTIONS_PER_DOCUMENT} sections per document, the rest counted in "
                       "more_in_document. The API's default is ungrouped; the search page groups.",
         "schema": {"type": "string", "enum": list(GROUPS), "default": GROUPS[0]}},
        {"name": "document", "in": "query", "required": False, "description": "Only this document's sections (its id)",
         "schema": {"type": "string", "maxLength": MAX_DOCUMENT_ID_LENGTH}},
        {"name": "typing", "in": "query", "required": False,
         "description": "'1' while the person is still typing (search as you type): the last word is completed "
                        "as a prefix and never corrected; the query log does not count it as a search",
         "schema": {"type": "string"}},
    ]


def public_paths(facet_values: Callable[[str], list], section_example: str | None) -> dict:
    section_id = {"name": "section_id", "in": "path", "required": True, "schema": STRING}
    if section_example:
        section_id["example"] = section_example
    return {
        "/api/search": {"get": {
            "operationId": "search", "tags": ["zoeken"], "summary": "Faceted search",
            "parameters": search_parameters(facet_values),
            "responses": {"200": json_response("One page of results with disjunctive facet counts",
                                               ref("SearchResponse")),
                          "400": error_response("A parameter out of its limits, or a query needing more words, "
                                                "alternatives or time than one search may"), **SERVER_ERROR}}},
        "/api/sections/{section_id}": {"get": {
            "operationId": "section", "tags": ["zoeken"], "summary": "One whole section",
            "parameters": [section_id, query_text("q", MAX_QUERY_LENGTH, "Words to mark in the text")],
            "responses": {"200": json_response("The section", ref("Section")),
                          "400": error_response("q too long"),
                          "404": error_response("No section with this id"), **SERVER_ERROR}}},
        "/api/suggest": {"get": {
            "operationId": "suggest", "tags": ["zoeken"], "summary": f"Up to {SUGGEST_LIMIT} completions",
            "parameters": [query_text("q", MAX_SUGGEST_LENGTH, "What has been typed so far")],
            "responses": {"200": json_response("Completions", ref("Suggestions")),
                          "400": error_response("q too long"), **SERVER_ERROR}}},
        "/healthz": {"get": {
            "operationId": "health", "tags": ["beheer"], "summary": "Whether the server answers, and the index size",
            "responses": {"200": json_response("Serving", ref("Health")),
                          "503": json_response("The index path is broken; the last good index still serves",
                                               ref("Degraded")), **SERVER_ERROR}}},
        "/openapi.json": {"get": {
            "operationId": "openapi", "tags": ["beheer"], "summary": "This document",
            "responses": {"200": json_response("The OpenAPI description", {"type": "object"})}}},
    }


def staff_responses(success: str, body: dict, *extra: tuple[str, str]) -> dict:
    responses = {success: json_response("Done", body)}
    for status, description in extra:
        responses[status] = error_response(description)
    responses["401"] = error_response("No or a wrong admin token")
    responses["404"] = error_response("No admin token configured (the endpoint does not exist)")
    responses["429"] = error_response("Too many failed attempts from this address; see Retry-After")
    return {**responses, **SERVER_ERROR}


def staff_paths() -> dict:
    urls = array({"type": "string", "description": "http(s) URL on a host of KENNISBANK_CRAWL_URLS"}, maxItems=MAX_URLS)
    secured = {"security": [{"bearerAuth": []}, {"basicAuth": []}], "tags": ["beheer"]}
    return {
        "/api/reindex": {"post": {
            **secured, "operationId": "startReindex", "summary": "Crawl what was published, then reindex",
            "description": STAFF_NOTE + " Without a body the configured site is crawled.",
            "requestBody": {"required": False, "content": {JSON: {"schema": obj({"urls": urls, "remove": urls},
                                                                                optional=("urls", "remove"))}}},
            "responses": staff_responses("202", ref("ReindexStarted"), ("400", "A bad body or URL"))}},
        "/api/reindex/{job_id}": {"get": {
            **secured, "operationId": "reindexStatus", "summary": "A reindex job's state and outcome",
            "description": STAFF_NOTE,
            "parameters": [{"name": "job_id", "in": "path", "required": True, "schema": STRING}],
            "responses": staff_responses("200", ref("ReindexStatus"))}},
        "/api/beheer/zoekgedrag": {"get": {
            **secured, "operationId": "searchBehaviour", "summary": "The query log's report",
            "description": STAFF_NOTE + " 404 too while the query log is off.",
            "parameters": [{"name": "dagen", "in": "query", "required": False,
                            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_DAYS, "default": 30}}],
            "responses": staff_responses("200", ref("SearchBehaviour"), ("400", "dagen out of range"))}},
    }


def openapi_document(facet_values: Callable[[str], list], section_example: str | None = None) -> dict:
    """The whole document; ``facet_values(name)`` lists the values a facet may take (the open index's),
    ``section_example`` is the id of a section that exists (an example for clients and schemathesis)."""
    try:
        version = metadata.version("kennisbank")
    except metadata.PackageNotFoundError:
        version = "0"
    return {
        "openapi": OPENAPI_VERSION,
        "info": {"title": "Kennisbank zoeken", "version": version,
                 "description": "Search in the kennisbank. Errors are {\"error\": \"...\"} in Dutch. Parameters not "
                                "listed are ignored."},
        "servers": [{"url": "/"}],
        "paths": {**public_paths(facet_values, section_example), **staff_paths()},
        "components": {"schemas": schemas(), "securitySchemes": {
            "bearerAuth": {"type": "http", "scheme": "bearer", "description": "the admin token"},
            "basicAuth": {"type": "http", "scheme": "basic", "description": "any user name, the admin token as password"},
        }},
    }


@bp.get("/openapi.json")
def openapi_json():
    service = get_service()
    first = service.search(per_page=1).hits
    return jsonify(openapi_document(service.facet_values, first[0].id if first else None))
