"""A small real website on 127.0.0.1 for the crawler's tests: robots.txt, sitemaps, pages,
a PDF and a Word file, a redirect, a 404, oversized files, validators, and a second version
of the site in which one page changed, one is gone and one server error happens."""
from __future__ import annotations

import functools
import hashlib
import io
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .test_ingest import minimal_pdf

HTML = "text/html; charset=utf-8"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_MODIFIED = "Mon, 03 Mar 2025 10:00:00 GMT"
MAX_BYTES = 100_000           # the tests' policy: the oversized files are bigger

# A phrase only one document holds, to find it back in the index.
PHRASES = {
    "/over.html": "buurtbemiddelaars bezochten zeventien portiekflats",
    "/rapport.pdf": "Signalen van mensenhandel in nagelstudios worden gemeld",
    "/nieuws.html": "de eerste versie van het nieuwsbericht over hennepkwekerijen",
    "/nieuws.html v2": "de tweede versie van het nieuwsbericht over drugsafval",
    "/alleen-in-sitemap.html": "deze pagina staat alleen in de sitemap over ondermijning",
    "/nieuw.html": "de verhuisde pagina over woonoverlast en buurtruzies",
    "/woord.docx": "het draaiboek voor de aanpak van vuurwerkoverlast",
}
LINKED = ["/over.html", "/nieuws.html", "/tijdelijk.html", "/storing.html", "/etag.html", "/rapport.pdf",
          "/woord.docx", "/oud.html", "/bestaat-niet.html", "/groot.pdf", "/groot-zonder-lengte.pdf",
          "/intern/geheim.html", "/naar-elders.html", "/naar-intern.html", "/niet-indexeren.html", "/plaatje",
          "/logo.png", "http://example.invalid/elders",
          "mailto:info@example.invalid", "javascript:void(0)", "#boven"]


def filler(topic: str) -> str:
    return (f"Over {topic} spraken de partners in het voorjaar. Zij maakten afspraken over {topic} "
            f"en legden vast wie wat doet wanneer er over {topic} signalen binnenkomen.")


def page(title: str, text: str, links: list[str] = ()) -> bytes:
    anchors = "".join(f'<li><a href="{href}">link {n}</a></li>' for n, href in enumerate(links))
    return (f"<!doctype html><html><head><title>{title}</title></head><body><main><h1>{title}</h1>"
            f"<p>{text}. {filler(title.lower())}</p><ul>{anchors}</ul></main></body></html>").encode("utf-8")


@functools.cache          # made once: a zip records the time of writing, and the bytes must not change
def word_file(text: str) -> bytes:
    from docx import Document

    document = Document()
    document.add_heading("Draaiboek vuurwerk", level=1)
    document.add_paragraph(f"In dit document staat {text}. {filler('vuurwerk')}")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@dataclass
class Hit:
    """One request as the server saw it."""

    at: float
    path: str
    status: int
    conditional: bool


@dataclass
class Answer:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


