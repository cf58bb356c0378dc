"""`kennisbank reindex`: fetch what was published (optional), then an incremental build.

Run by staff from a shell, and by the publish hook as a child process that reports into a
job file. Progress goes to a terminal as a bar, to a log as plain lines, and to the job
file as figures. Exit codes: 0 done, 1 refused (another build, or too much would be lost),
the manifest is broken or the disk is full (the live index stays as it was), 2 bad arguments;
a bug raises, so the exit code is not 0.
"""
from __future__ import annotations

import argparse
import errno
import os
from contextlib import contextmanager
import sys
import time
from pathlib import Path

from .jobs import JobFile

PLAIN_EVERY_SECONDS = 5.0
# a full disk, a full quota, or a file-size limit (RLIMIT_FSIZE): no bug, the machine needs room
DISK_FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)


class Progress:
    """Files done out of all: a bar in a terminal, a plain line every few seconds in a log, figures in the job."""

    def __init__(self, job: JobFile | None, stream=sys.stderr):
        self.job = job
        self.stream = stream
        self.tty = stream.isatty()
        self.last_line = self.last_job = 0.0

    def __call__(self, done: int, total: int, name: str) -> None:
        now = time.monotonic()
        if self.tty:
            filled = int(30 * done / max(1, total))
            self.stream.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done}/{total} bestanden")
            if done == total:
                self.stream.write("\n")
            self.stream.flush()
        elif done == total or now - self.last_line >= PLAIN_EVERY_SECONDS:
            print(f"{done}/{total} bestanden gelezen ({name})", file=self.stream, flush=True)
            self.last_line = now
        if self.job and (done == total or now - self.last_job >= 1.0):
            self.job.update(phase="indexeren", done=done, total=total)
            self.last_job = now


def run_reindex(args: argparse.Namespace) -> int:
    """Crawl (when asked), then reindex incrementally; report into the job file when there is one."""
    job = JobFile(args.job_file) if args.job_file else None
    if job:
        job.update(pid=os.getpid(), state="bezig", phase="wachten op een lopende indexering")
    try:
        with one_reindex_at_a_time(Path(args.index), args.wait):
            crawl_summary = crawl_first(args, job)
            report = build(args, Progress(job))
    except Refusal as exc:
        print(f"error: {exc}", file=sys.stderr)
        if job:
            job.update(state="geweigerd", error=str(exc))
        return 1
    except BaseException as exc:
        full = disk_full(exc)
        if job:
            try:
                job.update(state="mislukt", error=full or f"{type(exc).__name__}: {exc}")
            except OSError:
                if not full:        # on a full disk the job file may not be writable either; the
                    raise           # server then reports the job as stopped unexpectedly
        if full:
            print(f"error: {full}", file=sys.stderr)
            return 1
        raise
    outcome = {"added": report.added, "changed": report.changed, "removed": report.removed,
               "skipped": [list(item) for item in report.skipped], "documents": report.documents,
               "sections": report.sections, "reused_files": report.reused_files, "seconds": round(report.seconds, 2)}
    if job:
        job.update(state="klaar", phase="klaar", crawl=crawl_summary, **outcome)
    print_outcome(outcome, crawl_summary)
    return 0


def disk_full(exc: BaseException) -> str | None:
    """The Dutch message for a reindex stopped by a full disk (or a file-size limit), else None."""
    if not (isinstance(exc, OSError) and exc.errno in DISK_FULL):
        return None
    what = "een bestand werd groter dan toegestaan" if exc.errno == errno.EFBIG else "de schijf is vol"
    where = f" bij het schrijven van {exc.filename}" if exc.filename else ""
    return (f"{what}{where} ({exc.strerror}): de indexering is afgebroken en de vorige index "
            f"blijft in gebruik. Maak ruimte vrij en start de indexering opnieuw.")


class Refusal(Exception):
    """A reindex that must not go ahead; the message says why (Dutch)."""


@contextmanager
def one_reindex_at_a_time(index: Path, wait_seconds: float):
    """Crawl and build of one reindex together, one reindex at a time: a second publish waits
    (up to ``wait_seconds``) instead of crawling into the corpus while the first one reads it."""
    from indexer.ingest.generations import BuildRefused, build_lock

    index = index.absolute()
    index.parent.mkdir(parents=True, exist_ok=True)
    try:
        with build_lock(index.with_name(index.name + ".reindex"), wait_seconds):
            yield
    except BuildRefused as exc:
        raise Refusal(str(exc).replace(".reindex", "")) from None


def crawl_first(args: argparse.Namespace, job: JobFile | None) -> dict | None:
    """Fetch the site (``--crawl``) or single pages (``--fetch``), remove ``--remove``; None when not asked."""
    if not (args.crawl or args.fetch or args.remove):
        return None
    from indexer.ingest.crawl import CrawlError, CrawlPolicy, crawl

    if job:
        job.update(phase="ophalen")
    starts = args.crawl or args.fetch
    policy = CrawlPolicy(block_private_networks=args.block_private_networks, delay_seconds=args.crawl_delay,
                         allowed_hosts=allowed_hosts(args.crawl or args.fetch or args.remove))
    try:
        report = crawl(starts, Path(args.corpus), policy=policy, only_urls=args.fetch or None,
                       remove_urls=tuple(args.remove or ()))
    except CrawlError as exc:
        raise Refusal(str(exc)) from None
    summary = {"added": report.added, "changed": report.changed, "unchanged": len(report.unchanged),
               "removed": report.removed, "skipped": [list(item) for item in report.skipped],
               "summary": report.summary()}
    print(report.summary(), flush=True)
    return summary


def allowed_hosts(urls: list[str]) -> tuple[str, ...]:
    """The hosts a crawl may visit: those of the URLs it was given."""
    from urllib.parse import urlsplit

    return tuple(sorted({urlsplit(url).hostname or "" for url in urls} - {""}))


def build(args: argparse.Namespace, progress: Progress):
    """The incremental build itself; refusals become Refusal."""
    from indexer.ingest.build import build_index
    from indexer.ingest.corpus import Limits
    from indexer.ingest.generations import BuildRefused
    from indexer.ingest.crawl import CrawlError
    from indexer.ingest.manifest import ManifestError

    limits = Limits(max_bytes=int(args.max_file_mb * 1024 * 1024), max_seconds=args.max_file_seconds)
    try:
        return build_index(Path(args.corpus), Path(args.index), limits=limits, max_shrink=args.max_shrink,
                           allow_shrink=args.allow_shrink, incremental=True, progress=progress,
                           wait_seconds=args.wait)
    except (BuildRefused, ManifestError, CrawlError) as exc:
        raise Refusal(str(exc)) from None


def print_outcome(outcome: dict, crawl_summary: dict | None) -> None:
    """What changed, for the person or log that started the reindex."""
    for label, key in (("toegevoegd", "added"), ("gewijzigd", "changed"), ("verwijderd", "removed")):
        print(f"{label}: {len(outcome[key])}" + "".join(f"\n  {doc_id}" for doc_id in outcome[key]))
    print(f"overgeslagen: {len(outcome['skipped'])}" +
          "".join(f"\n  {name}: {reason}" for name, reason in outcome["skipped"]))
    print(f"{outcome['documents']} documenten, {outcome['sections']} secties; "
          f"{outcome['reused_files']} bestanden ongewijzigd hergebruikt; {outcome['seconds']:.2f} s", flush=True)
