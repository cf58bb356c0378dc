"""Server-rendered pages (work without JavaScript): search, facets, section, embed."""
import re

import pytest


def page_html(client, path: str) -> str:
    """The HTML of a page that must load (a test on an error page proves nothing)."""
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def test_search_page_is_dutch_and_accessible_markup(client):
    html = page_html(client, "/")
    assert '<html lang="nl">' in html and 'role="search"' in html
    assert '<label for="zoekterm">Zoekterm</label>' in html
    assert html.count('aria-live="polite"') == 1 and "<main" in html and "<aside" in html


def test_results_facets_chips_and_shareable_urls(client):
    html = page_html(client, "/?q=geldezels&theme=Digitale+veiligheid")
    assert "resultaten" in html and "<mark>" in html
    assert 'aria-label="Filter Thema: Digitale veiligheid verwijderen"' in html
    assert 'href="/?q=geldezels"' in html            # removing the chip keeps the query
    assert "Alle filters wissen" in html
    assert re.search(r'name="theme" value="Digitale veiligheid"\s+checked', html)


def test_a_filter_value_written_otherwise_is_ticked_and_unticked_as_the_listed_one(client):
    """'digitale VEILIGHEID' or a year in full-width digits filter as the listed value does: the page
    ticks that value's box, its chip names it, and both untick it."""
    listed = page_html(client, "/?q=geldezels&theme=Digitale+veiligheid")
    for typed in ("digitale+VEILIGHEID", "Digitale%C2%A0veiligheid"):
        html = page_html(client, f"/?q=geldezels&theme={typed}")
        assert re.search(r'name="theme" value="Digitale veiligheid"\s+checked', html)
        assert 'aria-label="Filter Thema: Digitale veiligheid verwijderen"' in html
        assert 'href="/?q=geldezels"' in html
        assert html.count("theme=") == listed.count("theme=")
    year = client.get("/api/search?q=&year=2024").get_json()
    assert year["total"] > 0
    html = page_html(client, "/?year=%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%94")
    assert re.search(r'name="year" value="2024"\s+checked', html) and 'href="/"' in html


@pytest.mark.parametrize("year", ["0000", "0999", "abcd", "20245"])
def test_a_year_that_is_no_year_is_refused(client, year):
    response = client.get(f"/api/search?year={year}")
    assert response.status_code == 400 and "geen jaartal" in response.get_json()["error"]


def test_zero_results_help(client):
    html = page_html(client, "/?q=zzzqqqxxx")
    assert "Niets gevonden" in html and "Bekijk een thema" in html and "Mensenhandel" in html


def test_bad_parameters_render_a_dutch_error_page(client):
    response = client.get("/?year=abc")
    assert response.status_code == 400 and "geen jaartal" in response.get_data(as_text=True)


def test_section_page(client):
    some = client.get("/api/search?q=RCTM").get_json()["results"][0]
    html = page_html(client, f"{some['url']}?q=RCTM")
    assert "<mark>RCTM</mark>" in html and "Andere secties uit dit document" in html
    assert client.get("/sectie/bestaat-niet").status_code == 404


def test_embed_iframe_mode_and_script(client):
    html = page_html(client, "/embed?compact=1")
    assert 'class="compact"' in html and "site-header" not in html
    script = client.get("/embed.js")
    assert script.mimetype == "text/javascript" and b"attachShadow" in script.data


def test_no_external_assets(client):
    section = client.get("/api/search?q=RCTM").get_json()["results"][0]["url"]
    for path in ("/", "/embed?compact=1", section):
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        assert not re.search(r'(src|href)="https?://', html.split("<body")[0]), path
        assert not re.search(r'<(script|link)[^>]+(src|href)="(https?:)?//', html), path
