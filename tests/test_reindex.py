"""Incremental reindex: only new, changed and removed documents are processed; what was learned from
the corpus follows; a kill at any point, or a second reindex, leaves the live index serving."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from indexer.ingest.build import build_index
from indexer.schema import generations, is_complete
from indexer.search import SearchService

from .conftest import CORPUS, ROOT
from .test_build_safety import assert_only_complete_generations, run_cli, tiny_corpus


def search_ids(index: Path, q: str) -> list[str]:
    svc = SearchService(index)
    try:
        return [hit.doc_id for hit in svc.search(q, per_page=50).hits]
    finally:
        svc.close()


@pytest.fixture()
def live(tmp_path) -> tuple[Path, Path]:
    """A corpus of four small documents and its live index."""
    corpus = tiny_corpus(tmp_path / "corpus", 4)
    index = tmp_path / "index"
    build_index(corpus, index)
    return corpus, index


def test_only_new_changed_and_removed_documents_are_processed(live):
    corpus, index = live
    (corpus / "zwerfkatten.md").write_text(
        "# Zwerfkatten in de haven\n\nDe zwerfkattenopvang in de haven krijgt drie kattenluiken.\n", encoding="utf-8")
    (corpus / "drugsafval.txt").write_text(
        "Aanpak van drugsafval\n\nDe partners ruimen voortaan dumpingen van grondstoffen samen op.\n", encoding="utf-8")
    (corpus / "geldezels.txt").unlink()

    report = build_index(corpus, index, incremental=True)

    assert (report.added, report.changed, report.removed) == (["zwerfkatten-md"], ["drugsafval-txt"], ["geldezels-txt"])
    assert report.reused_files == 2                          # the two untouched files were not read again
    assert search_ids(index, "kattenluiken") == ["zwerfkatten-md"]
    assert search_ids(index, "dumpingen grondstoffen") == ["drugsafval-txt"]
    assert search_ids(index, "geldezels") == []
    assert search_ids(index, "woonoverlast") == ["woonoverlast-txt"]
    svc = SearchService(index)
    assert svc.stats() == {"documents": 4, "sections": 4} and svc.search("").total == 4
    svc.close()


def test_an_incremental_generation_leaves_the_previous_one_intact(live):
    corpus, index = live
    before = Path(os.path.realpath(index))
    (corpus / "woonoverlast.txt").unlink()
    build_index(corpus, index, incremental=True)
    assert search_ids(index, "woonoverlast") == []
    assert search_ids(before, "woonoverlast") == ["woonoverlast-txt"]    # the kept fallback still has it
    assert_only_complete_generations(index)


def test_a_new_word_is_searchable_correctable_and_splits_compounds(live):
    corpus, index = live
    (corpus / "zwerfkatten.md").write_text(
        "# Zwerfkatten\n\nDe kattenluiken van de opvang in de haven zijn vernieuwd. Het Havenkatten Opvang "
        "Team (HOT) controleert ze.\n", encoding="utf-8")
    build_index(corpus, index, incremental=True)
    svc = SearchService(index)
    try:
        assert {"term": "HOT", "means": "Havenkatten Opvang Team"} in [
            {"term": e.term, "means": e.means} for e in svc.search("HOT").expansions]
        corrected = svc.search("katenluiken")
        assert corrected.corrected_from == "katenluiken" and corrected.total == 1
        assert svc.search("luiken").total == 1               # a part of the new compound finds it
        assert any("kattenluiken" in s for s in svc.suggest("kattenl"))
    finally:
        svc.close()


def test_a_file_that_became_unreadable_is_reported_and_its_document_removed(live):
    corpus, index = live
    (corpus / "geldezels.txt").write_bytes(bytes(range(256)) * 40)      # binary now
    report = build_index(corpus, index, incremental=True)
    assert report.removed == ["geldezels-txt"]
    assert any(name == "geldezels.txt" for name, _ in report.skipped)


def test_the_seed_reports_reindex_one_changed_document_quickly(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    index = tmp_path / "index"
    full = build_index(corpus, index)
    changed = sorted(corpus.glob("004_*.txt"))[0]
    changed.write_text(changed.read_text(encoding="utf-8") + "\nAanvulling: de zwerfkattenopvang.\n", encoding="utf-8")
    started = time.perf_counter()
    report = build_index(corpus, index, incremental=True)
    elapsed = time.perf_counter() - started
    assert report.changed and not report.added and not report.removed
    assert report.reused_files == len(list(CORPUS.glob("*.txt"))) - 1
    assert report.sections == full.sections
    assert search_ids(index, "zwerfkattenopvang")
    assert elapsed < 10          # a generous bound for a noisy machine; scripts/bench reports the real figure


def test_reindex_command_reports_what_changed_and_a_second_one_is_refused(live):
    corpus, index = live
    (corpus / "nieuw.txt").write_text("Nieuw stuk\n\nDe kattenluiken van de opvang zijn vernieuwd.\n", encoding="utf-8")
    lock = index.with_name(index.name + ".lock")
    holder = subprocess.Popen([sys.executable, "-c", (
        "import fcntl, sys, time; f = open(sys.argv[1], 'a'); fcntl.flock(f, fcntl.LOCK_EX); "
        "print('locked', flush=True); time.sleep(30)"), str(lock)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        refused = run_cli("reindex", "--corpus", str(corpus), "--index", str(index))
        assert refused.returncode == 1 and "Er loopt al een indexering" in refused.stderr
    finally:
        holder.kill()
        holder.wait()
    done = run_cli("reindex", "--corpus", str(corpus), "--index", str(index))
    assert done.returncode == 0, done.stderr
    assert "toegevoegd: 1\n  nieuw-txt" in done.stdout
    assert "bestanden gelezen" in done.stderr                # plain progress lines when not on a terminal


def test_a_terminal_gets_a_progress_bar(live):
    import pty

    corpus, index = live
    (corpus / "nieuw.txt").write_text("Nieuw stuk\n\nDe kattenluiken van de opvang zijn vernieuwd.\n", encoding="utf-8")
    controller, terminal = pty.openpty()
    done = subprocess.run([sys.executable, "-m", "search_app.cli", "reindex", "--corpus", str(corpus), "--index",
                           str(index)], cwd=ROOT, stdout=subprocess.PIPE, stderr=terminal, timeout=120)
    os.close(terminal)
    shown = os.read(controller, 65536).decode("utf-8", "replace")
    os.close(controller)
    assert done.returncode == 0
    assert "\r[" in shown and "] 5/5 bestanden" in shown and "#" * 30 in shown


def test_reindex_job_file_records_progress_and_outcome(live, tmp_path):
    corpus, index = live
    (corpus / "buurtpreventie.txt").unlink()
    job = tmp_path / "job.json"
    done = run_cli("reindex", "--corpus", str(corpus), "--index", str(index), "--job-file", str(job))
    assert done.returncode == 0, done.stderr
    status = json.loads(job.read_text(encoding="utf-8"))
    assert status["state"] == "klaar" and status["removed"] == ["buurtpreventie-txt"]
    assert status["done"] == status["total"] == 3


def slow_corpus(folder: Path, n: int = 120) -> Path:
    """Enough distinct documents that a reindex runs for a while, each with a word of its own."""
    import random
    import re

    words = sorted(set(re.findall(r"[a-z]{4,}", (CORPUS / sorted(os.listdir(CORPUS))[0]).read_text(encoding="utf-8"))))
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(n):
        pick = random.Random(number)
        paragraphs = [" ".join(pick.choices(words, k=120)) + "." for _ in range(4)]
        (folder / f"notitie-{number:03}.md").write_text(
            f"# Notitie {number}\n\n## Aanpak\n\n{paragraphs[0]}\n\n{paragraphs[1]}\n\n## Afspraken\n\n"
            f"kenmerk{number}x {paragraphs[2]}\n\n{paragraphs[3]}\n", encoding="utf-8")
    return folder


def test_kill_9_at_several_points_leaves_the_previous_index_serving(tmp_path):
    corpus = slow_corpus(tmp_path / "corpus")
    index = tmp_path / "index"
    build_index(corpus, index)
    command = [sys.executable, "-m", "search_app.cli", "reindex", "--corpus", str(corpus), "--index", str(index)]

    def touch_all(round_: int) -> None:      # every document changes, so the reindex has work to do
        for path in corpus.glob("*.md"):
            path.write_text(path.read_text(encoding="utf-8") + f"\nronde{round_}\n", encoding="utf-8")

    touch_all(0)
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, capture_output=True, check=True, timeout=300)
    duration = time.perf_counter() - started
    for round_, fraction in enumerate((0.15, 0.35, 0.55, 0.75, 0.9), 1):
        touch_all(round_)
        proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(duration * fraction)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        svc = SearchService(index)                           # the live index still answers, complete
        try:
            assert svc.stats()["documents"] == 120
            assert [h.doc_id for h in svc.search("kenmerk7x").hits] == ["notitie-007-md"]
        finally:
            svc.close()
    finished = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr
    assert_only_complete_generations(index)
    assert len([g for g in generations(index) if is_complete(g)]) <= 2
    svc = SearchService(index)                               # the index is the corpus as it is now
    try:
        assert svc.search("ronde5").total == 120           # every document as the last round left it
    finally:
        svc.close()


def test_a_damaged_crawl_state_stops_index_and_reindex_with_the_remedy(live):
    corpus, index = live
    (corpus / "crawl-state.json").write_text('{"kapot', encoding="utf-8")
    for command in ("index", "reindex"):
        done = run_cli(command, "--corpus", str(corpus), "--index", str(index))
        assert done.returncode == 1 and "beschadigd" in done.stderr and "Traceback" not in done.stderr
    assert search_ids(index, "woonoverlast") == ["woonoverlast-txt"]


def test_deleted_sections_are_merged_away_once_they_weigh_in_the_statistics(live):
    from whoosh import index as whoosh_index

    corpus, index = live
    for round_ in range(3):
        (corpus / "woonoverlast.txt").write_text(f"Aanpak van woonoverlast\n\nRonde {round_} van de aanpak van "
                                                 f"woonoverlast in de regio.\n", encoding="utf-8")
        build_index(corpus, index, incremental=True)
        live_index = whoosh_index.open_dir(os.path.realpath(index))
        assert live_index.doc_count_all() - live_index.doc_count() <= 0.1 * live_index.doc_count_all()
    assert search_ids(index, "ronde") == ["woonoverlast-txt"]


def test_other_ingester_code_turns_a_reindex_into_a_full_build(live, monkeypatch):
    import indexer.ingest.build as build_module
    import indexer.ingest.pipeline as pipeline_module

    corpus, index = live
    monkeypatch.setattr(build_module, "ingester_version", lambda: "andere code")
    monkeypatch.setattr(pipeline_module, "source_key", lambda path, entry, limits: "andere code " + path.name)
    report = build_index(corpus, index, incremental=True)
    assert report.reused_files == 0
    assert search_ids(index, "woonoverlast") == ["woonoverlast-txt"]


def test_the_cache_keeps_what_the_pipeline_made_and_saves_it_again_unchanged(live):
    from indexer.ingest.cache import IngestCache, load_cache, save_cache
    from indexer.ingest.pipeline import ingest_files

    corpus, index = live
    done = ingest_files(corpus)
    cache = load_cache(index.resolve())
    assert cache.files == done.files                   # each file's document, sections and lessons
    again = index.parent / "again"
    again.mkdir()
    save_cache(again, IngestCache(cache.analysis, cache.version, cache.files, cache.fingerprints, cache.copies))
    reloaded = load_cache(again)
    assert reloaded == cache and reloaded.files == done.files


def test_a_full_build_copies_the_word_list_of_a_live_generation_the_same_code_made(live, monkeypatch):
    import numpy as np

    import indexer.ingest.build as build_module
    from indexer.dutch_words import DUTCH_WORDS_FILE, dutch_word_keys

    corpus, index = live
    marked = np.array([1, 2, 3], dtype=np.uint64)     # no real word list: only a copy can have it
    np.save(index.resolve() / DUTCH_WORDS_FILE, marked, allow_pickle=False)
    build_index(corpus, index)
    assert np.load(index.resolve() / DUTCH_WORDS_FILE).tolist() == [1, 2, 3]
    monkeypatch.setattr(build_module, "ingester_version", lambda: "andere code")
    build_index(corpus, index)                         # other code: its own list
    assert np.array_equal(np.load(index.resolve() / DUTCH_WORDS_FILE), dutch_word_keys())


def test_a_change_to_any_field_of_a_section_changes_its_document_s_fingerprint():
    from dataclasses import fields, replace

    from indexer.ingest.cache import fingerprint
    from indexer.ingest.records import SectionRecord

    section = SectionRecord(id="a", doc_id="d", doc_title="D", title="T", anchor="t", text="tekst", position=0)
    other = {str: "anders", int: 7, list: ["x"], tuple: ("x",)}
    seen = {fingerprint([section])}
    for f in fields(SectionRecord):
        value = getattr(section, f.name)
        changed = replace(section, **{f.name: other[type(value)] if value is not None else 2021})
        seen.add(fingerprint([changed]))
    assert len(seen) == len(fields(SectionRecord)) + 1