class FixtureSite:
    """The site, served in a thread; ``version = 2`` switches to the changed site."""

    def __init__(self, crawl_delay: float | None = None):
        self.version = 1
        self.crawl_delay = crawl_delay
        self.hits: list[Hit] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self.handler_class())
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str = "/") -> str:
        return self.base + path

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def requested(self, path: str) -> list[Hit]:
        return [hit for hit in self.hits if hit.path == path]

    def handler_class(self):
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                site.answer(self)

            def log_message(self, *args):
                pass

        return Handler

    def answer(self, request: BaseHTTPRequestHandler) -> None:
        answer = self.route(request.path)
        conditional = bool(request.headers.get("If-None-Match") or request.headers.get("If-Modified-Since"))
        etag = answer.headers.get("ETag")
        if answer.status == 200 and etag and request.headers.get("If-None-Match") == etag:
            answer = Answer(304, headers={"ETag": etag})
        modified = answer.headers.get("Last-Modified")
        if answer.status == 200 and modified and request.headers.get("If-Modified-Since") == modified:
            answer = Answer(304, headers={"Last-Modified": modified})
        self.hits.append(Hit(time.monotonic(), request.path, answer.status, conditional))
        request.send_response(answer.status)
        for name, value in answer.headers.items():
            request.send_header(name, value)
        if "Content-Length" not in answer.headers and request.path != "/groot-zonder-lengte.pdf":
            request.send_header("Content-Length", str(len(answer.body)))
        request.end_headers()
        request.wfile.write(answer.body)

    def route(self, path: str) -> Answer:
        """What the site answers for a path (HTTP/1.0: one connection per request)."""
        v2 = self.version == 2
        if path == "/robots.txt":
            delay = f"Crawl-delay: {self.crawl_delay}\n" if self.crawl_delay else ""
            text = f"User-agent: *\nDisallow: /intern/\n{delay}\nSitemap: {self.base}/sitemap-index.xml\n"
            return Answer(200, text.encode(), {"Content-Type": "text/plain"})
        if path == "/sitemap-index.xml":
            return xml(f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap>'
                       f"<loc>{self.base}/sitemap-pagina.xml</loc></sitemap></sitemapindex>")
        if path == "/sitemap-pagina.xml":
            return xml(f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                       f"<url><loc>{self.base}/alleen-in-sitemap.html</loc></url>"
                       f"<url><loc>{self.base}/</loc></url></urlset>")
        if path == "/":
            return html(page("Kennisbank van de regio", "Welkom bij de kennisbank", LINKED))
        if path == "/nieuws.html":
            return html(page("Nieuws", PHRASES["/nieuws.html v2" if v2 else "/nieuws.html"], ["/"]), etag=False)
        if path == "/tijdelijk.html":
            return Answer(410, b"weg") if v2 else html(page("Tijdelijk", "Een pagina die verdwijnt"))
        if path == "/storing.html":
            return Answer(503, b"storing") if v2 else html(page("Storing", "Een pagina op een wankele server"))
        if path == "/oud.html":
            return Answer(301, headers={"Location": "/nieuw.html"})
        if path == "/naar-elders.html":
            return Answer(302, headers={"Location": "http://example.invalid/pagina"})
        if path == "/naar-intern.html":
            return Answer(302, headers={"Location": f"{self.base}/intern/geheim.html"})
        if path == "/naar-metadata.html":                          # linked from no page
            return Answer(302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})
        if path == "/niet-indexeren.html":
            return html(b'<html><head><meta name="robots" content="noindex"></head><body>Concept</body></html>')
        if path in ("/over.html", "/alleen-in-sitemap.html", "/nieuw.html", "/etag.html", "/intern/geheim.html",
                    "/over", "/archief.htm"):                   # the last two are linked from no page
            return html(page(path.strip("/").split(".")[0].capitalize(), PHRASES.get(path, "Een gewone pagina"),
                             ["/", "/over.html"]))
        if path == "/rapport.pdf":
            body = minimal_pdf(["Rapport mensenhandel", "", PHRASES["/rapport.pdf"] + " bij de gemeente.",
                                "Meldingen helpen de aanpak van uitbuiting in de regio."])
            return Answer(200, body, {"Content-Type": PDF, "Last-Modified": PDF_MODIFIED})
        if path == "/woord.docx":
            body = word_file(PHRASES["/woord.docx"])
            return Answer(200, body, {"Content-Type": DOCX, "ETag": f'"{hashlib.sha1(body).hexdigest()}"'})
        if path in ("/groot.pdf", "/groot-zonder-lengte.pdf"):
            return Answer(200, b"%PDF-1.4\n" + b"0" * (MAX_BYTES + 50_000), {"Content-Type": PDF})
        if path == "/plaatje":
            return Answer(200, b"\x89PNG\r\n\x1a\n" + b"0" * 100, {"Content-Type": "image/png"})
        return Answer(404, b"niet gevonden", {"Content-Type": "text/plain"})


def html(body: bytes, etag: bool = True) -> Answer:
    """An HTML answer; with an ETag (the content's hash) unless told otherwise."""
    headers = {"Content-Type": HTML}
    if etag:
        headers["ETag"] = f'"{hashlib.sha1(body).hexdigest()[:16]}"'
    return Answer(200, body, headers)


def xml(text: str) -> Answer:
    return Answer(200, text.encode("utf-8"), {"Content-Type": "application/xml"})
