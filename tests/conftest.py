"""Fixtures: a real index built from corpus/ on disk, the Flask app, and a real server process."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from indexer.index import build_index
from indexer.search import SearchService

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"
SEEDS = CORPUS


def seed_text(prefix: str) -> str:
    """Raw text of a seed document by its file-name prefix (000 ... 004)."""
    return next(CORPUS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listening on {port}")


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


class Server:
    """A `kennisbank serve` process on a free loopback port."""

    def __init__(self, index: Path, cors: str = ""):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "KENNISBANK_CORS_ORIGINS": cors}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "indexer.cli", "serve", "--index", str(index), "--port", str(self.port)],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=ROOT,
        )
        wait_for_port(self.port)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


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
