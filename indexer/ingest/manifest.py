"""The corpus manifest: per-document metadata that staff edit (corpus/manifest.toml).

A document without an entry is still indexed, with metadata inferred from the document.
A broken manifest stops the build with a message naming the file, the line, what is
wrong and what is expected: staff fix it and run again.
"""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

from ..facets import TYPES
from .corpus import MANIFEST_FILE

FIELDS = {"file": str, "id": str, "title": str, "organisation": str, "kind": str, "years": list, "url": str}
EXPECTED = ("[[document]] entries with file = \"name in the corpus\" and optionally "
            "id, title, organisation, kind, years = [2024, 2025], url")


class ManifestError(ValueError):
    """What is wrong with manifest.toml, for the person who edits it."""


def load_manifest(corpus_dir: Path) -> dict[str, dict]:
    """Manifest entries keyed by file name (relative to the corpus); no manifest means no entries."""
    path = corpus_dir / MANIFEST_FILE
    if not path.exists():
        return {}
    source = path.read_text(encoding="utf-8", errors="replace")
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError(f"{path}: {exc}. Expected TOML: {EXPECTED}.") from None
    entries: dict[str, dict] = {}
    ids: dict[str, str] = {}
    for number, entry in enumerate(data.get("document", []), 1):
        problem = entry_problem(entry)
        if problem:
            line = line_of(source, entry, number)
            raise ManifestError(f"{path}, line {line}: document {number}: {problem}. Expected: {EXPECTED}.")
        if entry["file"] in entries or entry.get("id") in ids:
            line = line_of(source, entry, number)
            raise ManifestError(f"{path}, line {line}: document {number}: file or id used twice "
                                f"('{entry['file']}'). Expected: one entry per file, unique ids.")
        entries[entry["file"]] = entry
        if entry.get("id"):
            ids[entry["id"]] = entry["file"]
    unknown = sorted(set(data) - {"document"})
    if unknown:
        raise ManifestError(f"{path}: unknown table(s) {', '.join(unknown)}. Expected: {EXPECTED}.")
    return entries


def entry_problem(entry: dict) -> str:
    """What is wrong with one [[document]] entry, or ''."""
    if "file" not in entry:
        return "'file' is missing"
    for key, value in entry.items():
        if key not in FIELDS:
            return f"unknown key '{key}' (known: {', '.join(FIELDS)})"
        if not isinstance(value, FIELDS[key]):
            return f"'{key}' must be a {FIELDS[key].__name__}, not {value!r}"
    if "kind" in entry and entry["kind"] not in TYPES:
        return f"kind '{entry['kind']}' is not one of {', '.join(TYPES)}"
    if "years" in entry and not all(isinstance(y, int) and 1900 <= y <= 2100 for y in entry["years"]):
        return f"years must be a list of years such as [2024, 2025], not {entry['years']!r}"
    if "id" in entry and not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", entry["id"]):
        return f"id '{entry['id']}' may hold only a-z, 0-9 and single hyphens"
    return ""


def line_of(source: str, entry: dict, number: int) -> int:
    """The line of the entry's file = ... in the manifest (else of its [[document]] header)."""
    lines = source.split("\n")
    if "file" in entry:
        for i, line in enumerate(lines, 1):
            if re.match(r"\s*file\s*=", line) and entry["file"] in line:
                return i
    headers = [i for i, line in enumerate(lines, 1) if line.strip() == "[[document]]"]
    return headers[number - 1] if number <= len(headers) else 1
