"""The search page, the section page, the iframe embed and the embed script, in Dutch."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from flask import Blueprint, current_app, render_template, request
from markupsafe import Markup, escape

from indexer.facets import FACETS
from indexer.search import SearchError
from indexer.search.params import (MAX_DOCUMENT_ID_LENGTH, MAX_FACET_VALUE_LENGTH, MAX_FACET_VALUES, MAX_PAGE,
                                   MAX_PER_PAGE, MAX_QUERY_LENGTH, SECTIONS_PER_DOCUMENT, clean_text)

from .facets import chips, options, state_url
from .querylog import record
from .requests_args import search_args
from .search_service import get_service
from .serialise import marked_html, search_dict, section_dict

bp = Blueprint("pages", __name__)

ERROR_TITLES = {400: "Ongeldig verzoek", 404: "Pagina niet gevonden", 405: "Methode niet toegestaan",
                413: "Verzoek te groot", 500: "Er ging iets mis"}


def page_state(args) -> dict[str, list[str]]:
    """The search state the page shows and its links keep: cleaned, bounded, each value once.

    Bounded even when the search itself is refused (more than MAX_FACET_VALUES values), so no
    page or link grows with what a request piles up.
    """
    state = {}
    for spec in FACETS:
        values = (clean_text(v[:MAX_FACET_VALUE_LENGTH]) for v in args.getlist(spec.name))
        state[spec.name] = list(dict.fromkeys(v for v in values if v))[:MAX_FACET_VALUES]
    state["q"] = [clean_text(args.get("q", "")[:MAX_QUERY_LENGTH])]
    state["sort"] = ["newest"] if args.get("sort") == "newest" else []
    state["group"] = ["none"] if args.get("group") == "none" else []
    state["document"] = [v for v in [clean_text(args.get("document", "")[:MAX_DOCUMENT_ID_LENGTH])] if v]
    return state


def selected_as_listed(state: dict[str, list[str]], body: dict) -> dict[str, list[str]]:
    """The search state with each filter value as the search read it ('mensenhandel' is the theme
    'Mensenhandel', '２０２４' is 2024), so the page ticks its box and its links untick it."""
    return {**state, **{spec.name: [str(item["value"]) for item in body["facets"][spec.name] if item["selected"]]
                        for spec in FACETS}}


def framed(url: str) -> str:
    """A search page URL as the same search in the iframe embed (the only page that may be framed)."""
    query = urlsplit(url).query
    compact = "0" if request.args.get("compact") == "0" else "1"
    return "/embed?" + (query + "&" if query else "") + "compact=" + compact


def render_search(template: str, compact: bool = False):
    """Run the search of the query string and render it; bad parameters give a 400 page."""
    state = page_state(request.args)
    in_embed = request.path == "/embed"
    link = framed if in_embed else (lambda url: url)
    error, body, status, start = None, None, 200, None
    try:
        params = search_args(request.args, current_app.config["PER_PAGE"], default_group="document")
        params["per_page"] = min(params["per_page"], MAX_PER_PAGE)
        if params["document"]:            # one document's sections: all of them, not two
            params["group"] = "none"
        if is_start(params):
            body, start = start_page(link)
        else:
            body = search_dict(get_service().search(**params))
            state = selected_as_listed(state, body)
        if params["q"] or params["filters"]:
            record("log_search", params["q"], params["filters"], body["total"], params["page"],
                   typing=params["typing"])
    except SearchError as exc:
        error, status = str(exc), 400
    facets = [(spec, options(spec, body, state)) for spec in FACETS] if body else []
    for _, facet_options in facets:
        for option in facet_options:
            option["url"] = link(option["url"])
    context = {
        "state": state, "q": state["q"][0], "error": error, "response": body, "compact": compact,
        "framed": in_embed, "facets": facets,
        "chips": ([{**chip, "url": link(chip["url"])} for chip in chips(state, get_service().document_title)]
                  if body else []),
        "state_url": lambda *args, **kwargs: link(state_url(*args, **kwargs)),
        "themes": get_service().facet_values("theme"),
        "pages": [{**p, "url": link(p["url"])} for p in pagination(body, state)] if body else [],
        "clear_url": link(state_url({"q": state["q"], "group": state["group"]})),
        "newest_url": link(state_url({**state, "sort": ["newest"]})),
        "relevance_url": link(state_url({**state, "sort": []})),
        "suggestion_url": link(state_url({**state, "q": [body["suggestion"]]})) if body and body["suggestion"] else "",
        "start": start, "feed_url": state_url({**state, "sort": [], "group": []}, path="/feed.atom"),
        "more_url": lambda hit: link(state_url({**state, "document": [hit["more_in_document"]["document"]]})),
    }
    if request.args.get("fragment"):
        return render_template("_results.html", **context), status
    return render_template(template, **context), status


def pagination(body: dict, state: dict[str, list[str]]) -> list[dict]:
    """Links to the first, last and nearby result pages, keeping the rest of the search state."""
    listed = body.get("total_grouped", body["total"])      # a grouped list is shorter than the matches
    last = min(MAX_PAGE, max(1, -(-listed // body["per_page"])))
    current = body["page"]
    numbers = sorted({1, last, *range(max(1, current - 2), min(last, current + 2) + 1)})
    return [{"number": n, "url": state_url(state, page=n), "current": n == current} for n in numbers] if last > 1 else []


START_DOCUMENTS = 8          # newest documents on the start page
THEME_HISTORY = 6            # sections under "Dit thema in andere jaren"


LISTING_PARAMETERS = ("page", "per_page", "sort", "group")


def is_start(params: dict) -> bool:
    """Nothing asked (no query, filter or document, no paging, sorting or grouping): the start page
    instead of a list of every section. Any such parameter, even an invalid one, gets the list (or a 400)."""
    return not (params["q"] or params["filters"] or params["document"]
                or any(request.args.get(name) for name in LISTING_PARAMETERS))


def start_page(link) -> tuple[dict, dict]:
    """The start page's search (every section, facet counts, newest first) and what it shows: the themes
    with their counts as filter links, and the newest documents, each once, newest year first."""
    per_page = min(MAX_PER_PAGE, START_DOCUMENTS * SECTIONS_PER_DOCUMENT)
    body = search_dict(get_service().search(q="", sort="newest", per_page=per_page, group="document"))
    documents: dict[str, dict] = {}
    for hit in body["results"]:
        doc = hit["document"]
        documents.setdefault(doc["id"], {"title": doc["title"], "year": hit["year"],
                                         "organisation": hit["organisation"],
                                         "url": link(state_url({"document": [doc["id"]]}))})
    themes = [{"label": item["label"], "count": item["count"], "url": link(state_url({"theme": [str(item["value"])]}))}
              for item in body["facets"]["theme"]]
    return body, {"themes": themes, "documents": list(documents.values())[:START_DOCUMENTS],
                  "document_count": get_service().stats()["documents"],
                  "all_url": link(state_url({"sort": ["newest"], "group": ["none"]}))}


def theme_history(section: dict) -> list[dict]:
    """The section's theme in other documents (so mostly other years), newest first: grouped by
    document, so the section's own document takes at most two places of the list, then drops out."""
    if not section["theme"]:
        return []
    try:
        found = get_service().search(q="", filters={"theme": [section["theme"]]}, sort="newest", group="document",
                                     per_page=min(MAX_PER_PAGE, THEME_HISTORY + SECTIONS_PER_DOCUMENT))
    except SearchError:          # a theme the table no longer knows: nothing to list
        return []
    hits = search_dict(found)["results"]
    return [hit for hit in hits if hit["document"]["id"] != section["document"]["id"]][:THEME_HISTORY]


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
    q = clean_text(request.args.get("q", "")[:MAX_QUERY_LENGTH])
    view = get_service().section(section_id, q)
    if view is None:
        return render_not_found()
    if q.strip():
        record("log_open", q, section_id)
    section = section_dict(view)
    return render_template("section.html", section=section, body=text_to_html(marked_html(view.body)),
                           q=q, state_url=state_url, theme_history=theme_history(section))


