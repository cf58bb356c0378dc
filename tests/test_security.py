"""Security headers, frame rules, OPTIONS, errors in the path's own language, redirects and Host
headers, and the server limits `kennisbank serve` hands to waitress."""
from __future__ import annotations

import re
import socket
import time

import pytest

from search_app import cli, create_app

TOKEN = "een-geheime-beheersleutel-1234"
JSON_ERRORS = re.compile(r'^\{"error":"[^"]+"\}\n?$')


@pytest.fixture()
def first_section(client) -> str:
    return client.get("/api/search?q=RCTM").get_json()["results"][0]["url"]


def every_kind_of_response(client, section: str) -> list[tuple[str, object]]:
    paths = ["/", "/?q=RCTM", "/?year=abc", section, "/embed?compact=1", "/embed.js", "/static/app.css",
             "/api/search?q=RCTM", "/api/search?year=abc", "/api/nope", "/nope", "/healthz", "/openapi.json"]
    return [(path, client.get(path)) for path in paths] + [("POST /", client.post("/")),
                                                            ("POST /api/search", client.post("/api/search"))]


def test_every_response_carries_the_security_headers(client, first_section):
    for path, response in every_kind_of_response(client, first_section):
        headers = response.headers
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin", path
        policy = headers["Content-Security-Policy"]
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, path
        if response.mimetype == "text/html":
            assert "script-src 'self'" in policy and "style-src 'self'" in policy and "base-uri 'none'" in policy
        else:
            assert policy.startswith("default-src 'none'"), path
        if not path.startswith("/embed?"):
            assert "frame-ancestors 'none'" in policy and headers["X-Frame-Options"] == "DENY", path


def test_pages_hold_no_inline_script_handlers_or_styles(client, first_section):
    for path in ("/", "/?q=RCTM&theme=Mensenhandel", first_section, "/embed?compact=1&q=RCTM", "/nope", "/?year=x"):
        html = client.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
        assert not re.search(r"\son[a-z]+\s*=", html, re.I), path
        assert not re.search(r"\sstyle\s*=", html, re.I) and "<style" not in html, path
        assert "javascript:" not in html.lower(), path


def test_only_the_embed_may_be_framed_and_only_by_the_embed_origins(index_dir):
    def ancestors(config: dict, path: str = "/embed?compact=1") -> str:
        app = create_app({"INDEX_DIR": str(index_dir), **config})
        policy = app.test_client().get(path).headers["Content-Security-Policy"]
        return re.search(r"frame-ancestors ([^;]+)", policy).group(1)

    assert ancestors({}) == "'self'"
    assert ancestors({"CORS_ORIGINS": "https://www.alliantie.nl"}) == "'self' https://www.alliantie.nl"
    assert ancestors({"CORS_ORIGINS": "*"}) == "'self'"                   # an open API does not open framing
    assert ancestors({"CORS_ORIGINS": "*", "EMBED_ORIGINS": "https://a.nl, https://b.nl"}) == "'self' https://a.nl https://b.nl"
    assert ancestors({"EMBED_ORIGINS": "https://a.nl"}, "/") == "'none'"
    assert ancestors({"EMBED_ORIGINS": "https://a.nl"}, "/sectie/x") == "'none'"


def test_json_is_never_html(client, first_section):
    for path, response in every_kind_of_response(client, first_section):
        if path.removeprefix("POST ").split("?")[0].startswith(("/api/", "/healthz", "/openapi.json")):
            assert response.mimetype == "application/json", path
    echoed = client.get("/api/sections/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E")
    assert echoed.status_code == 404 and echoed.mimetype == "application/json" and "<img" in echoed.get_json()["error"]


def test_options_answers_204_with_cors_for_allowed_origins(client):
    allowed = client.options("/api/search", headers={"Origin": "http://allowed.example",
                                                       "Access-Control-Request-Method": "GET"})
    assert allowed.status_code == 204 and allowed.data == b"" and "Content-Type" not in allowed.headers
    assert allowed.headers["Access-Control-Allow-Origin"] == "http://allowed.example"
    assert "GET" in allowed.headers["Access-Control-Allow-Methods"] and "GET" in allowed.headers["Allow"]
    refused = client.options("/api/search", headers={"Origin": "http://evil.example"})
    assert refused.status_code == 204 and "Access-Control-Allow-Origin" not in refused.headers
    assert client.options("/").status_code == 204
    unknown = client.options("/api/nope")
    assert unknown.status_code == 404 and unknown.is_json
    assert client.options("/api/reindex").status_code == 404           # no admin token: it does not exist


