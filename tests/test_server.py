"""End to end against a real server process: HTTP, and reindexing while it serves."""
import json
import shutil
import threading
import urllib.error
import urllib.request

from indexer.ingest.build import build_index

from .conftest import CORPUS


def get(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, json.loads(response.read())


def test_real_server_answers_search_and_errors(server_factory, index_dir):
    server = server_factory(index_dir)
    status, body = get(server.url + "/api/search?q=mensenhandelmonitor")
    assert status == 200 and body["total"] > 0
    assert get(server.url + "/healthz")[1]["status"] == "ok"
    try:
        urllib.request.urlopen(server.url + "/api/search?year=abc", timeout=10)
        raise AssertionError("expected a 400")
    except urllib.error.HTTPError as exc:
        assert exc.code == 400 and "jaartal" in json.loads(exc.read())["error"]


def test_search_keeps_working_during_a_reindex(server_factory, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    index = tmp_path / "index"
    build_index(corpus, index)
    server = server_factory(index)
    (corpus / "nieuw.md").write_text("# Factsheet drugsafval\n\nDrugsafval in het buitengebied: herkennen en melden "
                                     "bij de gemeente, met genoeg tekst voor een eigen sectie.\n", encoding="utf-8")
    failures, done = [], threading.Event()

    def hammer():
        while not done.is_set():
            try:
                status, body = get(server.url + "/api/search?q=woonoverlast")
                if status != 200 or body["total"] == 0:
                    failures.append(status)
            except Exception as exc:  # noqa: BLE001 - any failure during the swap is what we look for
                failures.append(repr(exc))

    thread = threading.Thread(target=hammer)
    thread.start()
    build_index(corpus, index)
    build_index(corpus, index)
    done.set()
    thread.join()
    assert failures == []
    assert get(server.url + "/api/search?q=drugsafval")[1]["total"] == 1
