"""What a document is, from the manifest where staff said so, else from the document itself.

Title: the format's own title (HTML, Markdown, PDF metadata), else the first line that can
be a title (never an HTML line, a dateline or a long formula), else the file name.
Years: years in the title, else dates on the first page, else the years the first page
names most. Type: words of the title from a table. Organisation: its own words.
"""
from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path

from ..text_utils import fold
from .corpus import CorpusFile, document_id
from .records import DocumentMeta, Extraction

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
FIRST_PAGE = 3000
MAX_TITLE = 160
YEAR = r"(?:19\d\d|20[0-4]\d)"          # in a title or a written date
BARE_YEAR = r"(?:19[89]\d|20[0-4]\d)"    # a bare number counts as a year only in a recent range
POSTCODE_LETTERS = r"\s?[A-Z]{2}\b"       # after four digits: a Dutch postcode ('2015 CN Haarlem')
# ... and not as the digits of a postcode
BARE_YEARS = re.compile(rf"\b({BARE_YEAR})\b(?!{POSTCODE_LETTERS})")
MONTHS = ("januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|"
          "jan|feb|mrt|apr|jun|jul|aug|sep|sept|okt|nov|dec")
DATE = re.compile(rf"\b\d{{1,2}}\s+(?:{MONTHS})\.?\s+({YEAR})\b|\b({YEAR})-\d\d-\d\d\b|\b\d{{1,2}}-\d{{1,2}}-({YEAR})\b",
                  re.IGNORECASE)
DATELINE = re.compile(rf"^(?:\w+\s*[·|:–-]\s*)?(?:\w+dag\s+)?\d{{1,2}}\s+(?:{MONTHS})\.?\s+{YEAR}$", re.IGNORECASE)
# Words in a title that say what kind of document it is; the first that matches decides.
KINDS = (
    ("handreiking", r"handreiking|handleiding|stappenplan|werkwijzer|toolkit|leidraad"),
    ("factsheet", r"factsheet|feitenblad|infographic"),
    ("nieuws", r"nieuws|persbericht|nieuwsbrief"),
    ("vergaderstuk", r"raadsvoorstel|raadsinformatiebrief|raadsbrief|collegebesluit|agenda|notulen|besluitenlijst"
                     r"|verslag van de vergadering|commissievergadering"),
    ("regelgeving", r"^(?:wet|besluit|regeling|tijdelijke regeling|richtlijn|aanwijzing|circulaire|verordening"
                    r"|beleidsregel|beleidsregels|instellingsbesluit|instellingsregeling|reglement)\b"
                    r"|\bwet van \d|\bbesluit van \d|\bregeling van\b"),
    ("jaarverslag", r"jaarverslag|jaarplan|actieagenda|jaarrapportage"),
    ("rapport", r"rapport|monitor|onderzoek|evaluatie|analyse|beeld\b"),
)


# a line or title part that is only an organisation's name (a letterhead, a site's name): a kind of
# public body, then its name's capitalised words ('Gemeente Capelle aan den IJssel')
NAME_LINKS = ("en", "van", "de", "der", "den", "aan", "op", "in", "'s")     # the small words inside a name
ORGANISATION_NAME = re.compile(r"(?:Gemeente|Provincie|Politie|Veiligheidsregio|Waterschap|GGD|Ggd|Rijksoverheid|"
                               r"Openbaar Ministerie|Ministerie van)"
                               rf"(?:\s+(?:(?:{'|'.join(NAME_LINKS)})\s+)*[A-ZÀ-Ý][\w'.-]*){{0,5}}")


# a letterhead's address: 'Postbus 9029', '6800 EL  Arnhem'
ADDRESS_LINE = re.compile(rf"(?:[Pp]ostbus \d+|\d{{4}}{POSTCODE_LETTERS})")


def is_organisation_name(line: str) -> bool:
    """Is this line only an organisation's name ('Gemeente Utrecht', 'GEMEENTE ARNHEM')?"""
    return ORGANISATION_NAME.fullmatch(line.title() if line.isupper() else line) is not None


def document_meta(file: CorpusFile, entry: dict | None, extraction: Extraction) -> DocumentMeta:
    """Metadata for one file: the manifest entry where it says something, else inferred."""
    entry = entry or {}
    title = entry.get("title") or infer_title(extraction, file.path)
    first_page = extraction.text[:FIRST_PAGE]
    return DocumentMeta(
        doc_id=entry.get("id") or document_id(file.name),
        path=file.name,
        title=title,
        organisation=entry.get("organisation") or infer_organisation(first_page, extraction.publisher),
        kind=entry.get("kind") or infer_kind(title),
        years=tuple(entry.get("years") or infer_years(title, first_page, extraction.year, file.path.stem)),
        url=entry.get("url", ""),
    )


