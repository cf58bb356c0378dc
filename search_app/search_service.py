"""The search service of an app: one per app, created by ``init_app``, read by ``get_service``
(the get_db / init_app pattern of Flask's tutorial)."""
from __future__ import annotations

from flask import Flask, current_app

from indexer.search import SearchService

EXTENSION = "kennisbank"


def init_app(app: Flask) -> None:
    """Open the index named by the app's INDEX_DIR (IndexMissing when there is none)."""
    app.extensions[EXTENSION] = SearchService(app.config["INDEX_DIR"])


def get_service() -> SearchService:
    """The search service of the current app."""
    return current_app.extensions[EXTENSION]