def test_errors_are_json_on_the_api_and_dutch_pages_elsewhere(index_dir):
    app = create_app({"INDEX_DIR": str(index_dir), "ADMIN_TOKEN": TOKEN, "MAX_REQUEST_BODY": 1024})

    def boom():
        raise RuntimeError("a bug with a secret in it")

    app.add_url_rule("/api/kapot", "api_boom", boom)
    app.add_url_rule("/kapot", "page_boom", boom)
    client = app.test_client()
    cases = [("get", "/api/nope", 404), ("post", "/api/search", 405), ("delete", "/api/suggest", 405),
             ("get", "/api/search?page=x", 400), ("get", "/api/kapot", 500)]
    for method, path, status in cases:
        response = getattr(client, method)(path)
        assert response.status_code == status and response.is_json, path
        assert JSON_ERRORS.match(response.get_data(as_text=True)) and "secret" not in response.get_data(as_text=True)
    big = client.post("/api/reindex", data="x" * 4096, content_type="application/json",
                      headers={"Authorization": f"Bearer {TOKEN}"})
    assert big.status_code == 413 and big.get_json() == {"error": "Het verzoek is te groot."}
    assert "GET" in client.post("/api/search").headers["Allow"]
    for method, path, status in [("get", "/nope", 404), ("post", "/", 405), ("get", "/kapot", 500),
                                 ("get", "/?page=x", 400)]:
        response = getattr(client, method)(path)
        html = response.get_data(as_text=True)
        assert response.status_code == status and response.mimetype == "text/html", path
        assert '<html lang="nl">' in html and "secret" not in html and "Traceback" not in html, path
        assert not re.search(r"\b(Not Found|Method Not Allowed|Internal Server Error|Bad Request)\b", html), path


def test_redirects_stay_on_the_site(client):
    response = client.get("/api//search?q=x", headers={"Host": "evil.example"})
    assert response.status_code in (301, 308) and response.headers["Location"] == "/api/search?q=x"


def raw_request(port: int, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """One request over a plain socket (no client library tidying the Host header)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, body


def get(path: str, host: bytes, extra: bytes = b"") -> bytes:
    return b"GET " + path.encode() + b" HTTP/1.1\r\nHost: " + host + b"\r\nConnection: close\r\n" + extra + b"\r\n"


def test_a_real_server_refuses_bad_host_headers_in_dutch_and_never_redirects_away(server_factory, index_dir):
    server = server_factory(index_dir)
    for path in ("//api//search", "//evil.example//", "/api//suggest?q=a"):
        status, headers, _ = raw_request(server.port, get(path, b"evil.example"))
        assert status in (301, 308, 404), path
        assert "evil.example" not in headers.get("location", "") and not headers.get("location", "/").startswith("//")
    for host in (b"a" * 300, b"x" * 70 + b".nl", b"ev il.example", b"evil.example:80:80", b"<script>", b"a..b"):
        for path, kind in (("/", "text/html"), ("/api/search?q=x", "application/json")):
            status, headers, body = raw_request(server.port, get(path, host))
            assert status == 400 and headers["content-type"].startswith(kind), (host, path)
            assert "ongeldige Host-header" in body.decode("utf-8"), (host, path)
    status, _, _ = raw_request(server.port, b"GET /healthz HTTP/1.0\r\n\r\n")        # no Host at all: fine
    assert status == 200


def test_serve_hands_the_server_limits_to_waitress(monkeypatch, index_dir):
    seen = {}

    from waitress.server import BaseWSGIServer

    class Recorded(BaseWSGIServer):
        """What serve() gets from waitress's create_server: the options recorded, nothing served."""
        channel_class = None

        def __init__(self, app, **options):
            seen.update(options)

        def print_listen(self, form):
            pass

        def run(self):
            pass

    monkeypatch.setattr("search_app.server.create_server", Recorded)
    monkeypatch.setenv("KENNISBANK_CONNECTION_LIMIT", "300")
    monkeypatch.setenv("KENNISBANK_CHANNEL_TIMEOUT", "20")
    monkeypatch.setenv("KENNISBANK_MAX_REQUEST_BODY", "65536")
    monkeypatch.setenv("KENNISBANK_THREADS", "6")
    monkeypatch.setenv("KENNISBANK_TRUSTED_PROXY", "127.0.0.1")
    assert cli.main(["serve", "--index", str(index_dir), "--workers", "1"]) == 0
    assert (seen["connection_limit"], seen["channel_timeout"], seen["max_request_body_size"], seen["threads"]) == (
        300, 20, 65536, 6)
    assert seen["trusted_proxy"] == "127.0.0.1" and seen["clear_untrusted_proxy_headers"] is True
    assert cli.main(["serve", "--index", str(index_dir), "--workers", "1", "--threads", "2"]) == 0
    assert seen["threads"] == 2
    monkeypatch.setenv("KENNISBANK_CHANNEL_TIMEOUT", "nooit")
    assert cli.main(["serve", "--index", str(index_dir), "--workers", "1"]) == 2


def test_a_real_server_limits_bodies_and_closes_idle_connections(server_factory, index_dir):
    from .support import ServerProcess

    server = ServerProcess(index_dir, env={"KENNISBANK_MAX_REQUEST_BODY": "2048", "KENNISBANK_CHANNEL_TIMEOUT": "5"})
    try:
        body = b"x" * 4096
        status, _, _ = raw_request(server.port, b"POST /api/search HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                                   b"Content-Length: 4096\r\n\r\n" + body)
        assert status == 413
        with socket.create_connection(("127.0.0.1", server.port), timeout=20) as idle:
            started = time.monotonic()
            assert idle.recv(1) == b""                       # closed by the server, not by our timeout
            assert time.monotonic() - started < 15
    finally:
        server.stop()
