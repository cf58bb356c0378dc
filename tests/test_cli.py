"""The kennisbank command line."""
import json
import subprocess
import sys

from .conftest import CORPUS, ROOT, SHARED


def run(*args, env=None):
    return subprocess.run([sys.executable, "-m", "search_app.cli", *args], capture_output=True, text=True, cwd=ROOT,
                          env=env, timeout=300)


def test_index_prints_a_summary(tmp_path):
    result = run("index", "--corpus", str(CORPUS), "--index", str(tmp_path / "ix"))
    assert result.returncode == 0
    assert "documents: 5" in result.stdout and "skipped:   0" in result.stdout and "seconds:" in result.stdout
    assert "var-jaarverslag-2021:" in result.stdout


def test_search_text_and_json(index_dir):
    text = run("search", "RCTM", "--index", str(index_dir))
    assert text.returncode == 0 and "RCTM = Regionaal Controleteam Mensenhandel" in text.stdout
    data = json.loads(run("search", "leerhuis", "--theme", "Kennisbijeenkomsten", "--year", "2024", "--json",
                          "--index", str(index_dir)).stdout)
    assert data["total"] > 0 and all(r["year"] == 2024 for r in data["results"])
    bad = run("search", "x", "--year", "abc", "--index", str(index_dir))
    assert bad.returncode == 2 and "jaartal" in bad.stderr


def test_serve_without_index_says_how_to_build_one(tmp_path):
    result = run("serve", "--index", str(tmp_path / "nothing"))
    assert result.returncode == 2 and "kennisbank index --corpus" in result.stderr
    assert "Traceback" not in result.stderr


def test_eval_prints_the_figures(index_dir):
    result = run("eval", "--queries", str(SHARED / "eval/queries.dev.json"),
                 "--labels", str(SHARED / "eval/labels.dev.json"), "--index", str(index_dir))
    assert result.returncode == 0
    for name in ("nDCG@10:", "MRR:", "Recall@10:", "label accuracy:"):
        assert name in result.stdout
