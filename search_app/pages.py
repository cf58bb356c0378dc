"""The search page, the section page, the iframe embed and the embed script, in Dutch."""
from __future__ import annotations

import re

from flask import Blueprint, current_app, render_template, request, send_from_directory
from markupsafe import Markup

from indexer.facets import FACETS
from indexer.search import SearchError
from indexer.search.params import MAX_PER_PAGE, MAX_QUERY_LENGTH

from .facets import chips, options, state_url
from .querylog import record
from .requests_args import search_args
from .search_service import get_service
from .serialise import marked_html, search_dict, section_dict

bp = Blueprint("pages", __name__)


def page_state(args) -> dict[str, list[str]]:
    state = {spec.name: args.getlist(spec.name) for spec in FACETS}
    state["q"] = [args.get("q", "").strip()]
    state["sort"] = [args.get("sort", "")] if args.get("sort") in ("newest",) else []
    return state


def render_search(template: str, compact: bool = False):
    """Run the search of the query string and render it; bad parameters give a 400 page."""
    state = page_state(request.args)
    error, body, status = None, None, 200
    try:
        params = search_args(request.args, current_app.config["PER_PAGE"])
        params["per_page"] = min(params["per_page"], MAX_PER_PAGE)
        body = search_dict(get_service().search(**params))
        if params["q"] or params["filters"]:
            record("log_search", params["q"], params["filters"], body["total"], params["page"],
                   typing=bool(request.args.get("typing")))
    except SearchError as exc:
        error, status = str(exc), 400
    context = {
        "state": state, "q": state["q"][0], "error": error, "response": body, "compact": compact,
        "facets": [(spec, options(spec, body, state)) for spec in FACETS] if body else [],
        "chips": chips(state), "state_url": state_url,
        "themes": get_service().facet_values("theme"),
        "pages": pagination(body, state) if body else [],
        "clear_url": state_url({"q": state["q"]}), "newest_url": state_url({**state, "sort": ["newest"]}),
        "relevance_url": state_url({**state, "sort": []}),
        "suggestion_url": state_url({**state, "q": [body["suggestion"]]}) if body and body["suggestion"] else "",
    }
    if request.args.get("fragment"):
        return render_template("_results.html", **context), status
    return render_template(template, **context), status


def pagination(body: dict, state: dict[str, list[str]]) -> list[dict]:
    """Links to the first, last and nearby result pages, keeping the rest of the search state."""
    last = max(1, -(-body["total"] // body["per_page"]))
    current = body["page"]
    numbers = sorted({1, last, *range(max(1, current - 2), min(last, current + 2) + 1)})
    return [{"number": n, "url": state_url(state, page=n), "current": n == current} for n in numbers] if last > 1 else []


@bp.get("/")
def search_page():
    return render_search("search.html")


@bp.get("/embed")
def embed_page():
    """Iframe mode: the same search, compact, for embedding in another site."""
    return render_search("search.html", compact=request.args.get("compact", "1") != "0")


def text_to_html(escaped: str) -> Markup:
    """Escaped section text (only <mark> inserted) to paragraphs and lists."""
    blocks = []
    for block in re.split(r"\n\s*\n", escaped):
        lines = block.split("\n")
        items = [line[2:] for line in lines if line.startswith("- ")]
        prose = [line for line in lines if not line.startswith("- ")]
        if prose:
            blocks.append("<p>" + "<br>".join(prose) + "</p>")
        if items:
            blocks.append("<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>")
    return Markup("\n".join(blocks))


@bp.get("/sectie/<section_id>")
def section_page(section_id: str):
    q = request.args.get("q", "")[:MAX_QUERY_LENGTH]
    view = get_service().section(section_id, q)
    if view is None:
        return render_not_found()
    if q.strip():
        record("log_open", q, section_id)
    return render_template("section.html", section=section_dict(view), body=text_to_html(marked_html(view.body)),
                           q=q, state_url=state_url)


@bp.get("/embed.js")
def embed_script():
    response = send_from_directory(current_app.static_folder, "embed.js", mimetype="text/javascript")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def render_not_found():
    return render_template("not_found.html"), 404
