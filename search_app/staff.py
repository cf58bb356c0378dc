"""Staff pages behind the admin token: what searchers look for and miss (the query log's report)."""
from __future__ import annotations

import re

from flask import Blueprint, jsonify, render_template, request

from indexer.facets import FACETS_BY_NAME

from .admin import refusal, require_admin
from .querylog import get_query_log

bp = Blueprint("staff", __name__)

MAX_DAYS = 3650


def requested_days() -> int | None:
    """?dagen=N (1 to 3650, default 30), or None when it is not such a number."""
    raw = request.args.get("dagen", "30").strip()
    if not re.fullmatch(r"[0-9]{1,4}", raw):          # ASCII digits only: isdigit() also takes '²'
        return None
    return int(raw) if 1 <= int(raw) <= MAX_DAYS else None


def staff_report():
    """(report, None), or (None, a refusal response) when the period is bad or logging is off."""
    days = requested_days()
    if days is None:
        return None, refusal(f"dagen moet een geheel getal van 1 tot en met {MAX_DAYS} zijn.", 400)
    log = get_query_log()
    if log is None:
        return None, refusal("Het zoeklogboek staat uit (stel KENNISBANK_QUERY_LOG in).", 404)
    return log.report(days), None


@bp.get("/api/beheer/zoekgedrag")
@require_admin
def staff_report_json():
    """The query log's report as JSON."""
    report, refused = staff_report()
    return refused or jsonify(report)


@bp.get("/beheer/zoekgedrag")
@require_admin
def staff_report_page():
    """The query log's report for staff, in Dutch."""
    report, refused = staff_report()
    if refused:
        return refused
    labels = {name: spec.label for name, spec in FACETS_BY_NAME.items()}
    return render_template("beheer_zoekgedrag.html", report=report, facet_labels=labels)
