"""Stage 1, extract: read a corpus file into Markdown-like text plus its own title evidence.

Every format becomes the same shape: `#` headings, `- ` list items, `[text](url)` links,
form feeds between PDF pages. Each reader also returns the title the format itself
declares (HTML og:title/<title>/h1, Markdown front matter or first heading, PDF metadata),
so no later stage has to guess a title from the first line of text.

Any failure of a parser on one file is that file's problem: it raises ExtractionError
with a reason for people, and the build goes on without the file.
"""
from __future__ import annotations

import re
import signal
import threading
import zipfile
from contextlib import contextmanager
from pathlib import Path

from .corpus import CorpusFile, Limits
from .decode import NotText, decode_text
from .docx import docx_text
from .markup import markdown_title, read_html_page, tidy_markdown
from .pdf import pdf_layout_text
from .records import Extraction

MIN_TEXT_CHARS = 20


class ExtractionError(Exception):
    """A document that cannot be read; the message is the reason shown in the index report."""


def read_text_file(path: Path) -> str:
    """Decode a text file (UTF-8, UTF-16 with BOM, cp1252); binary files raise ExtractionError."""
    try:
        return decode_text(path.read_bytes())
    except NotText as exc:
        raise ExtractionError(str(exc)) from None


def read_markdown(path: Path) -> Extraction:
    text = tidy_markdown(read_text_file(path))
    return Extraction(text, markdown_title(text))


def read_html(path: Path) -> Extraction:
    return read_html_page(read_text_file(path))


def read_plain(path: Path) -> Extraction:
    return Extraction(read_text_file(path))


def read_pdf(path: Path) -> Extraction:
    """Text of a PDF in reading order with headings from type size (one form feed between pages),
    titled by its metadata, else by the largest text on its first page."""
    try:
        text, largest = pdf_layout_text(path)
    except TimeLimit:
        raise
    except Exception as exc:  # noqa: BLE001 - any parser failure (PSEOF, PDFSyntaxError, ...) skips this file
        raise ExtractionError(f"PDF onleesbaar: {type(exc).__name__} {exc}".strip()) from exc
    return Extraction(text, pdf_title(path) or largest)


def pdf_title(path: Path) -> str:
    """The Title of a PDF's document information, when it is a real title (not a file name)."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser
    from pdfminer.utils import decode_text as pdf_string

    try:
        with path.open("rb") as handle:
            info = PDFDocument(PDFParser(handle)).info
    except Exception:  # noqa: BLE001 - metadata is optional; the text was readable
        return ""
    raw = next((entry.get("Title") for entry in info if entry.get("Title")), b"")
    title = pdf_string(raw) if isinstance(raw, bytes) else str(raw)
    title = re.sub(r"\s+", " ", title).strip()
    if not re.search(r"[A-Za-zÀ-ÿ]{3}", title) or re.search(r"\.(docx?|pdf|indd|odt)$|^microsoft|^untitled", title, re.I):
        return ""
    return title


def read_docx(path: Path) -> Extraction:
    """A Word document's text with its heading styles as headings, and its title."""
    try:
        text, title = docx_text(path)
    except TimeLimit:
        raise
    except Exception as exc:  # noqa: BLE001 - any parser failure (a broken zip, bad XML) skips this file
        raise ExtractionError(f"Word-document onleesbaar: {type(exc).__name__} {exc}".strip()) from exc
    return Extraction(text, title)


READERS = {".pdf": read_pdf, ".docx": read_docx, ".html": read_html, ".htm": read_html, ".md": read_markdown,
           ".markdown": read_markdown, ".txt": read_plain}


def extract(file: CorpusFile, limits: Limits) -> Extraction:
    """Read one corpus file within the limits; raises ExtractionError with a reason for people."""
    if file.size > limits.max_bytes:
        raise ExtractionError(f"te groot ({megabytes(file.size)} MB; maximaal {megabytes(limits.max_bytes)} MB)")
    unpacked = unpacked_size(file.path) if file.path.suffix.lower() in PACKED else 0
    if unpacked > limits.max_bytes:       # a zip bomb: a small file whose parts fill the memory when read
        raise ExtractionError(f"uitgepakt te groot ({megabytes(unpacked)} MB; maximaal "
                              f"{megabytes(limits.max_bytes)} MB)")
    with time_limit(limits.max_seconds):
        extraction = READERS[file.path.suffix.lower()](file.path)
    if len(extraction.text.strip()) < MIN_TEXT_CHARS:
        raise ExtractionError("geen tekst gevonden")
    return extraction


PACKED = {".docx"}         # formats that are zip archives: their parts are read unpacked


def unpacked_size(path: Path) -> int:
    """The bytes a zip archive's parts take unpacked, as its directory declares them (a reader
    stops at the declared size); 0 for a file that is no zip (its reader says why)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return 0


def megabytes(size: int) -> str:
    """A size in MB as --max-file-mb takes it (MB of 1024 * 1024 bytes): '0.01', '0.0488', '50', '1234'."""
    value = size / (1024 * 1024)
    return f"{value:.0f}" if value >= 100 else f"{value:.3g}"


def extract_text(path: Path) -> str:
    """The text of one file, for tools and tests that need no title (no limits)."""
    return READERS[path.suffix.lower()](path).text


class TimeLimit(ExtractionError):
    pass


@contextmanager
def time_limit(seconds: float):
    """Interrupt a parser that runs longer than ``seconds`` (only in the main thread, where signals work)."""
    if threading.current_thread() is not threading.main_thread() or seconds <= 0:
        yield
        return

    def expire(signum, frame):
        raise TimeLimit(f"lezen duurde te lang (meer dan {seconds:.0f} s)")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
