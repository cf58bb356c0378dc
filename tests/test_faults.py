"""Faults while serving: a broken index path leaves the last good generation serving and /healthz
says 'degraded' with the reason; a broken index at start-up gives the rebuild command; a truncated
segment file does not kill the server; memory stays flat over many reindexes."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from indexer.ingest.build import build_index
from indexer.search.service import SearchService

from .conftest import ROOT
from .support import ServerProcess
from .test_reindex import live  # noqa: F401  (the fixture: a small corpus and its live index)
from .test_workers import children_of


def get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def breakages(index: Path):
    """Ways to break an index path under a running server: (name, break it)."""
    def remove_link():
        index.unlink()

    def empty_generation():
        empty = index.with_name("index.gen-leeg")
        empty.mkdir()
        index.unlink()
        index.symlink_to(empty.name)

    def truncate_lexicon():
        target = Path(os.path.realpath(index))
        copy = index.with_name("index.gen-kapot")
        shutil.copytree(target, copy)
        (copy / "lexicon.json").write_text('{"words": {', encoding="utf-8")
        index.unlink()
        index.symlink_to(copy.name)

    return [("symlink removed", remove_link), ("empty directory", empty_generation),
            ("truncated lexicon.json", truncate_lexicon)]


@pytest.mark.parametrize("which", range(3))
def test_a_broken_index_path_keeps_the_last_good_generation_serving(live, which):
    corpus, index = live
    name, breakage = breakages(index)[which]
    with ServerProcess(index) as server:
        assert get(server.url + "/api/search?q=woonoverlast")[1]["total"] == 1
        breakage()
        for _ in range(6):                                      # both worker processes
            status, body = get(server.url + "/api/search?q=woonoverlast")
            assert status == 200 and body["total"] == 1, name
            status, health = get(server.url + "/healthz")
            assert status == 503 and health["status"] == "degraded" and health["reason"], name
        if index.is_symlink() or index.exists():
            index.unlink()
        build_index(corpus, index, allow_shrink=True)     # repaired: served again once noticed
        deadline, answers = time.time() + 20, []
        while answers[-6:] != [200] * 6 and time.time() < deadline:   # every worker process has noticed
            answers.append(get(server.url + "/healthz")[0])
            time.sleep(0.2)
        assert get(server.url + "/healthz") == (200, {"status": "ok", "documents": 4, "sections": 4})


def test_a_truncated_segment_file_does_not_kill_the_server(live):
    _, index = live
    with ServerProcess(index) as server:
        assert get(server.url + "/api/search?q=drugsafval")[0] == 200
        time.sleep(0.5)
        workers = children_of(server.proc.pid)
        for segment in Path(os.path.realpath(index)).glob("*.seg"):
            with segment.open("r+b") as handle:
                handle.truncate(100)
        for q in ("geldezels", "buurtpreventie", "woonoverlast"):
            try:
                get(server.url + f"/api/search?q={q}")
            except (urllib.error.URLError, ConnectionError) as exc:
                pytest.fail(f"the server died: {exc}")
        assert children_of(server.proc.pid) == workers      # no worker died (no SIGBUS from a mapping)
        assert get(server.url + "/healthz")[0] in (200, 503)


def test_a_broken_index_at_start_up_gives_the_rebuild_command(tmp_path):
    broken = tmp_path / "index"
    broken.mkdir()
    done = subprocess.run([sys.executable, "-m", "search_app.cli", "search", "woonoverlast", "--index", str(broken)],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "kennisbank index --corpus" in done.stderr and "Traceback" not in done.stderr


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def test_memory_stays_flat_over_100_reindexes(live):
    corpus, index = live
    service = SearchService(index)
    try:
        sizes = []
        for round_ in range(100):
            (corpus / "wisselend.txt").write_text(f"Wisselend stuk\n\nRonde {round_}: kenmerk{round_} van de "
                                                  f"buurtaanpak in de wijk.\n", encoding="utf-8")
            build_index(corpus, index, incremental=True)
            assert service.search(f"kenmerk{round_}").total == 1
            sizes.append(rss_mb())
        grown = sizes[-1] - sizes[19]
        assert grown < 15, f"memory grew {grown:.1f} MB over 80 reindexes: {sizes[19]:.0f} -> {sizes[-1]:.0f}"
    finally:
        service.close()
