"""HTTP API through the Flask test client: the contract the website relies on."""
import pytest


def test_search_contract(client):
    body = client.get("/api/search?q=geldezels").get_json()
    assert list(body)[:8] == ["query", "total", "page", "per_page", "results", "facets", "suggestion", "expansions"]
    assert body["query"] == "geldezels" and body["page"] == 1 and body["per_page"] == 10
    result = body["results"][0]
    for key in ("id", "title", "document", "url", "theme", "year", "type", "organisation", "snippet"):
        assert key in result
    assert set(body["facets"]) == {"theme", "year", "type", "organisation"}
    assert all({"value", "count"} <= set(f) for f in body["facets"]["theme"])


def test_empty_query_lists_everything_newest_first(client):
    body = client.get("/api/search?per_page=50").get_json()
    assert body["total"] > 50
    years = [r["year"] for r in body["results"]]
    assert years == sorted(years, reverse=True)


def test_repeatable_facet_parameters(client):
    one = client.get("/api/search?theme=Mensenhandel").get_json()["total"]
    two = client.get("/api/search?theme=Mensenhandel&theme=Monitoring").get_json()["total"]
    assert two > one > 0
    org = client.get("/api/search?organisation=Veiligheidscoalitie%20Midden-Nederland&year=2021").get_json()
    assert org["total"] > 0 and all(r["organisation"] == "Veiligheidscoalitie Midden-Nederland" for r in org["results"])


def test_paging(client):
    page1 = client.get("/api/search?per_page=3").get_json()
    page2 = client.get("/api/search?per_page=3&page=2").get_json()
    assert page2["page"] == 2 and {r["id"] for r in page1["results"]}.isdisjoint(r["id"] for r in page2["results"])


@pytest.mark.parametrize("query,fragment", [
    ("q=" + "x" * 501, "te lang"), ("year=abc", "jaartal"), ("per_page=51", "per_page"), ("per_page=0", "per_page"),
    ("page=0", "page"), ("page=twee", "geheel getal"), ("theme=Onbekend", "Geldig: Digitale veiligheid"),
    ("type=boek", "jaarverslag"), ("organisation=X", "Geldig"), ("sort=raar", "sort"),
])
def test_invalid_parameters_give_json_400(client, query, fragment):
    response = client.get("/api/search?" + query)
    assert response.status_code == 400 and response.is_json
    assert fragment in response.get_json()["error"]


@pytest.mark.parametrize("q", ['"onaf', "(leerhuis", "leerhuis)", "[a", "-", "OF", "%22%22", "EN OF"])
def test_unbalanced_input_is_searched_leniently(client, q):
    assert client.get("/api/search?q=" + q).status_code == 200


def test_acronym_expansion_and_typo_fields(client):
    assert client.get("/api/search?q=RCTM").get_json()["expansions"][0]["term"] == "RCTM"
    corrected = client.get("/api/search?q=woonoverlat").get_json()
    assert corrected["corrected_from"] == "woonoverlat" and corrected["total"] > 0


def test_section_endpoint(client):
    some = client.get("/api/search?q=Burgernet").get_json()["results"][0]
    body = client.get(f"/api/sections/{some['id']}").get_json()
    assert body["id"] == some["id"] and body["text"] and isinstance(body["links"], list)
    for key in ("title", "document", "url", "theme", "year", "type", "organisation"):
        assert body[key] == some[key]
    missing = client.get("/api/sections/bestaat-niet")
    assert missing.status_code == 404 and "bestaat niet" in missing.get_json()["error"]
    control = client.get("/api/sections/a%00b%1Bc")          # the message echoes no control characters
    assert control.status_code == 404 and control.get_json()["error"] == "Sectie 'a b c' bestaat niet."


def test_healthz(client):
    assert client.get("/healthz").get_json() == {"status": "ok", "documents": 5, "sections": pytest.approx(109, abs=40)}


def test_suggest(client):
    body = client.get("/api/suggest?q=mensenh").get_json()
    assert 0 < len(body["suggestions"]) <= 8
    assert all(s.lower().startswith("mensenh") or " mensenh" in s.lower() for s in body["suggestions"])
    assert client.get("/api/suggest?q=leerhuis%20explo").get_json()["suggestions"][0].startswith("leerhuis explo")
    assert client.get("/api/suggest?q=").get_json()["suggestions"] == []
    assert client.get("/api/suggest?q=" + "a" * 101).status_code == 400


def test_cors_only_for_allowed_origins_and_only_on_the_api(client):
    allowed = client.get("/api/search?q=x", headers={"Origin": "http://allowed.example"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "http://allowed.example"
    refused = client.get("/api/search?q=x", headers={"Origin": "http://evil.example"})
    assert "Access-Control-Allow-Origin" not in refused.headers
    page = client.get("/", headers={"Origin": "http://allowed.example"})
    assert "Access-Control-Allow-Origin" not in page.headers


def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/nope")
    assert response.status_code == 404 and response.is_json
