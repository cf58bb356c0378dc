"""End to end against a real server process: HTTP, and reindexing while it serves."""
import json
import shutil
import threading
import time
import urllib.error
import urllib.request

from indexer.ingest.build import build_index

from .conftest import CORPUS


def get(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, json.loads(response.read())


def test_real_server_answers_search_and_errors(server_factory, index_dir):
    server = server_factory(index_dir)
    status, body = get(server.url + "/api/search?q=mensenhandelmonitor")
    assert status == 200 and body["total"] > 0
    assert get(server.url + "/healthz")[1]["status"] == "ok"
    try:
        urllib.request.urlopen(server.url + "/api/search?year=abc", timeout=10)
        raise AssertionError("expected a 400")
    except urllib.error.HTTPError as exc:
        assert exc.code == 400 and "jaartal" in json.loads(exc.read())["error"]


def test_search_keeps_working_during_a_reindex(server_factory, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    index = tmp_path / "index"
    build_index(corpus, index)
    server = server_factory(index)
    (corpus / "nieuw.md").write_text("# Factsheet drugsafval\n\nDrugsafval in het buitengebied: herkennen en melden "
                                     "bij de gemeente, met genoeg tekst voor een eigen sectie.\n", encoding="utf-8")
    failures, done = [], threading.Event()

    def hammer():
        while not done.is_set():
            try:
                status, body = get(server.url + "/api/search?q=woonoverlast")
                if status != 200 or body["total"] == 0:
                    failures.append(status)
            except Exception as exc:  # noqa: BLE001 - any failure during the swap is what we look for
                failures.append(repr(exc))

    thread = threading.Thread(target=hammer)
    thread.start()
    build_index(corpus, index)
    build_index(corpus, index)
    done.set()
    thread.join()
    assert failures == []
    assert get(server.url + "/api/search?q=drugsafval")[1]["total"] == 1


def raw(port: int, data: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send bytes as they are over a socket; the answer's status, headers (lower-case names) and body.

    Sent in pieces, stopping once an answer is there: waitress stops reading a request it
    refuses and closes the connection, and bytes still unread on close make the kernel reset
    it, which may drop the answer before we read it."""
    import select
    import socket

    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        for start in range(0, len(data), 8192):
            if select.select([sock], [], [], 0)[0]:
                break
            sock.sendall(data[start:start + 8192])
            time.sleep(0.001)
        received = b""
        try:
            while chunk := sock.recv(65536):           # waitress closes the connection after an error
                received += chunk
        except ConnectionResetError:
            pass                                        # bytes we sent were left unread; the answer came first
    head, _, body = received.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in lines)}
    return int(status_line.split()[1]), headers, body


BIG_HEADER = b"X-Vulsel: " + b"a" * 300_000 + b"\r\n"        # over waitress's 256 KB of headers
# (request bytes, status, is JSON, a word of the Dutch message)
REFUSED_BY_WAITRESS = {
    "headers too large, API": (b"GET /api/search?q=x HTTP/1.1\r\nHost: a\r\n" + BIG_HEADER + b"\r\n",
                               431, True, "headers"),
    "headers too large, page": (b"GET /?q=x HTTP/1.1\r\nHost: a\r\n" + BIG_HEADER + b"\r\n", 431, False, "headers"),
    "body too large": (b"POST /api/reindex HTTP/1.1\r\nHost: a\r\nContent-Length: 5000\r\n\r\n" + b"{" * 100,
                       413, True, "hoogstens 1024 bytes"),
    "chunked body too large": (b"POST /api/reindex HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                               + b"800\r\n" + b"x" * 2048 + b"\r\n0\r\n\r\n", 413, True, "te groot"),
    "malformed request line": (b"KAPOT\r\nHost: a\r\n\r\n", 400, False, "verzoekregel"),
    "malformed header line, API": (b"GET /api/suggest?q=wo HTTP/1.1\r\nGeen header\r\n\r\n", 400, True, "headers"),
    "bad chunked encoding": (b"POST /api/reindex HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                             b"zz\r\nabc\r\n0\r\n\r\n", 400, True, "chunked"),
    "unknown transfer encoding": (b"POST /zoek HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n",
                                  501, False, "Transfer-Encoding"),
}


def test_requests_waitress_refuses_itself_get_dutch_answers(tmp_path, index_dir):
    from .support import ServerProcess

    with ServerProcess(index_dir, env={"KENNISBANK_MAX_REQUEST_BODY": "1024"}) as server:
        for name, (request, status, is_json, word) in REFUSED_BY_WAITRESS.items():
            got, headers, body = raw(server.port, request)
            assert got == status, name
            text = json.loads(body)["error"] if is_json else body.decode("utf-8")
            assert headers["content-type"] == ("application/json" if is_json else "text/plain; charset=utf-8"), name
            assert word in text and "waitress" not in text and "kennisbank)" not in text, (name, text)
            assert not any(english in text for english in ("Bad Request", "Too Large", "exceeds", "generated by")), name
            assert headers["x-content-type-options"] == "nosniff" and "default-src 'none'" in \
                headers["content-security-policy"], name
            assert headers["connection"] == "close", name
        # and the server still answers normally afterwards
        assert get(server.url + "/api/search?q=woonoverlast")[0] == 200


def test_dutch_refusals_on_every_socket_of_a_host_with_several_addresses(index_dir):
    """A host name with several addresses (localhost: 127.0.0.1 and ::1) makes waitress listen on
    several sockets at once; each of them answers its own refusals in Dutch."""
    import subprocess
    import sys

    from .support import free_port, wait_for_port

    ports = [free_port(), free_port()]
    program = ("import sys; from search_app import create_app; from search_app.server import serve; "
               "serve(create_app({'INDEX_DIR': sys.argv[1]}), listen=sys.argv[2])")
    listen = " ".join(f"127.0.0.1:{port}" for port in ports)
    process = subprocess.Popen([sys.executable, "-c", program, str(index_dir), listen],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for port in ports:
            wait_for_port(port)
            request, status, _, word = REFUSED_BY_WAITRESS["headers too large, API"]
            got, headers, body = raw(port, request)
            assert got == status and headers["content-type"] == "application/json", (port, got)
            assert word in json.loads(body)["error"]
    finally:
        process.terminate()
        process.wait(timeout=10)
