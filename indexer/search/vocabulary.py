"""The search side's curated word lists: the domain thesaurus (data/thesaurus.toml) and the
question words (data/question_words.txt). Both are data staff can edit; they are read when a
generation opens, so a reindex or a restart picks up a change."""
from __future__ import annotations

import logging
import re
import tomllib
from pathlib import Path

from ..analysis import TOKEN_PATTERN, stem, surface_word
from ..text_utils import fold

DATA = Path(__file__).parent / "data"
THESAURUS_FILE = DATA / "thesaurus.toml"
QUESTION_WORDS_FILE = DATA / "question_words.txt"

log = logging.getLogger(__name__)


class VocabularyError(ValueError):
    """A curated word list that cannot be read; the message names the file (Dutch)."""


def entry_words(entry: str) -> tuple[str, ...]:
    """A thesaurus entry as the folded words a query would hold (a possessive 's dropped, as the
    query side drops it: "camera's" is "camera")."""
    return tuple(surface_word(w) for w in re.findall(TOKEN_PATTERN, entry))


def load_thesaurus(path: Path | None = None) -> dict[str, list[str]]:
    """For each single-word entry's stem, the other entries of its groups (as written), in file order.

    A malformed file raises ValueError naming the file: a server should not start with a thesaurus
    it silently ignores.
    """
    path = path or THESAURUS_FILE
    try:
        groups = tomllib.loads(path.read_text(encoding="utf-8"))["groups"]
    except (OSError, KeyError, TypeError, tomllib.TOMLDecodeError) as exc:
        raise VocabularyError(f"{path}: geen geldige thesaurus ({exc})") from exc
    thesaurus: dict[str, list[str]] = {}
    for group in groups:
        if not isinstance(group, list) or not all(isinstance(e, str) and e.strip() for e in group):
            raise VocabularyError(f"{path}: elke groep is een lijst woorden, niet {group!r}")
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


def load_question_words(path: Path | None = None) -> frozenset[str]:
    """The folded question words (comment lines start with #)."""
    path = path or QUESTION_WORDS_FILE
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise VocabularyError(f"{path}: niet te lezen ({exc})") from exc
    return frozenset(fold(line.strip()) for line in lines if line.strip() and not line.startswith("#"))


def check_vocabulary() -> None:
    """Read both lists once: VocabularyError at start-up rather than a server without synonyms."""
    load_thesaurus()
    load_question_words()


def thesaurus_or_empty() -> dict[str, list[str]]:
    """The thesaurus for a generation being opened; a file broken by an edit since start-up turns
    synonyms off (logged) instead of making the new generation unopenable."""
    return or_empty(load_thesaurus, {}, "synoniemen staan uit")


def question_words_or_empty() -> frozenset[str]:
    """The question words for a generation being opened (none, logged, if the file broke)."""
    return or_empty(load_question_words, frozenset(), "vraagwoorden tellen gewoon mee")


def or_empty(load, empty, consequence: str):
    try:
        return load()
    except VocabularyError as exc:
        log.error("%s; %s tot het bestand hersteld is", exc, consequence)
        return empty
