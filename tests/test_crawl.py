"""The polite crawler against a real website on 127.0.0.1 (tests/fixture_site.py): what lands in
the corpus, what is skipped and why, what a second crawl costs, and that the index finds it."""
from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from indexer.ingest.build import build_index
from indexer.ingest.corpus import CRAWL_STATE_FILE, scan_corpus
from indexer.ingest.crawl import CrawlError, CrawlPolicy, crawl, crawled_urls
from indexer.ingest.crawl.fetch import Fetcher, FetchFailed
from indexer.ingest.crawl.guard import url_refusal
from indexer.ingest.crawl.state import crawl_lock
from indexer.ingest.crawl.storage import corpus_name
from indexer.search import SearchService
from search_app.cli import main

from .conftest import ROOT
from .fixture_site import MAX_BYTES, PHRASES, FixtureSite
from .support import api_search

POLICY = CrawlPolicy(delay_seconds=0, max_bytes=MAX_BYTES, timeout_seconds=10)
STORED = ["/", "/over.html", "/nieuws.html", "/tijdelijk.html", "/storing.html", "/etag.html", "/rapport.pdf",
          "/woord.docx", "/nieuw.html", "/alleen-in-sitemap.html"]
UNCHANGED = {"/", "/over.html", "/etag.html", "/rapport.pdf", "/woord.docx", "/nieuw.html", "/alleen-in-sitemap.html"}


@pytest.fixture()
def site():
    site = FixtureSite()
    yield site
    site.close()


def folder(site: FixtureSite) -> str:
    return f"web/127.0.0.1-{site.url().rsplit(':', 1)[1].strip('/')}"


def file_of(site: FixtureSite, path: str) -> str:
    return f"{folder(site)}/{'index.html' if path == '/' else path.lstrip('/')}"


def corpus_files(corpus: Path) -> set[str]:
    return {p.relative_to(corpus).as_posix() for p in corpus.rglob("*") if p.is_file()} - {CRAWL_STATE_FILE}


@pytest.fixture(scope="module")
def two_crawls(tmp_path_factory):
    """The site crawled, then changed (a page edited, one gone, one server error) and crawled again."""
    site = FixtureSite()
    corpus = tmp_path_factory.mktemp("crawl") / "corpus"
    first = crawl([site.url()], corpus, policy=POLICY)
    after_first = SimpleNamespace(files=corpus_files(corpus), urls=crawled_urls(corpus), hits=len(site.hits),
                                  news=(corpus / file_of(site, "/nieuws.html")).read_text(encoding="utf-8"))
    site.version = 2
    events = []
    second = crawl([site.url()], corpus, policy=POLICY, progress=lambda *event: events.append(event))
    yield SimpleNamespace(site=site, corpus=corpus, first=first, second=second, after_first=after_first,
                          second_hits=site.hits[after_first.hits:], events=events)
    site.close()


# ---------------------------------------------------------------- the first crawl


def test_the_first_crawl_stores_pages_documents_and_sitemap_pages_under_their_urls(two_crawls):
    site, first = two_crawls.site, two_crawls.first
    assert sorted(first.added) == sorted(site.url(path) for path in STORED)
    assert two_crawls.after_first.files == {file_of(site, path) for path in STORED}
    assert two_crawls.after_first.urls == {file_of(site, path): site.url(path) for path in STORED}
    assert (two_crawls.corpus / file_of(site, "/rapport.pdf")).read_bytes().startswith(b"%PDF")
    assert first.changed == first.unchanged == first.removed == []


def test_robots_txt_is_obeyed_for_links_and_for_redirect_hops(two_crawls):
    site, skipped = two_crawls.site, dict(two_crawls.first.skipped)
    assert skipped[site.url("/intern/geheim.html")] == "robots.txt verbiedt deze pagina"
    assert "robots.txt verbiedt deze pagina" in skipped[site.url("/naar-intern.html")]
    assert site.requested("/intern/geheim.html") == []
    assert len(site.requested("/robots.txt")) == 2                  # once per crawl


