"""The kennisbank web app: the search page for people and the JSON API for the website."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def create_app(config: dict | None = None) -> Flask:
    """Application factory: validated settings from defaults, environment and ``config``; one search service."""
    # Imported here, not at the top: every `kennisbank` command imports this package (the CLI
    # lives in it), and only `serve` needs Flask and the search service.
    from flask import Flask

    from . import admin, querylog, search_service, security
    from .settings import load_settings

    app = Flask(__name__)
    app.config.update(load_settings(config))
    if "MAX_CONTENT_LENGTH" not in (config or {}):
        app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_REQUEST_BODY"]
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    search_service.init_app(app)
    admin.init_app(app)
    querylog.init_app(app)
    security.init_app(app)

    from . import api, feeds, openapi, pages, publish, staff

    app.register_blueprint(api.bp)
    app.register_blueprint(openapi.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(feeds.bp)
    app.register_blueprint(publish.bp)
    app.register_blueprint(staff.bp)
    return app
