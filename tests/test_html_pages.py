"""HTML pages as the crawler brings them in: deep nesting, page furniture, titles and links."""
from __future__ import annotations

import pytest

from indexer.ingest.build import build_index
from indexer.ingest.markup import read_html_page
from indexer.ingest.normalise import normalise_text
from indexer.search import SearchService

from .support import api_search


def page(body: str, head: str = "") -> str:
    return f"<!doctype html><html><head>{head}</head><body>{body}</body></html>"


def test_blocks_nested_deeper_than_the_recursion_limit_are_read(tmp_path):
    depth = 3000
    html = page("<div>" * depth + "<p>Zwerfafval in de haven.</p>" + "</div>" * depth + "<p>Slot.</p>")
    assert read_html_page(html).text == "Zwerfafval in de haven.\n\nSlot."
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "diep.html").write_text(page("<h1>Diepe pagina</h1>" + "<div>" * depth + "<p>Zwerfafval in de haven "
                                           "wordt elke week opgeruimd door vrijwilligers.</p>" + "</div>" * depth),
                                      encoding="utf-8")
    report = build_index(corpus, tmp_path / "ix")
    assert report.documents == 1 and not report.skipped
    assert api_search(SearchService(tmp_path / "ix"), "zwerfafval")["total"] == 1


FURNITURE = [
    # (body, words that must stay, words that must go)
    ('<main><h1>Subsidie</h1><p>Intro.</p><section class="shared-block"><p>Voorwaarden subsidie.</p></section></main>',
     ["Voorwaarden"], []),
    ('<div class="layout has-sidebar"><h1>Parkeren</h1><p>Parkeren in de wijk kost geld, en dat wordt hier lang en '
     'breed uitgelegd.</p><div class="sidebar">Zie ook</div></div>', ["Parkeren in de wijk"], ["Zie ook"]),
    ('<div class="socialdomein"><p>Sociaal domein en veiligheid werken samen.</p></div><p>Meer.</p>',
     ["Sociaal domein"], []),
    ('<div id="cookieBanner">Wij gebruiken cookies</div><ul class="main-menu"><li>Home</li></ul><p>De inhoud van '
     'de pagina.</p><div class="social-share">Deel dit</div><a class="skip-link" href="#x">Naar inhoud</a>',
     ["De inhoud"], ["cookies", "Home", "Deel dit", "Naar inhoud"]),
    ('<nav class="kruimelpad">Home &gt; Thema</nav><div class="breadcrumbs">Thema</div><p>Tekst.</p>',
     ["Tekst."], ["Thema"]),
]


@pytest.mark.parametrize("body, kept, dropped", FURNITURE)
def test_page_furniture_is_dropped_by_whole_words_of_its_class_never_the_page_itself(body, kept, dropped):
    text = read_html_page(page(body)).text
    assert all(word in text for word in kept), text
    assert not any(word in text for word in dropped), text


TITLES = [
    # (<title>, h1, extra head, the document title)
    ("Afval scheiden | Gemeente Rotterdam", "", "", "Afval scheiden"),
    ("Gemeente Utrecht - Parkeren", "", "", "Parkeren"),
    ("Veiligheidsregio Zeeland – Oefenen met de crisisorganisatie", "", "", "Oefenen met de crisisorganisatie"),
    ("Café &amp; co – geïntegreerd — test", "", "", "Café & co"),
    ("Kennisbank | Handreiking drugsafval", "Handreiking drugsafval", "", "Handreiking drugsafval"),
    ("Buurtpreventie | Wijkwijzer", "", '<meta property="og:site_name" content="Buurtpreventie">', "Wijkwijzer"),
    ("Alleen een titel", "Een andere kop", "", "Alleen een titel"),
    ("Oud | Site", "", '<meta property="og:title" content="Van og:title">', "Van og:title"),
]


@pytest.mark.parametrize("title, heading, head, expected", TITLES)
def test_a_page_title_drops_the_site_name_whichever_side_it_is_on(title, heading, head, expected):
    html = page((f"<h1>{heading}</h1>" if heading else "") + "<p>Tekst.</p>", f"<title>{title}</title>{head}")
    assert read_html_page(html).title == expected


def test_links_survive_normalisation_whole_and_scripts_are_no_links():
    html = page('<main><p>Lees de <a href="/stukken/Nota woonoverlast 2023.pdf">nota</a>, <a href="https://nl.'
                'wikipedia.org/wiki/Wet_(recht)">de wet</a>, <a href="javascript:alert(1)">klik</a>, <a href="'
                'data:text/html,x">data</a>, <a href="mailto:info@voorbeeld.nl">mail</a> en <a href="#fn1">[1]</a>.'
                '</p></main>')
    text, log = normalise_text(read_html_page(html).text)
    assert text == "Lees de nota, de wet, klik, data, mail en (1)."
    assert log.links == ["/stukken/Nota%20woonoverlast%202023.pdf", "https://nl.wikipedia.org/wiki/Wet_%28recht%29",
                         "mailto:info@voorbeeld.nl", "#fn1"]


def test_furniture_nested_thousands_deep_is_read_within_the_time_limit(tmp_path):
    """Each furniture class is judged once, outer elements first: nesting 20,000 deep neither
    drops the text it holds (most of the page) nor takes the file past the build's time limit."""
    from indexer.ingest.corpus import Limits

    depth, prose = 20_000, "Jongeren hangen 's avonds rond bij het winkelcentrum en de wijkagent spreekt ze aan. " * 4
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "genest.html").write_text(page('<div class="menu">' * depth + f"<p>{prose}</p>" + "</div>" * depth),
                                        encoding="utf-8")
    (corpus / "klein.html").write_text(page('<div class="menu">' * depth + "<p>Home Contact</p>" + "</div>" * depth
                                            + "<p>Scholieren fietsen na school langs de haven, waar een nieuwe "
                                              "fietsstraat komt met verlichting en een oversteek bij de brug.</p>"),
                                       encoding="utf-8")
    report = build_index(corpus, tmp_path / "ix", limits=Limits(max_seconds=30))
    assert report.documents == 2 and not report.skipped
    service = SearchService(tmp_path / "ix")
    assert api_search(service, '"jongeren hangen"')["total"] == 1
    assert api_search(service, '"scholieren fietsen"')["total"] == 1
    assert api_search(service, "contact")["total"] == 0           # the small nest is furniture
    service.close()