def test_other_hosts_and_non_documents_are_skipped_with_a_reason(two_crawls):
    site, skipped = two_crawls.site, dict(two_crawls.first.skipped)
    assert skipped["http://example.invalid/elders"] == "andere website (example.invalid); wordt niet gevolgd"
    assert skipped[site.url("/naar-elders.html")] == \
        "doorverwezen naar http://example.invalid/pagina: andere website (example.invalid); wordt niet gevolgd"
    assert skipped[site.url("/logo.png")].startswith("bestandstype .png wordt niet opgehaald")
    assert skipped[site.url("/plaatje")].startswith("inhoudstype 'image/png' wordt niet opgeslagen")
    assert skipped[site.url("/niet-indexeren.html")] == "de pagina vraagt om niet geïndexeerd te worden (noindex)"
    assert not [url for url in skipped if url.startswith(("mailto:", "javascript:"))]
    assert site.requested("/logo.png") == []


def test_a_redirect_is_stored_under_its_final_url(two_crawls):
    site = two_crawls.site
    assert site.url("/nieuw.html") in two_crawls.first.added
    assert site.url("/oud.html") not in two_crawls.after_first.urls.values()
    assert file_of(site, "/nieuw.html") in two_crawls.after_first.files
    assert [hit.status for hit in site.requested("/oud.html")][:1] == [301]


def test_missing_and_oversized_files_are_skipped_with_a_reason(two_crawls):
    site, skipped = two_crawls.site, dict(two_crawls.first.skipped)
    assert skipped[site.url("/bestaat-niet.html")] == "niet gevonden (HTTP 404)"
    assert skipped[site.url("/groot.pdf")] == "groter dan 0.10 MB"                  # told by Content-Length
    assert skipped[site.url("/groot-zonder-lengte.pdf")] == "groter dan 0.10 MB"     # counted while reading
    assert not any("groot" in name for name in two_crawls.after_first.files)


# ---------------------------------------------------------------- the second crawl


def test_unchanged_documents_cost_one_conditional_request_answered_304(two_crawls):
    site, second = two_crawls.site, two_crawls.second
    assert set(second.unchanged) == {site.url(path) for path in UNCHANGED}
    for path in UNCHANGED:
        hits = [hit for hit in two_crawls.second_hits if hit.path == path]
        assert [(hit.status, hit.conditional) for hit in hits] == [(304, True)], path
    assert len([hit for hit in two_crawls.second_hits if hit.status == 304]) == len(UNCHANGED)
    assert ("unchanged", site.url("/rapport.pdf"), "304") in two_crawls.events     # If-Modified-Since


def test_a_changed_page_is_rewritten_in_its_own_file(two_crawls):
    site, second, corpus = two_crawls.site, two_crawls.second, two_crawls.corpus
    assert second.changed == [site.url("/nieuws.html")]
    assert PHRASES["/nieuws.html"] in two_crawls.after_first.news
    text = (corpus / file_of(site, "/nieuws.html")).read_text(encoding="utf-8")
    assert PHRASES["/nieuws.html v2"] in text and PHRASES["/nieuws.html"] not in text


def test_a_page_gone_from_the_site_is_removed_from_corpus_and_state(two_crawls):
    site, second, corpus = two_crawls.site, two_crawls.second, two_crawls.corpus
    assert second.removed == [site.url("/tijdelijk.html")]
    assert ("removed", site.url("/tijdelijk.html"), "verdwenen van de site (HTTP 410)") in two_crawls.events
    assert not (corpus / file_of(site, "/tijdelijk.html")).exists()
    assert site.url("/tijdelijk.html") not in crawled_urls(corpus).values()


def test_a_server_error_keeps_the_stored_copy(two_crawls):
    site, corpus = two_crawls.site, two_crawls.corpus
    assert dict(two_crawls.second.skipped)[site.url("/storing.html")] == "HTTP 503; de opgeslagen versie blijft staan"
    assert (corpus / file_of(site, "/storing.html")).is_file()
    assert crawled_urls(corpus)[file_of(site, "/storing.html")] == site.url("/storing.html")


def test_crawled_urls_and_the_summary_after_the_second_crawl(two_crawls):
    site, corpus, second = two_crawls.site, two_crawls.corpus, two_crawls.second
    kept = [path for path in STORED if path != "/tijdelijk.html"]
    assert crawled_urls(corpus) == {file_of(site, path): site.url(path) for path in kept}
    assert corpus_files(corpus) == set(crawled_urls(corpus))
    assert second.summary().startswith(
        f"Crawl klaar: 0 nieuw, 1 gewijzigd, 7 ongewijzigd, 1 verwijderd, {len(second.skipped)} overgeslagen (")


