"""Dutch text analysis for Whoosh: small composable filters, each a generator with one job.

    DutchTokenizer() | StopFilter() | LowercaseFilter() | FoldFilter() | PossessiveFilter()
        | CompoundFilter(lexicon) | DutchStemFilter()

The same functions serve the index (through the Whoosh analyzer) and the query side
(``analyse_word``), so a query word and a text word meet on one form.
"""
from __future__ import annotations

import math
import re
import threading
from functools import lru_cache
from pathlib import Path

import Stemmer
from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, Token

from .text_utils import fold

DATA_DIR = Path(__file__).parent / "data"
TOKEN_PATTERN = r"[^\W\d_]+(?:'s?)?|\d+(?:[.,]\d+)*"
STOP_WORDS = frozenset(
    line.strip() for line in (DATA_DIR / "stopwords_nl.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
)
# Word endings that are suffixes, not words: never a compound part.
NOT_PARTS = frozenset({"heid", "heden", "lijk", "lijke", "schap", "baar", "loos", "achtig", "zaam", "ingen", "isch",
                       "ische", "tjes", "erij", "teit", "atie", "aties", "ties", "elijk", "igheid", "iging", "ende",
                       "ting", "ning", "ling", "sing", "king", "tie", "ties", "isme", "ist", "isten"})
LINKS = ("", "s", "e", "en")          # Dutch linking morphemes between compound parts
MIN_COMPOUND = 9
MIN_PART = 4
PART_WEIGHT = 0.5       # a compound's part, as indexed, weighs this much of a word written on its own
SPLIT_CACHE = 100_000

# ---------------------------------------------------------------- stemming

# Snowball's original Dutch algorithm ('dutch_porter' since Snowball 3), compiled: the stems of
# NLTK's DutchStemmer (a test pins them equal), about eight times as fast, and without importing
# all of NLTK (a quarter of a second at every start). PyStemmer objects are not thread-safe:
# one per thread.
SNOWBALL_DUTCH = "dutch_porter"
_stemmers = threading.local()


def snowball_stem(word: str) -> str:
    """The plain Snowball Dutch stem of a folded word, as other engines' 'dutch' stemmer gives it."""
    stemmer = getattr(_stemmers, "dutch", None)
    if stemmer is None:
        stemmer = _stemmers.dutch = Stemmer.Stemmer(SNOWBALL_DUTCH, 0)     # 0: stem() below caches
    return stemmer.stemWord(word)


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Snowball Dutch stem of a folded word, with the stemmer's gaps repaired, so that a singular and
    its plural meet (Snowball only knows the plural -en and, after a consonant, -s):

    * plurals in -s of words in -en/-el/-er/-em (wapens), -ie (organisaties), -eau (bureaus) and
      -e (gemeentes, meisjes, procedures, analyses) stem like their singular, except the endings
      of singulars (proces, adres, prinses);
    * a word of one short syllable in n or r and s keeps its s, as its plural in -en does (mens, mensen);
    * a doubled consonant left at the end is single (rollen -> roll -> rol = rol);
    * a double vowel after i in a final syllable is single: sociaal = sociale, financieel = financiële;
    * z/s and v/f alternation at the end: leerhuizen -> leerhuiz -> leerhuis (= leerhuis);
    * -heden and -heid meet: mogelijkheden -> mogelijk (= mogelijkheid).
    """
    if word.isdigit() or len(word) <= 3:
        return word
    if STEM_S.fullmatch(word):
        return stem(word.removesuffix("e") + "en")
    if len(word) >= 6 and PLURAL_S.search(word):
        word = word[:-1]
    result = snowball_stem(word)
    if result.endswith("hed") and len(result) > 6:
        result = result[:-3]
    if len(result) > 3 and DOUBLED_END.search(result):
        result = result[:-1]
    result = DOUBLE_VOWEL_AFTER_I.sub(r"i\1\2", result)
    if result.endswith("z"):
        result = result[:-1] + "s"
    elif result.endswith("v"):
        result = result[:-1] + "f"
    return result


# a plural -s that Snowball keeps (it drops -s only after a consonant, and -s after -en/-el/-er/-em
# leaves it the wrong word). After -ce, -re and -se only where Dutch has no singular ending so:
# -ures, -aires, -ieres (procedures, stagiaires) but not -eres, -ares (zangeres, lerares, adres);
# -ances, -ices, -rces (ambulances, services) but not -oces, -eces (proces, reces); -ses but not
# -nses, -rses, -asses, -isses (analyses, interesses; prinses)
PLURAL_S = re.compile(r"(?:[^aeiou](?:en|el|er|em)|[^clv]ie|eau|[^aeioucrs]e|(?:u|ai|ie)re|[ainr]ce|(?:[^nrs]|es)se)s$")
# one syllable with a short vowel (or eu) before n or r and s, and its -e form: mens, kans, grens,
# beurs, Franse. The s is the word's own, as in its plural in -en; other words' -s is an inflection
STEM_S = re.compile(r"[^aeiouy]{0,3}(?:[aeiou]|eu)[nr]se?")
DOUBLED_END = re.compile(r"([b-df-hj-np-tv-z])\1$")
# Snowball makes a closed syllable's double vowel single after a consonant (regionaal = regionale),
# not after i: sociaal, financieel, materiaal
DOUBLE_VOWEL_AFTER_I = re.compile(r"i([aeou])\1([^aeiou])$")


# ---------------------------------------------------------------- compounds

class Decompounder:
    """Splits Dutch compounds into known parts: mensenhandelmonitor -> mensenhandel + monitor.

    Parts come from a vocabulary (words of the corpus plus a Dutch word list); a split must
    rebuild the whole word from parts of at least MIN_PART letters, optionally glued by a
    linking -s-, -e- or -en-; the split with the fewest parts (then the most frequent parts)
    wins, and suffixes or stop words are never parts.
    """

    def __init__(self, vocabulary: dict[str, int]):
        self.vocabulary = {w: n for w, n in vocabulary.items()
                           if len(w) >= MIN_PART and w not in STOP_WORDS and w not in NOT_PARTS}
        self._splits: dict[str, tuple[str, ...]] = {}     # per instance: freed with its generation

    def split(self, word: str) -> tuple[str, ...]:
        """The parts of a compound, or () when the word is not one."""
        if word not in self._splits:
            if len(self._splits) >= SPLIT_CACHE:
                self._splits.clear()
            self._splits[word] = self._best_split(word)
        return self._splits[word]

    def _best_split(self, word: str) -> tuple[str, ...]:
        if len(word) < MIN_COMPOUND or not word.isalpha():
            return ()
        n = len(word)
        vocabulary = self.vocabulary
        # the last part ends the word: most words have no such part, and need no search for splits
        if not any(word[start:] in vocabulary for start in range(MIN_PART, n - MIN_PART + 1)):
            return ()
        # best[i]: (number of parts, -sum log frequency, parts) for the best split of word[:i]
        best: list[tuple[int, float, tuple[str, ...]] | None] = [None] * (n + 1)
        best[0] = (0, 0.0, ())

        def relax(position: int, candidate: tuple[int, float, tuple[str, ...]]) -> None:
            if best[position] is None or candidate[:2] < best[position][:2]:
                best[position] = candidate

        for start in range(n):
            if best[start] is None:
                continue
            count, weight, parts = best[start]
            for end in range(start + MIN_PART, n + 1 if start else n):   # the whole word is not a part
                part = word[start:end]
                if part not in vocabulary:
                    continue
                candidate = (count + 1, weight - math.log(1 + vocabulary[part]), parts + (part,))
                relax(end, candidate)
                for link in LINKS[1:]:       # a linking -s-, -e- or -en- may follow a part
                    if end + len(link) < n and word.startswith(link, end):
                        relax(end + len(link), candidate)
        result = best[n]
        if result is None or result[0] < 2:
            return ()
        return result[2]


# ---------------------------------------------------------------- Whoosh filters

class StopFilter(Filter):
    """Drops Dutch stop words, but never an all-capitals acronym (OM is not 'om')."""

    def __call__(self, tokens):
        for t in tokens:
            if t.text.lower() in STOP_WORDS and not (t.text.isupper() and len(t.text) >= 2):
                continue
            yield t


class FoldFilter(Filter):
    """Strips accents: geévalueerd and geëvalueerd become geevalueerd."""

    def __call__(self, tokens):
        for t in tokens:
            t.text = fold(t.text)
            yield t


class PossessiveFilter(Filter):
    """boa's -> boa, thema's -> thema (the Dutch apostrophe plural and genitive)."""

    def __call__(self, tokens):
        for t in tokens:
            if "'" in t.text:
                t.text = t.text.split("'")[0]
            if t.text:
                yield t


class UnboundAnalyzer(RuntimeError):
    """An analyzer read back from an index schema was used before its lexicon was bound."""


class CompoundFilter(Filter):
    """Emits a compound's parts at the compound's position, after the whole word.

    The compound vocabulary belongs to a generation's lexicon.json, not to the pickled
    schema: a filter read back from an index keeps only whether splitting was on, and
    refuses to run until ``bind`` gives it the generation's Decompounder again.
    """

    def __init__(self, decompounder: Decompounder | None = None, enabled: bool | None = None):
        self.decompounder = decompounder
        self.enabled = decompounder is not None if enabled is None else enabled

    def __getstate__(self) -> dict:
        return {"decompounder": None, "enabled": self.enabled}

    def bind(self, decompounder: Decompounder) -> None:
        """Give a filter read back from a schema its generation's compound splitter."""
        self.decompounder = decompounder

    def __call__(self, tokens):
        if self.enabled and self.decompounder is None:
            raise UnboundAnalyzer("this index schema's analyzer has no compound splitter; bind it to the "
                                  "generation's lexicon first (indexer.schema.bind_lexicon)")
        for t in tokens:
            parts = self.decompounder.split(t.text) if self.decompounder else ()
            yield t
            if parts:
                whole, boost = t.text, t.boost
                t.boost = boost * PART_WEIGHT      # 'mensen' in 'mensenhandel' counts less than 'mensen'
                for part in parts:
                    t.text = part
                    yield t
                t.text, t.boost = whole, boost


class DutchStemFilter(Filter):
    """Stems with the repaired Snowball Dutch stemmer."""

    def __call__(self, tokens):
        for t in tokens:
            t.text = stem(t.text)
            yield t


class TokenTerms:
    """The index terms of one token, as (text, boost) pairs through an analyzer's filters, remembered.

    No filter looks at a token's neighbours, so a token's terms depend on its text alone: a build
    runs the filters once per distinct token instead of once per occurrence (the same filters,
    about a hundredth of the calls). Made anew whenever the analyzer's compound splitter changes.
    """

    def __init__(self, analyzer):
        self.filters = analyzer.items[1:]
        self.memo: dict[str, tuple[tuple[str, float], ...]] = {}

    def __call__(self, token_text: str) -> tuple[tuple[str, float], ...]:
        terms = self.memo.get(token_text)
        if terms is None:
            token = Token(positions=False, boosts=True, mode="index")
            token.text, token.boost, token.stopped = token_text, 1.0, False
            stream = iter((token,))
            for item in self.filters:
                stream = item(stream)
            terms = self.memo[token_text] = tuple((t.text, t.boost) for t in stream)
        return terms


def dutch_analyzer(decompounder: Decompounder | None = None, stemming: bool = True):
    """The index-time analyzer for Dutch text fields (without stemming only for ablations)."""
    chain = (RegexTokenizer(TOKEN_PATTERN) | StopFilter() | LowercaseFilter() | FoldFilter()
             | PossessiveFilter() | CompoundFilter(decompounder))
    return chain | DutchStemFilter() if stemming else chain


@lru_cache(maxsize=200_000)
def surface_word(token: str) -> str:
    """A token as a word: folded, a possessive 's dropped ("camera's" is "camera")."""
    return fold(token).split("'")[0]


TOKEN = re.compile(TOKEN_PATTERN)
# TOKEN_PATTERN for ASCII text, where [^\W\d_] is [A-Za-z] and \d is [0-9]: the same tokens, found
# without testing each character's Unicode category
ASCII_TOKEN = re.compile(r"[A-Za-z]+(?:'s?)?|[0-9]+(?:[.,][0-9]+)*")


def surface_words(text: str) -> list[str]:
    """Folded words of a text as a person typed them (no stop word removal, no stemming)."""
    tokens = (ASCII_TOKEN if text.isascii() else TOKEN).findall(text)
    return list(filter(None, map(surface_word, tokens)))     # words recur: each folded once


def is_stop_word(token: str) -> bool:
    """A stop word, unless written as an all-capitals acronym."""
    return token.lower() in STOP_WORDS and not (token.isupper() and len(token) >= 2)
