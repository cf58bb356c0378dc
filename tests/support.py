"""A real `kennisbank serve` process on a free loopback port (for tests and benchmarks)."""
from __future__ import annotations

import functools
import http.server
import os
import socket
import threading
import subprocess
import sys
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30) -> None:
    """Block until something accepts connections on the port; RuntimeError after timeout seconds."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listening on {port}")


class ServerProcess:
    """`kennisbank serve --index INDEX` in a child process; ``url`` once it listens."""

    def __init__(self, index: Path, cors: str = "", env: dict | None = None, workers: int | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "KENNISBANK_CORS_ORIGINS": cors, **(env or {})}
        more = ["--workers", str(workers)] if workers else []      # default: the command's (cores, at most 4)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "search_app.cli", "serve", "--index", str(index), "--port", str(self.port), *more],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=PROJECT_ROOT,
        )
        try:
            wait_for_port(self.port)
        except RuntimeError:
            self.stop()
            raise

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)

    def __enter__(self) -> "ServerProcess":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def api_search(service, *args, **kwargs) -> dict:
    """A search through the service, as the JSON API returns it."""
    from search_app.serialise import search_dict

    return search_dict(service.search(*args, **kwargs))


def api_section(service, section_id: str, q: str = "") -> dict | None:
    """A section as the API returns it, plus ``text_html`` as the section page renders its body."""
    from search_app.serialise import marked_html, section_dict

    view = service.section(section_id, q)
    return None if view is None else {**section_dict(view), "text_html": marked_html(view.body)}


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


class StaticSite:
    """Another local origin serving a few pages (e.g. the website that embeds the search)."""

    def __init__(self, directory: Path, pages: dict[str, str], port: int | None = None):
        for name, html in pages.items():
            (directory / name).write_text(html, encoding="utf-8")
        self.port = port or free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        handler = functools.partial(QuietHandler, directory=str(directory))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.httpd.shutdown()
