"""Builds that cannot harm the live index: a bug, an empty or shrunken corpus, a second build at the same
time, a killed build and a broken manifest all leave what searchers see as it was."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from indexer.ingest.build import build_index
from indexer.ingest.corpus import document_id
from indexer.ingest.generations import BuildRefused, build_lock
from indexer.schema import COMPLETE_MARKER, generations, is_complete
from indexer.search import SearchService

from .conftest import ROOT

TOPICS = ("woonoverlast", "drugsafval", "geldezels", "buurtpreventie", "mensenhandel", "cybercrime",
          "jeugdoverlast", "witwassen", "kamerverhuur", "hennepteelt")


def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "search_app.cli", *args], capture_output=True, text=True, cwd=ROOT,
                          env=env, timeout=120)


def index_cli(corpus: Path, index: Path, *extra: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return run_cli("index", "--corpus", str(corpus), "--index", str(index), *extra, env=env)


def tiny_corpus(folder: Path, n: int) -> Path:
    """``n`` short documents, one per topic, each with a word only it holds."""
    folder.mkdir(parents=True, exist_ok=True)
    for topic in TOPICS[:n]:
        (folder / f"{topic}.txt").write_text(
            f"Aanpak van {topic}\n\nDe partners bespraken de aanpak van {topic} in de regio en spraken af "
            f"wie signalen over {topic} oppakt.\n", encoding="utf-8")
    return folder


def live_state(index: Path) -> tuple[str, int, int]:
    """What searchers see: the generation the index path points at, its documents and all its sections."""
    svc = SearchService(index)
    try:
        return os.readlink(index), svc.stats()["documents"], svc.search("").total
    finally:
        svc.close()


def assert_only_complete_generations(index: Path) -> None:
    partial = [g.name for g in generations(index) if not is_complete(g)]
    assert partial == [], f"partial generations left: {partial}"


@pytest.fixture()
def live(tmp_path) -> Path:
    """A live index of four documents."""
    index = tmp_path / "index"
    build_index(tiny_corpus(tmp_path / "seed", 4), index)
    return index


# ---------------------------------------------------------------- a bug in a stage


SITECUSTOMIZE = '''\
import importlib

module = importlib.import_module({module!r})
original = getattr(module, {name!r})
calls = []


def broken(*args, **kwargs):
    calls.append(1)
    if len(calls) >= 2:                      # the first call works: the bug strikes in the middle of a build
        raise KeyError("thema")
    return original(*args, **kwargs)


setattr(module, {name!r}, broken)
'''


@pytest.mark.parametrize("module, name, stage", [
    ("indexer.ingest.pipeline", "classify_section", "ingest_document"),   # a bug while reading the corpus
    ("indexer.ingest.build", "section_meta", "write_generation"),         # a bug while writing the new generation
])
def test_a_bug_in_a_stage_fails_the_build_loudly_and_leaves_the_live_index(live, tmp_path, module, name, stage):
    before = live_state(live)
    generations_before = [g.name for g in generations(live)]
    inject = tmp_path / "inject"
    inject.mkdir()
    (inject / "sitecustomize.py").write_text(SITECUSTOMIZE.format(module=module, name=name), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(inject), str(ROOT)])}

    result = index_cli(tiny_corpus(tmp_path / "new", 6), live, env=env)
    assert result.returncode != 0
    assert "Traceback" in result.stderr and "KeyError" in result.stderr and "thema" in result.stderr
    assert f"in {stage}" in result.stderr                 # the bug struck where it was meant to
    assert "geïndexeerd" not in result.stdout
    assert live_state(live) == before
    assert [g.name for g in generations(live)] == generations_before
    assert_only_complete_generations(live)

    fixed = index_cli(tmp_path / "new", live)              # the same corpus without the bug builds
    assert fixed.returncode == 0, fixed.stderr
    assert live_state(live)[1:] == (6, 6) and os.readlink(live) != before[0]


# ---------------------------------------------------------------- empty and shrinking corpora


def test_an_empty_corpus_is_refused_unless_allowed(live, tmp_path):
    before = live_state(live)
    empty = tmp_path / "empty"
    empty.mkdir()
    refused = index_cli(empty, live)
    assert refused.returncode == 1
    assert refused.stderr.startswith("error: ") and "Geen enkel document" in refused.stderr
    assert "--allow-shrink" in refused.stderr and "Traceback" not in refused.stderr
    assert live_state(live) == before
    assert_only_complete_generations(live)

    allowed = index_cli(empty, live, "--allow-shrink")
    assert allowed.returncode == 0, allowed.stderr
    assert allowed.stdout.strip().splitlines()[-1] == "0 van 0 bestanden geïndexeerd"
    assert live_state(live)[1:] == (0, 0)


def test_a_corpus_with_far_fewer_documents_is_refused_unless_allowed(tmp_path):
    index = tmp_path / "index"
    build_index(tiny_corpus(tmp_path / "big", 8), index)
    before = live_state(index)
    assert before[1] == 8
    small = tiny_corpus(tmp_path / "small", 2)

    refused = index_cli(small, index)
    assert refused.returncode == 1
    assert "6 van de 8 documenten" in refused.stderr and "--allow-shrink" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert live_state(index) == before

    with pytest.raises(BuildRefused):                    # a documented share may be lost, no more
        build_index(small, index, max_shrink=0.7)
    assert live_state(index) == before
    build_index(tiny_corpus(tmp_path / "seven", 7), index)   # losing one of eight is within 25 %
    assert live_state(index)[1] == 7

    allowed = index_cli(small, index, "--allow-shrink")
    assert allowed.returncode == 0, allowed.stderr
    assert live_state(index)[1] == 2
    assert_only_complete_generations(index)


# ---------------------------------------------------------------- one build at a time


def test_a_second_build_is_refused_at_once_while_one_runs(live, tmp_path):
    before = live_state(live)
    corpus = tiny_corpus(tmp_path / "new", 5)
    with build_lock(live):
        started = time.monotonic()
        result = index_cli(corpus, live)
        elapsed = time.monotonic() - started
    assert result.returncode == 1
    assert "Er loopt al een indexering" in result.stderr and "Traceback" not in result.stderr
    assert elapsed < 20                                  # refused at once, not after waiting or reading
    assert live_state(live) == before


def test_a_lock_left_by_a_killed_build_does_not_block_the_next(live, tmp_path):
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time\nfrom pathlib import Path\nfrom indexer.ingest.generations import build_lock\n"
         f"with build_lock(Path({str(live)!r})):\n    print('vast', flush=True)\n    time.sleep(600)\n"],
        cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "vast"
        with pytest.raises(BuildRefused):                # the lock is real across processes
            build_index(tiny_corpus(tmp_path / "new", 5), live)
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(timeout=10)
        holder.stdout.close()
    assert holder.returncode == -signal.SIGKILL
    assert live.with_name(live.name + ".lock").exists()   # the lock file stays; its lock died with the process
    report = build_index(tmp_path / "new", live)
    assert report.documents == 5 and live_state(live)[1] == 5


# ---------------------------------------------------------------- generations


def test_a_partial_generation_is_removed_and_two_complete_ones_are_kept(tmp_path):
    index = tmp_path / "index"
    corpus = tiny_corpus(tmp_path / "c", 4)
    build_index(corpus, index)
    first = Path(os.path.realpath(index))

    def killed_build() -> Path:
        partial = index.with_name(f"{index.name}.gen-{time.time_ns()}")
        partial.mkdir()
        (partial / "_MAIN_1.toc").write_bytes(b"\x00half geschreven")
        (partial / "lexicon.json").write_text('{"documents": {', encoding="utf-8")
        return partial

    partial = killed_build()
    assert partial.name > first.name and not is_complete(partial)
    build_index(corpus, index)
    second = Path(os.path.realpath(index))
    assert not partial.exists()
    assert generations(index) == [first, second]
    assert all(is_complete(g) for g in generations(index))

    partial = killed_build()
    build_index(corpus, index)
    third = Path(os.path.realpath(index))
    assert not partial.exists()
    assert generations(index) == [second, third]          # the two newest complete ones; the first is gone
    assert third.name > second.name and (third / COMPLETE_MARKER).exists()
    assert live_state(index)[1] == 4


# ---------------------------------------------------------------- a broken manifest


@pytest.mark.parametrize("manifest, line, expected", [
    ('[[document]]\nfile = "woonoverlast.txt"\ntitle = "Aanpak woonoverlast\n', 3, "Expected TOML"),
    ('# Handmatig bijgewerkt\n[[document]]\nfile = "woonoverlast.txt"\ntitel = "Aanpak"\n', 4, "title"),
    ('[[document]]\nfile = "woonoverlast.txt"\n\n[[document]]\nfile = "woonoverlast.txt"\n', 5, "one entry per file"),
    ('[document]\nfile = "woonoverlast.txt"\ntitle = "Aanpak"\n', 1, "[[document]]"),
    ('[[document]]\nfile = "woonoverlast.txt"\norganisation = "Gemeente \\u0001 Rotterdam"\n', 3, "control character"),
    ('[[document]]\nfile = "woonoverlast.txt"\ntitle = """Aanpak\nwoonoverlast"""\n', 3, "control character"),
])
def test_a_broken_manifest_stops_the_build_with_a_message_for_staff(live, tmp_path, manifest, line, expected):
    before = live_state(live)
    corpus = tiny_corpus(tmp_path / "c", 4)
    (corpus / "manifest.toml").write_text(manifest, encoding="utf-8")
    result = index_cli(corpus, live)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    message = result.stderr.strip()
    assert message.startswith("error: ") and "manifest.toml" in message
    assert f"line {line}" in message and "Expected" in message and expected in message
    assert live_state(live) == before


# ---------------------------------------------------------------- the summary


def test_the_summary_counts_indexed_files_of_all_files(tmp_path):
    corpus = tiny_corpus(tmp_path / "c", 3)
    (corpus / "cijfers.tsv").write_text("jaar\taantal\n2024\t12\n", encoding="utf-8")
    (corpus / "manifest.toml").write_text('[[document]]\nfile = "drugsafval.txt"\nkind = "factsheet"\n',
                                          encoding="utf-8")
    result = index_cli(corpus, tmp_path / "index")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[-1] == "3 van 4 bestanden geïndexeerd"
    assert "documents: 3" in lines and "skipped:   1" in lines
    assert any(line.startswith("  cijfers.tsv: ") and "niet ondersteund" in line for line in lines)


def test_a_manifest_entry_for_a_file_the_corpus_lacks_is_reported(tmp_path):
    corpus = tiny_corpus(tmp_path / "c", 3)
    (corpus / "cijfers.tsv").write_text("jaar\taantal\n2024\t12\n", encoding="utf-8")
    (corpus / "manifest.toml").write_text('[[document]]\nfile = "drugsafvall.txt"\nkind = "factsheet"\n\n'
                                          '[[document]]\nfile = "cijfers.tsv"\ntitle = "Cijfers"\n', encoding="utf-8")
    result = index_cli(corpus, tmp_path / "index")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[-1] == "3 van 4 bestanden geïndexeerd" and "skipped:   2" in lines
    assert "  manifest.toml: geen bestand 'drugsafvall.txt' in de corpusmap; dit gegeven wordt niet gebruikt" in lines
    assert sum(line.startswith("  cijfers.tsv: ") for line in lines) == 1     # refused once, as a file


def test_a_manifest_id_another_file_already_has_stops_the_build_with_a_message(live, tmp_path):
    before = live_state(live)
    corpus = tiny_corpus(tmp_path / "c", 4)
    first, second = sorted(path.name for path in corpus.iterdir())[:2]
    taken = document_id(second)
    (corpus / "manifest.toml").write_text(f'[[document]]\nfile = "{first}"\nid = "{taken}"\n', encoding="utf-8")
    result = index_cli(corpus, live)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    message = result.stderr.strip()
    assert message.startswith("error: ") and "manifest.toml" in message
    assert first in message and second in message and f"'{taken}'" in message and "Expected" in message
    assert live_state(live) == before