def infer_title(extraction: Extraction, path: Path) -> str:
    """The format's own title, else the first line that can be a title, else the file name."""
    if extraction.title and len(extraction.title) <= MAX_TITLE * 2:
        return shorten(extraction.title)
    for line in extraction.text.splitlines():
        line = line.strip().lstrip("#").strip()
        if could_be_title(line):
            return shorten(line)
    return file_title(path)


def could_be_title(line: str) -> bool:
    """Can this line of text be a document's title (not a dateline, list item, clause or letterhead)?"""
    return (4 <= len(line) <= MAX_TITLE and re.search(r"[A-Za-zÀ-ÿ]{3}", line) is not None
            and not line.startswith("<") and not DATELINE.match(line) and not line.startswith("- ")
            and not is_clause(line) and not is_organisation_name(line)
            and not ADDRESS_LINE.match(line))


def is_clause(line: str) -> bool:
    """A line that reads as part of a sentence (a formula, an address list), not as a title:
    it ends as a sentence continues, or strings three or more clauses together with commas."""
    return re.search(r"[,;:]$", line) is not None or line.count(",") >= 3


def shorten(title: str) -> str:
    """A title of at most MAX_TITLE characters, cut at a word."""
    title = re.sub(r"\s+", " ", title).strip()
    if len(title) <= MAX_TITLE:
        return title
    return title[:MAX_TITLE].rsplit(" ", 1)[0].rstrip(",;:") + " …"


def file_title(path: Path) -> str:
    """A title from a file name: 'handreiking_woonoverlast-2024' -> 'Handreiking woonoverlast 2024'."""
    stem = path.stem if path.stem.lower() not in ("index", "readme") else path.parent.name or path.stem
    words = re.sub(r"[_\-.+]+", " ", stem).strip()
    return words[:1].upper() + words[1:] if words else path.name


def infer_years(title: str, first_page: str, declared: int | None = None, file_name: str = "") -> list[int]:
    """Years in the title; else the year the format declares (a page's publication date); else
    the years in the file's name ('jaarverslag-2019'); else the years of dates on the first page;
    else the two years the first page names most."""
    named = years_named(title) or ([declared] if declared else []) or years_named(file_name)
    if named:
        return named
    dated = [int(next(g for g in m.groups() if g)) for m in DATE.finditer(first_page)]
    if dated:
        return [max(set(dated), key=dated.count)]
    years = sorted(set(bare_years(first_page)))
    counts = {y: first_page.count(str(y)) for y in years}
    return sorted(sorted(counts, key=counts.get, reverse=True)[:2])


def years_named(name: str) -> list[int]:
    """The first two years a title or file name holds, not as digits of a longer number or word."""
    return sorted({int(year) for year in re.findall(rf"(?<![^\W_]){YEAR}(?![^\W_])", name)})[:2]


def bare_years(text: str) -> list[int]:
    """The numbers in a text that may be years (a recent range, no postcodes), in order."""
    return [int(year) for year in BARE_YEARS.findall(text)]


def infer_kind(title: str) -> str:
    """Document type from the words of its title (see KINDS), else 'overig'."""
    folded = fold(title)
    return next((kind for kind, pattern in KINDS if re.search(pattern, folded)), "overig")


@lru_cache(maxsize=1)
def organisation_table() -> tuple[str, tuple[tuple[str, tuple[str, ...]], ...]]:
    data = tomllib.loads((DATA_DIR / "organisations.toml").read_text(encoding="utf-8"))
    return data["default"], tuple((o["label"], tuple(o["phrases"])) for o in data["organisation"])


def infer_organisation(first_page: str, publisher: str = "") -> str:
    """The publisher the format declares (a known organisation's label where its phrases match),
    else the organisation whose phrases the first page uses most, else the corpus default."""
    default, table = organisation_table()
    if publisher:
        known = next((label for label, phrases in table
                      if any(fold(p) in fold(publisher) for p in phrases) or fold(label) == fold(publisher)), None)
        return known or publisher
    folded = fold(first_page)
    counts = {label: sum(folded.count(fold(p)) for p in phrases) for label, phrases in table}
    best = max(counts, key=counts.get)
    return best if counts[best] else letterhead(first_page) or default


def letterhead(first_page: str) -> str:
    """The organisation a document's first lines name on a line of their own ('GEMEENTE ARNHEM' is
    'Gemeente Arnhem'), or ''."""
    for line in first_page.splitlines()[:LETTERHEAD_LINES]:
        line = re.sub(r"\s+", " ", line.strip().lstrip("#").strip())
        if " " in line and is_organisation_name(line):
            return " ".join(map(name_case, line.split())) if line.isupper() else line
    return ""


def name_case(word: str) -> str:
    """A word of a name written in capitals as a name is written: 'ARNHEM' is 'Arnhem', 'AAN' is 'aan',
    'IJSSEL' is 'IJssel', and an abbreviation ('GGD') stays."""
    if word.lower() in NAME_LINKS:
        return word.lower()
    if len(word) <= 3:
        return word
    return "IJ" + word[2:].lower() if word.startswith("IJ") else word.capitalize()


LETTERHEAD_LINES = 8
