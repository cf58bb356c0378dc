"""Bytes of a text file to text: encodings seen in the wild, and binary files refused."""
from __future__ import annotations

import codecs
import re

BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
FALLBACKS = ("utf-8", "cp1252")
MIN_TEXT_SHARE = 0.85      # of non-space characters: letters, digits and ordinary punctuation
SAMPLE = 64 * 1024
STRAY_NULS = 0.001         # a text may hold a few NUL bytes and this share more; binary files hold many more


def utf16_without_bom(sample: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' for UTF-16 text without a byte order mark (mostly Latin text: a
    NUL in nearly every second byte, on one side), else None."""
    pairs = len(sample) // 2
    if pairs < 8:
        return None
    even, odd = sample[0:2 * pairs:2].count(0), sample[1:2 * pairs:2].count(0)
    if odd >= 0.4 * pairs and even <= 0.02 * pairs:
        return "utf-16-le"
    if even >= 0.4 * pairs and odd <= 0.02 * pairs:
        return "utf-16-be"
    return None


class NotText(ValueError):
    """The bytes are not text in an encoding we read; the message is the reason (Dutch)."""


def decode_text(raw: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16/32 with BOM, else cp1252; binary data raises NotText."""
    for bom, encoding in BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError:
                raise NotText(f"ongeldige {encoding.upper()}-tekst") from None
    nuls = raw[:SAMPLE].count(0)
    if nuls:
        encoding = utf16_without_bom(raw[:SAMPLE])
        if encoding:
            try:
                text = raw.decode(encoding)
            except UnicodeDecodeError:
                raise NotText(f"ongeldige {encoding.upper()}-tekst") from None
            if looks_like_text(text[:SAMPLE]):
                return text
        if nuls > 4 + STRAY_NULS * min(len(raw), SAMPLE):
            raise NotText("binair bestand, geen tekst")
        raw = raw.replace(b"\x00", b"")         # a few stray NULs (a broken export): the text around them counts
    for encoding in FALLBACKS:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if looks_like_text(text[:SAMPLE]):
            return text
    raise NotText("binair bestand, geen tekst")


# Every character is a space, ordinary (a letter, a digit, printable ASCII or a typographic mark)
# or odd; the odd ones are few, so they are counted rather than the ordinary ones. Written X X*
# rather than X+ so that the pattern starts with a character set, which the regex engine then
# skips to in one tight loop instead of trying a match at every character.
ODD = re.compile(r"[^!-~\s\w€–—‘’“”…•][^!-~\s\w€–—‘’“”…•]*")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")      # control characters but tab, newlines, form feed


def looks_like_text(sample: str) -> bool:
    """Mostly letters, digits and punctuation: random bytes decoded as cp1252 are not."""
    odd = sum(map(len, ODD.findall(sample)))
    if not odd:                    # most texts: all visible characters are ordinary, however many there are
        return not sample or sample.isspace() or CONTROL.search(sample) is None
    visible = sum(map(len, sample.split()))         # str.split splits on exactly the characters \s matches
    if not visible:
        return True
    return (visible - odd) / visible >= MIN_TEXT_SHARE and CONTROL.search(sample) is None