def test_the_ingester_does_not_see_the_crawl_state(two_crawls):
    found, refused = scan_corpus(two_crawls.corpus)
    assert (two_crawls.corpus / CRAWL_STATE_FILE).is_file()
    assert CRAWL_STATE_FILE not in {f.name for f in found} | {name for name, _ in refused}
    assert refused == []


# ---------------------------------------------------------------- publish hook, limits, guard


def test_only_urls_fetches_exactly_those_urls_and_follows_no_links(site, tmp_path):
    report = crawl([site.url()], tmp_path / "c", policy=POLICY,
                   only_urls=[site.url("/over.html"), site.url("/rapport.pdf"), site.url("/intern/geheim.html")])
    assert report.added == [site.url("/over.html"), site.url("/rapport.pdf")]
    assert report.skipped == [(site.url("/intern/geheim.html"), "robots.txt verbiedt deze pagina")]
    assert [hit.path for hit in site.hits] == ["/robots.txt", "/over.html", "/rapport.pdf"]


def test_remove_urls_removes_documents_without_a_request(site, tmp_path):
    corpus = tmp_path / "c"
    crawl([site.url()], corpus, policy=POLICY, only_urls=[site.url("/over.html"), site.url("/nieuw.html")])
    requests_before = len(site.hits)
    report = crawl([site.url()], corpus, policy=POLICY, only_urls=[],
                   remove_urls=[site.url("/over.html"), site.url("/onbekend.html")])
    assert report.removed == [site.url("/over.html")]
    assert report.skipped == [(site.url("/onbekend.html"), "niet verwijderd: dit adres staat niet in de crawlstatus")]
    assert corpus_files(corpus) == {file_of(site, "/nieuw.html")}
    # A remove-only call without start URLs (the publish hook's) fetches nothing either.
    hosts = CrawlPolicy(allowed_hosts=["127.0.0.1"], delay_seconds=0)
    report = crawl(None, corpus, policy=hosts, remove_urls=[site.url("/nieuw.html")])
    assert report.removed == [site.url("/nieuw.html")] and corpus_files(corpus) == set()
    assert len(site.hits) == requests_before and crawled_urls(corpus) == {}


def test_two_urls_never_share_a_file_and_names_stay_put_across_crawls(site, tmp_path):
    corpus, urls = tmp_path / "c", [site.url("/over.html"), site.url("/over"), site.url("/archief.htm")]
    first = crawl([site.url()], corpus, policy=POLICY, only_urls=urls)
    names = crawled_urls(corpus)
    assert first.added == urls and len(names) == 3
    assert names[file_of(site, "/over.html")] == site.url("/over.html")
    assert names[file_of(site, "/archief.htm")] == site.url("/archief.htm")     # its own suffix is kept
    [other] = set(names) - {file_of(site, "/over.html"), file_of(site, "/archief.htm")}
    assert other.startswith(file_of(site, "/over-")) and other.endswith(".html")
    second = crawl([site.url()], corpus, policy=POLICY, only_urls=urls)
    assert second.unchanged == urls and crawled_urls(corpus) == names


def test_max_pages_caps_the_requests_for_documents(site, tmp_path):
    report = crawl([site.url()], tmp_path / "c", policy=CrawlPolicy(delay_seconds=0, max_pages=3))
    assert len(report.added) == 3
    assert any(reason == "niet opgehaald: het maximum van 3 pagina's is bereikt" for _, reason in report.skipped)


def test_blocking_private_networks_refuses_loopback_before_any_request(site, tmp_path):
    policy = CrawlPolicy(delay_seconds=0, block_private_networks=True)
    report = crawl([site.url()], tmp_path / "c", policy=policy, only_urls=[site.url("/over.html")])
    [(url, reason)] = report.skipped
    assert url == site.url("/over.html")
    assert reason == "host 127.0.0.1 wijst naar een intern netwerkadres (127.0.0.1); dat is geblokkeerd"
    report = crawl([site.url()], tmp_path / "c", policy=policy)
    assert report.added == [] and "intern netwerkadres" in dict(report.skipped)[site.url()]
    assert site.hits == []
    for url in ("http://localhost/", "http://[::ffff:127.0.0.1]/", "http://169.254.169.254/latest/",
                "http://10.0.0.1/", "http://[::1]/"):
        assert "intern netwerkadres" in url_refusal(url, True), url
    assert url_refusal("file:///etc/passwd", False) == "geen http(s)-adres (file)"


