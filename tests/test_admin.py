"""The admin gate: absent without a token, 401 without the right one, Bearer and Basic accepted,
failed attempts limited, the token never echoed."""
from __future__ import annotations

import base64

import pytest

from search_app import create_app
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
