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
    terms: tuple[str, ...] = ()        # as the table writes them ('cyber*'): what ``pattern`` is made of


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
        themes.append(Theme(entry["label"], pattern, frozenset(heading_key(h) for h in entry.get("headings", [])),
                            tuple(terms)))
    return tuple(themes)


def theme_labels() -> list[str]:
    """Labels of the controlled theme list, in table order."""
    return [theme.label for theme in load_themes()]


PREFIX = re.compile(r"^(?:thema|programma|project)\s*:?\s+")
VERVOLG = re.compile(r"\s*-\s*vervolg$")
NOT_KEPT = re.compile(r"[^\w'()]+")


@lru_cache(maxsize=1 << 16)        # a document's headings are compared again and again (menus, breadcrumbs)
def heading_key(heading: str) -> str:
    """A heading reduced for comparison: folded, no 'Thema:'/'Programma'/'Project' prefix, no punctuation."""
    key = PREFIX.sub("", fold(heading))
    key = VERVOLG.sub("", key)
    return NOT_KEPT.sub(" ", key).strip()


@lru_cache(maxsize=1)
def named_themes() -> dict[str, str]:
    """Heading key -> the theme it names: each theme's headings and its label, the first theme
    in table order winning a key two themes share."""
    named: dict[str, str] = {}
    for theme in load_themes():
        for key in (*theme.headings, heading_key(theme.label)):
            named.setdefault(key, theme.label)
    return named


def term_start(term: str) -> tuple[str, bool]:
    """The word every match of a term starts with, and whether longer words match too:
    'cyber*' -> ('cyber', True), 'hackers' -> ('hackers', False), 'zorg- en veiligheid' -> ('zorg', False)."""
    folded = fold(term.rstrip("*"))
    word = re.match(r"\w*", folded).group()
    return word, term.endswith("*") and word == folded


@dataclass(frozen=True)
class ThemeWords:
    """Where theme words can start, so that a text is read once for all themes instead of once per theme."""

    starts: re.Pattern                          # a non-word character and a word a term can start
    terms: tuple[tuple[str, bool, int], ...]    # (term_start, longer words too, theme number)
    unscanned: tuple[int, ...]                  # themes with a term starting with no \w character: findall


@lru_cache(maxsize=1)
def theme_words() -> ThemeWords:
    """The ThemeWords of the theme list (built once per process)."""
    terms, unscanned = [], set()
    for number, theme in enumerate(load_themes()):
        for term in theme.terms:
            word, longer = term_start(term)
            if word:
                terms.append((word, longer, number))
            else:
                unscanned.add(number)
    by_letter: dict[str, set[str]] = {}
    for word, longer, _ in terms:       # the rest of the word, and for most terms its end
        by_letter.setdefault(word[0], set()).add(re.escape(word[1:]) + ("" if longer else r"(?!\w)"))
    # grouped by first letter: the regex engine then tries ~26 branches per word, not one per term
    branches = (re.escape(letter) + "(?=" + "|".join(sorted(rests, key=lambda r: (-len(r), r))) + ")"
                for letter, rests in sorted(by_letter.items()))
    starts = re.compile(r"\W(?:" + "|".join(branches) + r")\w*")
    return ThemeWords(starts, tuple(terms), tuple(sorted(unscanned)))


@lru_cache(maxsize=1 << 16)
def themes_starting(word: str) -> tuple[int, ...]:
    """The numbers of the themes that have a term a match of which can start with this whole word."""
    return tuple(sorted({number for start, longer, number in theme_words().terms
                         if word == start or (longer and word.startswith(start))}))


@lru_cache(maxsize=1 << 16)
def theme_plan(word: str) -> tuple[tuple[int, bool], ...]:
    """For each scanned theme a match of which can start with this whole word: (theme number, whether
    the match is known without trying the pattern). It is when the first of the theme's terms, in
    pattern order, that can start with the word is a single word: the pattern then matches the
    word to its end. A term of more words ('zorg- en veiligheid') depends on the text after it."""
    unscanned = theme_words().unscanned
    plan = []
    for number in themes_starting(word):
        if number in unscanned:
            continue
        for term in load_themes()[number].terms:
            start, longer = term_start(term)
            if word == start or (longer and word.startswith(start)):
                plan.append((number, ONE_WORD.fullmatch(fold(term.rstrip("*"))) is not None))
                break
    return tuple(plan)


ONE_WORD = re.compile(r"\w+")


def theme_counts(folded: str) -> list[int]:
    """Per theme (in table order) how many matches its pattern has in a folded text, counted as
    ``len(theme.pattern.findall(folded))`` counts them, but in one pass over the text.

    Every match starts a word with the start of one of the theme's terms (``term_start``), so
    the pattern is only tried there, and only where the word alone does not decide (``theme_plan``);
    a match found ends where that theme's next one may begin.
    """
    themes, words = load_themes(), theme_words()
    counts, ends = [0] * len(themes), [0] * len(themes)
    for number in words.unscanned:
        counts[number] = len(themes[number].pattern.findall(folded))
    for word in words.starts.finditer(" " + folded):      # the space lets the first word have its \W too
        start = word.start()              # the \W's place in " " + folded is the word's place in folded
        for number, decided in theme_plan(word.group()[1:]):
            if start < ends[number]:
                continue
            if decided:
                counts[number] += 1
                ends[number] = word.end() - 1          # the match is the whole word
                continue
            match = themes[number].pattern.match(folded, start)
            if match:
                counts[number] += 1
                ends[number] = match.end()
    return counts
