"""The corpus manifest: per-document metadata that staff edit (corpus/manifest.toml).

A document without an entry is still indexed, with metadata inferred from its text.
"""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

from .records import DocumentMeta
from ..text_utils import slugify

SUPPORTED_SUFFIXES = {".txt", ".md", ".html", ".htm", ".pdf"}
DEFAULT_ORGANISATION = "VeiligheidsAlliantie regio Rotterdam"
KNOWN_ORGANISATIONS = {
    "veiligheidscoalitie midden-nederland": "Veiligheidscoalitie Midden-Nederland",
    "veiligheidsalliantie": "VeiligheidsAlliantie regio Rotterdam",
}


def load_manifest(corpus_dir: Path) -> dict[str, dict]:
    """Read manifest.toml entries keyed by file name; an absent manifest means no entries."""
    path = corpus_dir / "manifest.toml"
    if not path.exists():
        return {}
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {entry["file"]: entry for entry in data.get("document", [])}


def corpus_files(corpus_dir: Path) -> list[Path]:
    """Every document file in the corpus directory, in a stable order."""
    return sorted(p for p in corpus_dir.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES)


def document_meta(path: Path, corpus_dir: Path, entry: dict | None, sample_text: str) -> DocumentMeta:
    """Metadata for one file: the manifest entry where there is one, else inferred from the text."""
    entry = entry or {}
    title = entry.get("title") or infer_title(sample_text, path)
    years = tuple(entry.get("years") or infer_years(title + "\n" + sample_text[:3000]))
    return DocumentMeta(
        doc_id=entry.get("id") or slugify(title, 50),
        path=str(path.relative_to(corpus_dir)),
        title=title,
        organisation=entry.get("organisation") or infer_organisation(sample_text),
        kind=entry.get("kind") or infer_kind(title),
        years=years,
        url=entry.get("url", ""),
    )


def infer_title(text: str, path: Path) -> str:
    """The first substantial line, else the file name."""
    for line in text.splitlines():
        line = line.strip().lstrip("#").strip()
        if 4 <= len(line) <= 120 and re.search(r"[A-Za-z]{3}", line):
            return line
    return path.stem.replace("_", " ")


def infer_years(text: str) -> list[int]:
    """Report years named near the start: 'Jaarverslag 2021 / Jaarplan 2022' -> [2021, 2022]."""
    years = sorted({int(y) for y in re.findall(r"\b(20[0-4]\d|19[89]\d)\b", text)})
    counts = {y: text.count(str(y)) for y in years}
    top = sorted(sorted(counts, key=counts.get, reverse=True)[:2])
    return top[:2]


def infer_organisation(text: str) -> str:
    """The partnership that most often names itself in the text."""
    folded = text.lower()
    best = max(KNOWN_ORGANISATIONS, key=folded.count)
    return KNOWN_ORGANISATIONS[best] if folded.count(best) else DEFAULT_ORGANISATION


def infer_kind(title: str) -> str:
    """Document type from its title."""
    folded = title.lower()
    for kind in ("handreiking", "factsheet", "nieuws", "rapport", "jaarplan", "jaarverslag", "actieagenda"):
        if kind in folded:
            return "jaarverslag" if kind in ("jaarplan", "actieagenda") else kind
    return "overig"
