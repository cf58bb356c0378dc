"""Small text helpers shared by several stages."""
from __future__ import annotations

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_LINEBREAK_HYPHEN = re.compile(r"(\w)-\s*\n\s*(\w)")


def fold(text: str) -> str:
    """Lower-case and strip accents (NFKD, drop combining marks): geévalueerd == geëvalueerd."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def squash(text: str) -> str:
    """The eval README's matching form: folded, line-break hyphens joined, only [0-9a-z] kept."""
    joined = _LINEBREAK_HYPHEN.sub(r"\1\2", text)
    return _NON_ALNUM.sub("", fold(joined))


def slugify(text: str, max_length: int = 60) -> str:
    """A URL- and id-safe slug: 'Zorg en veiligheid 2025' -> 'zorg-en-veiligheid-2025'."""
    slug = re.sub(r"[^0-9a-z]+", "-", fold(text)).strip("-")
    return slug[:max_length].rstrip("-") or "sectie"