PUBLIC_ADDRESS = "93.184.216.34"


def rebinding_dns(monkeypatch, name: str) -> list[str]:
    """DNS for ``name`` as a rebinding attacker runs it: the guard's own lookup (in
    private_network_refusal) hears a public address, every other lookup (the one made to
    connect) hears 127.0.0.1, where the fixture site listens. Patching socket.getaddrinfo
    stands in for a DNS server (DNS is not ours); returns the answers given, in order."""
    real = socket.getaddrinfo
    answers: list[str] = []

    def getaddrinfo(host, port, *args, **kwargs):
        if host != name:
            return real(host, port, *args, **kwargs)
        frame, by_guard = sys._getframe(1), False
        while frame and not by_guard:
            by_guard, frame = frame.f_code.co_name == "private_network_refusal", frame.f_back
        answers.append(PUBLIC_ADDRESS if by_guard else "127.0.0.1")
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (answers[-1], int(port)))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


def test_dns_rebinding_is_refused_where_the_connection_is_made(site, tmp_path, monkeypatch):
    import requests

    answers = rebinding_dns(monkeypatch, "rebind.example")
    base = "http://rebind.example:" + site.url().rsplit(":", 1)[1].strip("/")
    refused = "host rebind.example wijst naar een intern netwerkadres (127.0.0.1); dat is geblokkeerd"
    # the attack: the guard's lookup passes, and a plain connection lands on the local site
    assert url_refusal(base + "/over.html", True) is None
    assert requests.get(base + "/over.html", timeout=10).status_code == 200
    assert [hit.path for hit in site.hits] == ["/over.html"]
    site.hits.clear()

    policy = CrawlPolicy(delay_seconds=0, timeout_seconds=10, block_private_networks=True)
    fetcher = Fetcher(policy)
    with pytest.raises(FetchFailed) as failed:
        fetcher.get(base + "/over.html", lambda url: url_refusal(url, True))
    fetcher.close()
    assert str(failed.value) == refused
    report = crawl([base + "/"], tmp_path / "c", policy=policy, only_urls=[base + "/over.html"])
    [(url, reason)] = report.skipped
    assert url == base + "/over.html" and reason == "robots.txt niet op te halen: " + refused
    assert report.added == [] and site.hits == []           # the local site never got a request
    assert answers.count(PUBLIC_ADDRESS) >= 2 and "127.0.0.1" in answers


def test_a_redirect_into_a_private_network_is_refused_before_it_is_requested(site):
    """Every address here is loopback, so the test's check lets the first URL through and applies
    the private-network guard to the redirect hops, as a crawl does to every hop."""
    start = site.url("/naar-intern.html")
    fetcher = Fetcher(CrawlPolicy(delay_seconds=0, timeout_seconds=10))
    try:
        for path, hop in (("/naar-intern.html", site.url("/intern/geheim.html")),
                          ("/naar-metadata.html", "http://169.254.169.254/latest/meta-data/")):
            start = site.url(path)
            with pytest.raises(FetchFailed) as failed:
                fetcher.get(start, lambda url: None if url == start else url_refusal(url, True))
            host = hop.split("/")[2].split(":")[0]
            assert str(failed.value) == (f"doorverwezen naar {hop}: host {host} wijst naar een intern "
                                         f"netwerkadres ({host}); dat is geblokkeerd")
    finally:
        fetcher.close()
    assert [hit.path for hit in site.hits] == ["/naar-intern.html", "/naar-metadata.html"]


@pytest.mark.parametrize("policy_delay, robots_delay", [(0.3, None), (0, 0.4)], ids=["policy", "crawl-delay"])
def test_requests_to_one_host_are_spaced_by_the_delay(tmp_path, policy_delay, robots_delay):
    site = FixtureSite(crawl_delay=robots_delay)
    try:
        crawl([site.url()], tmp_path / "c", policy=CrawlPolicy(delay_seconds=policy_delay),
              only_urls=[site.url("/over.html"), site.url("/nieuw.html")])
        times = [hit.at for hit in site.hits]
    finally:
        site.close()
    assert len(times) == 3                                          # robots.txt and the two pages
    assert min(b - a for a, b in zip(times, times[1:])) >= max(policy_delay, robots_delay or 0) - 0.02