EMBED_SCRIPT_PARTS = ("combobox.js", "embed.js")


@bp.get("/embed.js")
def embed_script():
    """The widget: combobox.js and embed.js in one file and one private scope (no globals on the host page)."""
    folder = Path(current_app.static_folder)
    parts = [(folder / name).read_text(encoding="utf-8") for name in EMBED_SCRIPT_PARTS]
    response = current_app.response_class("(function () {\n" + "\n".join(parts) + "\n})();\n",
                                          mimetype="text/javascript")
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.add_etag()
    return response.make_conditional(request)


def render_not_found():
    return render_template("not_found.html"), 404


def render_error(status: int, message: str):
    """A Dutch error page; a bare one should the page itself fail (that must not hide the error)."""
    try:
        if status == 404:
            body, _ = render_not_found()
        else:
            title = ERROR_TITLES.get(status, ERROR_TITLES[400 if status < 500 else 500])
            body = render_template("error.html", title=title, message=message)
        response = current_app.make_response((body, status))
    except Exception:  # noqa: BLE001 - e.g. no URL adapter for a request with a broken Host header
        text = escape(message)
        body = f'<!doctype html><html lang="nl"><meta charset="utf-8"><title>{text}</title><h1>{text}</h1></html>'
        response = current_app.make_response((body, status))
    return response
