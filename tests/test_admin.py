"""The admin gate: absent without a token, 401 without the right one, Bearer and Basic accepted,
failed attempts limited, the token never echoed."""
from __future__ import annotations

import base64
import time

import pytest

from search_app import create_app
from search_app.admin import SWEEP_AT, FailureLimiter
from search_app.settings import SettingsError, load_settings

TOKEN = "beheer-sleutel-0123456789"
STAFF_URLS = ("/api/beheer/zoekgedrag", "/beheer/zoekgedrag", "/api/reindex/0123456789abcdef")


@pytest.fixture()
def staff_client(index_dir, tmp_path):
    app = create_app({"INDEX_DIR": str(index_dir), "ADMIN_TOKEN": TOKEN, "QUERY_LOG": str(tmp_path / "log.db")})
    return app.test_client()


def basic(password: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"beheer:{password}".encode()).decode()}


@pytest.mark.parametrize("url", STAFF_URLS)
def test_without_a_configured_token_the_staff_urls_do_not_exist(client, url):
    response = client.get(url, headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 404
    assert client.post("/api/reindex").status_code == 404


def test_missing_or_wrong_token_is_refused_in_the_paths_language(staff_client):
    api = staff_client.get("/api/beheer/zoekgedrag", headers={"Authorization": "Bearer fout"})
    assert api.status_code == 401 and "beheersleutel" in api.get_json()["error"]
    page = staff_client.get("/beheer/zoekgedrag")
    assert page.status_code == 401 and page.headers["WWW-Authenticate"].startswith("Basic realm=")
    assert staff_client.post("/api/reindex").status_code == 401


def test_bearer_and_basic_are_both_accepted(staff_client):
    assert staff_client.get("/api/beheer/zoekgedrag", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    page = staff_client.get("/beheer/zoekgedrag", headers=basic(TOKEN))
    assert page.status_code == 200 and "Zoekgedrag" in page.get_data(as_text=True)


def test_failed_attempts_are_limited_then_even_the_right_token_waits(staff_client):
    for _ in range(10):
        assert staff_client.get("/api/beheer/zoekgedrag", headers={"Authorization": "Bearer raden"}).status_code == 401
    limited = staff_client.get("/api/beheer/zoekgedrag", headers={"Authorization": f"Bearer {TOKEN}"})
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
    assert "Te veel mislukte pogingen" in limited.get_json()["error"]


def test_the_token_never_appears_in_a_response(staff_client):
    for headers in ({"Authorization": f"Bearer {TOKEN}"}, {"Authorization": f"Bearer {TOKEN}x"}, basic(TOKEN)):
        for url in STAFF_URLS:
            assert TOKEN not in staff_client.get(url, headers=headers).get_data(as_text=True)


def test_a_short_admin_token_is_refused_at_start_up():
    with pytest.raises(SettingsError, match="ADMIN_TOKEN"):
        load_settings({"ADMIN_TOKEN": "kort"}, environ={})


def test_what_the_gate_lets_through_is_not_cached(staff_client):
    for url in ("/api/beheer/zoekgedrag", "/beheer/zoekgedrag"):
        response = staff_client.get(url, headers={"Authorization": f"Bearer {TOKEN}"})
        assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"


def test_ipv6_failures_count_per_64_so_a_new_address_is_no_new_chance(staff_client):
    wrong = {"Authorization": "Bearer raden"}
    for n in range(10):
        staff_client.get("/api/beheer/zoekgedrag", headers=wrong, environ_base={"REMOTE_ADDR": f"2001:db8::{n + 1}"})
    same_64 = staff_client.get("/api/beheer/zoekgedrag", headers=wrong, environ_base={"REMOTE_ADDR": "2001:db8::ff"})
    other_64 = staff_client.get("/api/beheer/zoekgedrag", headers=wrong, environ_base={"REMOTE_ADDR": "2001:db8:1::1"})
    assert (same_64.status_code, other_64.status_code) == (429, 401)


def test_the_limiter_forgets_clients_whose_failures_have_expired():
    limiter = FailureLimiter(limit=2, window=0.05)
    for n in range(SWEEP_AT):
        limiter.fail(f"10.0.{n // 256}.{n % 256}")
    assert limiter.blocked_for("192.0.2.1") == 0 and "192.0.2.1" not in limiter.failures
    time.sleep(0.1)
    limiter.fail("192.0.2.1")                         # the table is full: expired clients are swept out
    assert list(limiter.failures) == ["192.0.2.1"]
    limiter.fail("192.0.2.1")
    assert limiter.blocked_for("192.0.2.1") >= 1
