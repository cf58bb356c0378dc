"""Small text helpers shared by several stages."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_LINEBREAK_HYPHEN = re.compile(r"(\w)-\s*\n\s*(\w)")


# the Unicode blocks of combining marks (diacritics); a regex is ~20x faster than a test per character
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


# characters that show nothing but split a word for a tokenizer: soft hyphen, zero-width space,
# joiners and direction marks, word joiner, byte order mark (Unicode's format characters, Cf)
INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]")


def visible(text: str) -> str:
    """Text as it reads: composed (NFC: 'e' and a combining diaeresis are one 'ë') and without
    invisible characters, so a word pasted from a PDF or a Mac is the word typed elsewhere."""
    return INVISIBLE.sub("", unicodedata.normalize("NFC", text))


def fold(text: str) -> str:
    """Lower-case and strip accents (NFKD, drop combining marks): geévalueerd == geëvalueerd."""
    return _fold_long(text) if LONG_TEXT <= len(text) <= LONGEST_REMEMBERED else _fold(text)


def _fold(text: str) -> str:
    """``fold`` itself, uncached."""
    lowered = text.lower()
    if lowered.isascii():
        return lowered
    return _COMBINING.sub("", unicodedata.normalize("NFKD", lowered))


# A document's text is folded more than once (for its theme, then for its shingle sample) with its
# sections' texts in between: the last few long texts are remembered. Short ones (words,
# headings) are folded again, which is cheaper than hashing them for a look-up, and so are
# very long ones, which would hold too much memory.
LONG_TEXT = 2000
LONGEST_REMEMBERED = 200_000
_fold_long = lru_cache(maxsize=16)(_fold)


def squash(text: str) -> str:
    """The eval README's matching form: folded, line-break hyphens joined, only [0-9a-z] kept."""
    joined = _LINEBREAK_HYPHEN.sub(r"\1\2", text)
    return _NON_ALNUM.sub("", fold(joined))


def slugify(text: str, max_length: int = 60) -> str:
    """A URL- and id-safe slug: 'Zorg en veiligheid 2025' -> 'zorg-en-veiligheid-2025'."""
    slug = re.sub(r"[^0-9a-z]+", "-", fold(text)).strip("-")
    return slug[:max_length].rstrip("-") or "sectie"
