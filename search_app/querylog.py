"""The opt-in query log: what searchers look for, and what they do not find.

Off unless QUERY_LOG names a SQLite file. Private by design: a row holds the time (to the
minute), the query as typed (trimmed, lower-cased), the filters, the number of results and
the page; an opened result adds the query and the section id. No IP address, cookie, user
agent, referrer or session id is stored, so searches cannot be tied to a person or to each
other. Rows older than QUERY_LOG_DAYS are purged at start-up and hourly after that.

Logging never breaks a search: a database error is logged as a warning and ignored.
One owner per resource, as flaskr's ``db.py``: ``init_app`` / ``get_query_log``.
"""
from __future__ import annotations

import json
import sqlite3
import threading
import time
from bisect import bisect_right
from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone

from flask import Flask, current_app

EXTENSION = "kennisbank_query_log"
PURGE_EVERY_SECONDS = 3600
SCHEMA = """
CREATE TABLE IF NOT EXISTS searches (
    time TEXT NOT NULL, query TEXT NOT NULL, filters TEXT NOT NULL,
    total INTEGER NOT NULL, page INTEGER NOT NULL, typing INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS searches_by_time ON searches(time);
CREATE TABLE IF NOT EXISTS opens (time TEXT NOT NULL, query TEXT NOT NULL, section TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS opens_by_time ON opens(time);
"""


def normal_query(q: str) -> str:
    return " ".join(q.split()).lower()


def minute(moment: datetime | None = None) -> str:
    return (moment or datetime.now(timezone.utc)).strftime("%Y-%m-%dT%H:%M")


class QueryLog:
    """One SQLite query log; a connection per thread (sqlite connections are not shared)."""

    def __init__(self, path: str, days: int):
        self.path, self.days = path, days
        self.local = threading.local()
        self.last_purge = 0.0
        with self.connect() as db:
            db.executescript(SCHEMA)

    def connect(self) -> sqlite3.Connection:
        db = getattr(self.local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=2)
            db.execute("PRAGMA journal_mode=WAL")
            self.local.db = db
        return db

    def write(self, sql: str, values: tuple) -> None:
        """One short write; purges old rows at most hourly."""
        with self.connect() as db:
            db.execute(sql, values)
        if time.monotonic() - self.last_purge > PURGE_EVERY_SECONDS:
            self.purge()

    def log_search(self, q: str, filters: dict, total: int, page: int, typing: bool = False) -> None:
        self.write("INSERT INTO searches VALUES (?, ?, ?, ?, ?, ?)",
                   (minute(), normal_query(q), json.dumps(filters, ensure_ascii=False, sort_keys=True),
                    total, page, int(typing)))

    def log_open(self, q: str, section_id: str) -> None:
        self.write("INSERT INTO opens VALUES (?, ?, ?)", (minute(), normal_query(q), section_id))

    def purge(self) -> None:
        """Forget what is older than the retention period."""
        self.last_purge = time.monotonic()
        cutoff = minute(datetime.now(timezone.utc) - timedelta(days=self.days))
        with self.connect() as db:
            db.execute("DELETE FROM searches WHERE time < ?", (cutoff,))
            db.execute("DELETE FROM opens WHERE time < ?", (cutoff,))

    def report(self, days: int = 30, limit: int = 20) -> dict:
        """What staff need to see, as plain data (see ``summarise``)."""
        cutoff = minute(datetime.now(timezone.utc) - timedelta(days=days))
        db = self.connect()
        searches = db.execute("SELECT time, query, filters, total, page, typing FROM searches WHERE time >= ? "
                              "ORDER BY time", (cutoff,)).fetchall()
        opened = {row[0] for row in db.execute("SELECT DISTINCT query FROM opens WHERE time >= ?", (cutoff,))}
        return summarise(searches, opened, days, limit)


def settled(searches: list[tuple]) -> list[tuple]:
    """Searches without the steps of as-you-type: a typing query that a longer one extended in
    the same or the next minute is dropped. O(n log n): per minute the sorted distinct queries,
    where the queries extending ``q`` come right after it."""
    by_minute: dict[str, set[str]] = defaultdict(set)
    for row in searches:
        by_minute[row[0]].add(row[1])
    sorted_by_minute = {moment: sorted(queries) for moment, queries in by_minute.items()}
    following = {moment: minute(datetime.fromisoformat(moment) + timedelta(minutes=1)) for moment in by_minute}

    def extended(query: str, moment: str) -> bool:
        for queries in (sorted_by_minute[moment], sorted_by_minute.get(following[moment], ())):
            after = bisect_right(queries, query)
            if after < len(queries) and queries[after].startswith(query):
                return True
        return False

    return [row for row in searches if not (row[5] and extended(row[1], row[0]))]


def summarise(searches: list[tuple], opened: set[str], days: int, limit: int) -> dict:
    """Frequent queries, queries without results, queries whose results nobody opened, filters used."""
    searches = [row for row in settled(searches) if row[4] == 1]          # first pages: one per search
    counts, results = Counter(), defaultdict(list)
    filters_used: dict[str, Counter] = defaultdict(Counter)
    for _, query, filters, total, _, _ in searches:
        if query:
            counts[query] += 1
            results[query].append(total)
        for facet, values in json.loads(filters).items():
            filters_used[facet].update(values)
    def rows(queries):
        return [{"query": q, "count": counts[q], "average_results": round(sum(results[q]) / len(results[q]), 1)}
                for q in queries][:limit]
    frequent = [q for q, _ in counts.most_common()]
    return {
        "days": days,
        "searches": len(searches),
        "distinct_queries": len(counts),
        "frequent": rows(frequent),
        "zero_results": rows(q for q in frequent if max(results[q]) == 0),
        "not_opened": rows(q for q in frequent if max(results[q]) > 0 and q not in opened),
        "filters": {facet: dict(values.most_common(limit)) for facet, values in sorted(filters_used.items())},
    }


def init_app(app: Flask) -> None:
    """Open the query log when QUERY_LOG is set; purge what is past retention."""
    path = app.config.get("QUERY_LOG")
    if not path:
        return
    try:
        log = QueryLog(path, app.config["QUERY_LOG_DAYS"])
        log.purge()
    except sqlite3.Error as exc:
        app.logger.warning("query log %s unusable, searches are not logged: %s", path, exc)
        return
    app.extensions[EXTENSION] = log


def get_query_log() -> QueryLog | None:
    """The app's query log, or None when logging is off."""
    return current_app.extensions.get(EXTENSION)


def record(method: str, *args, **kwargs) -> None:
    """Call a QueryLog method if logging is on; never let a logging error reach the searcher."""
    log = get_query_log()
    if log is None:
        return
    try:
        getattr(log, method)(*args, **kwargs)
    except (sqlite3.Error, OSError) as exc:
        current_app.logger.warning("query log: %s", exc)