def test_a_start_url_that_is_no_web_address_or_does_not_answer_is_an_error(tmp_path):
    with pytest.raises(CrawlError, match="geen http"):
        crawl(["ftp://example.org/"], tmp_path / "c")
    closed = FixtureSite()
    url = closed.url()
    closed.close()                                                  # nothing listens there now
    with pytest.raises(CrawlError, match="niet bereikbaar"):
        crawl([url], tmp_path / "c", policy=POLICY)


def test_a_damaged_or_edited_state_is_refused_not_replaced(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    for text in ("{niet af", '{"version": 1, "pages": {"http://x/": {"file": "../../buiten.html"}}}'):
        (corpus / CRAWL_STATE_FILE).write_text(text, encoding="utf-8")
        with pytest.raises(CrawlError, match="beschadigd"):
            crawled_urls(corpus)
        with pytest.raises(CrawlError, match="beschadigd"):
            crawl(["http://127.0.0.1:9/"], corpus, policy=POLICY)
        assert (corpus / CRAWL_STATE_FILE).read_text(encoding="utf-8") == text


def test_one_crawl_of_a_corpus_at_a_time(site, tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    with crawl_lock(corpus), pytest.raises(CrawlError, match="Er loopt al een crawl"):
        crawl([site.url()], corpus, policy=POLICY)
    assert site.hits == []


def test_corpus_names_are_derived_from_the_url_alone():
    assert corpus_name("https://site.nl/beleid/plan.pdf", ".pdf") == "web/site.nl/beleid/plan.pdf"
    assert corpus_name("https://site.nl/", ".html") == "web/site.nl/index.html"
    assert corpus_name("https://site.nl/nieuws/", ".html") == "web/site.nl/nieuws/index.html"
    assert corpus_name("https://site.nl/pagina", ".html") == "web/site.nl/pagina.html"
    assert corpus_name("https://site.nl:8443/a.php?id=1", ".html") == corpus_name("https://site.nl:8443/a.php?id=1",
                                                                                  ".html")
    assert corpus_name("https://site.nl/zoek?q=1", ".html") != corpus_name("https://site.nl/zoek?q=2", ".html")
    assert corpus_name("https://site.nl/%2E%2E/x", ".html") == "web/site.nl/_./x.html"


# ---------------------------------------------------------------- end to end


def first_hit(svc: SearchService, phrase: str) -> dict | None:
    results = api_search(svc, f'"{phrase}"')["results"]
    return results[0] if results else None


def test_a_crawled_site_is_indexed_and_found(site, tmp_path):
    corpus = tmp_path / "corpus"
    crawl([site.url()], corpus, policy=POLICY)
    report = build_index(corpus, tmp_path / "ix")
    assert report.skipped == []
    svc = SearchService(tmp_path / "ix")
    try:
        paths = {doc_id: d["path"] for doc_id, d in svc.lexicon.documents.items()}
        for page in ("/over.html", "/rapport.pdf", "/woord.docx"):
            hit = first_hit(svc, PHRASES[page])
            assert hit is not None, page
            assert paths[hit["document"]["id"]] == file_of(site, page)
            assert hit["document"]["url"] == site.url(page)               # the page's link is the crawled URL
    finally:
        svc.close()


def test_the_cli_crawls_and_prints_a_line_per_url_and_a_summary(site, tmp_path):
    corpus = tmp_path / "corpus"
    out = subprocess.run([sys.executable, "-m", "search_app.cli", "crawl", site.url(), "--corpus", str(corpus),
                          "--delay", "0", "--max-file-mb", "0.1"], capture_output=True, text=True, cwd=ROOT,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[-1].startswith(f"Crawl klaar: {len(STORED)} nieuw, 0 gewijzigd, 0 ongewijzigd, 0 verwijderd")
    assert f"nieuw         {site.url('/over.html')}  {file_of(site, '/over.html')}" in lines
    assert f"overgeslagen  {site.url('/intern/geheim.html')}  robots.txt verbiedt deze pagina" in lines
    assert main(["crawl", "ftp://example.org/", "--corpus", str(corpus)]) == 1
    assert main(["crawl", site.url(), "--corpus", str(corpus), "--max-pages", "0"]) == 2
    with pytest.raises(SystemExit) as exit_code:
        main(["crawl", site.url(), "--max-pages", "veel"])
    assert exit_code.value.code == 2
