"""`kennisbank serve --workers N`: N processes answer on one port, and one that dies is replaced."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

from .support import PROJECT_ROOT, free_port, wait_for_port


def children_of(pid: int) -> set[int]:
    with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as handle:
        return {int(n) for n in handle.read().split()}


def healthy(url: str) -> bool:
    with urllib.request.urlopen(url + "/healthz", timeout=10) as response:
        return response.status == 200 and json.loads(response.read())["status"] == "ok"


def test_two_workers_serve_one_port_and_a_dead_one_is_replaced(index_dir):
    port = free_port()
    parent = subprocess.Popen([sys.executable, "-m", "search_app.cli", "serve", "--index", str(index_dir),
                               "--port", str(port), "--workers", "2"], cwd=PROJECT_ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_port(port)
        deadline = time.time() + 20
        while len(children_of(parent.pid)) < 2 and time.time() < deadline:
            time.sleep(0.1)
        workers = children_of(parent.pid)
        assert len(workers) == 2
        assert all(healthy(url) for _ in range(6))
        victim = sorted(workers)[0]
        os.kill(victim, signal.SIGKILL)
        deadline = time.time() + 20
        while (victim in children_of(parent.pid) or len(children_of(parent.pid)) < 2) and time.time() < deadline:
            time.sleep(0.1)
        replaced = children_of(parent.pid)
        assert victim not in replaced and len(replaced) == 2
        assert all(healthy(url) for _ in range(6))
    finally:
        parent.terminate()
        parent.wait(timeout=20)
    assert parent.returncode == 0
