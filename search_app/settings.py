"""Settings, declared once: name, default, environment variable and help."""
from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Setting:
    name: str
    default: object
    env: str
    help: str


SETTINGS = (
    Setting("INDEX_DIR", "var/index", "KENNISBANK_INDEX", "Path of the index (a symlink to its current generation)."),
    Setting("CORS_ORIGINS", "", "KENNISBANK_CORS_ORIGINS",
            "Comma-separated origins allowed to call the JSON API from a browser (or '*')."),
    Setting("PER_PAGE", 10, "KENNISBANK_PER_PAGE", "Results per page on the search page."),
    Setting("SITE_NAME", "Kennisbank VeiligheidsAlliantie", "KENNISBANK_SITE_NAME", "Name shown in the page header."),
)


def load_settings(overrides: dict | None = None) -> dict:
    """Defaults, then environment variables, then the mapping passed to create_app."""
    values = {}
    for setting in SETTINGS:
        value = os.environ.get(setting.env, setting.default)
        if isinstance(setting.default, int) and isinstance(value, str):
            value = int(value)
        values[setting.name] = value
    values.update(overrides or {})
    origins = values["CORS_ORIGINS"]
    if isinstance(origins, str):
        values["CORS_ORIGINS"] = [o.strip().rstrip("/") for o in origins.split(",") if o.strip()]
    return values
