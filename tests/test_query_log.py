"""The opt-in query log: searches and opened results are logged without anything about the person;
staff see what is searched, what finds nothing and what nobody opens; logging never breaks a search."""
from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone

import pytest

from search_app import create_app

from .conftest import ROOT

TOKEN = "beheer-sleutel-0123456789"
STAFF = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture()
def log_path(tmp_path):
    return tmp_path / "zoeklog.db"


@pytest.fixture()
def logged(index_dir, log_path):
    app = create_app({"INDEX_DIR": str(index_dir), "ADMIN_TOKEN": TOKEN, "QUERY_LOG": str(log_path)})
    return app.test_client()


def report(client, days: int = 30) -> dict:
    response = client.get(f"/api/beheer/zoekgedrag?dagen={days}", headers=STAFF)
    assert response.status_code == 200
    return response.get_json()


def test_off_by_default(client, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert client.get("/api/search?q=mensenhandel").status_code == 200
    assert list(tmp_path.iterdir()) == []


def test_searches_are_logged_with_filters_and_totals_and_nothing_about_the_person(logged, log_path):
    headers = {"User-Agent": "Spion/1.0", "X-Forwarded-For": "203.0.113.9", "Cookie": "sessie=geheim"}
    assert logged.get("/api/search?q=Mensenhandel&theme=Mensenhandel", headers=headers).status_code == 200
    assert logged.get("/?q=woonoverlast", headers=headers).status_code == 200
    db = sqlite3.connect(log_path)
    columns = {table: [row[1] for row in db.execute(f"PRAGMA table_info({table})")] for table in ("searches", "opens")}
    assert columns == {"searches": ["time", "query", "filters", "total", "page", "typing"],
                       "opens": ["time", "query", "section"]}
    rows = db.execute("SELECT * FROM searches").fetchall()
    assert [(r[1], r[2]) for r in rows] == [("mensenhandel", '{"theme": ["Mensenhandel"]}'), ("woonoverlast", "{}")]
    assert all(r[3] > 0 for r in rows)
    dump = "\n".join(db.iterdump())
    assert not any(secret in dump for secret in ("Spion", "203.0.113.9", "127.0.0.1", "geheim"))


def test_zero_results_and_unopened_results_show_up_until_a_result_is_opened(logged):
    logged.get("/api/search?q=zzxxqqvv")
    page = logged.get("/?q=leerhuis").get_data(as_text=True)
    first = report(logged)
    assert [row["query"] for row in first["zero_results"]] == ["zzxxqqvv"]
    assert "leerhuis" in [row["query"] for row in first["not_opened"]]
    href = re.search(r'<h3><a href="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert logged.get(href).status_code == 200                      # the person opens the first result
    assert "leerhuis" not in [row["query"] for row in report(logged)["not_opened"]]


def test_as_you_type_steps_do_not_count_as_searches(logged):
    for q in ("mens", "mensenh", "mensenhandel"):
        assert logged.get(f"/?q={q}&fragment=1&typing=1").status_code == 200
    assert [row["query"] for row in report(logged)["frequent"]] == ["mensenhandel"]


def test_old_entries_are_purged(index_dir, log_path):
    client = create_app({"INDEX_DIR": str(index_dir), "QUERY_LOG": str(log_path)}).test_client()
    client.get("/api/search?q=oud")
    old = (datetime.now(timezone.utc) - timedelta(days=120)).strftime("%Y-%m-%dT%H:%M")
    with sqlite3.connect(log_path) as db:
        db.execute("UPDATE searches SET time = ?", (old,))
    create_app({"INDEX_DIR": str(index_dir), "QUERY_LOG": str(log_path), "QUERY_LOG_DAYS": 90})
    assert sqlite3.connect(log_path).execute("SELECT COUNT(*) FROM searches").fetchone()[0] == 0


@pytest.mark.parametrize("broken", ["directory", "garbage"])
def test_a_broken_log_never_breaks_searching(index_dir, tmp_path, broken):
    path = tmp_path / "log.db"
    if broken == "directory":
        path.mkdir()
    else:
        path.write_bytes(b"dit is geen database" * 100)
    client = create_app({"INDEX_DIR": str(index_dir), "QUERY_LOG": str(path)}).test_client()
    assert client.get("/api/search?q=mensenhandel").status_code == 200
    assert client.get("/?q=mensenhandel").status_code == 200


def test_staff_page_escapes_what_searchers_typed(logged):
    logged.get("/api/search?q=<script>alert(1)</script>")
    page = logged.get("/beheer/zoekgedrag", headers=STAFF)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert logged.get("/api/beheer/zoekgedrag?dagen=nul", headers=STAFF).status_code == 400


def test_report_command_prints_frequent_and_zero_result_queries(logged, log_path):
    for q in ("mensenhandel", "mensenhandel", "zzxxqqvv"):
        logged.get(f"/api/search?q={q}")
    done = subprocess.run([sys.executable, "-m", "search_app.cli", "report", "--query-log", str(log_path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    frequent, zero = done.stdout.split("Zonder resultaten:")
    assert re.search(r"\b2\s+mensenhandel", frequent) and "zzxxqqvv" in zero.split("Resultaten die niemand")[0]
    missing = subprocess.run([sys.executable, "-m", "search_app.cli", "report", "--query-log", str(log_path) + "x"],
                             cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert missing.returncode == 2 and "no query log" in missing.stderr


@pytest.mark.parametrize("days", ["nul", "0", "3651", "-1", "²", "1" * 5000])
def test_a_bad_period_is_a_dutch_400(logged, days):
    api = logged.get("/api/beheer/zoekgedrag", query_string={"dagen": days}, headers=STAFF)
    assert api.status_code == 400 and "dagen moet een geheel getal" in api.get_json()["error"]
    assert logged.get("/beheer/zoekgedrag", query_string={"dagen": days}, headers=STAFF).status_code == 400


def test_a_month_of_as_you_type_is_reported_quickly_and_settled(logged, log_path):
    """20,000 typing steps: the report once compared every step with every later search."""
    logged.get("/api/search?q=opstart")                            # creates the schema
    moment = datetime.now(timezone.utc) - timedelta(days=1)
    rows = []
    for n in range(5000):
        when = (moment + timedelta(minutes=n // 10)).strftime("%Y-%m-%dT%H:%M")
        word = f"woord{n % 250:03d}"
        rows += [(when, word[:k], "{}", 1, 1, 1) for k in (2, 4, 6)] + [(when, word, "{}", 1, 1, 1)]
    with sqlite3.connect(log_path) as db:
        db.executemany("INSERT INTO searches VALUES (?, ?, ?, ?, ?, ?)", rows)
    started = time.monotonic()
    body = report(logged, days=3)
    assert time.monotonic() - started < 10
    assert body["searches"] == 5001 and body["distinct_queries"] == 251         # only the finished words remain


def test_report_command_refuses_a_broken_log_and_a_bad_period_clearly(logged, log_path, tmp_path):
    garbage = tmp_path / "rommel.db"
    garbage.write_bytes(b"dit is geen database" * 100)
    for args in (["--query-log", str(garbage)], ["--query-log", str(log_path), "--days", "0"]):
        logged.get("/api/search?q=mensenhandel")
        done = subprocess.run([sys.executable, "-m", "search_app.cli", "report", *args],
                              cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert done.returncode == 2 and done.stderr.startswith("error:") and "Traceback" not in done.stderr
