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
    documents = data.get("document", [])
    if not isinstance(documents, list) or not all(isinstance(entry, dict) for entry in documents):
        line = next((i for i, text in enumerate(source.split("\n"), 1) if re.match(r"\s*\[?\s*document\b", text)), 1)
        raise ManifestError(f"{path}, line {line}: 'document' must be a list of entries, each headed "
                            f"[[document]] (double brackets). Expected: {EXPECTED}.")
    for number, entry in enumerate(documents, 1):
        problem, key = entry_problem(entry)
        if problem:
            line = line_of(source, number, key)
            raise ManifestError(f"{path}, line {line}: document {number}: {problem}. Expected: {EXPECTED}.")
        if entry["file"] in entries or entry.get("id") in ids:
            line = line_of(source, number, "file" if entry["file"] in entries else "id")
            raise ManifestError(f"{path}, line {line}: document {number}: file or id used twice "
                                f"('{entry['file']}'). Expected: one entry per file, unique ids.")
        entries[entry["file"]] = entry
        if entry.get("id"):
            ids[entry["id"]] = entry["file"]
    unknown = sorted(set(data) - {"document"})
    if unknown:
        raise ManifestError(f"{path}: unknown table(s) {', '.join(unknown)}. Expected: {EXPECTED}.")
    return entries


def entry_problem(entry: dict) -> tuple[str, str]:
    """What is wrong with one [[document]] entry, and the key it is wrong in ('' for the entry); ('', '') if fine."""
    if "file" not in entry:
        return "'file' is missing", ""
    for key, value in entry.items():
        if key not in FIELDS:
            return f"unknown key '{key}' (known: {', '.join(FIELDS)})", key
        if not isinstance(value, FIELDS[key]):
            return f"'{key}' must be a {FIELDS[key].__name__}, not {value!r}", key
        control = CONTROL_CHARACTER.search(value) if isinstance(value, str) else None
        if control:
            return f"'{key}' holds the control character {control.group()!r} (one line of text expected)", key
    if "kind" in entry and entry["kind"] not in TYPES:
        return f"kind '{entry['kind']}' is not one of {', '.join(TYPES)}", "kind"
    if "years" in entry and not all(isinstance(y, int) and 1900 <= y <= 2100 for y in entry["years"]):
        return f"years must be a list of years such as [2024, 2025], not {entry['years']!r}", "years"
    if "id" in entry and not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", entry["id"]):
        return f"id '{entry['id']}' may hold only a-z, 0-9 and single hyphens", "id"
    return "", ""


# TOML's escapes (\u0001, \n) let through what no title, name or address holds, and XML cannot carry
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")
DOCUMENT_HEADER = re.compile(r"\s*\[\[\s*document\s*\]\]")


def line_of(source: str, number: int, key: str = "") -> int:
    """The line of ``key = ...`` in the number-th [[document]] entry (else of the entry's header)."""
    lines = source.split("\n")
    headers = [i for i, line in enumerate(lines, 1) if DOCUMENT_HEADER.match(line)]
    if number > len(headers):
        return 1
    start = headers[number - 1]
    end = headers[number] if number < len(headers) else len(lines) + 1
    if key:
        for i in range(start + 1, end):
            if re.match(rf"\s*[\"']?{re.escape(key)}[\"']?\s*=", lines[i - 1]):
                return i
    return start
