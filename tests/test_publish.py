"""The publish hook: POST /api/reindex starts a crawl and an incremental reindex in the background while a
real server keeps answering; GET /api/reindex/<job> follows it. Without a token the hook does not exist."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from indexer.ingest.build import build_index

from .conftest import ROOT
from .fixture_site import PHRASES, FixtureSite
from .support import ServerProcess

TOKEN = "publiceer-sleutel-0123456789"


def call(url: str, method: str = "GET", token: str | None = TOKEN, body: dict | bytes | None = None):
    """(status, JSON body) of one request to the server."""
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def wait_for_job(base: str, job: str, timeout: float = 120) -> dict:
    deadline = time.time() + timeout
    while time.time() < deadline:
        status, body = call(f"{base}/api/reindex/{job}")
        assert status == 200, body
        if body["state"] not in ("wachtend", "bezig"):
            return body
        time.sleep(0.3)
    raise AssertionError(f"job {job} did not finish: {body}")


@pytest.fixture()
def site():
    served = FixtureSite()
    yield served
    served.close()


@pytest.fixture()
def published(tmp_path, site):
    """A corpus crawled from the fixture site, its index, and a server with the publish hook on."""
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    crawled = subprocess.run([sys.executable, "-m", "search_app.cli", "crawl", site.url("/"), "--corpus", str(corpus),
                              "--delay", "0"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert crawled.returncode == 0, crawled.stderr
    build_index(corpus, index)
    env = {"KENNISBANK_ADMIN_TOKEN": TOKEN, "KENNISBANK_CRAWL_URLS": site.url("/"),
           "KENNISBANK_CRAWL_PRIVATE_NETWORKS": "true", "KENNISBANK_CRAWL_DELAY": "0",
           "KENNISBANK_CORPUS": str(corpus)}
    with ServerProcess(index, env=env) as server:
        yield server, corpus, index


def search_total(base: str, q: str) -> int:
    with urllib.request.urlopen(f"{base}/api/search?q={urllib.parse.quote(q)}", timeout=30) as response:
        assert response.status == 200
        return json.loads(response.read())["total"]


def test_publish_while_four_clients_search_loses_no_search(published, site):
    server, corpus, index = published
    stable = PHRASES["/over.html"]
    assert search_total(server.url, stable) >= 1
    assert search_total(server.url, "verdwijnt") >= 1 and search_total(server.url, "hennepkwekerijen") >= 1
    failures, empties, done = [], [], threading.Event()

    def searcher():
        while not done.is_set():
            try:
                if search_total(server.url, stable) == 0:
                    empties.append(time.time())
            except Exception as exc:             # any failed request counts
                failures.append(repr(exc))

    threads = [threading.Thread(target=searcher) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        site.version = 2                          # one page changed, one gone (410), one server error
        status, started = call(f"{server.url}/api/reindex", "POST", body={
            "urls": [site.url("/nieuws.html"), site.url("/archief.htm"), site.url("/storing.html")],
            "remove": [site.url("/tijdelijk.html")]})
        assert status == 202, started
        outcome = wait_for_job(server.url, started["job"])
        time.sleep(1.0)                           # the searchers see the new generation for a while
    finally:
        done.set()
        for thread in threads:
            thread.join()
    assert outcome["state"] == "klaar", outcome
    assert failures == [] and empties == []
    assert search_total(server.url, PHRASES["/nieuws.html v2"]) >= 1
    assert search_total(server.url, "hennepkwekerijen") == 0          # only the old version said it
    assert search_total(server.url, "verdwijnt") == 0
    assert search_total(server.url, "Een pagina op een wankele server") >= 1     # a 503 unpublishes nothing
    assert any("archief" in doc for doc in outcome["added"])
    assert any("nieuws" in doc for doc in outcome["changed"])
    assert any("tijdelijk" in doc for doc in outcome["removed"])


def test_the_hook_needs_the_token_and_checks_what_it_is_given(published, site):
    server, _, _ = published
    assert call(f"{server.url}/api/reindex", "POST", token=None)[0] == 401
    assert call(f"{server.url}/api/reindex", "POST", token="fout-" + TOKEN)[0] == 401
    status, body = call(f"{server.url}/api/reindex", "POST", body={"urls": ["http://example.invalid/x"]})
    assert status == 400 and "geen http(s)-adres op de ingestelde website" in body["error"]
    own = site.url("/nieuws.html")
    for broken in ("http://[::1", own.replace("://", "://[", 1), own.replace("/nieuws", ":99999/nieuws", 1),
                   own.replace("/nieuws", ":abc/nieuws", 1)):
        for key in ("urls", "remove"):
            status, body = call(f"{server.url}/api/reindex", "POST", body={key: [broken]})
            assert status == 400 and "geen http(s)-adres op de ingestelde website" in body["error"], (broken, body)
    status, body = call(f"{server.url}/api/reindex", "POST", body={"urls": "niet-een-lijst"})
    assert status == 400 and "lijst" in body["error"]
    status, body = call(f"{server.url}/api/reindex", "POST", body=b"{kapot")
    assert status == 400 and "JSON" in body["error"]
    status, body = call(f"{server.url}/api/reindex", "POST", body={"urls": [], "extra": 1})
    assert status == 400 and "extra" in body["error"]
    assert call(f"{server.url}/api/reindex/0123456789abcdef")[0] == 404
    assert call(f"{server.url}/api/reindex/..%2F..%2Fetc")[0] == 404


def test_without_a_token_the_hook_does_not_exist(tmp_path, index_dir):
    with ServerProcess(index_dir, env={"KENNISBANK_ADMIN_TOKEN": ""}) as server:
        assert call(f"{server.url}/api/reindex", "POST")[0] == 404
        assert call(f"{server.url}/api/reindex/0123456789abcdef")[0] == 404
        for method in ("GET", "PUT", "DELETE", "PATCH", "HEAD"):       # no 405 with Allow: POST
            assert status_of(f"{server.url}/api/reindex", method) == 404, method
            assert status_of(f"{server.url}/beheer/zoekgedrag", "POST" if method == "GET" else method) == 404, method
        assert status_of(f"{server.url}/api/search?q=x", "POST") == 405             # public routes still say 405


def status_of(url: str, method: str) -> int:
    """The status of one request without a token or body (whatever its content type)."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method=method), timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_full_publish_crawls_the_configured_site(published, site):
    server, corpus, _ = published
    site.version = 2
    status, started = call(f"{server.url}/api/reindex", "POST")
    assert status == 202 and started["status_url"].endswith(started["job"])
    outcome = wait_for_job(server.url, started["job"], timeout=180)
    assert outcome["state"] == "klaar", outcome
    assert "Crawl klaar" in outcome["crawl"]["summary"]
    assert search_total(server.url, PHRASES["/nieuws.html v2"]) >= 1
    assert search_total(server.url, "verdwijnt") == 0
