"""Input limits: whatever a query string holds, the answer is quick, bounded and never a 5xx.

JSON 400s in Dutch on the API, a Dutch HTML 400 page on the pages. The limits come from
indexer/search/params.py.
"""
from __future__ import annotations

import time
import urllib.error
import urllib.request

import pytest

from indexer.search.params import MAX_FACET_VALUE_LENGTH, MAX_FACET_VALUES, MAX_PAGE, MAX_QUERY_LENGTH

MANY_YEARS = "&".join(f"year={y}" for y in range(1000, 4000))          # the issue's 3,000 values


def years(n: int, start: int = 1990) -> str:
    return "&".join(f"year={start + i}" for i in range(n))


# (query string, status, a word of the Dutch error) for /api/search; the page answers the same statuses
HOSTILE = [
    ("q=" + "x" * MAX_QUERY_LENGTH, 200, ""),
    ("q=" + "x" * (MAX_QUERY_LENGTH + 1), 400, "te lang"),
    ("q=" + "%20" * (MAX_QUERY_LENGTH + 1), 400, "te lang"),
    ("q=mensen%00handel", 200, ""),
    ("q=%00%01%02%1b%7f%c2%85", 200, ""),
    ("q=%ff%fe%fd", 200, ""),                      # invalid UTF-8 after percent-decoding
    ("q=%zz%", 200, ""),                           # broken percent-encoding
    ("q=%ED%A0%80", 200, ""),                      # an encoded surrogate
    ("q=" + "(" * 200 + "a" + ")" * 200, 200, ""),
    ("q=" + "%22" * 99, 200, ""),
    ("page=" + str(MAX_PAGE), 200, ""),
    ("page=" + str(MAX_PAGE + 1), 400, "page"),
    ("page=0", 400, "page"), ("page=-1", 400, "geheel getal"), ("page=1_0", 400, "geheel getal"),
    ("page=" + "9" * 5000, 400, "geheel getal"), ("page=%D9%A3", 400, "geheel getal"), ("page=1.5", 400, "geheel getal"),
    ("per_page=51", 400, "per_page"), ("per_page=0", 400, "per_page"), ("per_page=abc", 400, "geheel getal"),
    (years(MAX_FACET_VALUES), 200, ""),
    (years(MAX_FACET_VALUES + 1), 400, "hoogstens"),
    ("&".join(["year=2024"] * 3000), 200, ""),   # repeated values count once
    ("&".join(["theme=Mensenhandel", "theme=mensenhandel", "theme=%20Mensenhandel%00"] * 50), 200, ""),
    ("year=" + "1" * (MAX_FACET_VALUE_LENGTH + 1), 400, "te lang"),
    ("organisation=" + "x" * (MAX_FACET_VALUE_LENGTH + 1), 400, "te lang"),
    ("year=20%0024", 400, "jaartal"),
    ("theme=%00", 200, ""),                        # nothing left: no filter
    ("sort=raar", 400, "sort"), ("sort=%00", 200, ""),
    ("onbekend=1&q[]=x&__proto__=1&constructor=x", 200, ""),
]
PAGE_STATUS = {"per_page=51": 200}        # the page shows at most MAX_PER_PAGE rather than refusing


@pytest.mark.parametrize("query,status,fragment", HOSTILE, ids=lambda v: str(v)[:40])
def test_api_answers_hostile_parameters_in_dutch_json(client, query, status, fragment):
    response = client.get("/api/search?" + query)
    assert response.status_code == status and response.is_json
    if status == 400:
        assert fragment in response.get_json()["error"]


@pytest.mark.parametrize("query,status,fragment", HOSTILE, ids=lambda v: str(v)[:40])
def test_page_answers_hostile_parameters_with_a_dutch_page(client, query, status, fragment):
    response = client.get("/?" + query)
    html = response.get_data(as_text=True)
    status = PAGE_STATUS.get(query, status)
    assert response.status_code == status and response.mimetype == "text/html" and '<html lang="nl">' in html
    if status == 400:
        assert "De zoekopdracht kon niet worden uitgevoerd" in html and fragment in html


