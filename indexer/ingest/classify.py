"""Stage 4, classify: give every section exactly one theme, year, type and organisation.

Themes come from the synonym table in data/themes.toml: a heading that names a theme
decides it; otherwise the words of the heading path and the body vote, headings
weighing far more. Year and type follow from the report part the section is in.
"""
from __future__ import annotations

from collections import Counter
from functools import lru_cache

from ..facets import TYPES
from ..text_utils import fold
from ..themes import FALLBACK_THEME, heading_key, load_themes, named_themes, theme_counts, theme_labels
from .metadata import bare_years
from .records import DocumentMeta, SectionRecord

PART_TYPES = {"verslag": "jaarverslag", "plan": "jaarplan", "doel": "jaarplan",
              "rekening": "jaarrekening", "begroting": "begroting"}
HEADING_WEIGHT = 8


def theme_for_heading(heading: str) -> str | None:
    """The theme a heading names outright ('Thema: Mensenhandel', 'Burgernet'), else None."""
    return named_themes().get(heading_key(heading))


def theme_scores(text: str) -> Counter:
    """How often each theme's words occur in a text."""
    counts = theme_counts(fold(text))
    return Counter({theme.label: n for theme, n in zip(load_themes(), counts) if n})


@lru_cache(maxsize=1 << 14)
def heading_scores(heading: str) -> tuple[tuple[str, int], ...]:
    """``theme_scores`` of a heading, remembered: a document's sections repeat their parents' headings."""
    return tuple(theme_scores(heading).items())


def theme_for_section(headings: list[str], text: str, fallback: str = FALLBACK_THEME) -> str:
    """One theme for a section: a naming heading (deepest first), else a weighted vote, else ``fallback``."""
    for heading in reversed(headings):
        named = theme_for_heading(heading)
        if named:
            return named
    votes = Counter()
    for heading in headings:
        for label, n in heading_scores(heading):
            votes[label] += HEADING_WEIGHT * n
    votes.update(theme_scores(text))
    if not votes:
        return fallback
    order = {label: i for i, label in enumerate(theme_labels())}
    return max(votes, key=lambda label: (votes[label], -order[label]))


def year_for_section(section: SectionRecord, meta: DocumentMeta) -> int | None:
    """The year a section is about: its report part's year, else the document's first report year."""
    if section.part_year:
        return section.part_year
    if meta.years:
        return meta.years[0]
    years = bare_years(section.text)
    return Counter(years).most_common(1)[0][0] if years else None


def type_for_section(section: SectionRecord, meta: DocumentMeta) -> str:
    """Document type of a section: from its report part in annual reports, else the document's kind."""
    if section.part in PART_TYPES:
        return PART_TYPES[section.part]
    if meta.kind in TYPES:
        return meta.kind
    return "overig"


def document_theme(title: str, text: str) -> str:
    """The theme of a document about one theme: what its title names, else the theme that holds at
    least half of its text's theme words. A report on many themes has none (FALLBACK_THEME)."""
    named = theme_for_heading(title)
    if named:
        return named
    votes = theme_scores(title) + theme_scores(text)
    if not votes:
        return FALLBACK_THEME
    label, count = votes.most_common(1)[0]
    return label if count * 2 >= sum(votes.values()) else FALLBACK_THEME


def classify_section(section: SectionRecord, meta: DocumentMeta, fallback_theme: str = FALLBACK_THEME) -> SectionRecord:
    """Fill in theme, year, type and organisation of a section (in place, returned for chaining).

    A section whose words name no theme takes ``fallback_theme``: its document's theme.
    """
    headings = [*section.parents, section.title]
    if section.part in ("rekening", "begroting"):
        section.theme = FALLBACK_THEME
    else:
        section.theme = theme_for_section(headings, section.text, fallback_theme)
    section.year = year_for_section(section, meta)
    section.type = type_for_section(section, meta)
    section.organisation = meta.organisation
    return section
