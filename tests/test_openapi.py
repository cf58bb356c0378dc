"""/openapi.json: it describes every route the API has, with the code's own parameters and limits,
and a real server answers as it says (schemathesis)."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from werkzeug.datastructures import MultiDict

from indexer.facets import FACETS, TYPES
from indexer.search.params import (DEFAULT_PER_PAGE, MAX_FACET_VALUES, MAX_PAGE, MAX_PER_PAGE, MAX_QUERY_LENGTH,
                                   MAX_SUGGEST_LENGTH, SORTS, SUGGEST_LIMIT)
from indexer.themes import theme_labels
from search_app.requests_args import search_args

JSON_ROUTES = re.compile(r"^/api/|^/healthz$|^/openapi\.json$")
STAFF_OPERATIONS = ("startReindex", "reindexStatus", "searchBehaviour")
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


@pytest.fixture()
def document(client) -> dict:
    response = client.get("/openapi.json")
    assert response.status_code == 200 and response.is_json
    return response.get_json()


def openapi_path(rule: str) -> str:
    """A Werkzeug rule ('/api/sections/<section_id>') as an OpenAPI path ('/api/sections/{section_id}')."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def parameters(document: dict, path: str, method: str = "get") -> dict[str, dict]:
    return {p["name"]: p for p in document["paths"][path][method].get("parameters", [])}


NOT_ERRORS = {("/healthz", "get", "503"): "Degraded"}    # still serving, from the last good index


def test_it_is_openapi_3_1_with_json_errors_everywhere(document):
    assert document["openapi"].startswith("3.1") and document["info"]["title"]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert operation["responses"], (path, method)
            for status, response in operation["responses"].items():
                if status.startswith(("4", "5")):
                    schema = response["content"]["application/json"]["schema"]
                    expected = NOT_ERRORS.get((path, method, status), "Error")
                    assert schema == {"$ref": f"#/components/schemas/{expected}"}, (path, method, status)
    error = document["components"]["schemas"]["Error"]
    assert error["required"] == ["error"] and error["properties"]["error"]["type"] == "string"


def test_every_json_route_is_described_and_nothing_else(app, document):
    routes: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if JSON_ROUTES.search(rule.rule):
            routes.setdefault(openapi_path(rule.rule), set()).update(rule.methods - {"HEAD", "OPTIONS"})
    assert set(routes) == set(document["paths"])
    for path, methods in routes.items():
        assert {m.lower() for m in methods} == set(document["paths"][path]), path


def test_search_parameters_are_the_ones_search_args_reads(document):
    read: set[str] = set()

    class Recording(MultiDict):
        def get(self, key, default=None, type=None):
            read.add(key)
            return super().get(key, default, type)

        def getlist(self, key, type=None):
            read.add(key)
            return super().getlist(key, type)

    search_args(Recording())
    assert set(parameters(document, "/api/search")) == read


def test_limits_and_values_come_from_the_code(document, service):
    search = parameters(document, "/api/search")
    assert search["q"]["schema"]["maxLength"] == MAX_QUERY_LENGTH
    assert search["page"]["schema"]["maximum"] == MAX_PAGE
    assert (search["per_page"]["schema"]["maximum"], search["per_page"]["schema"]["default"]) == (MAX_PER_PAGE,
                                                                                               DEFAULT_PER_PAGE)
    assert search["sort"]["schema"]["enum"] == list(SORTS)
    for spec in FACETS:
        assert search[spec.name]["schema"]["maxItems"] == MAX_FACET_VALUES and spec.label in search[spec.name]["description"]
    assert search["theme"]["schema"]["items"]["enum"] == theme_labels()
    assert search["type"]["schema"]["items"]["enum"] == list(TYPES)
    assert search["organisation"]["schema"]["items"]["enum"] == service.facet_values("organisation")
    assert parameters(document, "/api/suggest")["q"]["schema"]["maxLength"] == MAX_SUGGEST_LENGTH
    schemas = document["components"]["schemas"]
    assert schemas["Suggestions"]["properties"]["suggestions"]["maxItems"] == SUGGEST_LIMIT
    assert {name: label["const"] for name, label in
            schemas["SearchResponse"]["properties"]["facet_labels"]["properties"].items()} == {
        spec.name: spec.label for spec in FACETS}
    example = parameters(document, "/api/sections/{section_id}")["section_id"]["example"]
    assert service.section(example) is not None


def test_staff_endpoints_need_the_admin_token(document):
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {**schemes["bearerAuth"], "type": "http", "scheme": "bearer"}
    staff = [(path, op) for path, ops in document["paths"].items() for op in ops.values()
             if op["operationId"] in STAFF_OPERATIONS]
    assert len(staff) == len(STAFF_OPERATIONS)
    for path, operation in staff:
        assert {"bearerAuth": []} in operation["security"], path
        assert {"401", "404", "429"} <= set(operation["responses"]), path
        assert "KENNISBANK_ADMIN_TOKEN" in operation["description"], path


def test_schemathesis_finds_nothing_against_a_real_server(server_factory, index_dir, tmp_path):
    """Every public operation, ~30 generated requests each (valid and invalid), against `kennisbank serve`.

    negative_data_rejection is left out on purpose: the API is lenient where people are (a repeated
    facet value counts once, empty values are ignored, case and surrounding spaces do not matter),
    so some schema-invalid requests are rightly answered 200. tests/test_input_limits.py asserts the
    refusals that matter (page, per_page, q, year, unknown values, too many values).
    """
    assert SCHEMATHESIS.exists(), "install the test extra: pip install -e '.[test]'"
    server = server_factory(index_dir)
    excluded = [arg for op in STAFF_OPERATIONS for arg in ("--exclude-operation-id", op)]
    run = subprocess.run(
        [str(SCHEMATHESIS), "run", f"{server.url}/openapi.json", "--checks", "all",
         "--exclude-checks", "negative_data_rejection", *excluded, "--max-examples", "30", "--workers", "2",
         "--request-timeout", "10", "--max-failures", "5"],
        capture_output=True, text=True, timeout=300, cwd=tmp_path, env={**os.environ, "NO_COLOR": "1"})
    summary = run.stdout[run.stdout.find("SUMMARY"):] if "SUMMARY" in run.stdout else run.stdout[-3000:]
    print(summary)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert re.search(r"Tested:\s+4", run.stdout) and "passed" in summary