def test_unknown_parameters_are_ignored(client):
    plain = client.get("/api/search?q=woonoverlast").get_json()
    noisy = client.get("/api/search?q=woonoverlast&utm_source=x&foo=bar&fragment=1&compact=1").get_json()
    assert noisy["total"] == plain["total"] > 0


def test_control_characters_are_removed_not_searched(client):
    body = client.get("/api/search?q=woon%00overlast%09%0a").get_json()
    assert body["query"] in ("woon overlast", "woonoverlast") and "\x00" not in body["query"]
    assert client.get("/api/suggest?q=mensen%00h").status_code == 200
    assert client.get("/api/sections/x%00y?q=%00").status_code == 404


def test_a_thousand_facet_values_answer_400_fast_and_small(client):
    for path in ("/?", "/api/search?", "/embed?compact=1&"):
        started = time.perf_counter()
        response = client.get(path + MANY_YEARS)
        assert response.status_code == 400, path
        assert time.perf_counter() - started < 1.0, path
        assert len(response.data) < 50_000, (path, len(response.data))


def test_selected_values_do_not_make_the_page_quadratic(client):
    """20 selected years and 20 offered: the page stays small (each link carries at most 20 values)."""
    response = client.get("/?" + years(MAX_FACET_VALUES, start=2005))
    assert response.status_code == 200
    assert len(response.data) < 300_000


def test_page_links_never_pass_the_last_allowed_page(client):
    html = client.get("/?per_page=1").get_data(as_text=True)
    assert f"page={MAX_PAGE + 1}" not in html and "page=" in html


def test_a_real_server_refuses_the_issues_request_quickly(server_factory, index_dir):
    server = server_factory(index_dir)
    for path in ("/?", "/api/search?"):
        started = time.perf_counter()
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(server.url + path + MANY_YEARS, timeout=10)
        assert refused.value.code == 400 and time.perf_counter() - started < 2.0, path
        assert "hoogstens" in refused.value.read().decode("utf-8")


# pieces of hostile queries and parameter values, combined at random (with a fixed seed) below
QUERY_PIECES = ["mensenhandel", "RIEC", '"', "-", "(", ")", "*", "?", "OR", "NOT", "'s", "2022", "99999999999",
                "zorg-", "-zorg", "é", "\u0301", "\u200b", "\u202e", "🙂", "\x00", "\x7f", "<script>", "a" * 300,
                "ﬁ", "١٢٣", "\u3000", "\n", "’", "…", "wat is", "title:", "\\", "+", "^2", "~", "NaN", "%"]
PARAMETER_VALUES = {
    "sort": ["relevance", "newest", "", "x"], "page": ["1", "2", "0", "-1", "999999", "", "abc"],
    "per_page": ["10", "0", "51", "", "x"], "theme": ["Zorg en veiligheid", "", "x" * 500, "\x00"],
    "year": ["2022", "0", "abc", "2022,2023", ""], "type": ["jaarverslag", "x"], "organisation": ["Politie", "?"],
    "group": ["document", "x"], "typing": ["1", "x"], "document": ["x", "../../etc"], "compact": ["1", "x"],
}


def test_random_combinations_of_hostile_parameters_never_give_a_server_error(client):
    import random

    chance = random.Random(10)
    for _ in range(300):
        params = {"q": "".join(chance.choice(QUERY_PIECES) + chance.choice(["", " "]) for _ in range(chance.randint(0, 8)))}
        for name in chance.sample(sorted(PARAMETER_VALUES), chance.randint(0, 4)):
            params[name] = chance.choice(PARAMETER_VALUES[name])
        path = chance.choice(["/api/search", "/", "/api/suggest", "/feed.atom", "/embed"])
        response = client.get(path, query_string=params)
        assert response.status_code in (200, 400), (path, params)
        if path.startswith("/api/"):
            assert response.is_json, (path, params)
