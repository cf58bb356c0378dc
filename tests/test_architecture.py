"""The layout's promises: imports point one way, and no module or class grows past its size."""
import ast
import subprocess
import sys

import pytest

from .conftest import ROOT

PACKAGES = ("indexer", "search_app")


def loaded_modules(statement: str) -> set[str]:
    code = f"import sys; {statement}; print('\\n'.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60, check=True)
    return set(out.stdout.split())


def test_the_engine_never_imports_the_web_app():
    modules = loaded_modules("import indexer.ingest.build, indexer.search, indexer.evaluate")
    assert not {m for m in modules if m.split(".")[0] in ("flask", "search_app", "werkzeug")}


def test_the_search_side_never_imports_ingestion():
    for statement in ("import indexer.search", "import search_app; search_app.create_app"):
        assert not {m for m in loaded_modules(statement) if m.startswith("indexer.ingest")}, statement


def python_files():
    return [p for package in PACKAGES for p in (ROOT / package).rglob("*.py")]


@pytest.mark.parametrize("path", python_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_modules_and_classes_stay_small(path):
    source = path.read_text(encoding="utf-8")
    assert source.count("\n") <= 400
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ClassDef):
            assert node.end_lineno - node.lineno < 200, node.name
