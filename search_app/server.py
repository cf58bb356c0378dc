"""Several waitress worker processes on one listening socket, and a parent that keeps them running.

Searching is CPU work in Python, so one process uses one core whatever its thread count (the
GIL). The parent binds the socket, forks ``workers`` children that each build their own app
(their own long-lived searchers and caches) and serve the shared socket with waitress; the
kernel hands each new connection to one of them. A child that dies is replaced; SIGTERM or
SIGINT stops them all. (A pre-fork model like gunicorn's, kept to waitress, which already
serves the app and takes the channel and connection limits.)
"""
from __future__ import annotations

import os
import signal
import socket
import sys
import time
from typing import Callable

RESTART_PAUSE = 1.0            # seconds between replacing a child that died, so a crash loop does not spin


def listening_socket(host: str, port: int, backlog: int = 1024) -> socket.socket:
    """A bound, listening TCP socket the workers share."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(backlog)
    return sock


def serve_workers(make_app: Callable[[], object], host: str, port: int, workers: int, **waitress_options) -> None:
    """Serve ``make_app()`` from ``workers`` processes until SIGTERM/SIGINT; replace workers that die."""
    sock = listening_socket(host, port)
    children: set[int] = set()
    stopping = False

    def stop(signum, frame):
        nonlocal stopping
        stopping = True
        for pid in list(children):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for _ in range(workers):
        children.add(spawn(make_app, sock, waitress_options))
    while children:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            break
        except InterruptedError:
            continue
        children.discard(pid)
        if not stopping:
            print(f"worker {pid} stopped (status {status}); starting a new one", file=sys.stderr, flush=True)
            time.sleep(RESTART_PAUSE)
            if not stopping:           # a SIGTERM during the pause: no new worker nobody would stop
                children.add(spawn(make_app, sock, waitress_options))
    sock.close()


def spawn(make_app: Callable[[], object], sock: socket.socket, waitress_options: dict) -> int:
    """Fork one worker serving the shared socket; returns its pid (in the parent)."""
    pid = os.fork()
    if pid:
        return pid
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    code = 1
    try:
        from waitress import serve

        serve(make_app(), sockets=[sock], **waitress_options)
        code = 0
    finally:
        os._exit(code)
