"""The kennisbank web app: the search page for people and the JSON API for the website."""
from __future__ import annotations

from flask import Flask

from . import search_service
from .settings import load_settings


def create_app(config: dict | None = None) -> Flask:
    """Application factory: validated settings from defaults, environment and ``config``; one search service."""
    app = Flask(__name__)
    app.config.update(load_settings(config))
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    search_service.init_app(app)

    from . import api, pages

    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
    return app
