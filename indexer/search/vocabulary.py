"""The search side's curated word lists: the domain thesaurus (data/thesaurus.toml) and the
question words (data/question_words.txt). Both are data staff can edit; they are read when a
generation opens, so a reindex or a restart picks up a change."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

from ..analysis import TOKEN_PATTERN, stem
from ..text_utils import fold

DATA = Path(__file__).parent / "data"
THESAURUS_FILE = DATA / "thesaurus.toml"
QUESTION_WORDS_FILE = DATA / "question_words.txt"


def entry_words(entry: str) -> tuple[str, ...]:
    """A thesaurus entry as the folded words a query would hold."""
    return tuple(fold(w) for w in re.findall(TOKEN_PATTERN, entry))


def load_thesaurus(path: Path = THESAURUS_FILE) -> dict[str, list[str]]:
    """For each single-word entry's stem, the other entries of its groups (as written), in file order.

    A malformed file raises ValueError naming the file: a server should not start with a thesaurus
    it silently ignores.
    """
    try:
        groups = tomllib.loads(path.read_text(encoding="utf-8"))["groups"]
    except (OSError, KeyError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"{path}: geen geldige thesaurus ({exc})") from exc
    thesaurus: dict[str, list[str]] = {}
    for group in groups:
        if not isinstance(group, list) or not all(isinstance(e, str) and e.strip() for e in group):
            raise ValueError(f"{path}: elke groep is een lijst woorden, niet {group!r}")
        for entry in group:
            words = entry_words(entry)
            if len(words) != 1:
                continue
            others = thesaurus.setdefault(stem(words[0]), [])
            seen = {stem(words[0])} | {stem_of(e) for e in others}
            for other in group:             # one entry per stem: 'inbraak' and 'inbraken' search the same
                if stem_of(other) not in seen:
                    seen.add(stem_of(other))
                    others.append(other)
    return thesaurus


def stem_of(entry: str) -> str:
    return " ".join(stem(w) for w in entry_words(entry))


def load_question_words(path: Path = QUESTION_WORDS_FILE) -> frozenset[str]:
    """The folded question words (comment lines start with #)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(fold(line.strip()) for line in lines if line.strip() and not line.startswith("#"))
