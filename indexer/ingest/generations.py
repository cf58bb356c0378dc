"""The life of index generations on disk: one build at a time, the atomic swap, what is kept.

A build writes a new generation directory next to the index path, marks it complete as
its last act, and only then repoints the index path (a symlink) at it. Two complete
generations are kept, so the previous one is always a good fallback; partial ones (a
failed or killed build) are removed by the next build.
"""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
from contextlib import contextmanager
from pathlib import Path

from ..schema import COMPLETE_MARKER, LEXICON_FILE, generations, is_complete

KEEP = 2


class BuildRefused(RuntimeError):
    """A build that must not replace the live index; the message says why (Dutch) and what to do."""


@contextmanager
def build_lock(index_dir: Path, wait_seconds: float = 0):
    """Hold the index path's build lock, waiting at most ``wait_seconds`` for another build to end,
    else refuse. The OS releases the lock when its process dies, so a killed build never blocks."""
    path = index_dir.with_name(index_dir.name + ".lock")
    deadline = time.monotonic() + wait_seconds
    with path.open("a") as handle:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise BuildRefused(f"Er loopt al een indexering van {index_dir}; "
                                       f"probeer het opnieuw als die klaar is.") from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def live_generation(index_dir: Path) -> Path | None:
    """The generation the index path points at now, if any."""
    return Path(os.path.realpath(index_dir)) if index_dir.is_symlink() and index_dir.exists() else None


def live_document_count(index_dir: Path) -> int:
    """How many documents the live generation holds (0 without one)."""
    live = live_generation(index_dir)
    if live is None or not (live / LEXICON_FILE).exists():
        return 0
    return len(json.loads((live / LEXICON_FILE).read_text(encoding="utf-8")).get("documents", {}))


def check_shrink(index_dir: Path, documents: int, max_shrink: float, allow_shrink: bool) -> None:
    """Refuse a build that would drop more than ``max_shrink`` of the live documents, or index nothing."""
    if allow_shrink:
        return
    live = live_document_count(index_dir)
    if documents == 0:
        raise BuildRefused("Geen enkel document geïndexeerd; de bestaande index blijft staan "
                           "(gebruik --allow-shrink om toch een lege index te maken).")
    if live and documents < live * (1 - max_shrink):
        raise BuildRefused(f"De nieuwe index zou {live - documents} van de {live} documenten verliezen "
                           f"(meer dan {max_shrink:.0%}); de bestaande index blijft staan "
                           f"(gebruik --allow-shrink als dat de bedoeling is).")


def mark_complete(generation: Path) -> None:
    (generation / COMPLETE_MARKER).write_text("", encoding="utf-8")


def remove_partial(index_dir: Path) -> None:
    """Remove generations that were never completed (a failed or killed build). Call under the lock."""
    live = live_generation(index_dir)
    for generation in generations(index_dir):
        if not is_complete(generation) and generation != live:
            shutil.rmtree(generation, ignore_errors=True)


def swap_generation(index_dir: Path, generation: Path) -> None:
    """Point index_dir (a symlink) at a complete generation atomically; keep one older complete one."""
    if not is_complete(generation):
        raise RuntimeError(f"refusing to serve a partial generation: {generation}")
    if index_dir.exists() and not index_dir.is_symlink():
        shutil.rmtree(index_dir)          # a plain directory from an older layout
    temporary = index_dir.with_name(index_dir.name + ".swap")
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    temporary.symlink_to(generation.name)
    os.replace(temporary, index_dir)
    complete = [g for g in generations(index_dir) if is_complete(g)]
    for old in complete[:-KEEP]:
        if old != generation:
            shutil.rmtree(old, ignore_errors=True)
