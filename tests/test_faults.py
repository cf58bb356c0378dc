"""Faults while serving: a broken index path leaves the last good generation serving and /healthz
says 'degraded' with the reason; a broken index at start-up gives the rebuild command; a truncated
segment file does not kill the server; memory stays flat over many reindexes; a full disk fails
the reindex, not the search."""
from __future__ import annotations

import errno
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from indexer.ingest.build import build_index
from indexer.search.service import SearchService

from .conftest import ROOT
from .support import ServerProcess
from .test_build_safety import assert_only_complete_generations, tiny_corpus
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


@contextmanager
def small_filesystem(folder: Path, megabytes: int):
    """A tmpfs of ``megabytes`` mounted at ``folder`` when this machine lets us mount one (root with
    CAP_SYS_ADMIN, as in our test containers): yields True. Elsewhere ``folder`` stays a plain
    folder and yields False; see test_a_full_disk_fails_the_reindex_not_the_search for the stand-in."""
    folder.mkdir(parents=True)
    mounted = shutil.which("mount") is not None and subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={megabytes}m,mode=0700", "tmpfs", str(folder)],
        capture_output=True).returncode == 0
    try:
        yield mounted
    finally:
        if mounted and subprocess.run(["umount", str(folder)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def fill(folder: Path) -> Path:
    """Write one file until the filesystem is full; the file, to free the space again."""
    filler = folder / "vulsel"
    with filler.open("wb") as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC, exc
    return filler


def limit_file_size(limit: int):
    """preexec_fn for the reindex child: no file it writes may grow past ``limit`` bytes."""
    def set_limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return set_limit


def test_a_full_disk_fails_kennisbank_index_with_a_message_and_keeps_the_live_index(tmp_path):
    """As below for a reindex, for a full build: the write limit stands in for the full disk."""
    corpus = tiny_corpus(tmp_path / "corpus", 4)
    index = tmp_path / "index"
    build_index(corpus, index)
    live_generation = os.readlink(index)
    failed = subprocess.run([sys.executable, "-m", "search_app.cli", "index", "--corpus", str(corpus),
                             "--index", str(index)], cwd=ROOT, capture_output=True, text=True, timeout=120,
                            preexec_fn=limit_file_size(64 * 1024))
    assert failed.returncode == 1, failed.stderr
    assert "Traceback" not in failed.stderr
    assert "een bestand werd groter dan toegestaan" in failed.stderr
    assert "de indexering is afgebroken en de vorige index blijft in gebruik" in failed.stderr
    assert os.readlink(index) == live_generation
    assert_only_complete_generations(index)


def test_a_full_disk_fails_the_reindex_not_the_search(tmp_path):
    """A full disk while a reindex writes: the reindex exits 1 with a Dutch message and no
    traceback, the live generation stays and keeps serving, and the next reindex, with room
    again, completes and is served.

    How the disk fills: the index lives on a 16 MB tmpfs that the test fills to the last byte
    before the reindex (a real ENOSPC). Where mounting is not allowed (not root), the reindex
    child runs under RLIMIT_FSIZE of 64 KB instead (its lexicon.json alone is ~600 KB): the
    kernel refuses writes past the limit with EFBIG (Python ignores SIGXFSZ), which reaches our
    code through the same path as ENOSPC, an OSError from a write inside the build."""
    corpus = tiny_corpus(tmp_path / "corpus", 4)
    disk = tmp_path / "schijf"
    with small_filesystem(disk, 16) as real_disk:
        index = disk / "index"
        build_index(corpus, index)
        reindex = [sys.executable, "-m", "search_app.cli", "reindex", "--corpus", str(corpus), "--index", str(index)]
        with ServerProcess(index) as server:
            live_generation = os.readlink(index)
            (corpus / "zwerfkatten.txt").write_text("Zwerfkatten in de haven\n\nDe opvang van zwerfkatten in de "
                                                   "haven krijgt drie kattenluiken.\n", encoding="utf-8")
            filler = fill(disk) if real_disk else None
            failed = subprocess.run(reindex, cwd=ROOT, capture_output=True, text=True, timeout=120,
                                    preexec_fn=None if real_disk else limit_file_size(64 * 1024))
            assert failed.returncode == 1, failed.stderr
            assert "Traceback" not in failed.stderr
            assert ("de schijf is vol" if real_disk else "een bestand werd groter dan toegestaan") in failed.stderr
            assert "de indexering is afgebroken en de vorige index blijft in gebruik" in failed.stderr
            assert os.readlink(index) == live_generation
            for _ in range(6):                                   # both worker processes
                status, body = get(server.url + "/api/search?q=woonoverlast")
                assert status == 200 and body["total"] == 1
                assert get(server.url + "/api/search?q=kattenluiken")[1]["total"] == 0
                assert get(server.url + "/healthz") == (200, {"status": "ok", "documents": 4, "sections": 4})

            if filler:
                filler.unlink()                                   # room again
            done = subprocess.run(reindex, cwd=ROOT, capture_output=True, text=True, timeout=120)
            assert done.returncode == 0, done.stderr
            assert "toegevoegd: 1" in done.stdout and os.readlink(index) != live_generation
            assert_only_complete_generations(index)              # the broken build left nothing behind
            deadline, found = time.time() + 20, []
            while found[-6:] != [1] * 6 and time.time() < deadline:    # every worker has switched
                found.append(get(server.url + "/api/search?q=kattenluiken")[1]["total"])
            assert found[-6:] == [1] * 6
            assert get(server.url + "/healthz") == (200, {"status": "ok", "documents": 5, "sections": 5})
