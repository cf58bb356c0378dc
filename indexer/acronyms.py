"""Acronyms: mined from the corpus ('Long Form (ACR)') and merged with a curated glossary."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"
MAX_WORDS = 10
DEFINITION = re.compile(r"((?:[\w'’-]+\s+){1,%d}?)\(([A-Z][A-Za-z]{1,7})\)" % MAX_WORDS)
BRACKETED = re.compile(r"\([A-Z][A-Za-z]{1,7}\)")       # where a DEFINITION can end
SPACES = re.compile(r"\s+")
ACRONYM = re.compile(r"^[A-Z][A-Za-z]{1,7}$")


def is_acronym(word: str) -> bool:
    """RCTM, OAOV, ViB, PmG: two or more capitals in a short word."""
    return bool(ACRONYM.match(word)) and sum(ch.isupper() for ch in word) >= 2


def long_form_for(short: str, words: list[str]) -> str | None:
    """Schwartz & Hearst (2003): match the short form's letters right to left inside the
    preceding words; the first letter must start a word. Returns the long form or None."""
    text = " ".join(words)
    s_index, l_index = len(short) - 1, len(text) - 1
    while s_index >= 0:
        ch = short[s_index].lower()
        if not ch.isalnum():
            s_index -= 1
            continue
        while l_index >= 0 and (text[l_index].lower() != ch or
                                (s_index == 0 and l_index > 0 and text[l_index - 1].isalnum())):
            l_index -= 1
        if l_index < 0:
            return None
        l_index -= 1
        s_index -= 1
    start = text.rfind(" ", 0, l_index + 1) + 1
    long_form = text[start:].strip(" ,;:'\"")
    n_words = len(long_form.split())
    if n_words < 2 and len(short) > 2 or n_words > min(len(short) + 5, len(short) * 2):
        return None
    return long_form


def mine_acronyms(texts: list[str]) -> dict[str, str]:
    """'Regionaal Controleteam Mensenhandel (RCTM)' -> {'RCTM': 'Regionaal Controleteam Mensenhandel'}."""
    found: dict[str, str] = {}
    for text in texts:
        if not BRACKETED.search(text):         # most texts define nothing: skip the flattening too
            continue
        for match in definitions(single_spaced(text)):
            short = match.group(2)
            if not is_acronym(short) or short in found:
                continue
            long_form = long_form_for(short, match.group(1).split())
            if long_form:
                found[short] = long_form
    return found


def single_spaced(text: str) -> str:
    """``SPACES.sub(" ", text)``: every run of white space one space. str.split splits on exactly
    the characters \\s matches, and joining its words is cheaper than a substitution per space."""
    words = text.split()
    if not words:
        return " " if text else ""
    flat = " ".join(words)
    return (" " if text[0].isspace() else "") + flat + (" " if text[-1].isspace() else "")


def definitions(flat: str):
    """The matches of DEFINITION in a text with single spaces, as ``DEFINITION.finditer`` gives them.

    DEFINITION tried at every character is slow (up to ten words read per try), so it is
    only tried just before each '(ABC)': a definition ends at the first bracket after its
    start, and its at most ten words hold at most ten spaces, so it starts after the
    eleventh space before that bracket and after the previous definition.
    """
    end = 0
    for bracket in BRACKETED.finditer(flat):
        if bracket.start() < end:
            continue
        start = bracket.start()
        for _ in range(MAX_WORDS + 1):
            start = flat.rfind(" ", 0, start)
            if start < 0:
                break
        match = DEFINITION.search(flat, max(start + 1, end), bracket.end())
        if match:
            end = match.end()
            yield match


def load_glossary() -> dict[str, str]:
    """The curated glossary (data/glossary.toml)."""
    data = tomllib.loads((DATA_DIR / "glossary.toml").read_text(encoding="utf-8"))
    return dict(data.get("acronyms", {}))


def merged_acronyms(texts: list[str]) -> dict[str, str]:
    """Mined acronyms with the glossary on top (curated wins)."""
    return {**mine_acronyms(texts), **load_glossary()}
