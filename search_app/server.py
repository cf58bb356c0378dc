"""Several waitress worker processes on one listening socket, and a parent that keeps them running.

Searching is CPU work in Python, so one process uses one core whatever its thread count (the
GIL). The parent binds the socket, forks ``workers`` children that each build their own app
(their own long-lived searchers and caches) and serve the shared socket with waitress; the
kernel hands each new connection to one of them. A child that dies is replaced; SIGTERM or
SIGINT stops them all. (A pre-fork model like gunicorn's, kept to waitress, which already
serves the app and takes the channel and connection limits.)

Requests waitress refuses itself, before Flask sees them (headers too large, a body over
``max_request_body_size``, a malformed request line or header, broken chunked encoding, an
unknown Transfer-Encoding), get a Dutch answer too: JSON ``{"error": ...}`` on an /api path,
short Dutch plain text elsewhere, with the same "nothing may run" headers as our other
non-page answers. waitress builds those answers in the task its channel picks for a request
that carries a parse error (``HTTPChannel.error_task_class``); a channel subclass naming our
own task, set as the server's ``channel_class``, is the one hook that changes only those
answers. (Patching waitress's ``Error.to_response`` would work too, but changes a library
class for the whole process.) ``tests/test_server.py`` checks every case over a raw socket,
so a waitress upgrade that moves the hook fails a test instead of going English again.
"""
from __future__ import annotations

import ctypes
import gc
import json
import logging
import os
import signal
import socket
import sys
import threading
import time
from typing import Callable

from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, create_server
from waitress.task import ErrorTask
from waitress.utilities import RequestEntityTooLarge, RequestHeaderFieldsTooLarge, ServerNotImplemented

from indexer.search.generation import give_back_freed_memory

from .api import MESSAGES, is_json_path
from .security import OTHER_POLICY, REFERRER_POLICY

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
    # The modules the parent imported are shared with the workers until written to; a garbage
    # collection in a worker would write to every object's header and copy them all, so they
    # are moved out of the collector's sight first (what the gc module advises before a fork).
    gc.freeze()
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
        serve(make_app(), sockets=[sock], **waitress_options)
        code = 0
    finally:
        os._exit(code)


M_ARENA_MAX = -8                   # mallopt's parameter (glibc's malloc.h)
ARENA_MAX = 2
TRIM_SECONDS = 5.0                 # how often a worker gives freed memory back


def keep_freed_memory_small() -> None:
    """Make glibc's allocator give freed memory back to the system (a no-op elsewhere).

    A search works on arrays of a few hundred KB, one per clause; glibc serves them from an
    arena of the request thread and keeps them there when they are freed. At 50,000 sections,
    two arenas instead of one per thread saved ~20 MB per worker under load, and a trim every
    TRIM_SECONDS (a few ms each) another ~15 MB once the load passes. (Mapping such blocks
    instead, so that each is returned when freed, costs page faults: ~6 ms a search.)"""
    try:
        ctypes.CDLL("libc.so.6").mallopt(M_ARENA_MAX, ARENA_MAX)
    except (OSError, AttributeError):
        return

    def trim_now_and_then() -> None:
        while True:
            time.sleep(TRIM_SECONDS)
            give_back_freed_memory()

    threading.Thread(target=trim_now_and_then, name="malloc-trim", daemon=True).start()


# ---------------------------------------------------------------- waitress's own errors, in Dutch

def dutch_error(error, max_body: int) -> str:
    """The Dutch message for an error waitress found while reading a request."""
    if isinstance(error, RequestHeaderFieldsTooLarge):
        return MESSAGES[431]
    if isinstance(error, RequestEntityTooLarge):
        return f"Het verzoek is te groot: de server neemt hoogstens {max_body} bytes aan."
    if isinstance(error, ServerNotImplemented):
        return "Deze Transfer-Encoding wordt niet ondersteund."
    if error.code == 400:
        if "chunk" in str(error.body).lower():
            return "Ongeldig verzoek: de chunked-codering van de body klopt niet."
        return "Ongeldig verzoek: de server kon de verzoekregel of de headers niet lezen."
    return MESSAGES[500]


def request_path(request) -> str:
    """The path of a request waitress refused, as far as it got ('' when unknown): the parsed
    path, else the one in the request line it read (a bad header line stops the parse after
    that line), else the one at the start of what it received (headers too large: waitress
    parses a stand-in request line then)."""
    if isinstance(request.error, RequestHeaderFieldsTooLarge):
        line = bytes(request.header_plus or b"").lstrip().split(b"\r\n", 1)[0]
    else:
        path = getattr(request, "path", None)
        if isinstance(path, str):
            return path
        line = bytes(getattr(request, "first_line", b"") or b"")
    parts = line.split(b" ")
    if len(parts) >= 2 and parts[1].startswith(b"/"):
        return parts[1].split(b"?", 1)[0].decode("latin-1")
    return ""


class DutchErrorTask(ErrorTask):
    """waitress's error answer (status and closing the connection kept), with a Dutch body:
    JSON on JSON paths (as the app answers them), plain text elsewhere."""

    def execute(self):
        error = self.request.error
        message = dutch_error(error, self.channel.adj.max_request_body_size)
        if is_json_path(request_path(self.request)):
            body = json.dumps({"error": message}, ensure_ascii=False).encode("utf-8")
            content_type = "application/json"
        else:
            body = (message + "\n").encode("utf-8")
            content_type = "text/plain; charset=utf-8"
        self.status = f"{error.code} {error.reason}"
        self.response_headers.extend([
            ("Content-Type", content_type), ("X-Content-Type-Options", "nosniff"),
            ("Content-Security-Policy", OTHER_POLICY), ("X-Frame-Options", "DENY"),
            ("Referrer-Policy", REFERRER_POLICY)])
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


class DutchErrorChannel(HTTPChannel):
    error_task_class = DutchErrorTask


def serve(app, **waitress_options) -> None:
    """waitress.serve, with Dutch answers to the requests waitress refuses itself."""
    logging.basicConfig()
    keep_freed_memory_small()
    server = create_server(app, **waitress_options)
    # a host name with several addresses (localhost: 127.0.0.1 and ::1) gives a MultiSocketServer
    # whose map holds one listening server per address
    listeners = [server] if isinstance(server, BaseWSGIServer) else [
        s for s in server.map.values() if isinstance(s, BaseWSGIServer)]
    for listener in listeners:
        listener.channel_class = DutchErrorChannel
    server.print_listen("Serving on http://{}:{}")
    server.run()
