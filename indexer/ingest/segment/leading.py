"""Headings lead their text: the segmenter for reports whose headings come before what they head.

Markdown headings, 'Thema: X' and short title lines open topics; year markers and
'Meerjarendoel' open report parts; continuation headings ('/Mensenhandel', 'X - vervolg')
go back to an earlier topic, usually its next column.
"""
from __future__ import annotations

import re
from typing import Callable

from ..classify import theme_for_heading
from ..records import NormalisedDocument
from .topics import Topic, finance_part, heading_key_simple, looks_ahead, near, part_for_year, plan_year
from .units import Unit

VERVOLG = re.compile(r"\s*-\s*vervolg$", re.IGNORECASE)


class ReportSegmenter:
    """Builds topics from the unit stream of one document (headings lead their text)."""

    def __init__(self, doc: NormalisedDocument):
        self.doc = doc
        self.years = doc.meta.years
        self.topics: list[Topic] = []
        self.topic = self.new_topic(None)
        self.part: tuple[str, int | None] = ("", None)
        self.pending_year: Unit | None = None
        # Spelled out rather than looked up by name, so every handler's call site is visible.
        self.handlers: dict[str, Callable[[Unit], None]] = {
            "columns": self.on_columns,
            "year": self.on_year,
            "goal": self.on_goal,
            "heading": self.on_heading,
            "para": self.on_para,
        }

    def new_topic(self, title: str | None, parents: tuple[str, ...] = ()) -> Topic:
        """Open a topic with this title (and breadcrumb) and make it current, before any report part."""
        topic = Topic(title, parents, theme=theme_for_heading(title) if title else None)
        self.topics.append(topic)
        self.topic = topic
        self.part = ("", None)
        return topic

    def find_topic(self, title: str, fuzzy: bool = False) -> Topic | None:
        """The latest topic with this title; with ``fuzzy``, also one OCR damage away ('/hnensenhandel')."""
        key = heading_key_simple(title)
        for topic in reversed(self.topics):
            if topic.title and heading_key_simple(topic.title) == key:
                return topic
        if fuzzy and len(key) >= 6:
            for topic in reversed(self.topics):
                if topic.title and near(heading_key_simple(topic.title), key):
                    return topic
        return None

    def run(self, units: list[Unit]) -> list[Topic]:
        """Feed every unit to the handler for its kind; the topics built, in document order."""
        self.last_page, self.last_kind = -1, ""
        for unit in units:
            handler = self.handlers[unit.kind]
            handler(unit)
            self.last_page, self.last_kind = unit.page, unit.kind
        if self.pending_year:
            self.apply_year(self.pending_year)
        return self.topics

    def on_columns(self, unit: Unit) -> None:
        """'2024 2025': two year columns side by side; held as a year marker for the first year."""
        self.pending_year = Unit("year", unit.text, year=unit.year)

    def on_year(self, unit: Unit) -> None:
        """A year marker: the part of the heading just read, or held until the next unit shows what it opens."""
        if self.pending_year:
            self.apply_year(self.pending_year)
        if self.last_kind == "heading" and not self.topic.parts.get(self.part):
            self.part = part_for_year(unit.year, unit.label, self.years)   # 'Monitoring' then '2024'
            return
        self.pending_year = unit

    def apply_year(self, unit: Unit) -> None:
        """A year marker not followed by a heading: a new part of this topic, or of a new untitled one."""
        self.pending_year = None
        part = part_for_year(unit.year, unit.label, self.years)
        topic = self.topic
        going_back = (self.part[0] in ("verslag", "plan") and part[1] <= self.part[1]
                      and bool(topic.parts.get(self.part)))
        if going_back or topic.pre_text > 200:
            self.new_topic(None)
        self.part = part

    def on_goal(self, unit: Unit) -> None:
        """'Meerjarendoel': the goal part, in a new untitled topic if this one has parts or long lead-in."""
        if self.pending_year:
            self.apply_year(self.pending_year)
        if self.topic.has_year_parts or self.topic.pre_text > 200:
            self.new_topic(None)
        self.part = ("doel", plan_year(self.years))

    def on_heading(self, unit: Unit) -> None:
        """A heading: continues a topic, opens a finance table or a topic, or stays as a subheading in the text."""
        pending, self.pending_year = self.pending_year, None
        if unit.strength == "continuation" or VERVOLG.search(unit.text):
            self.continue_topic(unit, pending)
        elif unit.strength == "finance":
            self.new_topic(unit.text)
            self.part = finance_part(unit.text, self.years)
        elif not self.starts_topic(unit, pending):
            self.add_text(unit.text)            # a subheading inside a report part stays in the text
        elif pending is not None and pending.label:
            self.part = part_for_year(pending.year, pending.label, self.years)
            self.add_text(unit.text)            # 'Actieagenda 2022' then a subheading
        else:
            self.open_topic(unit, pending)

    def starts_topic(self, unit: Unit, pending: Unit | None) -> bool:
        """Does this heading begin a topic, or is it a subheading of the current report part?"""
        in_finance = self.part[0] in ("rekening", "begroting")
        named = theme_for_heading(unit.text)
        return (
            unit.strength in ("strong", "numbered")
            or (unit.strength == "columns" and not in_finance)
            or (pending is not None and not pending.label)
            or not self.topic.has_year_parts
            or (named is not None and named != self.topic.theme and not in_finance)
        )

    def continue_topic(self, unit: Unit, pending: Unit | None) -> None:
        """'/Mensenhandel' or 'Kennisbijeenkomsten - vervolg': back to a topic, usually its next column."""
        title = VERVOLG.sub("", unit.text)
        topic = self.find_topic(title, fuzzy=True)
        if topic is None and unit.strength == "continuation" and self.topic.has_year_parts:
            in_finance = self.part[0] in ("rekening", "begroting")
            self.part = ("begroting" if in_finance else "plan", plan_year(self.years))
            self.add_text(title)                # '/Agenda': a subheading of the plan column
            return
        self.topic = topic or self.new_topic(title)
        if self.topic.guessed:                  # the columns were split for real: undo the tense guesses
            plan = ("plan", plan_year(self.years))
            for text in self.topic.guessed:
                self.topic.parts[plan].remove(text)
                self.topic.add(("verslag", self.years[0]), text)
            self.topic.guessed.clear()
        if pending:
            self.part = part_for_year(pending.year, pending.label, self.years)
        elif unit.strength == "continuation":
            self.part = ("plan", plan_year(self.years))

    def open_topic(self, unit: Unit, pending: Unit | None) -> None:
        """Start a topic and decide which report part its text begins in."""
        in_body = self.topic.has_year_parts
        inherited = self.part if in_body and pending is None and unit.strength == "weak" else None
        if in_body and unit.page != self.last_page and len(self.years) > 1:
            inherited = ("verslag", self.years[0])    # a topic opening a page starts in the first column
        carried = self.part if self.last_kind == "year" and not any(self.topic.parts.values()) else None
        if self.find_topic(unit.text) is not self.topic:
            self.new_topic(unit.text)
        if carried and not pending and not inherited:
            self.part = carried                 # 'VEILIG ONDERNEMEN' / '2021' / 'Platform Veilig Ondernemen'
        elif pending:
            self.part = part_for_year(pending.year, pending.label, self.years)
        elif unit.strength == "columns" and self.years:
            self.part = ("verslag", self.years[0])    # 'Monitoring Monitoring': both columns, verslag first
            self.topic.columns = True
        elif inherited:
            self.part = inherited

    def on_para(self, unit: Unit) -> None:
        """A paragraph: text of the current report part (after any held year marker is applied)."""
        if self.pending_year:
            self.apply_year(self.pending_year)
        self.add_text(unit.text)

    def add_text(self, text: str) -> None:
        """Add text to the current part; in a two-column topic, future-tense paragraphs go to the plan."""
        if not self.part[0]:
            self.topic.pre_text += len(text)
        part = self.part
        if self.topic.columns and part[0] == "verslag" and len(self.years) > 1 and looks_ahead(text):
            part = ("plan", plan_year(self.years))     # a paragraph of the coming year's column
            self.topic.guessed.append(text)
        self.topic.add(part, text)
