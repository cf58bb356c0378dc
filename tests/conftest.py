"""Fixtures: a real index built from corpus/ on disk, the Flask app, and a real server process."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from indexer.ingest.build import build_index
from indexer.search import SearchService
from .support import ServerProcess

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"


def seed_text(prefix: str) -> str:
    """Raw text of a seed document by its file-name prefix (000 ... 004)."""
    return next(CORPUS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("idx") / "index"
    build_index(CORPUS, path)
    return path


@pytest.fixture(scope="session")
def service(index_dir) -> SearchService:
    svc = SearchService(index_dir)
    yield svc
    svc.close()


@pytest.fixture(scope="session")
def app(index_dir):
    from search_app import create_app

    return create_app({"INDEX_DIR": str(index_dir), "CORS_ORIGINS": "http://allowed.example"})


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def small_corpus(tmp_path) -> Path:
    """A copy of the corpus that a test may add to or break."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


Server = ServerProcess        # a real `kennisbank serve` process on a free loopback port


@pytest.fixture()
def server_factory():
    servers: list[Server] = []

    def start(index: Path, cors: str = "") -> Server:
        server = Server(index, cors)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
