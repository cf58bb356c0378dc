"""Topics and report parts: what both segmenting strategies build, and the helpers they share.

A topic is one heading's text split by report part: ('verslag', year), ('plan', year),
('doel', year), ('rekening', year) or ('begroting', year); ('', None) before any part.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..classify import theme_scores
from ...text_utils import fold


@dataclass
class Topic:
    """A topic being built: its title, breadcrumb and text per report part."""

    title: str | None
    parents: tuple[str, ...] = ()
    parts: dict = field(default_factory=dict)      # (part, year) -> list of text blocks
    order: list = field(default_factory=list)
    pre_text: int = 0                               # characters seen before any year part
    theme: str | None = None
    columns: bool = False                           # printed as two year columns side by side
    guessed: list = field(default_factory=list)     # paragraphs put in the plan column by their tense

    def add(self, part: tuple[str, int | None], block: str) -> None:
        """Append a text block to a report part, recording the part's first appearance in ``order``."""
        if part not in self.parts:
            self.parts[part] = []
            self.order.append(part)
        self.parts[part].append(block)

    @property
    def has_year_parts(self) -> bool:
        """Has the topic a named report part yet (not only the ('', None) lead-in)?"""
        return any(part[0] for part in self.order)


def part_for_year(year: int, label: str, report_years: tuple[int, ...]) -> tuple[str, int]:
    """Which report part a year marker opens: the past year's verslag or the coming year's plan."""
    if label == "terugblik" or label == "jaarverslag":
        return ("verslag", year)
    if label in ("actieagenda", "jaarplan"):
        return ("plan", year)
    if report_years and year >= max(report_years) and len(set(report_years)) > 1:
        return ("plan", year)
    return ("verslag", year)


def plan_year(report_years: tuple[int, ...]) -> int | None:
    """The year the plan part is for: the report's last year, or None when it names none."""
    return max(report_years) if report_years else None


def finance_part(heading: str, report_years: tuple[int, ...]) -> tuple[str, int | None]:
    """'Jaarrekening 2024' -> ('rekening', 2024); 'Begroting 2025' -> ('begroting', 2025)."""
    folded = fold(heading)
    years = [int(y) for y in re.findall(r"(?:19|20)\d\d", heading)]
    first_word = re.match(r"\w+", folded).group(0)
    if first_word == "begroting":
        return ("begroting", years[0] if years else plan_year(report_years))
    if first_word in ("jaarrekening", "realisatie"):
        return ("rekening", years[0] if years else (report_years[0] if report_years else None))
    return ("rekening", years[0] if years else (report_years[0] if report_years else None))


def heading_key_simple(title: str) -> str:
    """A title folded to lowercase words and digits, for matching repeated headings."""
    return re.sub(r"[^a-z0-9]+", " ", fold(title)).strip()


def near(a: str, b: str) -> bool:
    """At most two edits apart (OCR damage in a repeated heading)."""
    from difflib import SequenceMatcher

    return abs(len(a) - len(b)) <= 2 and SequenceMatcher(None, a, b).ratio() >= 0.85


def top_theme(text: str) -> str | None:
    """The theme whose words occur most in this text, or None when no theme's words do."""
    scores = theme_scores(text)
    return scores.most_common(1)[0][0] if scores else None


def topic_theme(topic: Topic) -> str | None:
    """A topic's theme: from its heading, else the top theme of its title, else of its text."""
    return topic.theme or top_theme(topic.title or "") or top_theme(" ".join(sum(topic.parts.values(), [])))


PLAN_WORDS = frozenset({"wordt", "worden", "zal", "zullen", "gaat", "gaan", "verwacht", "verwachten", "komende",
                        "komend", "volgend", "volgende", "gepland", "streven", "willen", "wil", "plannen"})
PAST_WORDS = frozenset({"werd", "werden", "vond", "vonden", "was", "waren", "heeft", "hebben", "had", "hadden",
                        "volgde", "volgden", "afgelopen", "verscheen", "verschenen"})


def looks_ahead(text: str) -> bool:
    """Does a paragraph speak of the coming year (future and intent verbs) more than of the past?"""
    words = re.findall(r"[a-z]+", fold(text))
    return sum(w in PLAN_WORDS for w in words) > sum(w in PAST_WORDS for w in words)
