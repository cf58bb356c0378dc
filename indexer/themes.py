"""The controlled theme list (data/themes.toml): labels, the words that point to each theme,
and the headings that name one. Read by ingestion (to classify) and search (to validate)."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .text_utils import fold

THEMES_FILE = Path(__file__).parent / "data" / "themes.toml"
FALLBACK_THEME = "Organisatie en financiën"


@dataclass(frozen=True)
class Theme:
    label: str
    pattern: re.Pattern
    headings: frozenset[str]


def _term_regex(term: str) -> str:
    folded = re.escape(fold(term.rstrip("*")))
    return folded + (r"\w*" if term.endswith("*") else r"\b")


@lru_cache(maxsize=1)
def load_themes() -> tuple[Theme, ...]:
    """The controlled theme list with compiled synonym patterns (read once per process)."""
    data = tomllib.loads(THEMES_FILE.read_text(encoding="utf-8"))
    themes = []
    for entry in data["theme"]:
        terms = [entry["label"], *entry.get("terms", [])]
        pattern = re.compile(r"(?<!\w)(?:" + "|".join(_term_regex(t) for t in terms) + ")")
        themes.append(Theme(entry["label"], pattern, frozenset(heading_key(h) for h in entry.get("headings", []))))
    return tuple(themes)


def theme_labels() -> list[str]:
    """Labels of the controlled theme list, in table order."""
    return [theme.label for theme in load_themes()]


def heading_key(heading: str) -> str:
    """A heading reduced for comparison: folded, no 'Thema:'/'Programma'/'Project' prefix, no punctuation."""
    key = fold(heading)
    key = re.sub(r"^(?:thema|programma|project)\s*:?\s+", "", key)
    key = re.sub(r"\s*-\s*vervolg$", "", key)
    return re.sub(r"[^\w'()]+", " ", key).strip()
